"""The residents' facts for the assessment of an organization (`opengps.assessment.hooks`): the
ratings of each service it provides and the complaints about them, with their answers. Registered
from `apps.ResidentsConfig.ready`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts.actors import MaybeActor
from opengps.assessment.hooks import Fact
from opengps.registry.models import Organization
from opengps.residents.models import Feedback, FeedbackKind, FeedbackStatus
from opengps.residents.selectors import service_title

COMPLAINT_TONES: dict[str, str] = {
    FeedbackStatus.OPEN: "warn",
    FeedbackStatus.ESCALATED: "bad",
    FeedbackStatus.ANSWERED: "info",
}


def _stars(value: Any) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _contract_url(contract_id: int | None) -> str:
    return reverse("contracts:public_detail", args=[contract_id]) if contract_id else ""


def _of(ids: list[int]) -> Q:
    return Q(contract__supplier__in=ids) | Q(order__supplier__in=ids)


def _ratings(ids: list[int]) -> dict[int, list[Fact]]:
    found: dict[int, list[Fact]] = defaultdict(list)
    rows = (
        Feedback.objects.filter(_of(ids), kind=FeedbackKind.RATING)
        .values(
            "contract_id",
            "contract__title",
            "contract__supplier_id",
            "order__version__title",
            "order__supplier_id",
        )
        .annotate(
            count=Count("id"),
            average=Avg("stars"),
            checked=Count("id", filter=Q(verified=True)),
            checked_average=Avg("stars", filter=Q(verified=True)),
            last=Max("filed_on"),
        )
        .order_by("-last")
    )
    for row in rows:
        org = row["contract__supplier_id"] or row["order__supplier_id"]
        title = row["contract__title"] or row["order__version__title"] or ""
        detail = _("共 %(n)s 条，平均 %(stars)s 星") % {"n": row["count"], "stars": _stars(row["average"])}
        shown = row["average"]
        if row["checked"]:
            detail += _("；其中凭评价码核实 %(n)s 条，平均 %(stars)s 星") % {
                "n": row["checked"],
                "stars": _stars(row["checked_average"]),
            }
            shown = row["checked_average"]
        found[org].append(
            Fact(
                section="social",
                source=_("居民评价和投诉"),
                label=_("居民评价：%(service)s") % {"service": title},
                on=row["last"],
                url=_contract_url(row["contract_id"]),
                tone="ok" if shown >= 4 else ("info" if shown >= 3 else "warn"),
                detail=detail,
                kind="residents.ratings",
            )
        )
    return found


def residents_facts(organizations: Sequence[Organization], *, viewer: MaybeActor) -> dict[int, list[Fact]]:
    """Per service, its ratings (count and average stars, the verified ones apart); each complaint
    with its state (social evaluation). No resident's text, tracking number or photo is shown."""
    ids = [o.pk for o in organizations]
    found = _ratings(ids)
    complaints = (
        Feedback.objects.filter(_of(ids), kind=FeedbackKind.COMPLAINT)
        .select_related("contract", "order__version")
        .order_by("-filed_on", "-pk")
    )
    for item in complaints:
        service: Any = item.contract if item.contract is not None else item.order
        parts = [service_title(item)]
        if item.status == FeedbackStatus.OPEN and item.answer_due:
            parts.append(_("答复期限 %(due)s") % {"due": item.answer_due})
        found[service.supplier_id].append(
            Fact(
                section="social",
                source=_("居民评价和投诉"),
                label=_("居民投诉（%(status)s）") % {"status": item.get_status_display()},
                on=item.filed_on,
                url=_contract_url(item.contract_id),
                tone=COMPLAINT_TONES.get(item.status, "info"),
                detail=" · ".join(parts),
                kind="residents.complaint",
            )
        )
    return found
