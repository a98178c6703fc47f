"""Excel (.xlsx) export of a filtered organization list; the public gets public columns only."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _g
from openpyxl import Workbook

from opengps.core import clock
from opengps.core.exports import write_table
from opengps.registry import selectors
from opengps.registry.models import Organization

Column = tuple[str, Callable[[Organization], Any]]


def _yes(value: bool) -> str:
    return _g("是") if value else _g("否")


def columns(*, public: bool) -> list[Column]:
    cols: list[Column] = [
        (_g("名称"), lambda o: o.name),
        (_g("统一社会信用代码"), lambda o: o.uscc),
        (_g("类型"), lambda o: str(o.get_org_type_display())),
        (_g("所在区划代码"), lambda o: o.region_id),
        (_g("所在区划"), lambda o: selectors.region_name_of(o)),
        (_g("成立登记日期"), lambda o: o.founded_on),
        (_g("登记层级"), lambda o: str(o.get_registration_level_display())),
        (_g("登记状态"), lambda o: str(o.get_status_display())),
        (_g("评估等级"), lambda o: f"{o.rating_level}A" if o.rating_level else ""),
        (_g("信用状态"), lambda o: str(selectors.CreditFilter.LABELS[selectors.credit_status(o)])),
        (_g("业务范围"), lambda o: o.business_scope),
        (_g("法定代表人"), lambda o: o.legal_representative),
        (_g("住所"), lambda o: o.address),
        (_g("慈善组织"), lambda o: _yes(o.is_charity)),
        (_g("行业协会商会"), lambda o: _yes(o.is_industry_association)),
        (_g("社区社会组织"), lambda o: _yes(o.is_community_org)),
        (_g("社区社会组织类别"), lambda o: str(o.get_community_kind_display()) if o.community_kind else ""),
    ]
    if not public:
        cols += [
            (_g("联系人"), lambda o: o.contact_person),
            (_g("联系电话"), lambda o: o.contact_phone),
            (_g("可承接政府购买服务"), lambda o: _yes(o.eligible)),
        ]
    return cols


def write_workbook(rows: Iterable[Organization], target: Any, *, public: bool) -> int:
    """Stream rows into a write-only workbook (constant memory) as a formatted table (bold frozen
    header with a filter, widths from the content, dates as dates); returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_g("社会组织"))
    cols = columns(public=public)
    count = write_table(
        sheet, [header for header, _get in cols], ([get(org) for _header, get in cols] for org in rows)
    )
    workbook.save(target)
    return count


def xlsx_response(rows: Iterable[Organization], *, public: bool) -> FileResponse:
    iterator = rows.iterator(chunk_size=2000) if hasattr(rows, "iterator") else rows
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_workbook(iterator, spool, public=public)
    spool.seek(0)
    name = f"organizations-{clock.local_now():%Y%m%d-%H%M}.xlsx"
    return FileResponse(
        spool,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
