"""Official documents as PDF: the one typesetting kit every app's `documents.py` uses.

A document is a *story* (a list of ReportLab flowables) rendered by `render` to A4 PDF bytes.
Chinese uses ReportLab's built-in CID font STSong-Light (Adobe-GB1, no font file, no network) and
`wordWrap="CJK"`, so lines break between any two characters and never before closing punctuation.
Times are shown in Asia/Shanghai. The callers select (and permission-check) the data; these
functions only typeset it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle  # type: ignore[import-untyped]

from opengps.core.clock import BEIJING

FONT = "STSong-Light"
PLATFORM = "OpenGPS 政府购买服务开放平台"

__all__ = [
    "FONT",
    "PLATFORM",
    "Document",
    "cite",
    "cjk_font",
    "day",
    "facts",
    "grid",
    "local",
    "money",
    "p",
    "render",
    "style",
    "styles",
    "table",
    "texts",
]


@cache
def cjk_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def style(name: str, size: float = 10.5, leading: float = 16, **extra: object) -> ParagraphStyle:
    """A paragraph style in the CJK font with CJK line breaking."""
    return ParagraphStyle(
        name, fontName=cjk_font(), fontSize=size, leading=leading, wordWrap="CJK", spaceAfter=3, **extra
    )


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The house styles: title, subtitle, h2, body, cite, cell, sign."""
    body = style("body")
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, alignment=TA_CENTER, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=body, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4),
        "body": body,
        "cite": ParagraphStyle(
            "cite", parent=body, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12.5, spaceAfter=0),
        "sign": ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, spaceBefore=14),
    }


# ---- text helpers ---------------------------------------------------------------------------------


def local(moment: datetime | None) -> str:
    """`YYYY-MM-DD HH:MM` in Beijing time ("" for None)."""
    if moment is None:
        return ""
    return timezone.localtime(moment, BEIJING).strftime("%Y-%m-%d %H:%M")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value, BEIJING).strftime("%Y-%m-%d")
    return value.isoformat()


def money(value: Any) -> str:
    """Thousands-separated yuan with two decimals ("—" when absent)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)):,.2f}"


# ---- flowables ------------------------------------------------------------------------------------


def p(text: Any, name: str | ParagraphStyle = "body") -> Paragraph:
    """A paragraph of escaped text (newlines kept) in a house style or a given style."""
    chosen = styles()[name] if isinstance(name, str) else name
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), chosen)


def cite(text: Any) -> Paragraph:
    return p(_("依据：%(citation)s") % {"citation": text}, "cite")


def _ruled(data: list[list[Any]], widths: Sequence[float | None], *, label_column: bool) -> Table:
    table = Table(data, colWidths=list(widths), repeatRows=0 if label_column else 1, hAlign="LEFT")
    shaded = ((0, 0), (0, -1)) if label_column else ((0, 0), (-1, 0))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", *shaded, colors.HexColor("#f2f2f2" if label_column else "#e6e6e6")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ]
        )
    )
    return table


def facts(rows: Iterable[tuple[str, Any]]) -> Table:
    """Two-column label/value table; rows with an empty value are left out."""
    data = [[p(label, "cell"), p(value, "cell")] for label, value in rows if value not in (None, "")]
    return _ruled(data, [38 * mm, None], label_column=True)


def table(rows: list[list[Paragraph]], widths: Sequence[float | None]) -> Table:
    """A ruled table of ready paragraphs whose first row is the (repeated) header."""
    return _ruled(rows, widths, label_column=False)


def grid(header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float | None]) -> Table:
    """A ruled table of text: a header row, then the rows."""
    data = [[p(h, "cell") for h in header]] + [[p(v, "cell") for v in row] for row in rows]
    return table(data, widths)


def texts(story: Iterable[Flowable]) -> list[str]:
    """The plain text of every paragraph in a story, table cells included (for tests and search)."""
    out: list[str] = []
    for item in story:
        if isinstance(item, Paragraph):
            out.append(item.getPlainText())
        elif isinstance(item, Table):
            for row in item._cellvalues:  # ReportLab keeps the cells only here
                for cell in row:
                    cells = cell if isinstance(cell, list | tuple) else [cell]
                    out.extend(texts(c for c in cells if isinstance(c, Flowable)))
    return out


@dataclass(frozen=True)
class Document:
    title: str
    story: list[Flowable]


def render(document: Document, *, invariant: bool = False) -> bytes:
    """A4 PDF bytes; `invariant` fixes the timestamps and ids so equal input gives equal bytes."""
    buffer = io.BytesIO()
    font = cjk_font()

    def page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(doc.leftMargin, 12 * mm, f"{PLATFORM} · {document.title}")
        canvas.drawRightString(A4[0] - doc.rightMargin, 12 * mm, _("第 %(page)d 页") % {"page": doc.page})
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        title=document.title,
        author=PLATFORM,
        creator=PLATFORM,
        lang="zh-CN",
        invariant=1 if invariant else 0,
    )
    doc.build(list(document.story), onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
