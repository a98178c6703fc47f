"""Awards: announced results (中标（成交）结果) and framework shortlists (入围结果)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from opengps.evaluation.models import Award, FrameworkShortlist
from opengps.opendata import ocds
from opengps.opendata.builders.common import (
    Parties,
    _document,
    _moment,
)
from opengps.procurement.models import Procurement


def _awards(procurement: Procurement, parties: Parties) -> list[dict[str, Any]]:

    awards = (
        Award.objects.filter(evaluation__procurement=procurement, announced_at__isnull=False)
        .select_related("lot", "winner__organization__region")
        .order_by("lot__number")
    )
    rows = []
    for award in awards:
        suppliers = []
        if award.winner is not None:
            suppliers.append(parties.organization(award.winner.organization, "supplier"))
        rows.append(
            ocds.compact(
                {
                    "id": f"lot-{award.lot.number}",
                    "title": award.lot.title,
                    "status": "active",
                    "date": _moment(award.announced_at),
                    "value": ocds.value(award.winner.price_total) if award.winner else None,
                    "suppliers": suppliers,
                    "relatedLots": [str(award.lot.number)],
                    "documents": _award_documents(procurement, award),
                }
            )
        )
    return rows + _framework_awards(procurement, parties)


def _award_documents(procurement: Procurement, award: Any) -> list[dict[str, Any]]:
    """中标（成交）结果公告: the lot's page on the portal, and the whole result as PDF once every lot
    of the procurement is announced with its winner (when the PDF is served)."""

    if award.winner is None:
        return []
    title = f"中标（成交）结果公告：{procurement.title}"
    documents = [
        _document(
            "result",
            "awardNotice",
            title,
            reverse("portal:notice", kwargs={"kind": "result", "pk": award.pk}),
            _moment(award.announced_at),
            "text/html",
        )
    ]
    lots = Award.objects.filter(evaluation__procurement=procurement)
    if not lots.filter(Q(announced_at__isnull=True) | Q(winner__isnull=True)).exists():
        documents.append(
            _document(
                "result-pdf",
                "awardNotice",
                f"{title}（PDF）",
                reverse("evaluation:result-pdf", kwargs={"pk": procurement.pk}),
                _moment(award.announced_at),
                "application/pdf",
            )
        )
    return documents


def _framework_awards(procurement: Procurement, parties: Parties) -> list[dict[str, Any]]:
    """An announced framework shortlist (入围结果, O110 §28) is one award per lot naming every
    shortlisted supplier; the agreement prices are in the bids, so the award has no value. Its
    document is the 入围结果公告 page on the portal (awardNotice)."""

    shortlists = (
        FrameworkShortlist.objects.filter(evaluation__procurement=procurement, announced_at__isnull=False)
        .select_related("lot")
        .prefetch_related("members__organization__region")
        .order_by("lot__number")
    )
    rows = []
    for shortlist in shortlists:
        members = sorted(shortlist.members.all(), key=lambda m: m.rank)
        rows.append(
            {
                "id": f"lot-{shortlist.lot.number}",
                "title": shortlist.lot.title,
                "description": f"框架协议入围供应商 {len(members)} 家（{shortlist.citation}）",
                "status": "active",
                "date": _moment(shortlist.announced_at),
                "suppliers": [parties.organization(m.organization, "supplier") for m in members],
                "relatedLots": [str(shortlist.lot.number)],
                "documents": [
                    _document(
                        "shortlist",
                        "awardNotice",
                        f"入围结果公告：{procurement.title}（{shortlist.lot.title}）",
                        reverse("portal:notice", kwargs={"kind": "shortlist", "pk": shortlist.pk}),
                        _moment(shortlist.announced_at),
                        "text/html",
                    )
                ],
            }
        )
    return rows
