"""Official documents as PDF: announcement, opening minutes, evaluation report, award notice, result.

Pure functions: the caller selects (and permission-checks) the data, these only typeset it. Each
document is a *story* (a list of ReportLab flowables, see `*_story`) rendered by `render` to A4 PDF
bytes. Chinese uses ReportLab's built-in CID font STSong-Light (Adobe-GB1, no font file, no network)
and `wordWrap="CJK"`, so lines break between any two characters and never before closing punctuation.
Times are shown in Asia/Shanghai; every deadline carries its citation.
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
from zoneinfo import ZoneInfo

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
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # type: ignore[import-untyped]

BEIJING = ZoneInfo("Asia/Shanghai")
FONT = "STSong-Light"
PLATFORM = "OpenGPS 政府购买服务开放平台"


@cache
def cjk_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@cache
def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=3)
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


def _p(text: Any, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _styles()[style])


def _cite(text: Any) -> Paragraph:
    return _p(_("依据：%(citation)s") % {"citation": text}, "cite")


def _facts(rows: Iterable[tuple[str, Any]]) -> Table:
    """Two-column label/value table; rows with an empty value are left out."""
    data = [[_p(label, "cell"), _p(value, "cell")] for label, value in rows if value not in (None, "")]
    table = Table(data, colWidths=[38 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ]
        )
    )
    return table


def _grid(header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float | None]) -> Table:
    data = [[_p(h, "cell") for h in header]] + [[_p(v, "cell") for v in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ]
        )
    )
    return table


def _heading(title: str, procurement: Any, issued: str) -> list[Flowable]:
    """Title, then project name and number, issuing unit(s) and the issue date."""
    issuer = str(procurement.purchaser)
    if procurement.agency_id:
        issuer = _("%(purchaser)s（采购代理机构：%(agency)s）") % {
            "purchaser": issuer,
            "agency": procurement.agency,
        }
    return [
        _p(title, "title"),
        _p(f"{procurement.title}　{_('项目编号')}：{procurement.reference}", "subtitle"),
        _facts([(_("发布单位"), issuer), (_("发布日期"), issued)]),
        Spacer(1, 4 * mm),
    ]


def _signature(procurement: Any, on: str) -> list[Flowable]:
    unit = procurement.agency if procurement.agency_id else procurement.purchaser
    return [_p(f"{unit}\n{on}", "sign")]


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


# ---- the documents --------------------------------------------------------------------------------


def announcement(
    *, procurement: Any, lots: Sequence[Any], clarifications: Sequence[Any], award_basis: str
) -> Document:
    """采购公告 (or 单一来源采购公示) — the public announcement as on the notice page."""
    single = procurement.method == "single_source"
    title = _("单一来源采购公示") if single else _("采购公告")
    issued = day(procurement.notice_published_on if single else procurement.announced_at)
    deadline = ""
    if procurement.bid_deadline:
        deadline = _("%(deadline)s（法定最早可为 %(earliest)s；依据：%(citation)s）") % {
            "deadline": local(procurement.bid_deadline),
            "earliest": day(procurement.earliest_deadline),
            "citation": procurement.deadline_citation,
        }
    story: list[Flowable] = _heading(title, procurement, issued or day(procurement.issued_on))
    story.append(_p(_("一、项目基本情况"), "h2"))
    story.append(
        _facts(
            [
                (_("项目名称"), procurement.title),
                (_("项目编号"), procurement.reference),
                (_("采购人"), procurement.purchaser),
                (_("采购代理机构"), procurement.agency or ""),
                (_("采购方式"), procurement.method_name),
                (_("评审（成交）方法"), award_basis),
                (_("采购预算（元）"), money(procurement.budget)),
                (
                    _("拟定供应商"),
                    f"{procurement.single_source_supplier} — {procurement.single_source_reason}"
                    if procurement.single_source_supplier
                    else "",
                ),
                (
                    _("公示期"),
                    f"{day(procurement.notice_published_on)} — {day(procurement.notice_ends_on)}"
                    if procurement.notice_ends_on
                    else "",
                ),
                (_("采购文件发出日期"), day(procurement.issued_on)),
                (
                    _("采购文件提供期限"),
                    f"{day(procurement.issued_on)} — {day(procurement.documents_until)}"
                    f"（{procurement.documents_citation}）"
                    if procurement.documents_until
                    else "",
                ),
                (_("投标截止时间（北京时间）"), deadline),
                (_("开标地点"), procurement.opening_place),
                (_("投标保证金（元）"), money(procurement.bid_deposit) if procurement.bid_deposit else ""),
            ]
        )
    )
    story.append(_p(_("二、采购包"), "h2"))
    story.append(
        _grid(
            [_("包号"), _("名称"), _("预算（元）")],
            [[lot.number, lot.title, money(lot.budget)] for lot in lots],
            [18 * mm, None, 40 * mm],
        )
    )
    if clarifications:
        story.append(_p(_("三、澄清与修改"), "h2"))
        for c in clarifications:
            line = f"{day(c.published_on)} {c.get_kind_display()}：{c.text}"
            if c.postponed:
                line += " — " + _("截止时间顺延至 %(deadline)s") % {"deadline": local(c.deadline_after)}
            story.append(_p(line))
            if c.postponed and c.citation:
                story.append(_cite(c.citation))
    story += _signature(procurement, issued)
    return Document(title, story)


def opening_minutes(*, procurement: Any, record: Any, readouts: Sequence[Any]) -> Document:
    """开标记录 — time, place, bids received and valid against the legal minimum, each readout."""
    title = _("开标记录")
    story = _heading(title, procurement, day(record.opened_at))
    story.append(
        _facts(
            [
                (_("投标截止时间"), local(record.deadline)),
                (_("开标时间"), local(record.opened_at)),
                (_("开标地点"), record.place),
                (_("主持人"), record.opened_by),
                (
                    _("投标情况"),
                    _("递交投标 %(received)d 份，有效投标 %(valid)d 份，法定最少 %(required)d 份")
                    % {
                        "received": record.bids_received,
                        "valid": record.valid_bids,
                        "required": record.required_bids,
                    },
                ),
                (_("结论"), _("进入评审") if record.proceeds else _("不进入评审")),
            ]
        )
    )
    story.append(_cite(record.citation))
    story.append(_p(_("唱标记录"), "h2"))
    story.append(
        _grid(
            [_("包"), _("投标人"), _("投标总价（元）"), _("递交时间"), _("政策优惠"), _("有效性")],
            [
                [
                    r.lot.number,
                    r.organization,
                    money(r.price_total),
                    local(r.received_at),
                    "、".join(r.preferences) or "—",
                    _("有效") if r.valid else _("无效：%(reason)s") % {"reason": r.invalid_reason},
                ]
                for r in readouts
            ],
            [10 * mm, None, 28 * mm, 28 * mm, 24 * mm, 24 * mm],
        )
    )
    story += _signature(procurement, day(record.opened_at))
    return Document(title, story)


def evaluation_report(
    *, procurement: Any, report: Any, members: Sequence[Any], factors: Sequence[Any]
) -> Document:
    """评审报告 — the committee, factors, per-lot ranking with its basis, rejections and deviations."""
    title = _("评审报告")
    story = _heading(title, procurement, day(report.built_at))
    story.append(
        _facts(
            [
                (_("评审结束日期"), day(report.scoring_ended_on)),
                (_("提交期限"), f"{day(report.due_on)}（{_('依据')}：{report.due_citation}）"),
                (_("送交采购人日期"), day(report.delivered_on)),
            ]
        )
    )
    story.append(_p(_("一、评审委员会"), "h2"))
    story.append(
        _grid(
            [_("姓名"), _("状态"), _("确认评审报告时间")],
            [[m.name, m.get_state_display(), local(m.report_confirmed_at) or "—"] for m in members],
            [40 * mm, 40 * mm, None],
        )
    )
    if factors:
        story.append(_p(_("二、评审因素"), "h2"))
        story.append(
            _grid([_("评审因素"), _("分值")], [[f.name, f.max_points] for f in factors], [None, 30 * mm])
        )
    story.append(_p(_("三、评审结果"), "h2"))
    for lot in report.lots:
        story.append(_p(_("第%(number)s包 %(title)s") % {"number": lot["lot"], "title": lot["title"]}))
        story.append(
            _grid(
                [_("排名"), _("投标人"), _("投标报价"), _("评审价"), _("价格分"), _("因素得分"), _("总分")],
                [
                    [
                        b.get("rank", ""),
                        b["supplier"] + (f"（{b['abnormally_low']}）" if b.get("abnormally_low") else ""),
                        money(b["price_total"]),
                        money(b["evaluated_price"]),
                        b.get("price_score") or "—",
                        b.get("factor_score") or "—",
                        b.get("total") or "—",
                    ]
                    for b in lot["bids"]
                ],
                [11 * mm, None, 24 * mm, 24 * mm, 15 * mm, 17 * mm, 15 * mm],
            )
        )
        if lot.get("citation"):
            story.append(_cite(lot["citation"]))
        for d in lot.get("deviations", []):
            story.append(_p(d))
        for r in lot.get("rejected", []):
            story.append(
                _p(
                    _("未通过审查：%(supplier)s — %(reasons)s")
                    % {"supplier": r["supplier"], "reasons": "；".join(r["reasons"])}
                )
            )
    return Document(title, story)


def award_notice(
    *, procurement: Any, award: Any, winner: Any, sign_due: date, sign_citation: str
) -> Document:
    """中标（成交）通知书 to the winner of one lot."""
    title = _("中标（成交）通知书")
    issued = day(award.announced_at)
    story = _heading(title, procurement, issued)
    story.append(_p(f"{winner.organization}：", "body"))
    story.append(
        _p(
            _(
                "　　经评审并由采购人确认，贵单位被确定为%(title)s（项目编号：%(reference)s）"
                "第%(lot)s包「%(lot_title)s」的中标（成交）供应商，中标（成交）金额为人民币 %(price)s 元。"
            )
            % {
                "title": procurement.title,
                "reference": procurement.reference,
                "lot": award.lot.number,
                "lot_title": award.lot.title,
                "price": money(winner.price_total),
            }
        )
    )
    story.append(_p(_("　　请于 %(due)s 前与采购人签订政府采购合同。") % {"due": day(sign_due)}))
    story.append(_cite(sign_citation))
    story.append(
        _facts(
            [
                (_("统一社会信用代码"), winner.organization.uscc),
                (_("定标日期"), day(award.decided_on)),
                (_("公告期限"), day(award.announce_due)),
            ]
        )
    )
    if award.announce_citation:
        story.append(_cite(award.announce_citation))
    story += _signature(procurement, issued)
    return Document(title, story)


def result_announcement(*, procurement: Any, awards: Sequence[Any], members: Sequence[Any]) -> Document:
    """中标（成交）结果公告 — per lot the winner and amount, and the committee's names (O87 §69)."""
    title = _("中标（成交）结果公告")
    issued = day(max((a.announced_at for a in awards if a.announced_at), default=None))
    story = _heading(title, procurement, issued)
    story.append(_p(_("一、项目基本情况"), "h2"))
    story.append(
        _facts(
            [
                (_("采购人"), procurement.purchaser),
                (_("采购代理机构"), procurement.agency or ""),
                (_("采购方式"), procurement.method_name),
                (_("采购公告日期"), day(procurement.announced_at)),
                (_("开标时间"), local(procurement.opened_at)),
            ]
        )
    )
    story.append(_p(_("二、中标（成交）信息"), "h2"))
    story.append(
        _grid(
            [
                _("包"),
                _("名称"),
                _("中标（成交）供应商"),
                _("统一社会信用代码"),
                _("金额（元）"),
                _("定标日期"),
            ],
            [
                [
                    a.lot.number,
                    a.lot.title,
                    a.winner.organization.name,
                    a.winner.organization.uscc,
                    money(a.winner.price_total),
                    day(a.decided_on),
                ]
                for a in awards
            ],
            [10 * mm, None, 34 * mm, 34 * mm, 24 * mm, 20 * mm],
        )
    )
    for citation in dict.fromkeys(a.announce_citation for a in awards if a.announce_citation):
        story.append(_cite(citation))
    story.append(_p(_("三、评审委员会成员名单"), "h2"))
    story.append(_p("、".join(m.name for m in members) or "—"))
    story += _signature(procurement, issued)
    return Document(title, story)
