"""Demo: the 2022 guidance catalogue published by the provincial finance department, and a subset."""

from __future__ import annotations

from typing import Any

from opengps.catalog.models import DepartmentCatalogue
from opengps.catalog.services import catalog_load_json, department_catalogue_publish

CIVIL_AFFAIRS_ITEMS = [
    "A0401",
    "A0402",
    "A0403",
    "A0404",
    "A0405",
    "A0501",
    "A0502",
    "A0503",
    "A0701",
    "A0702",
    "A0801",
    "A0802",
    "A0806",
    "A0901",
    "A0902",
    "A0905",
    "A1001",
    "A1003",
    "B0201",
    "B0202",
    "B0501",
]


def load(context: Any) -> None:
    finance = context.users["finance"]
    version = catalog_load_json(actor=finance)
    civil = context.units["hn_civil"]
    if not DepartmentCatalogue.objects.filter(version=version, unit=civil).exists():
        department_catalogue_publish(
            actor=finance, version=version, unit=civil, item_codes=CIVIL_AFFAIRS_ITEMS
        )
    context.counts["catalogue_items"] = version.items.filter(level=3).count()
