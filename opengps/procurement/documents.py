"""Official documents as PDF: announcement, opening minutes, evaluation report, award notice, result.

Pure functions: the caller selects (and permission-checks) the data, these only typeset it with the
shared kit in `opengps.core.pdf` (`Document`, `render`, the embedded CJK fonts, the official
layout: the issuing unit and the project number in the masthead, the contact block and the place
for the seal at the end). Times are shown in Asia/Shanghai; every deadline carries its citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
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
from opengps.procurement.services.bids import PREFERENCES

__all__ = ["Document", "day", "local", "money", "render", "texts"]


def _heading(title: str, procurement: Any, issued: str) -> list[Flowable]:
    """Title, then project name and number, issuing unit(s) and the issue date."""
    issuer = str(procurement.purchaser)
    if procurement.agency_id:
        issuer = _("%(purchaser)s（采购代理机构：%(agency)s）") % {
            "purchaser": issuer,
            "agency": procurement.agency,
        }
    return [
        p(title, "title"),
        p(f"{procurement.title}　{_('项目编号')}：{procurement.reference}", "subtitle"),
        facts([(_("发布单位"), issuer), (_("发布日期"), issued)]),
        Spacer(1, 4 * mm),
    ]


def _unit(procurement: Any) -> Any:
    """The unit that issues the procurement's documents: its agency, else the purchaser."""
    return procurement.agency if procurement.agency_id else procurement.purchaser


def _document(title: str, procurement: Any, story: list[Flowable]) -> Document:
    """The document with the official masthead: the issuing unit and the project number."""
    return Document(
        title,
        story,
        issuer=str(_unit(procurement)),
        number=_("项目编号：%(reference)s") % {"reference": procurement.reference},
    )


def _signature(procurement: Any, on: str) -> list[Flowable]:
    """The contact block (the units as the public reaches them, and where to check the document),
    then the issuing unit and date under the place for its seal."""
    purchaser = procurement.purchaser
    region = getattr(purchaser, "region", None)
    contact = [
        (_("采购人"), purchaser),
        (_("采购人所在地"), getattr(region, "name", "")),
        (_("采购代理机构"), procurement.agency if procurement.agency_id else ""),
        (
            _("查询核验"),
            _("%(platform)s，项目编号 %(reference)s")
            % {"platform": PLATFORM, "reference": procurement.reference},
        ),
    ]
    return closing(_unit(procurement), on, contact=contact)


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
    story.append(p(_("一、项目基本情况"), "h2"))
    story.append(
        facts(
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
    story.append(p(_("二、采购包"), "h2"))
    story.append(
        grid(
            [_("包号"), _("名称"), _("预算（元）")],
            [[lot.number, lot.title, money(lot.budget)] for lot in lots],
            [18 * mm, None, 40 * mm],
        )
    )
    if clarifications:
        story.append(p(_("三、澄清与修改"), "h2"))
        for c in clarifications:
            line = f"{day(c.published_on)} {c.get_kind_display()}：{c.text}"
            if c.postponed:
                line += " — " + _("截止时间顺延至 %(deadline)s") % {"deadline": local(c.deadline_after)}
            story.append(p(line))
            if c.postponed and c.citation:
                story.append(cite(c.citation))
    story += _signature(procurement, issued)
    return _document(title, procurement, story)


def opening_minutes(*, procurement: Any, record: Any, readouts: Sequence[Any]) -> Document:
    """开标记录 — time, place, bids received and valid against the legal minimum, each readout."""
    title = _("开标记录")
    story = _heading(title, procurement, day(record.opened_at))
    story.append(
        facts(
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
    story.append(cite(record.citation))
    story.append(p(_("唱标记录"), "h2"))
    story.append(
        grid(
            [_("包"), _("投标人"), _("投标总价（元）"), _("递交时间"), _("政策优惠"), _("有效性")],
            [
                [
                    r.lot.number,
                    r.organization,
                    money(r.price_total),
                    local(r.received_at),
                    "、".join(str(PREFERENCES.get(code, code)) for code in r.preferences) or "—",
                    _("有效") if r.valid else _("无效：%(reason)s") % {"reason": r.invalid_reason},
                ]
                for r in readouts
            ],
            [10 * mm, None, 28 * mm, 28 * mm, 24 * mm, 24 * mm],
        )
    )
    story += _signature(procurement, day(record.opened_at))
    return _document(title, procurement, story)


def evaluation_report(
    *, procurement: Any, report: Any, members: Sequence[Any], factors: Sequence[Any]
) -> Document:
    """评审报告 — the committee, factors, per-lot ranking with its basis, rejections and deviations."""
    title = _("评审报告")
    story = _heading(title, procurement, day(report.built_at))
    story.append(
        facts(
            [
                (_("评审结束日期"), day(report.scoring_ended_on)),
                (_("提交期限"), f"{day(report.due_on)}（{_('依据')}：{report.due_citation}）"),
                (_("送交采购人日期"), day(report.delivered_on)),
            ]
        )
    )
    story.append(p(_("一、评审委员会"), "h2"))
    story.append(
        grid(
            [_("姓名"), _("状态"), _("确认评审报告时间")],
            [[m.name, m.get_state_display(), local(m.report_confirmed_at) or "—"] for m in members],
            [40 * mm, 40 * mm, None],
        )
    )
    if factors:
        story.append(p(_("二、评审因素"), "h2"))
        story.append(
            grid([_("评审因素"), _("分值")], [[f.name, f.max_points] for f in factors], [None, 30 * mm])
        )
    story.append(p(_("三、评审结果"), "h2"))
    for lot in report.lots:
        story.append(p(_("第%(number)s包 %(title)s") % {"number": lot["lot"], "title": lot["title"]}))
        story.append(
            grid(
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
            story.append(cite(lot["citation"]))
        for d in lot.get("deviations", []):
            story.append(p(d))
        for r in lot.get("rejected", []):
            story.append(
                p(
                    _("未通过审查：%(supplier)s — %(reasons)s")
                    % {"supplier": r["supplier"], "reasons": "；".join(r["reasons"])}
                )
            )
    story += _signature(procurement, day(report.built_at))
    return _document(title, procurement, story)


def award_notice(
    *, procurement: Any, award: Any, winner: Any, sign_due: date, sign_citation: str
) -> Document:
    """中标（成交）通知书 to the winner of one lot."""
    title = _("中标（成交）通知书")
    issued = day(award.announced_at)
    story = _heading(title, procurement, issued)
    story.append(p(f"{winner.organization}：", "body"))
    story.append(
        p(
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
    story.append(p(_("　　请于 %(due)s 前与采购人签订政府采购合同。") % {"due": day(sign_due)}))
    story.append(cite(sign_citation))
    story.append(
        facts(
            [
                (_("统一社会信用代码"), winner.organization.uscc),
                (_("定标日期"), day(award.decided_on)),
                (_("公告期限"), day(award.announce_due)),
            ]
        )
    )
    if award.announce_citation:
        story.append(cite(award.announce_citation))
    story += _signature(procurement, issued)
    return _document(title, procurement, story)


def result_announcement(*, procurement: Any, awards: Sequence[Any], members: Sequence[Any]) -> Document:
    """中标（成交）结果公告 — per lot the winner and amount, and the committee's names (O87 §69)."""
    title = _("中标（成交）结果公告")
    issued = day(max((a.announced_at for a in awards if a.announced_at), default=None))
    story = _heading(title, procurement, issued)
    story.append(p(_("一、项目基本情况"), "h2"))
    story.append(
        facts(
            [
                (_("采购人"), procurement.purchaser),
                (_("采购代理机构"), procurement.agency or ""),
                (_("采购方式"), procurement.method_name),
                (_("采购公告日期"), day(procurement.announced_at)),
                (_("开标时间"), local(procurement.opened_at)),
            ]
        )
    )
    story.append(p(_("二、中标（成交）信息"), "h2"))
    story.append(
        grid(
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
        story.append(cite(citation))
    story.append(p(_("三、评审委员会成员名单"), "h2"))
    story.append(p("、".join(m.name for m in members) or "—"))
    story += _signature(procurement, issued)
    return _document(title, procurement, story)
