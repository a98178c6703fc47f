"""What every release builder shares: settings, ocids, dates, parties, documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from opengps.accounts.models import Unit
from opengps.opendata import ocds
from opengps.planning.models import PurchasePlan
from opengps.procurement.models import Procurement
from opengps.registry.models import Organization
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import procedure_for

PUBLIC_CONTRACT_STATUSES = ("signed", "published", "completed", "terminated")
"""A contract is public once signed (IR §50: published within 2 working days of signing)."""
FAILED_STATUSES = ("failed", "retendered", "method_change_requested", "method_changed")
"""Procurement statuses the portal lists as 采购失败（废标）公告."""


MISSING_SETTING_HELP = """%(name)s is not set, and OPENGPS_DEBUG is off (production).
%(why)s Set it in the service environment; `manage.py check --deploy` lists what is missing.
未设置 %(name)s（生产环境）：开放数据发布后不可更改，请先配置再发布。"""
OCID_PREFIX_WHY = (
    "Every published ocid starts with it and can never change: register the deployment's prefix "
    "with the Open Contracting Partnership (ocds- and 6 characters) and set OPENGPS_OCID_PREFIX."
)
GIVING_PREFIX_WHY = (
    "Every published 360Giving grant id starts with it and can never change: register the publisher's "
    "prefix with 360Giving (360G- and the publisher's name) and set OPENGPS_360G_PREFIX."
)
PUBLIC_URL_WHY = (
    "Published documents and bulk files link to the platform by it: set OPENGPS_PUBLIC_URL to its "
    "public address, e.g. https://gps.example.gov.cn."
)


def _required(name: str, why: str) -> str:
    value = str(getattr(settings, name, "") or "")
    if not value:
        raise ImproperlyConfigured(MISSING_SETTING_HELP % {"name": name, "why": why})
    return value


def public_base_url() -> str:
    """``settings.OPENGPS_PUBLIC_URL``: the platform's public address, base of every published URL."""
    return _required("OPENGPS_PUBLIC_URL", PUBLIC_URL_WHY).rstrip("/")


def public_url(path: str) -> str:
    return f"{public_base_url()}{path}"


def ocid_prefix() -> str:
    """``settings.OPENGPS_OCID_PREFIX``: required in production; development, the demo and the
    tests use the test prefix ``settings.OCDS_TEST_OCID_PREFIX``."""
    return _required("OPENGPS_OCID_PREFIX", OCID_PREFIX_WHY)


def configuration_errors() -> list[tuple[str, str]]:
    """(setting, why) for each open-data setting a production deployment has not set."""
    return [
        (name, why)
        for name, why in (
            ("OPENGPS_OCID_PREFIX", OCID_PREFIX_WHY),
            ("OPENGPS_PUBLIC_URL", PUBLIC_URL_WHY),
            ("OPENGPS_360G_PREFIX", GIVING_PREFIX_WHY),
        )
        if not getattr(settings, name, "")
    ]


PUBLISHED = Q(announced_at__isnull=False) | Q(notice_published_on__isnull=False)
"""A procurement is public from its announcement or, for single-source, its notice (公示)."""


def plan_ocid(plan: PurchasePlan) -> str:
    """The contracting process a plan starts: its purchase intention (采购意向) and then the plan's
    first published procurement, under one ocid (see `shares_plan_ocid`)."""
    return plan_ocid_of(plan.pk)


def plan_ocid_of(plan_id: int) -> str:
    return ocds.ocid(ocid_prefix(), f"PLAN-{plan_id:06d}")


def shares_plan_ocid(procurement: Procurement) -> bool:
    """Whether `procurement` continues its plan's process (the plan's ocid) rather than a new one.

    OCDS recommends one ocid from planning to contract when a plan leads to one procurement. A plan
    has at most one procurement in progress at a time; a second one follows only after the first
    failed or was cancelled (重新招标, 变更采购方式, or a new procurement after a termination).
    So the plan's first published procurement takes the plan's ocid, and each later one gets its
    own, linked both ways (`relatedProcesses`). Stable once published: procurements created before
    a published one can no longer be published (they were cancelled as drafts).
    """
    return not (
        Procurement.objects.filter(plan_id=procurement.plan_id, pk__lt=procurement.pk)
        .filter(PUBLISHED)
        .exists()
    )


def plan_process(plan: PurchasePlan) -> Procurement | None:
    """The plan's published procurement that shares the plan's ocid, if any."""
    return Procurement.objects.filter(plan=plan).filter(PUBLISHED).order_by("pk").first()


def later_procurements(procurement: Procurement) -> list[Procurement]:
    """The published procurements of the same plan after `procurement`, each with its own ocid."""
    return list(
        Procurement.objects.filter(plan_id=procurement.plan_id, pk__gt=procurement.pk)
        .filter(PUBLISHED)
        .order_by("pk")
    )


def procurement_ocid(procurement: Procurement) -> str:
    """The plan's ocid for the plan's first published procurement, else prefix + 采购项目编号."""
    if shares_plan_ocid(procurement):
        return plan_ocid_of(procurement.plan_id)
    return ocds.ocid(ocid_prefix(), procurement.reference)


def _day(value: date | None) -> str | None:
    """A day-only date that starts something (or happened on that day): 00:00:00 Beijing time."""
    if value is None:
        return None
    return ocds.date_text(datetime.combine(value, time(0, 0), tzinfo=ocds.BEIJING))


def _day_end(value: date | None) -> str | None:
    """A day-only date that ends something (``endDate``, ``dueDate``): the whole day is included,
    so it is 23:59:59 Beijing time, not the start of the last day."""
    if value is None:
        return None
    return ocds.date_text(datetime.combine(value, time(23, 59, 59), tzinfo=ocds.BEIJING))


def _moment(value: datetime | None) -> str | None:
    return None if value is None else ocds.date_text(value)


class Parties:
    """The parties section, one entry per organization with every role it holds."""

    def __init__(self) -> None:
        self._parties: dict[str, dict[str, Any]] = {}

    def unit(self, unit: Unit, *roles: str) -> dict[str, str]:
        party_id = ocds.party_id_for_uscc(unit.uscc) if unit.uscc else f"OPENGPS-UNIT-{unit.pk}"
        extra: dict[str, Any] = {"address": {"region": unit.region.name, "countryName": "中国"}}
        if unit.uscc:
            extra["identifier"] = ocds.identifier(unit.uscc, unit.name)
        return self._add(party_id, unit.name, roles, extra)

    def organization(self, org: Organization, *roles: str) -> dict[str, str]:
        extra = {
            "identifier": ocds.identifier(org.uscc, org.name),
            "address": ocds.compact(
                {"streetAddress": org.address, "region": org.region.name, "countryName": "中国"}
            ),
        }
        return self._add(ocds.party_id_for_uscc(org.uscc), org.name, roles, extra)

    def _add(self, party_id: str, name: str, roles: Iterable[str], extra: dict[str, Any]) -> dict[str, str]:
        party = self._parties.setdefault(party_id, {"id": party_id, "name": name, "roles": [], **extra})
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return {"id": party_id, "name": name}

    def as_list(self) -> list[dict[str, Any]]:
        return [party for party in self._parties.values() if party["roles"]]


def _release(ocid: str, release_id: str, moment: datetime, tag: str) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "id": release_id,
        "date": ocds.date_text(moment),
        "tag": [tag],
        "initiationType": "tender",
        "language": "zh",
    }


def _source(method: Method) -> str | None:
    try:
        return procedure_for(method).supplier_source.value
    except RuleError:  # the e-mall has no procedure; its method maps without one
        return None


def _document(
    doc_id: str, document_type: str, title: str, url: str, published: str | None, fmt: str
) -> dict[str, Any]:
    return ocds.compact(
        {
            "id": doc_id,
            "documentType": document_type,
            "title": title,
            "url": public_url(url),
            "datePublished": published,
            "format": fmt,
            "language": "zh",
        }
    )
