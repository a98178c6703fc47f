"""Build OCDS releases from the database state at the moment of a published change.

Every release of a procurement is a full snapshot of what is public about it at that moment
(parties with all their roles, tender, bids once opened, announced awards, public contracts), with
the tag of the change that caused it. Because the merge rules replace whole lists such as
``parties.roles``, a snapshot is what keeps compiled releases right.

Secrecy before the opening (RULES.md §12; O87 §28): bid data is read only from the opening's
`BidReadout` rows, which do not exist before the bids are opened; `BidSubmission`, `BidVersion`,
the documents register and the invitation list are never read here.


The package splits the builders by lifecycle stage; this module assembles a procurement's release
and re-exports the names other modules use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opengps.opendata.builders.awards import _awards
from opengps.opendata.builders.common import (
    FAILED_STATUSES,
    PUBLIC_CONTRACT_STATUSES,
    Parties,
    _release,
    configuration_errors,
    later_procurements,
    ocid_prefix,
    plan_ocid,
    plan_process,
    procurement_ocid,
    public_base_url,
    public_url,
)
from opengps.opendata.builders.contracts import _contracts
from opengps.opendata.builders.emall import (
    build_order_release,
    build_round_release,
    order_ocid,
    order_public,
    round_ocid,
    round_of,
    round_public,
)
from opengps.opendata.builders.planning import _planning, build_planning_release
from opengps.opendata.builders.tender import _bids, _tender
from opengps.planning.models import PurchaseIntention, PurchasePlan
from opengps.procurement.models import Lot, OpeningRecord, Procurement

__all__ = [
    "FAILED_STATUSES",
    "PUBLIC_CONTRACT_STATUSES",
    "Parties",
    "build_order_release",
    "build_planning_release",
    "build_procurement_release",
    "build_round_release",
    "configuration_errors",
    "ocid_prefix",
    "order_ocid",
    "order_public",
    "plan_ocid",
    "plan_process",
    "procurement_ocid",
    "public_base_url",
    "public_url",
    "round_ocid",
    "round_of",
    "round_public",
]


def build_procurement_release(
    procurement: Procurement, *, release_id: str, moment: datetime, tag: str
) -> dict[str, Any]:
    """Everything public about `procurement` now, as one release tagged `tag`."""
    procurement = Procurement.objects.select_related(
        "purchaser__region", "agency__region", "plan__project", "previous", "single_source_supplier__region"
    ).get(pk=procurement.pk)
    lots = list(Lot.objects.filter(procurement=procurement).order_by("number"))
    parties = Parties()
    if procurement.agency is not None:
        buyer = parties.unit(procurement.purchaser, "buyer", "payer")
        procuring = parties.unit(procurement.agency, "procuringEntity")
    else:
        buyer = parties.unit(procurement.purchaser, "buyer", "procuringEntity")
        procuring = buyer
    tender = _tender(procurement, parties, procuring, lots)
    release = _release(procurement_ocid(procurement), release_id, moment, tag)
    plan = procurement.plan
    intention = PurchaseIntention.objects.filter(plan=plan).first()
    release["planning"] = _planning(
        PurchasePlan.objects.select_related("project", "budget_line").get(pk=plan.pk), intention
    )
    opening = OpeningRecord.objects.filter(procurement=procurement).first()
    if opening is not None:
        release["bids"] = _bids(opening, parties, tender, {lot.pk: lot for lot in lots})
    release["tender"] = tender
    awards = _awards(procurement, parties)
    if awards:
        release["awards"] = awards
    contracts = _contracts(procurement, parties, buyer)
    if contracts:
        release["contracts"] = contracts
    related = _related_processes(procurement, release["ocid"], intention)
    if related:
        release["relatedProcesses"] = related
    release["parties"] = parties.as_list()
    release["buyer"] = buyer
    return release


LATER_PROCESS_RELATIONSHIP = "replacementProcess"
"""The plan's process → each later procurement of the plan. OCDS 1.1.5's relatedProcess codelist
has no code for "this planning process led to the related process" (``planning`` is the other
direction) nor for the inverse of ``unsuccessfulProcess``. A later procurement of a plan exists only
because this one failed or was terminated, and replaces it, so the closest documented code is
``replacementProcess`` ("the related process might result in the replacement of this contract");
documented on ``/opendata/``."""


def _related_processes(
    procurement: Procurement, ocid: str, intention: PurchaseIntention | None
) -> list[dict[str, Any]]:
    """Links to the other processes of the plan, one entry per related ocid.

    The plan's first published procurement continues the plan's process (same ocid) and links each
    later procurement of the plan; a later procurement links the plan's process (``planning``) and
    the failed procurement it follows (``unsuccessfulProcess``) — the same process when that is the
    plan's first, hence one entry with both relationships.
    """
    links: dict[str, dict[str, Any]] = {}

    def link(entry_id: str, relationship: str, title: str, identifier: str) -> None:
        if identifier == ocid:
            return
        if identifier in links:
            links[identifier]["relationship"].append(relationship)
            return
        links[identifier] = {
            "id": entry_id,
            "relationship": [relationship],
            "title": title,
            "scheme": "ocid",
            "identifier": identifier,
        }

    plan = procurement.plan
    link("planning", "planning", intention.title if intention else plan.title, plan_ocid(plan))
    if procurement.previous is not None:
        link(
            "previous",
            "unsuccessfulProcess",
            procurement.previous.title,
            procurement_ocid(procurement.previous),
        )
    for later in later_procurements(procurement) if ocid == plan_ocid(plan) else []:
        link(f"later-{later.reference}", LATER_PROCESS_RELATIONSHIP, later.title, procurement_ocid(later))
    return list(links.values())
