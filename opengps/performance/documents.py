"""The performance evaluation report (绩效评价报告) as PDF, and the survey's QR code as SVG.

Reuses the procurement document pattern (`Document`, `render`, the embedded CJK fonts,
``wordWrap="CJK"``, the official layout: the evaluating unit in the masthead over a platform
reference, the contact block and the place for the seal): the caller selects the rows, this only
typesets them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from django.utils.translation import gettext as _
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Spacer  # type: ignore[import-untyped]

from opengps.core.pdf import (
    PLATFORM,
    Document,
    closing,
    day,
    heading_style,
    money,
    p,
    render,
    style,
    table,
    title_style,
)
from opengps.performance.models import PartyScore, PerformanceEvaluation
from opengps.performance.selectors import IndicatorRow

__all__ = ["Document", "evaluation_report", "qr_svg", "render"]


def qr_svg(url: str) -> str:
    """An SVG QR code of `url` (medium error correction), scalable for print and phone screens."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("utf-8")


def evaluation_report(
    evaluation: PerformanceEvaluation,
    rows: Sequence[IndicatorRow],
    parties: Sequence[PartyScore],
    responses: int,
) -> Document:
    """绩效评价报告: the contract, the indicators with weights and scores, each party's total,
    the recipients' satisfaction, the composite score and grade with its basis."""
    contract = evaluation.contract
    title_font = title_style("perf-title")
    h2 = heading_style("perf-h2")
    body = style("perf-body")
    cell = style("perf-cell", 9, 12.5)
    title = _("%(title)s 绩效评价报告") % {"title": contract.title}
    story: list[Flowable] = [
        p(title, title_font),
        p(_("评价期间") + "：" + evaluation.period, body),
        p(_("合同编号") + "：" + contract.reference, body),
        p(_("购买主体") + "：" + str(contract.purchaser), body),
        p(_("承接主体") + "：" + str(contract.supplier), body),
        p(_("合同金额（元）") + "：" + money(contract.amount), body),
    ]
    if evaluation.evaluator is not None:
        story.append(p(_("第三方评价机构") + "：" + str(evaluation.evaluator), body))
    story += [
        Spacer(1, 3 * mm),
        p(
            _("综合得分 %(score)s，等级：%(grade)s") % {"score": evaluation.score, "grade": evaluation.grade},
            h2,
        ),
        p(_("评定日期") + "：" + day(evaluation.finalized_on), body),
        p(_("依据") + "：" + evaluation.citation, cell),
        p(_("评价指标"), h2),
        table(
            [[p(h, cell) for h in (_("指标"), _("权重"), _("占总分"), _("得分"))]]
            + [
                [
                    p(("　" * (r.level - 1)) + r.name + (" ★" if r.survey else ""), cell),
                    p(r.weight, cell),
                    p(r.share if r.share is not None else "", cell),
                    p(r.score or "", cell),
                ]
                for r in rows
            ],
            [80 * mm, 25 * mm, 25 * mm, None],
        ),
        p(_("★ 由服务对象满意度评价得出"), cell),
        p(_("各评价方"), h2),
        table(
            [[p(h, cell) for h in (_("评价方"), _("加权得分"), _("评价意见"))]]
            + [
                [p(party.get_party_display(), cell), p(party.total, cell), p(party.comment, cell)]
                for party in parties
            ],
            [40 * mm, 30 * mm, None],
        ),
        p(
            _("服务对象满意度：%(n)d 份答卷，满意度得分 %(score)s")
            % {
                "n": responses,
                "score": evaluation.satisfaction if evaluation.satisfaction is not None else "—",
            },
            body,
        ),
    ]
    issuer = str(evaluation.evaluator or contract.purchaser)
    region = getattr(contract.purchaser, "region", None)
    story += closing(
        issuer,
        day(evaluation.finalized_on),
        contact=[
            (_("购买主体"), str(contract.purchaser)),
            (_("购买主体所在地"), getattr(region, "name", "")),
            (_("第三方评价机构"), str(evaluation.evaluator) if evaluation.evaluator is not None else ""),
            (
                _("查询核验"),
                _("%(platform)s，合同编号 %(reference)s")
                % {"platform": PLATFORM, "reference": contract.reference},
            ),
        ],
    )
    return Document(
        title=title,
        story=story,
        issuer=issuer,
        number=_("平台编号：%(reference)s") % {"reference": f"PERF-{contract.reference}-{evaluation.pk}"},
    )
