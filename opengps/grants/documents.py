"""The yearly fund-use report (公益金使用情况年度报告) as PDF.

Reuses the procurement document pattern (`Document`, `render`, the embedded CJK fonts,
``wordWrap="CJK"``, the official layout: the funder units in the masthead over a platform reference,
the contact block and the place for the seal): the caller selects the rows, this only typesets them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Spacer  # type: ignore[import-untyped]

from opengps.core.pdf import (
    PLATFORM,
    Document,
    closing,
    heading_style,
    money,
    p,
    render,
    style,
    table,
    title_style,
)
from opengps.grants.selectors import FundUseRow

__all__ = ["Document", "fund_use_report", "render"]


def fund_use_report(year: int, rows: Sequence[FundUseRow]) -> Document:
    """公益金使用情况年度报告 for `year`: totals for the year, then one section per round."""
    title_font = title_style("grant-title")
    h2 = heading_style("grant-h2")
    body = style("grant-body")
    cell = style("grant-cell", 9, 12.5)
    title = _("%(year)s 年度公益金使用情况") % {"year": year}
    total = sum((r.total for r in rows), Decimal("0.00"))
    awarded = sum((r.awarded for r in rows), Decimal("0.00"))
    paid = sum((r.paid for r in rows), Decimal("0.00"))
    returned = sum((r.returned for r in rows), Decimal("0.00"))
    story: list[Flowable] = [
        p(title, title_font),
        p(_("年度合计安排资金：%(amount)s 元") % {"amount": money(total)}, body),
        p(
            _("资助 %(n)d 个项目 %(awarded)s 元；已拨付 %(paid)s 元；已退回 %(returned)s 元")
            % {
                "n": sum(r.projects for r in rows),
                "awarded": money(awarded),
                "paid": money(paid),
                "returned": money(returned),
            },
            body,
        ),
    ]
    if not rows:
        story.append(p(_("该年度暂无公开的资助批次。"), body))
    for row in rows:
        story += [
            Spacer(1, 3 * mm),
            p(row.round.title, h2),
            table(
                [
                    [p(h, cell) for h in (_("安排资金（元）"), _("资助金额（元）"), _("项目数"))]
                    + [p(h, cell) for h in (_("已拨付（元）"), _("已退回（元）"))],
                    [
                        p(v, cell)
                        for v in (
                            money(row.total),
                            money(row.awarded),
                            row.projects,
                            money(row.paid),
                            money(row.returned),
                        )
                    ],
                ],
                [None] * 5,
            ),
        ]
        if row.by_purpose:
            story.append(
                table(
                    [[p(h, cell) for h in (_("资助方向"), _("项目数"), _("资助金额（元）"))]]
                    + [
                        [p(area, cell), p(n, cell), p(money(amount), cell)]
                        for area, (n, amount) in row.by_purpose.items()
                    ],
                    [70 * mm, 30 * mm, None],
                )
            )
        if row.grades:
            grades = "、".join(f"{g} {n}" for g, n in row.grades.items())
            story.append(p(_("结项评价等级") + "：" + grades, body))
    funders = list(dict.fromkeys(str(row.round.programme.funder_unit) for row in rows))
    issuer = "、".join(funders) or PLATFORM
    story += closing(
        issuer,
        str(year),
        contact=[
            (_("资助单位"), issuer if funders else ""),
            (_("查询核验"), _("%(platform)s，公益金使用情况年度报告") % {"platform": PLATFORM}),
        ],
    )
    return Document(
        title=title,
        story=story,
        issuer=issuer,
        number=_("平台编号：%(reference)s") % {"reference": f"GRANTS-FUND-USE-{year}"},
    )
