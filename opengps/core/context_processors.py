"""Template context shared by every page: the platform's version and the sidebar (`layout_nav`).

The sidebar follows the lifecycle (the folder tree's order): registry → catalogue → planning →
procurement → evaluation → contracts → performance → grants → disclosure and open data → oversight
→ rules. Each entry names who may use it; a section with no entry for the viewer is not shown. The
roles are the `accounts.Role` values as text (core sits below accounts in the layers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opengps import __version__

EXPERTS_ROLES = ("agency", "finance", "auditor", "admin")
"""Who browses the expert pool (experts.selectors)."""
OVERSIGHT_ROLES = ("finance", "auditor", "admin")
"""Who reads the red flags (oversight.views)."""
DRAW_ROLES = ("purchaser", "agency", "finance", "auditor", "admin")
"""Who has expert draws to read (experts.selectors.draw_list)."""
PLANNING_ROLES = ("purchaser", "agency", "finance", "auditor", "admin")
"""Who has budget lines, projects or plans to read (planning.selectors); visitors see the intentions."""
TEMPLATE_ROLES = ("finance", "evaluator", "auditor", "admin")
"""Who works with the performance indicator templates (finance keeps them, evaluators use them)."""
EMALL_ORDER_ROLES = ("purchaser", "supplier", "emall_operator", "auditor", "admin")
"""Who has e-mall orders to follow (emall.selectors.orders_visible)."""
STATS_ROLES = ("finance", "registration", "auditor", "admin")
"""Who reads the statistics dashboards (stats.selectors.READERS)."""
LATE_ROLES = ("purchaser", "finance", "auditor", "admin")
"""Who follows overdue contract items (contracts.views.late)."""
OPINION_ROLES = ("registration", "admin", "auditor", "purchaser", "finance")
"""Who reads the public-opinion desk (opinion.selectors.READERS)."""
ASSESSMENT_ROLES = ("registration", "evaluator", "supplier", "auditor", "admin")
"""Who has rating-assessment rounds to see (assessment.selectors.rounds_visible)."""

Audience = Callable[[Any], bool]
"""Given the signed-in user (or None for a visitor): may they use the entry?"""


def everyone(user: Any) -> bool:
    return True


def signed_in(user: Any) -> bool:
    return user is not None


def roles(*names: str) -> Audience:
    def audience(user: Any) -> bool:
        return user is not None and getattr(user, "role", None) in names

    return audience


def audit_readers(user: Any) -> bool:
    return user is not None and bool(getattr(user, "can_read_audit", False))


@dataclass(frozen=True)
class Link:
    """One sidebar entry: its label, URL name and audience."""

    label: Any
    url_name: str
    audience: Audience = everyone
    label_signed_in: Any = None


@dataclass(frozen=True)
class Stage:
    """One lifecycle stage of the sidebar; `namespaces` are the URL namespaces whose pages belong to it."""

    key: str
    label: Any
    links: tuple[Link, ...]
    namespaces: tuple[str, ...] = ()


SIDEBAR: tuple[Stage, ...] = (
    Stage(
        "home",
        _("工作台"),
        (
            Link(_("首页"), "workbench:home", label_signed_in=_("我的工作台")),
            Link(_("日程"), "workbench:agenda", signed_in),
            Link(_("通知中心"), "workbench:reminders", signed_in),
        ),
        ("accounts",),
    ),
    Stage(
        "registry",
        pgettext_lazy("nav", "社会组织库"),
        (
            Link(_("查询社会组织"), "registry:search"),
            Link(_("登记管理"), "registry:manage", roles("registration")),
            Link(
                _("社工站与孵化培育"),
                "capacity:coverage",
                roles("registration", "finance", "auditor", "admin"),
            ),
            Link(_("社会组织评估"), "assessment:index", roles(*ASSESSMENT_ROLES)),
        ),
        ("registry", "capacity", "assessment"),
    ),
    Stage("catalog", _("目录"), (Link(_("指导性目录"), "catalog:index"),), ("catalog",)),
    Stage(
        "planning",
        pgettext_lazy("nav", "项目与计划"),
        (
            Link(pgettext_lazy("nav", "项目与计划"), "planning:workbench", roles(*PLANNING_ROLES)),
            Link(_("采购意向公开"), "planning:intentions"),
        ),
        ("planning",),
    ),
    Stage(
        "procurement",
        _("采购"),
        (
            Link(pgettext_lazy("nav", "采购公告"), "procurement:index"),
            Link(_("采购通知"), "procurement:notifications", roles("supplier")),
            Link(_("投标回执验证"), "procurement:verify", roles("supplier")),
            Link(_("电子卖场"), "emall:index"),
            Link(_("我的入驻与商品"), "emall:supplier", roles("supplier")),
            Link(_("电子卖场订单"), "emall:orders", roles(*EMALL_ORDER_ROLES)),
            Link(_("运营审核"), "emall:operator", roles("emall_operator")),
        ),
        ("procurement", "challenges", "emall"),
    ),
    Stage(
        "evaluation",
        _("评审"),
        (
            Link(_("我的评审邀请"), "experts:invitations", roles("expert")),
            Link(_("专家抽取"), "experts:draws", roles(*DRAW_ROLES)),
            Link(_("专家库"), "experts:list", roles(*EXPERTS_ROLES)),
        ),
        ("evaluation", "experts"),
    ),
    Stage(
        "contracts",
        pgettext_lazy("nav", "合同履约"),
        (
            Link(_("合同与履约验收"), "contracts:index", signed_in),
            Link(_("逾期事项"), "contracts:late", roles(*LATE_ROLES)),
            Link(_("合同公开"), "contracts:public_list"),
        ),
        ("contracts",),
    ),
    Stage(
        "performance",
        pgettext_lazy("nav", "绩效评价"),
        (
            Link(pgettext_lazy("nav", "绩效评价"), "performance:index"),
            Link(_("评价指标模板"), "performance:templates", roles(*TEMPLATE_ROLES)),
        ),
        ("performance",),
    ),
    Stage(
        "grants",
        pgettext_lazy("nav", "公益创投与福彩项目"),
        (
            Link(_("资助项目"), "grants:index"),
            Link(_("公益金使用报告"), "grants:report"),
        ),
        ("grants",),
    ),
    Stage(
        "disclosure",
        pgettext_lazy("nav", "信息公开"),
        (
            Link(pgettext_lazy("nav", "信息公开"), "portal:index"),
            Link(_("全文检索"), "portal:search"),
            Link(_("开放数据"), "opendata:index"),
            Link(_("居民服务查询与反馈"), "residents:finder"),
            Link(_("找社工站"), "capacity:finder"),
            Link(_("公开统计"), "stats:public"),
            Link(_("居民反馈处理"), "residents:inbox", roles("purchaser", "finance")),
            Link(_("合作方接口密钥"), "residents:partners", roles("admin")),
        ),
        ("portal", "opendata", "residents"),
    ),
    Stage(
        "oversight",
        _("监督"),
        (
            Link(pgettext_lazy("nav", "监督预警"), "oversight:index", roles(*OVERSIGHT_ROLES)),
            Link(_("统计分析"), "stats:overview", roles(*STATS_ROLES)),
            Link(_("舆情监测"), "opinion:desk", roles(*OPINION_ROLES)),
            Link(_("审计记录"), "workbench:audit-search", audit_readers),
        ),
        ("oversight", "stats", "opinion"),
    ),
    Stage(
        "rules",
        pgettext_lazy("nav", "法规规则"),
        (
            Link(pgettext_lazy("nav", "法规规则"), "workbench:rules"),
            Link(_("接口文档（API）"), "api-docs"),
        ),
    ),
)
"""The sidebar in lifecycle order."""

VIEW_STAGES = {
    "workbench:rules": "rules",
    "workbench:audit-search": "oversight",
    "workbench:audit-timeline": "oversight",
    "capacity:finder": "disclosure",
    "stats:public": "disclosure",
}
"""Views whose stage is not their namespace's."""


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    entries: tuple[Entry, ...]
    active: bool


@dataclass(frozen=True)
class Navigation:
    """The viewer's sidebar; `active_entry` is the link of the page shown (the default breadcrumb)."""

    sections: tuple[Section, ...]
    active_entry: Entry | None

    def __iter__(self) -> Any:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)


def _viewer(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _stage_of_view(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.view_name in VIEW_STAGES:
        return VIEW_STAGES[match.view_name]
    namespace = match.namespace.split(":")[0] if match.namespace else ""
    if namespace == "workbench":
        return "home"
    return next((stage.key for stage in SIDEBAR if namespace and namespace in stage.namespaces), None)


def navigation(request: HttpRequest) -> Navigation:
    """The sidebar for the request's user, the current page's entry and stage marked active."""
    user = _viewer(request)
    path = request.path
    visible: list[tuple[Stage, list[tuple[str, str]]]] = []
    for stage in SIDEBAR:
        links = []
        for link in stage.links:
            if not link.audience(user):
                continue
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:  # an app left out of this deployment
                continue
            label = link.label_signed_in if (user is not None and link.label_signed_in) else link.label
            links.append((str(label), url))
        if links:
            visible.append((stage, links))
    # the current page's entry: the longest entry URL the path starts with ("/" only for itself)
    urls = [url for _stage, links in visible for _label, url in links]
    candidates = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    current = max(candidates, key=len, default=None)
    fallback = _stage_of_view(request)
    sections = []
    active_entry = None
    for stage, links in visible:
        entries = tuple(Entry(label, url, url == current) for label, url in links)
        active_entry = active_entry or next((e for e in entries if e.active), None)
        is_active = any(e.active for e in entries) if current else stage.key == fallback
        sections.append(Section(stage.key, str(stage.label), entries, is_active))
    return Navigation(tuple(sections), active_entry)


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "platform_version": __version__,
        "experts_roles": EXPERTS_ROLES,
        "oversight_roles": OVERSIGHT_ROLES,
        # lazy: built only by pages that extend base.html, never by htmx fragments
        "layout_nav": SimpleLazyObject(lambda: navigation(request)),
    }
