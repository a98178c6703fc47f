"""Reads of the public portal: published notices only, by kind, with filters and Chinese search.

Each kind of notice (`KINDS`) says which rows are public and how to read them. Nothing here
reads bids, bid counts or the documents register: the only bid data shown is the opening
record, which exists only after the deadline (RULES.md §12; O87 §28, §40).

Search is substring search (`LIKE '%词%'`) over the titles and texts of each kind, one term per
whitespace-separated word, all terms required. Chinese has no letter case, so a plain
``contains`` is exact on SQLite and PostgreSQL alike; terms with Latin letters use
``icontains``. On PostgreSQL the portal migration adds pg_trgm indexes on the main titles, so
the same queries stay fast for terms of three characters or more.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region, Unit
from opengps.contracts.models import Acceptance, Contract
from opengps.core import clock
from opengps.core.errors import NotFound, one_or_not_found
from opengps.core.inputs import as_id
from opengps.core.paging import PageNumbers
from opengps.evaluation.models import Award, FrameworkMember, FrameworkShortlist
from opengps.performance.models import EvaluationStatus, PerformanceEvaluation
from opengps.planning.models import PurchaseIntention
from opengps.portal.errors import Code
from opengps.procurement.models import Clarification, OpeningRecord, Procurement, ProcurementStatus
from opengps.registry.models import Organization

BEIJING = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 20
DATE_FIELDS = ("published_on", "notice_published_on")
"""Kinds dated by a day, not a moment."""
MAX_TERMS = 5
PROCUREMENT_KINDS = ("announcement", "single_source", "failed", "cancelled")
FAILED_STATUSES = (
    ProcurementStatus.FAILED,
    ProcurementStatus.RETENDERED,
    ProcurementStatus.METHOD_CHANGE_REQUESTED,
    ProcurementStatus.METHOD_CHANGED,
)


@dataclass(frozen=True)
class Kind:
    """One kind of public notice and how to read it."""

    key: str
    label: Any
    model: type[Any]
    public: Callable[[], QuerySet[Any]]
    date_field: str
    search_fields: tuple[str, ...]
    unit_path: str
    category_path: str
    related: tuple[str, ...]


def _intentions() -> QuerySet[Any]:
    return PurchaseIntention.objects.filter(published_on__lte=clock.today())


def _announcements() -> QuerySet[Any]:
    return Procurement.objects.filter(announced_at__isnull=False)


def _single_source_notices() -> QuerySet[Any]:
    return Procurement.objects.filter(method="single_source", notice_published_on__isnull=False)


def _amendments() -> QuerySet[Any]:
    return Clarification.objects.filter(procurement__announced_at__isnull=False)


def _results() -> QuerySet[Any]:
    return Award.objects.filter(announced_at__isnull=False, winner__isnull=False)


def _shortlists() -> QuerySet[Any]:
    """Announced framework shortlists (入围结果公告, O110 §28), with how many suppliers each has."""
    announced = FrameworkShortlist.objects.filter(announced_at__isnull=False)
    return announced.annotate(member_count=Count("members"))


def _contracts() -> QuerySet[Any]:
    return Contract.objects.filter(published_at__isnull=False)


def _acceptances() -> QuerySet[Any]:
    return Acceptance.objects.filter(published=True, published_at__isnull=False)


def _performance() -> QuerySet[Any]:
    return PerformanceEvaluation.objects.filter(status=EvaluationStatus.PUBLISHED, published_at__isnull=False)


def _failed() -> QuerySet[Any]:
    return Procurement.objects.filter(announced_at__isnull=False, status__in=FAILED_STATUSES)


def _cancelled() -> QuerySet[Any]:
    return Procurement.objects.filter(announced_at__isnull=False, status=ProcurementStatus.CANCELLED)


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "intention",
            _("采购意向"),
            PurchaseIntention,
            _intentions,
            "published_on",
            ("title", "summary"),
            "plan__unit",
            "plan__project__items__code",
            ("plan__unit",),
        ),
        Kind(
            "announcement",
            _("采购公告"),
            Procurement,
            _announcements,
            "announced_at",
            ("title", "reference"),
            "purchaser",
            "plan__project__items__code",
            ("purchaser",),
        ),
        Kind(
            "single_source",
            _("单一来源采购公示"),
            Procurement,
            _single_source_notices,
            "notice_published_on",
            ("title", "reference", "single_source_reason"),
            "purchaser",
            "plan__project__items__code",
            ("purchaser", "single_source_supplier"),
        ),
        Kind(
            "amendment",
            _("更正（澄清）公告"),
            Clarification,
            _amendments,
            "published_at",
            ("text", "procurement__title"),
            "procurement__purchaser",
            "procurement__plan__project__items__code",
            ("procurement__purchaser",),
        ),
        Kind(
            "result",
            _("中标（成交）结果公告"),
            Award,
            _results,
            "announced_at",
            ("evaluation__procurement__title", "lot__title", "winner__organization__name"),
            "evaluation__procurement__purchaser",
            "evaluation__procurement__plan__project__items__code",
            ("evaluation__procurement__purchaser", "lot", "winner__organization"),
        ),
        Kind(
            "shortlist",
            _("入围结果公告"),
            FrameworkShortlist,
            _shortlists,
            "announced_at",
            ("evaluation__procurement__title", "evaluation__procurement__reference", "lot__title"),
            "evaluation__procurement__purchaser",
            "evaluation__procurement__plan__project__items__code",
            ("evaluation__procurement__purchaser", "lot"),
        ),
        Kind(
            "contract",
            _("合同公告"),
            Contract,
            _contracts,
            "published_at",
            ("title", "reference", "supplier__name"),
            "purchaser",
            "procurement__plan__project__items__code",
            ("purchaser", "supplier"),
        ),
        Kind(
            "acceptance",
            _("履约验收结果"),
            Acceptance,
            _acceptances,
            "published_at",
            ("title", "contract__title", "contract__supplier__name"),
            "contract__purchaser",
            "contract__procurement__plan__project__items__code",
            ("contract__purchaser", "contract__supplier"),
        ),
        Kind(
            "performance",
            _("绩效评价结果"),
            PerformanceEvaluation,
            _performance,
            "published_at",
            ("contract__title", "period", "contract__supplier__name"),
            "contract__purchaser",
            "contract__procurement__plan__project__items__code",
            ("contract__purchaser", "contract__supplier"),
        ),
        Kind(
            "failed",
            _("采购失败（废标）公告"),
            Procurement,
            _failed,
            "announced_at",
            ("title", "reference", "outcome_reason"),
            "purchaser",
            "plan__project__items__code",
            ("purchaser",),
        ),
        Kind(
            "cancelled",
            _("终止公告"),
            Procurement,
            _cancelled,
            "announced_at",
            ("title", "reference", "outcome_reason"),
            "purchaser",
            "plan__project__items__code",
            ("purchaser",),
        ),
    )
}


def kind_or_404(key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise NotFound(Code.PORTAL_KIND_NOT_FOUND)
    return kind


@dataclass(frozen=True)
class PortalFilters:
    """The public filters, already cleaned; unknown values are dropped, never an error."""

    q: str = ""
    unit: int | None = None
    region: str = ""
    category: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PortalFilters:
        def text(name: str, limit: int = 60) -> str:
            return str(params.get(name) or "").strip()[:limit]

        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(text(name, 10))
            except ValueError:
                return None

        unit = text("unit")
        region = text("region")
        category = text("category", 20)
        return cls(
            q=text("q", 100),
            unit=as_id(unit),
            region=region if re.fullmatch(r"[0-9]{6}", region) else "",
            category=category if re.fullmatch(r"[A-Z][0-9A-Z]{0,19}", category) else "",
            date_from=day("from"),
            date_to=day("to"),
        )

    def as_params(self) -> dict[str, str]:
        params = {
            "q": self.q,
            "unit": str(self.unit or ""),
            "region": self.region,
            "category": self.category,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in params.items() if v}

    @property
    def querystring(self) -> str:
        return urlencode(self.as_params())

    @property
    def active(self) -> bool:
        return bool(self.as_params())


def search_terms(q: str) -> list[str]:
    """Whitespace-separated terms (full-width spaces too), at most MAX_TERMS."""
    return [term for term in re.split(r"[\s\u3000]+", q.strip()) if term][:MAX_TERMS]


def _term_q(fields: tuple[str, ...], term: str) -> Q:
    lookup = "icontains" if any(c.isascii() and c.isalpha() for c in term) else "contains"
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": term})
    return condition


def _boundary(kind: Kind, day: date, *, end: bool) -> Any:
    if kind.date_field in DATE_FIELDS:
        return day
    moment = datetime.combine(day, time.max if end else time.min)
    return timezone.make_aware(moment)


def filtered(kind: Kind, filters: PortalFilters) -> QuerySet[Any]:
    qs = kind.public()
    for term in search_terms(filters.q):
        qs = qs.filter(_term_q(kind.search_fields, term))
    if filters.unit:
        qs = qs.filter(**{f"{kind.unit_path}_id": filters.unit})
    if filters.region and filters.region != "430000":
        path = f"{kind.unit_path}__region"
        qs = qs.filter(
            Q(**{f"{path}_id": filters.region})
            | Q(**{f"{path}__parent_id": filters.region})
            | Q(**{f"{path}__parent__parent_id": filters.region})
        )
    if filters.category:
        # an M2M path: a sub-select keeps one row per notice without DISTINCT
        matching = (
            kind.public().filter(**{f"{kind.category_path}__startswith": filters.category}).values("pk")
        )
        qs = qs.filter(pk__in=matching)
    if filters.date_from:
        qs = qs.filter(**{f"{kind.date_field}__gte": _boundary(kind, filters.date_from, end=False)})
    if filters.date_to:
        qs = qs.filter(**{f"{kind.date_field}__lte": _boundary(kind, filters.date_to, end=True)})
    return qs.select_related(*kind.related).order_by(f"-{kind.date_field}", "-pk")


@dataclass
class NoticeItem:
    """One row of a list, a search result or a feed entry."""

    kind: str
    kind_label: Any
    pk: int
    title: str
    when: date | datetime | None
    unit: str
    unit_id: int | None
    summary: str
    amount: Decimal | None = None

    @property
    def url(self) -> str:
        return reverse("portal:notice", args=[self.kind, self.pk])

    @property
    def when_text(self) -> str:
        """Beijing time for moments, the plain date for days."""
        if isinstance(self.when, datetime):
            return timezone.localtime(self.when, BEIJING).strftime("%Y-%m-%d %H:%M")
        return self.when.isoformat() if self.when else ""


def _unit_of(kind: Kind, obj: Any) -> Unit | None:
    value: Any = obj
    for part in kind.unit_path.split("__"):
        value = getattr(value, part)
    return value if isinstance(value, Unit) else None


def to_item(kind: Kind, obj: Any) -> NoticeItem:
    unit = _unit_of(kind, obj)
    title, summary, amount = _describe(kind.key, obj)
    return NoticeItem(
        kind=kind.key,
        kind_label=kind.label,
        pk=obj.pk,
        title=title,
        when=getattr(obj, kind.date_field),
        unit=unit.name if unit else "",
        unit_id=unit.pk if unit else None,
        summary=summary,
        amount=amount,
    )


def _describe(key: str, obj: Any) -> tuple[str, str, Decimal | None]:
    if key == "intention":
        return obj.title, obj.summary[:200], obj.budget_amount
    if key == "single_source":
        supplier = obj.single_source_supplier.name if obj.single_source_supplier else ""
        return f"{obj.title}（{obj.reference}）", f"{supplier} · {obj.single_source_reason[:160]}", obj.budget
    if key in PROCUREMENT_KINDS:
        return f"{obj.title}（{obj.reference}）", obj.outcome_reason[:200], obj.budget
    if key == "amendment":
        return f"{obj.procurement.title} · {obj.get_kind_display()}", obj.text[:200], None
    if key == "result":
        return (
            f"{obj.evaluation.procurement.title} · {obj.lot.title}",
            str(_("中标（成交）供应商：%(name)s") % {"name": obj.winner.organization.name}),
            obj.winner.price_total,
        )
    if key == "shortlist":
        return (
            f"{obj.evaluation.procurement.title} · {obj.lot.title}",
            str(_("框架协议入围供应商 %(count)s 家") % {"count": obj.member_count}),
            None,
        )
    if key == "contract":
        return obj.title, str(_("供应商：%(name)s") % {"name": obj.supplier.name}), obj.amount
    if key == "acceptance":
        return f"{obj.contract.title} · {obj.title}", str(obj.get_result_display()), None
    return f"{obj.contract.title} · {obj.period}", str(_("综合得分：%(score)s") % {"score": obj.score}), None


@dataclass
class Page(PageNumbers):
    items: list[NoticeItem]
    count: int
    page: int
    page_size: int = PAGE_SIZE
    filters: PortalFilters = field(default_factory=PortalFilters)


def notice_page(kind_key: str, filters: PortalFilters | None = None, page: int = 1) -> Page:
    """One page of one kind: a count query and a page query (joins, no N+1)."""
    kind = kind_or_404(kind_key)
    filters = filters or PortalFilters()
    qs = filtered(kind, filters)
    count = qs.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = max(1, min(page, pages))
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return Page([to_item(kind, row) for row in rows], count, page, filters=filters)


@dataclass
class SearchResults:
    filters: PortalFilters
    counts: dict[str, int]
    items: list[NoticeItem]


def search(filters: PortalFilters, *, per_kind: int = 10) -> SearchResults:
    """Every kind matching the filters: a count and the latest `per_kind` rows of each."""
    counts: dict[str, int] = {}
    items: list[NoticeItem] = []
    for key, kind in KINDS.items():
        qs = filtered(kind, filters)
        counts[key] = qs.count()
        if counts[key] and per_kind:
            items.extend(to_item(kind, row) for row in qs[:per_kind])
    items.sort(key=lambda item: _sort_key(item.when), reverse=True)
    return SearchResults(filters, counts, items)


def _sort_key(when: date | datetime | None) -> datetime:
    if when is None:
        return datetime.min.replace(tzinfo=timezone.get_current_timezone())
    if isinstance(when, datetime):
        return when
    return timezone.make_aware(datetime.combine(when, time.min))


def latest(kind_key: str, limit: int = 5) -> list[NoticeItem]:
    kind = kind_or_404(kind_key)
    return [to_item(kind, row) for row in filtered(kind, PortalFilters())[:limit]]


def notice(kind_key: str, pk: int) -> tuple[Kind, Any]:
    """One public notice; NotFound when it is not (or not yet) public."""
    kind = kind_or_404(kind_key)
    return kind, one_or_not_found(
        kind.public().select_related(*kind.related), pk, Code.PORTAL_NOTICE_NOT_FOUND
    )


def shortlist_members(shortlist: FrameworkShortlist) -> list[FrameworkMember]:
    """The shortlisted suppliers of an announced shortlist in rank order, with their agreement prices
    (入围单价) and addresses, as the 入围结果公告 lists them (O110 §28(3), (5))."""
    return list(shortlist.members.select_related("organization").order_by("rank"))


def opening_of(procurement: Procurement) -> OpeningRecord | None:
    """The opening minutes, which exist only once the bids were opened after the deadline.

    `procurement_open` refuses before the deadline (sealing.unwrap_for_opening), so an opening
    record is itself the proof that the deadline has passed.
    """
    return OpeningRecord.objects.filter(procurement=procurement).first()


def unit_history(unit_id: int, limit: int = 50) -> tuple[Unit, dict[str, list[NoticeItem]]]:
    """What a unit announced, bought and accepted, by kind."""
    unit = one_or_not_found(Unit.objects.select_related("region"), unit_id, Code.PORTAL_UNIT_NOT_FOUND)
    filters = PortalFilters(unit=unit.pk)
    history = {
        key: [to_item(kind, row) for row in filtered(kind, filters)[:limit]] for key, kind in KINDS.items()
    }
    return unit, history


def organization_history(org_id: int, limit: int = 50) -> tuple[Organization, dict[str, list[NoticeItem]]]:
    """What a supplier won, and its contracts, acceptances and performance results."""
    org = one_or_not_found(
        Organization.objects.select_related("region"), org_id, Code.PORTAL_ORGANIZATION_NOT_FOUND
    )
    paths = {
        "result": "winner__organization",
        "shortlist": "members__organization",
        "contract": "supplier",
        "acceptance": "contract__supplier",
        "performance": "contract__supplier",
    }
    history = {}
    for key, path in paths.items():
        kind = KINDS[key]
        qs = filtered(kind, PortalFilters()).filter(**{f"{path}_id": org.pk})
        history[key] = [to_item(kind, row) for row in qs[:limit]]
    return org, history


def region_choices() -> QuerySet[Region]:
    return Region.objects.exclude(level=Region.Level.COUNTY).only("code", "name").order_by("code")


def unit_choices() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).only("pk", "name").order_by("name")
