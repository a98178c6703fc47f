"""The performance evaluation report (绩效评价报告) as PDF, and the survey's QR code as SVG.

Reuses the procurement document pattern (`Document`, `render`, STSong-Light, ``wordWrap="CJK"``):
the caller selects the rows, this only typesets them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from opengps.performance.models import PartyScore, PerformanceEvaluation
from opengps.performance.selectors import IndicatorRow
from opengps.procurement.documents import Document, cjk_font, day, money, render

__all__ = ["Document", "evaluation_report", "qr_svg", "render"]


def qr_svg(url: str) -> str:
    """An SVG QR code of `url` (medium error correction), scalable for print and phone screens."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("utf-8")


def _style(name: str, size: float = 10.5, leading: float = 16, **extra: object) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=cjk_font(), fontSize=size, leading=leading, wordWrap="CJK", spaceAfter=3, **extra
    )


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Paragraph]], widths: Sequence[float | None]) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
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


def evaluation_report(
    evaluation: PerformanceEvaluation,
    rows: Sequence[IndicatorRow],
    parties: Sequence[PartyScore],
    responses: int,
) -> Document:
    """绩效评价报告: the contract, the indicators with weights and scores, each party's total,
    the recipients' satisfaction, the composite score and grade with its basis."""
    contract = evaluation.contract
    title_style = _style("perf-title", 18, 26, alignment=TA_CENTER)
    h2 = _style("perf-h2", 13, 20, spaceBefore=8)
    body = _style("perf-body")
    cell = _style("perf-cell", 9, 12.5)
    title = _("%(title)s 绩效评价报告") % {"title": contract.title}
    story: list[Flowable] = [
        _p(title, title_style),
        _p(_("评价期间") + "：" + evaluation.period, body),
        _p(_("合同编号") + "：" + contract.reference, body),
        _p(_("购买主体") + "：" + str(contract.purchaser), body),
        _p(_("承接主体") + "：" + str(contract.supplier), body),
        _p(_("合同金额（元）") + "：" + money(contract.amount), body),
    ]
    if evaluation.evaluator is not None:
        story.append(_p(_("第三方评价机构") + "：" + str(evaluation.evaluator), body))
    story += [
        Spacer(1, 3 * mm),
        _p(
            _("综合得分 %(score)s，等级：%(grade)s") % {"score": evaluation.score, "grade": evaluation.grade},
            h2,
        ),
        _p(_("评定日期") + "：" + day(evaluation.finalized_on), body),
        _p(_("依据") + "：" + evaluation.citation, cell),
        _p(_("评价指标"), h2),
        _table(
            [[_p(h, cell) for h in (_("指标"), _("权重"), _("占总分"), _("得分"))]]
            + [
                [
                    _p(("　" * (r.level - 1)) + r.name + (" ★" if r.survey else ""), cell),
                    _p(r.weight, cell),
                    _p(r.share if r.share is not None else "", cell),
                    _p(r.score or "", cell),
                ]
                for r in rows
            ],
            [80 * mm, 25 * mm, 25 * mm, None],
        ),
        _p(_("★ 由服务对象满意度评价得出"), cell),
        _p(_("各评价方"), h2),
        _table(
            [[_p(h, cell) for h in (_("评价方"), _("加权得分"), _("评价意见"))]]
            + [[_p(p.get_party_display(), cell), _p(p.total, cell), _p(p.comment, cell)] for p in parties],
            [40 * mm, 30 * mm, None],
        ),
        _p(
            _("服务对象满意度：%(n)d 份答卷，满意度得分 %(score)s")
            % {
                "n": responses,
                "score": evaluation.satisfaction if evaluation.satisfaction is not None else "—",
            },
            body,
        ),
    ]
    return Document(title=title, story=story)
