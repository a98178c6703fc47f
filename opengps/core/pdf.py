"""Official documents as PDF: the one typesetting kit every app's `documents.py` uses.

A document is a *story* (a list of ReportLab flowables) rendered by `render` to A4 PDF bytes in the
official layout: a masthead with the issuing organ (发文机关) and the document number (or the
platform reference) over a red rule, the body, a contact block and the issuing unit and date with a
marked place for the seal (盖章处, `closing`), and a footer with the platform, the page and the time
generated in Beijing time. Times are shown in Asia/Shanghai.

Fonts are real CJK TrueType fonts embedded as subsets, so the text renders on any machine (the old
non-embedded CID font STSong-Light showed blank boxes without Adobe's Asian font pack): Noto Serif
SC (宋体 style) for the body, its bold for titles (小标宋 style) and Noto Sans SC Bold (黑体 style)
for section headings, fetched at build time by `make assets` (scripts/assets.py, pinned in
assets.lock.json) into var/assets/fonts/. A missing font file is an error naming that target, never
a silent fallback. Paragraphs use `wordWrap="CJK"`, so lines break between any two characters and
never before closing punctuation.

The file aims at PDF/A-2b as far as ReportLab allows (docs/documents.md says what is done and what
is not checked): every font embedded, an XMP metadata stream matching the document information
(pdfaid part 2, conformance B) and an sRGB output intent. The callers select (and permission-check)
the data; these functions only typeset it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfdoc, pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from opengps.core import clock
from opengps.core.clock import BEIJING

FONT = "NotoSerifSC"
"""Body text: Noto Serif SC Regular (宋体 style)."""
FONT_BOLD = "NotoSerifSC-Bold"
"""Titles and the masthead: Noto Serif SC Bold (小标宋 style); also `<b>` in body text."""
FONT_HEADING = "NotoSansSC-Bold"
"""Section headings: Noto Sans SC Bold (黑体 style)."""
FONT_FILES = {
    FONT: "NotoSerifSC-Regular.ttf",
    FONT_BOLD: "NotoSerifSC-Bold.ttf",
    FONT_HEADING: "NotoSansSC-Bold.ttf",
}
ASSETS_TARGET = "make assets"
PLATFORM = "OpenGPS 政府购买服务开放平台"
RED = colors.HexColor("#c00000")
SRGB = "sRGB IEC61966-2.1"

__all__ = [
    "FONT",
    "FONT_BOLD",
    "FONT_HEADING",
    "PLATFORM",
    "Document",
    "FontsMissing",
    "cite",
    "cjk_font",
    "closing",
    "day",
    "facts",
    "font_dir",
    "grid",
    "heading_style",
    "local",
    "money",
    "p",
    "render",
    "style",
    "styles",
    "table",
    "texts",
    "title_style",
]


class FontsMissing(ImproperlyConfigured):
    """The embedded fonts were not installed: the build step `make assets` was skipped."""


def font_dir() -> Path:
    """Where `make assets` puts the fonts (settings.OPENGPS_FONT_DIR overrides var/assets/fonts)."""
    return Path(getattr(settings, "OPENGPS_FONT_DIR", settings.BASE_DIR / "var" / "assets" / "fonts"))


@cache
def cjk_font() -> str:
    """Register the embedded CJK fonts once; returns the body font's name.

    Raises `FontsMissing` naming the make target when a font file is absent: an official document
    without its embedded font would show blank boxes, so there is no fallback font.
    """
    folder = font_dir()
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise FontsMissing(
            f"PDF fonts missing in {folder}: {', '.join(missing)}. Run `{ASSETS_TARGET}` "
            "(a step of make demo / make test / make run) to fetch them as pinned in assets.lock.json."
        )
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    return FONT


def style(name: str, size: float = 10.5, leading: float = 16, **extra: object) -> ParagraphStyle:
    """A paragraph style in the CJK body font (or `fontName=` one of the others) with CJK line breaking."""
    params: dict[str, object] = {
        "fontName": cjk_font(),
        "fontSize": size,
        "leading": leading,
        "wordWrap": "CJK",
        "spaceAfter": 3,
    }
    return ParagraphStyle(name, **(params | extra))


def title_style(name: str, size: float = 18, leading: float = 26, **extra: object) -> ParagraphStyle:
    """A centred title in the bold serif (小标宋 style)."""
    return style(name, size, leading, **({"fontName": FONT_BOLD, "alignment": TA_CENTER} | extra))


def heading_style(name: str, size: float = 13, leading: float = 20, **extra: object) -> ParagraphStyle:
    """A section heading in the bold sans (黑体 style)."""
    return style(name, size, leading, **({"fontName": FONT_HEADING, "spaceBefore": 8} | extra))


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The house styles: masthead, number, title, subtitle, h2, body, cite, cell, sign."""
    body = style("body")
    return {
        "masthead": title_style("masthead", 22, 30, textColor=RED, spaceAfter=2),
        "number": ParagraphStyle("number", parent=body, alignment=TA_CENTER, spaceAfter=0),
        "title": title_style("title", spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, alignment=TA_CENTER, spaceAfter=10),
        "h2": heading_style("h2", spaceAfter=4),
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
                # the cells are paragraphs, but a table still sets its cell font: else Helvetica
                ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
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


class SealPlace(Flowable):  # type: ignore[misc]
    """The marked place for the seal (盖章处): a dashed 42 mm circle (the size of an organ's seal)
    centred over the signature lines just above it, so the seal covers the unit's name and date as
    on a paper notice. It reserves the circle's lower part below the signature."""

    RADIUS = 21 * mm

    def __init__(self, lines: Sequence[str], sign: ParagraphStyle, lines_height: float) -> None:
        super().__init__()
        self.lines = [line for line in lines if line]
        self.sign = sign
        self.lines_height = lines_height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = max(0.0, self.RADIUS - self.lines_height / 2)
        return self.width, self.height

    def draw(self) -> None:
        text_width = max(
            (pdfmetrics.stringWidth(line, self.sign.fontName, self.sign.fontSize) for line in self.lines),
            default=0.0,
        )
        x = self.width - text_width / 2
        y = self.height + self.lines_height / 2
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RED)
        canvas.setFillColor(RED)
        canvas.setLineWidth(0.6)
        canvas.setDash(3, 2)
        canvas.circle(x, y, self.RADIUS, stroke=1, fill=0)
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(x, y + self.RADIUS * 0.62, _("盖章处"))
        canvas.restoreState()


def closing(unit: Any, on: str, *, contact: Iterable[tuple[str, Any]] = ()) -> list[Flowable]:
    """The end of an official document: the contact block (联系方式; rows without a value are left
    out), then the issuing unit and the date, right-aligned, under the marked place for the seal."""
    out: list[Flowable] = []
    rows = [(label, value) for label, value in contact if value not in (None, "")]
    if rows:
        out += [p(_("联系方式"), "h2"), facts(rows)]
    sign = styles()["sign"]
    lines = [str(unit), on]
    signature = p("\n".join(line for line in lines if line), sign)
    height = sign.leading * len([line for line in lines if line])
    # room above the signature for the upper part of the seal's circle
    room = max(4 * mm, SealPlace.RADIUS - height / 2 - sign.spaceBefore + 2 * mm)
    out.append(KeepTogether([Spacer(1, room), signature, SealPlace(lines, sign, height)]))
    return out


def texts(story: Iterable[Flowable]) -> list[str]:
    """The plain text of every paragraph in a story, table cells included (for tests and search)."""
    out: list[str] = []
    for item in story:
        if isinstance(item, Paragraph):
            out.append(item.getPlainText())
        elif isinstance(item, KeepTogether):
            out.extend(texts(item._content))
        elif isinstance(item, Table):
            for row in item._cellvalues:  # ReportLab keeps the cells only here
                for cell in row:
                    cells = cell if isinstance(cell, list | tuple) else [cell]
                    out.extend(texts(c for c in cells if isinstance(c, Flowable)))
    return out


@dataclass(frozen=True)
class Document:
    """A document to render: its title and story, and for the masthead the issuing organ (发文机关)
    and the document number (文号, or the platform reference where the document has none)."""

    title: str
    story: list[Flowable]
    issuer: str = ""
    number: str = ""


def masthead(document: Document) -> list[Flowable]:
    """The issuing organ in red over the document number and a red rule (the 红头 of a notice)."""
    if not document.issuer and not document.number:
        return []
    out: list[Flowable] = []
    if document.issuer:
        out.append(p(document.issuer, "masthead"))
    if document.number:
        out.append(p(document.number, "number"))
    out += [HRFlowable(width="100%", thickness=1.6, color=RED, spaceBefore=3, spaceAfter=8)]
    return out


# ---- PDF/A-2b -------------------------------------------------------------------------------------


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's built-in, through Pillow) for the PDF/A output intent; its
    creation date is fixed so equal input gives equal bytes."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2000-01-01 00:00:00
    return bytes(data)


class _RawStream(pdfdoc.PDFStream):  # type: ignore[misc]
    """A stream written without any filter (PDF/A: the XMP metadata stream is not filtered)."""

    def format(self, document: Any) -> bytes:
        dictionary = pdfdoc.PDFDictionary(dict(self.dictionary.dict))
        content = self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")
        dictionary["Length"] = len(content)
        return bytes(pdfdoc.format(dictionary, document) + b"\nstream\n" + content + b"\nendstream\n")


def _xmp_date(stamp: Any) -> str:
    year, month, day_, hour, minute, second = stamp.YMDhms
    return (
        f"{year:04d}-{month:02d}-{day_:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        f"{stamp.dhh:+03d}:{stamp.dmm:02d}"
    )


def xmp(info: Any, stamp: Any) -> bytes:
    """The XMP packet declaring PDF/A-2b, with the same title, author, subject, keywords, tools and
    dates as the document information dictionary (PDF/A requires them to agree)."""
    when = _xmp_date(stamp)

    def x(value: Any) -> str:
        return escape(str(value))

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{x(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{x(info.subject)}</rdf:li></rdf:Alt></dc:description>
   <pdf:Producer>{x(info.producer)}</pdf:Producer>
   <pdf:Keywords>{x(info.keywords)}</pdf:Keywords>
   <pdf:Trapped>{x(info.trapped)}</pdf:Trapped>
   <xmp:CreatorTool>{x(info.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


def _stream_eols(pdf: bytes) -> bytes:
    """`pdf` with an end-of-line before every ``endstream`` (PDF/A-2 §6.1.7.1; ReportLab writes the
    keyword straight after the data) and the cross-reference offsets moved to match.

    Each stream's data is found by its /Length (the data may hold any bytes), so the EOL is added
    after the data, outside the length, exactly as the standard asks.
    """
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    if tail is None:
        raise ValueError("not a single-section PDF")
    xref_at = int(tail.group(1))
    header = re.compile(rb"xref\s+0 (\d+)\s+").match(pdf, xref_at)
    if header is None:
        raise ValueError("no cross-reference table at startxref")
    count, entries_at = int(header.group(1)), header.end()
    entries = [pdf[entries_at + 20 * i : entries_at + 20 * (i + 1)] for i in range(count)]
    offsets = sorted(int(entry[:10]) for entry in entries if entry[17:18] == b"n")
    inserts: list[int] = []
    for start, end in zip(offsets, [*offsets[1:], xref_at], strict=True):
        body = pdf[start:end]
        opened = body.find(b">>\nstream\n")
        if opened < 0:
            continue
        length = re.search(rb"/Length (\d+)", body[:opened])
        if length is None:
            raise ValueError(f"a stream at {start} has no direct /Length")
        data_end = start + opened + len(b">>\nstream\n") + int(length.group(1))
        if pdf.startswith((b"\nendstream", b"\r\nendstream"), data_end):
            continue  # already as PDF/A asks (the XMP stream)
        if pdf[data_end : data_end + 9] != b"endstream":
            raise ValueError(f"the stream at {start} does not end at its /Length")
        inserts.append(data_end)

    def moved(offset: int) -> int:
        return offset + sum(1 for at in inserts if at < offset)

    out = bytearray()
    previous = 0
    for at in inserts:
        out += pdf[previous:at] + b"\n"
        previous = at
    out += pdf[previous:entries_at]
    for entry in entries:
        if entry[17:18] == b"n":
            entry = b"%010d" % moved(int(entry[:10])) + entry[10:]
        out += entry
    out += pdf[entries_at + 20 * count : tail.start()]
    out += b"startxref\n%d\n%%%%EOF\n" % moved(xref_at)
    return bytes(out)


class ArchivalCanvas(Canvas):  # type: ignore[misc]
    """A canvas whose file carries the PDF/A-2b parts ReportLab does not write by itself: the XMP
    metadata stream and the sRGB output intent (GTS_PDFA1) in the document catalog."""

    def save(self) -> None:
        document = self._doc
        catalog = document.Catalog
        catalog.Metadata = _RawStream(
            pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
            content=xmp(document.info, document._timeStamp),
        )
        profile = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 3}), content=srgb_profile())
        intent = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("OutputIntent"),
                "S": pdfdoc.PDFName("GTS_PDFA1"),
                "OutputConditionIdentifier": pdfdoc.PDFString(SRGB),
                "Info": pdfdoc.PDFString(SRGB),
                "DestOutputProfile": document.Reference(profile, "sRGBProfile"),
            }
        )
        catalog.OutputIntents = pdfdoc.PDFArray([intent])
        catalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]
        super().save()


def render(document: Document, *, invariant: bool = False) -> bytes:
    """A4 PDF bytes; `invariant` fixes the timestamps and ids so equal input gives equal bytes (and
    leaves the generation time out of the footer)."""
    buffer = io.BytesIO()
    font = cjk_font()
    generated = "" if invariant else _("北京时间 %(at)s 生成") % {"at": local(clock.now())}

    def page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(doc.leftMargin, 12 * mm, f"{PLATFORM} · {document.title}")
        if generated:
            canvas.drawCentredString(A4[0] / 2, 8 * mm, generated)
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
        author=document.issuer or PLATFORM,
        subject=" ".join(part for part in (document.number, document.title) if part),
        creator=PLATFORM,
        lang="zh-CN",
        initialFontName=font,  # else every page names Helvetica, a font that is not embedded
        invariant=1 if invariant else 0,
    )
    story = masthead(document) + list(document.story)
    doc.build(story, onFirstPage=page, onLaterPages=page, canvasmaker=ArchivalCanvas)
    return _stream_eols(buffer.getvalue())
