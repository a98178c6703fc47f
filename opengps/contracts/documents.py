"""合同公告 as PDF: the public notice of a signed government purchase-of-services contract.

Pure functions like `opengps.procurement.documents` (whose typesetting this reuses: A4, the
embedded CJK fonts, CJK line breaking, Beijing time, the official layout with the purchaser and
the contract number in the masthead, the contact block and the place for the seal): the caller
selects the published contract and its published amendments, this only typesets them. The notice
shows what the public contract page shows (IR §50: the contract is published within 2 working days
of signing, except state and trade secrets — so the terms are left out), with the publication
deadline and its citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Spacer  # type: ignore[import-untyped]

from opengps.core.pdf import (
    PLATFORM,
    Document,
    cite,
    closing,
    day,
    facts,
    grid,
    local,
    money,
    p,
    render,
    texts,
)

__all__ = ["Document", "contract_notice", "render", "texts"]


def contract_notice(*, contract: Any, amendments: Sequence[Any], acceptances: Sequence[Any]) -> Document:
    """合同公告 — the contract's public facts, its amendments and its published acceptance results."""
    title = _("合同公告")
    procurement = contract.procurement
    story: list[Flowable] = [
        p(title, "title"),
        p(f"{contract.title}　{_('合同编号')}：{contract.reference}", "subtitle"),
        facts([(_("发布单位"), contract.purchaser.name), (_("公开时间"), local(contract.published_at))]),
        Spacer(1, 4 * mm),
        p(_("合同基本情况"), "h2"),
        facts(
            [
                (_("合同编号"), contract.reference),
                (_("合同名称"), contract.title),
                (_("合同类型"), contract.get_kind_display()),
                (_("状态"), contract.get_status_display()),
                (
                    _("采购项目"),
                    _("%(reference)s %(title)s（第 %(lot)s 包）")
                    % {
                        "reference": procurement.reference,
                        "title": procurement.title,
                        "lot": contract.lot.number,
                    },
                ),
                (_("采购人"), contract.purchaser.name),
                (_("供应商"), f"{contract.supplier.name}（{contract.supplier.uscc}）"),
                (_("合同金额（元）"), money(contract.amount)),
                (
                    _("原合同金额（元）"),
                    money(contract.original_amount)
                    if contract.original_amount and contract.original_amount != contract.amount
                    else "",
                ),
                (_("履行期限"), f"{day(contract.starts_on)} — {day(contract.ends_on)}"),
                (_("签订日期"), day(contract.signed_on)),
                (_("合同公告期限"), day(contract.publish_due)),
                (_("逾期公告原因"), contract.publish_late_reason),
                (
                    _("解除日期"),
                    f"{day(contract.terminated_on)} · {contract.get_termination_fault_display()} — "
                    f"{contract.termination_reason}"
                    if contract.terminated_on
                    else "",
                ),
            ]
        ),
    ]
    if contract.publish_citation:
        story.append(cite(contract.publish_citation))
    if amendments:
        story.append(p(_("补充合同"), "h2"))
        story.append(
            grid(
                [_("签订日期"), _("追加金额（元）"), _("变更后合同金额（元）"), _("变更后结束日期")],
                [
                    [day(a.signed_on), money(a.added_amount), money(a.amount_after), day(a.ends_on_after)]
                    for a in amendments
                ],
                [30 * mm, 35 * mm, 40 * mm, None],
            )
        )
    if acceptances:
        story.append(p(_("验收结果"), "h2"))
        story.append(
            grid(
                [_("阶段"), _("验收日期"), _("结论"), _("说明")],
                [
                    [f"{a.phase} · {a.title}", day(a.accepted_on), a.get_result_display(), a.reasons]
                    for a in acceptances
                ],
                [45 * mm, 25 * mm, 22 * mm, None],
            )
        )
    region = getattr(contract.purchaser, "region", None)
    story += closing(
        contract.purchaser.name,
        day(contract.published_at),
        contact=[
            (_("采购人"), contract.purchaser.name),
            (_("采购人所在地"), getattr(region, "name", "")),
            (_("供应商"), contract.supplier.name),
            (
                _("查询核验"),
                _("%(platform)s，合同编号 %(reference)s")
                % {"platform": PLATFORM, "reference": contract.reference},
            ),
        ],
    )
    return Document(
        title,
        story,
        issuer=contract.purchaser.name,
        number=_("合同编号：%(reference)s") % {"reference": contract.reference},
    )
