"""Procurement methods (采购方式): their codes, names, and per-method periods as effective-dated data."""

from __future__ import annotations

from enum import StrEnum

from opengps.rules.base import parse_choice


class Method(StrEnum):
    """A procurement method (采购方式); the value is the stable code used in URLs, APIs and data."""

    open_tender = "open_tender"
    """公开招标 (GPL §26-28)."""
    invited_tender = "invited_tender"
    """邀请招标 (GPL §29)."""
    competitive_negotiation = "competitive_negotiation"
    """竞争性谈判 (GPL §30, O74)."""
    competitive_consultation = "competitive_consultation"
    """竞争性磋商 (C214)."""
    request_for_quotation = "request_for_quotation"
    """询价 (GPL §32, O74)."""
    single_source = "single_source"
    """单一来源 (GPL §31, O74)."""
    framework_agreement = "framework_agreement"
    """框架协议 (O110)."""
    emall = "emall"
    """电子卖场 (below the decentralized-procurement limit)."""


METHOD_NAMES_ZH: dict[Method, str] = {
    Method.open_tender: "公开招标",
    Method.invited_tender: "邀请招标",
    Method.competitive_negotiation: "竞争性谈判",
    Method.competitive_consultation: "竞争性磋商",
    Method.request_for_quotation: "询价",
    Method.single_source: "单一来源",
    Method.framework_agreement: "框架协议",
    Method.emall: "电子卖场",
}

METHOD_NAMES_EN: dict[Method, str] = {
    Method.open_tender: "Open tender",
    Method.invited_tender: "Invited tender",
    Method.competitive_negotiation: "Competitive negotiation",
    Method.competitive_consultation: "Competitive consultation",
    Method.request_for_quotation: "Request for quotation",
    Method.single_source: "Single source",
    Method.framework_agreement: "Framework agreement",
    Method.emall: "E-mall",
}


def parse_method(code: str | Method) -> Method:
    """The `Method` for `code` (its stable code, e.g. ``"open_tender"``).

    Raises RuleError ``method.unknown`` for anything else.
    """
    if isinstance(code, Method):
        return code
    return parse_choice(
        Method,
        code,
        code="method.unknown",
        message_zh=f"未知的采购方式代码“{code}”",
        message_en=f"Unknown procurement method code '{code}'",
        param="code",
    )
