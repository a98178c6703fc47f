"""The procurement app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the procurement app records."""

    PROCUREMENT_ANNOUNCED = "procurement.announced", _("发布采购公告"), "tender"
    PROCUREMENT_CANCELLED = "procurement.cancelled", _("终止采购"), "tenderCancellation"
    PROCUREMENT_CREATED = "procurement.created", _("创建采购项目")
    PROCUREMENT_DEADLINE_POSTPONED = "procurement.deadline_postponed", _("延长截止时间"), "tenderAmendment"
    PROCUREMENT_DOCUMENTS_CHANGED = "procurement.documents_changed", _("修改采购文件")
    PROCUREMENT_FACTORS_STATED = "procurement.factors_stated", _("载明评审因素")
    PROCUREMENT_DOCUMENTS_REGISTER_DISCLOSED = (
        "procurement.documents_register_disclosed",
        _("公开采购文件获取记录"),
    )
    PROCUREMENT_ENQUIRY_ANSWERED = "procurement.enquiry_answered", _("答复询问")
    PROCUREMENT_ENQUIRY_RECEIVED = "procurement.enquiry_received", _("收到询问")
    PROCUREMENT_FAILED = "procurement.failed", _("采购失败（废标）"), "tenderCancellation"
    PROCUREMENT_FRAMEWORK_TERMS_SET = "procurement.framework_terms_set", _("设定框架协议条款")
    PROCUREMENT_KEY_UNWRAPPED = "procurement.key_unwrapped", _("解封投标密钥")
    PROCUREMENT_METHOD_CHANGE_APPROVED = "procurement.method_change_approved", _("批准变更采购方式")
    PROCUREMENT_METHOD_CHANGE_REFUSED = "procurement.method_change_refused", _("不批准变更采购方式")
    PROCUREMENT_METHOD_CHANGE_REQUESTED = "procurement.method_change_requested", _("申请变更采购方式")
    PROCUREMENT_NOTICE_CLOSED = "procurement.notice_closed", _("公示期满"), "tenderUpdate"
    PROCUREMENT_NOTICE_PUBLISHED = "procurement.notice_published", _("发布公示"), "tender"
    PROCUREMENT_OBJECTION_DECIDED = "procurement.objection_decided", _("处理公示异议")
    PROCUREMENT_OBJECTION_RAISED = "procurement.objection_raised", _("对公示提出异议")
    PROCUREMENT_OPENED = "procurement.opened", _("开标"), "tenderUpdate"
    PROCUREMENT_PREQUALIFICATION_ANNOUNCED = "procurement.prequalification_announced", _("发布资格预审公告")
    PROCUREMENT_PREQUALIFICATION_CLARIFIED = "procurement.prequalification_clarified", _("澄清资格预审文件")
    PROCUREMENT_RETENDERED = "procurement.retendered", _("重新招标")
    PROCUREMENT_SUPPLIERS_DRAWN = "procurement.suppliers_drawn", _("抽取邀请供应商")
    PROCUREMENT_CLARIFICATION_PUBLISHED = (
        "procurement.clarification_published",
        _("发布澄清公告"),
        "tenderAmendment",
    )
    PROCUREMENT_AMENDMENT_PUBLISHED = "procurement.amendment_published", _("发布更正公告"), "tenderAmendment"
    BID_SUBMIT = "bid.submit", _("递交投标文件")
    BID_MODIFY = "bid.modify", _("修改投标文件")
    BID_WITHDRAW = "bid.withdraw", _("撤回投标文件")


PUBLISHED_BY_KIND = {
    "clarification": Event.PROCUREMENT_CLARIFICATION_PUBLISHED,
    "amendment": Event.PROCUREMENT_AMENDMENT_PUBLISHED,
}
"""The event each kind of clarification notice records (`models.Clarification.Kind` values)."""
BID_ACT = {"submit": Event.BID_SUBMIT, "modify": Event.BID_MODIFY, "withdraw": Event.BID_WITHDRAW}
"""The event each bid act records when the opening discloses it (`models.BidVersion.Kind` values)."""
