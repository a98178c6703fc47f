"""The e-mall's audit events (STYLE: events as data): each action its services record, with the
label timelines show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the e-mall records."""

    EMALL_ENTRY_APPLIED = "emall_entry.applied", _("申请入驻电子卖场")
    EMALL_ENTRY_APPROVED = "emall_entry.approved", _("批准入驻电子卖场")
    EMALL_ENTRY_REFUSED = "emall_entry.refused", _("不予入驻电子卖场")
    EMALL_ENTRY_REINSTATED = "emall_entry.reinstated", _("恢复电子卖场入驻")
    EMALL_ENTRY_SUSPENDED = "emall_entry.suspended", _("暂停电子卖场入驻")
    EMALL_LISTING_APPROVED = "emall_listing.approved", _("商品审核通过上架")
    EMALL_LISTING_CREATED = "emall_listing.created", _("创建电子卖场商品")
    EMALL_LISTING_REINSTATED = "emall_listing.reinstated", _("商品恢复上架")
    EMALL_LISTING_REJECTED = "emall_listing.rejected", _("商品未通过审核")
    EMALL_LISTING_SUBMITTED = "emall_listing.submitted", _("提交商品审核")
    EMALL_LISTING_SUSPENDED = "emall_listing.suspended", _("商品下架")
    EMALL_ORDER_ACCEPTED = "emall_order.accepted", _("订单验收")
    EMALL_ORDER_CALLED_OFF = "emall_order.called_off", _("电子卖场定点采购下单（框架协议）")
    EMALL_ORDER_AWARDED = "emall_order.awarded", _("竞价成交下单")
    EMALL_ORDER_CONFIRMED = "emall_order.confirmed", _("供应商确认订单")
    EMALL_ORDER_DECLINED = "emall_order.declined", _("供应商拒绝订单")
    EMALL_ORDER_DELIVERED = "emall_order.delivered", _("供应商交付")
    EMALL_ORDER_LAPSED = "emall_order.lapsed", _("订单超时未确认失效")
    EMALL_ORDER_PAID = "emall_order.paid", _("订单付款")
    EMALL_ORDER_PLACED = "emall_order.placed", _("电子卖场直购下单")
    EMALL_ORDER_RATED = "emall_order.rated", _("采购人评价订单")
    EMALL_PRICE_FLAGGED = "emall_price.flagged", _("商品价格异常提示")
    EMALL_PRICE_FLAG_DISMISSED = "emall_price.flag_dismissed", _("价格异常提示：价格合理")
    EMALL_PRICE_FLAG_UPHELD = "emall_price.flag_upheld", _("价格异常提示：确认异常")
    EMALL_QUOTE_IMPROVED = "emall_quote.improved", _("供应商更新竞价报价")
    EMALL_QUOTE_SUBMITTED = "emall_quote.submitted", _("供应商提交竞价报价")
    EMALL_REQUIREMENT_SET = "emall_requirement.set", _("设置品目入驻条件")
    EMALL_ROUND_AWARDED = "emall_round.awarded", _("竞价开启：成交")
    EMALL_ROUND_FAILED = "emall_round.failed", _("竞价开启：竞价失败")
    EMALL_ROUND_POSTED = "emall_round.posted", _("发起电子卖场竞价")
    EMALL_VERSION_APPROVED = "emall_version.approved", _("商品新版本审核通过")
    EMALL_VERSION_CREATED = "emall_version.created", _("提交商品新版本（价格或条款变更）")
    EMALL_VERSION_REJECTED = "emall_version.rejected", _("商品新版本未通过审核")
