"""Reads of oversight for finance, auditors and administrators only: runs, flags, thresholds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts import scopes
from opengps.accounts.actors import MaybeActor, Viewer
from opengps.accounts.permissions import require_role
from opengps.core.errors import NotFound
from opengps.core.inputs import as_id
from opengps.evaluation.models import Evaluation
from opengps.oversight.errors import Code
from opengps.oversight.models import Flag, FlagRun, FlagThreshold
from opengps.oversight.services import READERS, thresholds_in_force
from opengps.rules import redflags


def require_reader(actor: MaybeActor) -> None:
    """Only the finance department, auditors and administrators see red flags."""
    require_role(actor, *READERS)


@dataclass(frozen=True)
class FlagFilters:
    code: str = ""
    unit: int | None = None
    region: str = ""
    run: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> FlagFilters:
        code = str(params.get("code") or "").strip()
        unit = str(params.get("unit") or "").strip()
        region = str(params.get("region") or "").strip()
        run = str(params.get("run") or "").strip()
        return cls(
            code=code if code in redflags.FlagCode.__members__ else "",
            unit=as_id(unit),
            region=region if re.fullmatch(r"[0-9]{6}", region) else "",
            run=as_id(run),
        )


def latest_run(*, actor: Viewer) -> FlagRun | None:
    require_reader(actor)
    return FlagRun.objects.select_related("started_by").first()


def run_list(*, actor: Viewer, limit: int = 20) -> list[FlagRun]:
    require_reader(actor)
    return list(FlagRun.objects.select_related("started_by")[:limit])


def _flag_scope(actor: MaybeActor) -> Q:
    """Finance sees the flags of its region and below (by the unit flagged, else the flag's
    region); flags tied to neither (platform-wide supplier patterns) stay visible to it."""
    if scopes.reads_everything(actor):
        return Q()
    prefix = scopes.supervised_prefix(actor) or "-"
    return (
        Q(unit__region__code__startswith=prefix)
        | Q(unit__isnull=True, region__code__startswith=prefix)
        | Q(unit__isnull=True, region__isnull=True)
    )


def flag_list(*, actor: MaybeActor, filters: FlagFilters | None = None, limit: int = 500) -> list[Flag]:
    """Flags of one run (the latest by default), filtered; one query, no N+1."""
    require_reader(actor)
    filters = filters or FlagFilters()
    run_id = filters.run or FlagRun.objects.values_list("pk", flat=True).first()
    if run_id is None:
        return []
    qs: QuerySet[Flag] = Flag.objects.filter(run_id=run_id).select_related(
        "procurement", "lot", "unit", "organization", "region"
    )
    qs = qs.filter(_flag_scope(actor))
    if filters.code:
        qs = qs.filter(code=filters.code)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.region and filters.region != "430000":
        qs = qs.filter(
            Q(region_id=filters.region)
            | Q(region__parent_id=filters.region)
            | Q(region__parent__parent_id=filters.region)
        )
    return list(qs.order_by("code", "id")[:limit])


def flag_detail(*, actor: Viewer, pk: int) -> Flag:
    require_reader(actor)
    flag = (
        Flag.objects.select_related("run", "procurement", "lot", "unit", "organization", "region")
        .filter(pk=pk)
        .first()
    )
    if flag is None or not Flag.objects.filter(_flag_scope(actor), pk=flag.pk).exists():
        raise NotFound(Code.OVERSIGHT_FLAG_NOT_FOUND)
    return flag


def flag_links(flag: Flag) -> list[tuple[str, str]]:
    """Links to the evidence: the procurement, its opening minutes, the evaluation, plans, portal pages."""
    links: list[tuple[str, str]] = []
    if flag.procurement_id:
        links.append((_("采购项目"), reverse("procurement:detail", args=[flag.procurement_id])))
        links.append((_("开标记录（PDF）"), reverse("procurement:opening-pdf", args=[flag.procurement_id])))
        if _has_evaluation(flag.procurement_id):
            links.append((_("评审与定标"), reverse("evaluation:detail", args=[flag.procurement_id])))
    for pk in flag.evidence.get("procurements_list", []) if isinstance(flag.evidence, dict) else []:
        links.append((_("采购项目 #%(pk)s") % {"pk": pk}, reverse("procurement:detail", args=[pk])))
    for plan in flag.evidence.get("plans", []) if isinstance(flag.evidence, dict) else []:
        links.append(
            (
                _("采购实施计划：%(title)s") % {"title": plan["title"]},
                reverse("planning:plan", args=[plan["id"]]),
            )
        )
    if flag.unit_id:
        links.append((_("采购人公开信息"), reverse("portal:unit", args=[flag.unit_id])))
    if flag.organization_id:
        links.append((_("供应商公开信息"), reverse("portal:organization", args=[flag.organization_id])))
    return links


def _has_evaluation(procurement_id: int) -> bool:

    return Evaluation.objects.filter(procurement_id=procurement_id).exists()


@dataclass(frozen=True)
class ThresholdRow:
    key: str
    title: str
    default: str
    in_force: str
    justification: str
    history: list[FlagThreshold]


def threshold_table(*, actor: Viewer, on_date: date) -> list[ThresholdRow]:
    """Every threshold: default with its justification, the value in force, and its overrides."""
    require_reader(actor)
    current = thresholds_in_force(on_date)
    history: dict[str, list[FlagThreshold]] = {}
    for row in FlagThreshold.objects.select_related("set_by").order_by("key", "effective_from"):
        history.setdefault(row.key, []).append(row)
    return [
        ThresholdRow(
            key=spec.key,
            title=spec.title_zh,
            default=str(spec.default),
            in_force=str(getattr(current, spec.key)),
            justification=spec.justification,
            history=history.get(spec.key, []),
        )
        for spec in redflags.THRESHOLDS
    ]
