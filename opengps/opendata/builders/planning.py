"""The planning section and the release of a purchase intention (采购意向)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opengps.opendata import ocds
from opengps.opendata.builders.common import (
    Parties,
    _day_end,
    _release,
    _source,
    plan_ocid,
)
from opengps.planning.models import PurchaseIntention, PurchasePlan
from opengps.rules.procedures import parse_method


def _planning(plan: PurchasePlan, intention: PurchaseIntention | None) -> dict[str, Any]:
    project = plan.project
    return ocds.compact(
        {
            "rationale": intention.summary if intention else "",
            "budget": ocds.compact(
                {
                    "id": f"PLAN-{plan.pk}",
                    "description": plan.budget_line.name,
                    "amount": ocds.value(plan.amount),
                    "project": project.name,
                    "projectID": str(project.pk),
                }
            ),
            "milestones": [
                {
                    "id": "procurement-start",
                    "title": "预计采购开始日期",
                    "type": "preProcurement",
                    "dueDate": _day_end(plan.procurement_starts_on),
                    "status": "scheduled",
                }
            ],
        }
    )


def build_planning_release(
    plan: PurchasePlan, *, release_id: str, moment: datetime, tag: str
) -> dict[str, Any]:
    """The purchase intention (采购意向): a planned process, before any procurement exists."""
    plan = PurchasePlan.objects.select_related("unit__region", "project", "budget_line").get(pk=plan.pk)
    intention = PurchaseIntention.objects.filter(plan=plan).first()
    parties = Parties()
    buyer = parties.unit(plan.unit, "buyer")
    method = parse_method(plan.method)
    release = _release(plan_ocid(plan), release_id, moment, tag)
    release.update(
        {
            "parties": parties.as_list(),
            "buyer": buyer,
            "planning": _planning(plan, intention),
            "tender": ocds.compact(
                {
                    "id": f"PLAN-{plan.pk}",
                    "title": intention.title if intention else plan.title,
                    "description": intention.summary if intention else "",
                    "status": "planned",
                    "value": ocds.value(plan.amount),
                    "procurementMethod": ocds.procurement_method(method, _source(method)),
                    "procurementMethodDetails": ocds.procurement_method_details(method),
                    "mainProcurementCategory": "services",
                }
            ),
        }
    )
    return release
