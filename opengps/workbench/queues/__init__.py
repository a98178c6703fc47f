"""Each role's to-do queues (工作台待办), computed live from the state of the lifecycle apps.

Unlike the nightly reminders (`workbench.selectors.reminders_due`, stored and marked read), a
queue is a read of what is waiting right now: approvals, deadlines in the next working days,
evaluations to score, acceptances and reports due, questions and complaints to answer, red flags,
drafts left behind. Each queue is one function of this package (a module per who acts:
`officials`, `procurement`, `experts`, `suppliers`, `emall`), scoped to the actor exactly as the
page its items link to (the other apps' selectors where they exist), bounded (`QUEUE_LIMIT` items
with the full count) and free of N+1 queries. Items say what to do and link one click to where it is done;
labels and names, never codes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.workbench.queues._base import (
    FULL_LIMIT,
    HORIZON_WORKING_DAYS,
    QUEUE_LIMIT,
    SCAN_LIMIT,
    Context,
    Found,
    Queue,
    QueueItem,
    QueueSpec,
    money,
)
from opengps.workbench.queues.emall import _entries, _listing_versions, _price_flags
from opengps.workbench.queues.experts import _invitations, _to_score
from opengps.workbench.queues.officials import (
    _complaints,
    _finance_approvals,
    _flags,
    _imports,
    _recommendations,
    _unit_approvals,
)
from opengps.workbench.queues.procurement import (
    _acceptances,
    _awards,
    _deadlines,
    _drafts,
    _performance_to_score,
    _questions,
)
from opengps.workbench.queues.suppliers import (
    Standing,
    _bids,
    _payments,
    _ratings,
    _reports_due,
    _stations,
    _supplier_contracts,
    eligibility_of,
)

__all__ = [
    "FULL_LIMIT",
    "HORIZON_WORKING_DAYS",
    "QUEUES",
    "QUEUE_KEYS",
    "QUEUE_LIMIT",
    "SCAN_LIMIT",
    "Context",
    "Found",
    "Queue",
    "QueueItem",
    "QueueSpec",
    "Standing",
    "eligibility_of",
    "money",
    "queue_get",
    "queues_for",
    "role_queue_keys",
]

# --- the queues of each role ---------------------------------------------------------------------

P, A, F, R, S, E, V, AU, AD = (
    Role.PURCHASER,
    Role.AGENCY,
    Role.FINANCE,
    Role.REGISTRATION,
    Role.SUPPLIER,
    Role.EXPERT,
    Role.EVALUATOR,
    Role.AUDITOR,
    Role.ADMIN,
)
EO = Role.EMALL_OPERATOR

QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("approvals", gettext_lazy("待我审批"), _finance_approvals, frozenset({F})),
    QueueSpec("unit-approvals", gettext_lazy("待单位审核的项目"), _unit_approvals, frozenset({P})),
    QueueSpec("recommendations", gettext_lazy("待决定的列入信用名录建议"), _recommendations, frozenset({R})),
    QueueSpec("complaints", gettext_lazy("投诉处理"), _complaints, frozenset({F, AU, AD})),
    QueueSpec("flags", gettext_lazy("风险预警"), _flags, frozenset({F, AU, AD})),
    QueueSpec("deadlines", gettext_lazy("近期截止（%(days)s 个工作日内）"), _deadlines, frozenset({P, A})),
    QueueSpec("questions", gettext_lazy("待答复的询问、质疑和异议"), _questions, frozenset({P, A})),
    QueueSpec("awards", gettext_lazy("定标与合同订立"), _awards, frozenset({P})),
    QueueSpec("acceptances", gettext_lazy("待验收与逾期事项"), _acceptances, frozenset({P})),
    QueueSpec("invitations", gettext_lazy("待答复的评审邀请"), _invitations, frozenset({E})),
    QueueSpec("scoring", gettext_lazy("待评审的项目"), _to_score, frozenset({E})),
    QueueSpec("performance", gettext_lazy("待评分的绩效评价"), _performance_to_score, frozenset({P, V})),
    QueueSpec("bids", gettext_lazy("我的投标"), _bids, frozenset({S})),
    QueueSpec("contracts", gettext_lazy("我的合同"), _supplier_contracts, frozenset({S})),
    QueueSpec("reports", gettext_lazy("履约报告与节点"), _reports_due, frozenset({S})),
    QueueSpec("payments", gettext_lazy("待收款项"), _payments, frozenset({S})),
    QueueSpec("ratings", gettext_lazy("绩效评价与等级"), _ratings, frozenset({S})),
    QueueSpec("stations", gettext_lazy("我运营的社工站"), _stations, frozenset({S})),
    QueueSpec("imports", gettext_lazy("社会组织导入任务"), _imports, frozenset({R, AD})),
    QueueSpec("drafts", gettext_lazy("我的草稿"), _drafts, frozenset({P, A})),
    QueueSpec("emall-entries", gettext_lazy("待审核的电子卖场入驻申请"), _entries, frozenset({EO})),
    QueueSpec("emall-versions", gettext_lazy("待审核的电子卖场商品"), _listing_versions, frozenset({EO})),
    QueueSpec("emall-flags", gettext_lazy("待处理的价格异常提示"), _price_flags, frozenset({EO})),
)
QUEUE_KEYS = frozenset(spec.key for spec in QUEUES)


def _title(spec: QueueSpec) -> str:
    return (
        str(spec.title) % {"days": HORIZON_WORKING_DAYS} if "%(days)s" in str(spec.title) else str(spec.title)
    )


def _run(spec: QueueSpec, actor: Actor, ctx: Context, limit: int) -> Queue:
    items, count = spec.build(actor, ctx, limit)
    return Queue(
        key=spec.key, title=_title(spec), items=items[:limit], count=count, capped=count >= SCAN_LIMIT
    )


def queues_for(*, actor: Actor, ctx: Context | None = None, limit: int = QUEUE_LIMIT) -> list[Queue]:
    """The actor's workbench: every queue of its role, each with its first `limit` items."""
    if not is_authenticated(actor):
        return []
    ctx = ctx or Context.current()
    return [_run(spec, actor, ctx, limit) for spec in QUEUES if actor.role in spec.roles]


def queue_get(*, actor: Actor, key: str, ctx: Context | None = None, limit: int = FULL_LIMIT) -> Queue | None:
    """One of the actor's queues in full (up to `FULL_LIMIT` items); None when its role has none
    of that name."""
    spec = next((s for s in QUEUES if s.key == key), None)
    if spec is None or not is_authenticated(actor) or actor.role not in spec.roles:
        return None
    return _run(spec, actor, ctx or Context.current(), limit)


def role_queue_keys(role: str) -> list[str]:
    return [spec.key for spec in QUEUES if role in spec.roles]
