"""Checks over published processes shared by the scenario and demo tests: one ocid per plan and
its first procurement, and `relatedProcesses` both ways for a plan's later procurements."""

from __future__ import annotations

import json
from typing import Any

from opengps.opendata import builders
from opengps.opendata.builders.common import PUBLISHED
from opengps.opendata.models import Record
from opengps.planning.models import PurchasePlan
from opengps.procurement.models import Procurement


def _links(ocid: str) -> dict[str, set[str]]:
    """identifier → relationships of the compiled release of `ocid` (empty when no record)."""
    compiled = json.loads(Record.objects.filter(ocid=ocid).values_list("compiled", flat=True).first() or "{}")
    return {r["identifier"]: set(r["relationship"]) for r in compiled.get("relatedProcesses") or []}


def process_link_problems() -> list[str]:
    """Every way the published processes depart from the rule, as readable lines (empty: none).

    A plan whose only published procurement is one has one record (the plan's ocid) and no link to
    itself; a plan with several: the first continues the plan's ocid, every later one has its own
    record, links the plan's process (``planning``) and is linked back (``replacementProcess``); every
    ``ocid`` link of every record resolves to a record.
    """
    problems: list[str] = []
    records = set(Record.objects.values_list("ocid", flat=True))
    plan_ids = Procurement.objects.filter(PUBLISHED).values_list("plan_id", flat=True).distinct()
    for plan in PurchasePlan.objects.filter(pk__in=plan_ids).order_by("pk"):
        plan_ocid = builders.plan_ocid(plan)
        procurements = list(Procurement.objects.filter(plan=plan).filter(PUBLISHED).order_by("pk"))
        first, later = procurements[0], procurements[1:]
        if builders.procurement_ocid(first) != plan_ocid or plan_ocid not in records:
            problems.append(f"{first.reference}: not published as the plan's process {plan_ocid}")
        if plan_ocid in _links(plan_ocid):
            problems.append(f"{plan_ocid} links itself")
        for procurement in later:
            ocid = builders.procurement_ocid(procurement)
            if ocid == plan_ocid or ocid not in records:
                problems.append(f"{procurement.reference}: no record of its own ({ocid})")
            if "planning" not in _links(ocid).get(plan_ocid, set()):
                problems.append(f"{ocid} does not link its plan's process {plan_ocid}")
            if "replacementProcess" not in _links(plan_ocid).get(ocid, set()):
                problems.append(f"{plan_ocid} does not link the later process {ocid}")
    problems += _unresolved(records)
    return problems


def _unresolved(records: set[str]) -> list[str]:
    problems = []
    for ocid in sorted(records):
        for identifier in _links(ocid):
            if identifier not in records:
                problems.append(f"{ocid} links {identifier}, which has no record")
    return problems


def process_counts() -> dict[str, Any]:
    """Plans with a published procurement, and the records a data user counts as processes."""
    return {
        "records": Record.objects.count(),
        "planned_only": sum(
            1
            for compiled in Record.objects.values_list("compiled", flat=True)
            if json.loads(compiled).get("tender", {}).get("status") == "planned"
        ),
    }
