"""Writes on the guidance catalogue: versions, items, negative list, prices, department catalogues.

Only the finance department (or an administrator) edits the guidance catalogue; a published
version is frozen — edits go into a new draft based on it. Every write is one transaction with
its audit event.

One module a stage: `versions` (drafts and publication), `imports` (whole content: JSON files
and workbooks), `items` and `prices` (single edits of a draft), `departments` (department
catalogues); `_common` holds what they share. The content as data (rows, checks, `yuan`) is
`opengps.catalog.content`, which the Excel module reads too. Every public name is re-exported
here: callers import `opengps.catalog.services`.
"""

from __future__ import annotations

from opengps.catalog.content import (
    FIRST_YEAR,
    LAST_YEAR,
    O102_10,
    CatalogueContent,
    ItemRow,
    PriceRow,
    catalog_content,
    content_from_json,
    validate_content,
    yuan,
)
from opengps.catalog.services._common import EDITOR_ROLES
from opengps.catalog.services.departments import department_catalogue_publish
from opengps.catalog.services.imports import (
    GUIDANCE_2022,
    catalog_content_replace,
    catalog_import_xlsx,
    catalog_load_json,
)
from opengps.catalog.services.items import (
    catalog_item_create,
    catalog_item_reinstate,
    catalog_item_remove,
    catalog_item_retire,
    catalog_item_save,
    catalog_item_update,
)
from opengps.catalog.services.prices import (
    PRICE_CEILING,
    catalog_price_remove,
    catalog_price_set,
    catalog_price_update,
)
from opengps.catalog.services.versions import catalog_version_create, catalog_version_publish

__all__ = [
    "EDITOR_ROLES",
    "FIRST_YEAR",
    "GUIDANCE_2022",
    "LAST_YEAR",
    "O102_10",
    "PRICE_CEILING",
    "CatalogueContent",
    "ItemRow",
    "PriceRow",
    "catalog_content",
    "catalog_content_replace",
    "catalog_import_xlsx",
    "catalog_item_create",
    "catalog_item_reinstate",
    "catalog_item_remove",
    "catalog_item_retire",
    "catalog_item_save",
    "catalog_item_update",
    "catalog_load_json",
    "catalog_price_remove",
    "catalog_price_set",
    "catalog_price_update",
    "catalog_version_create",
    "catalog_version_publish",
    "content_from_json",
    "department_catalogue_publish",
    "validate_content",
    "yuan",
]
