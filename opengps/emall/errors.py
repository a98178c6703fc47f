"""The e-mall's error codes (STYLE: codes as data): each stable code the API returns, with its default
message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the error's params.
Refusals by a rule of `opengps.rules.emall` keep the rule's code and carry its citation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the e-mall refuses with."""

    EMALL_AMOUNT_INVALID = "emall.amount_invalid", _("金额格式不正确：以元为单位，最多两位小数")
    EMALL_BUDGET_INSUFFICIENT = (
        "emall.budget_insufficient",
        _("预算指标“%(line)s”可用余额 %(available)s 元，本单需 %(needed)s 元（依据：%(citation)s）"),
    )
    EMALL_BUDGET_NOT_APPROVED = (
        "emall.budget_not_approved",
        _("预算指标“%(line)s”尚未经财政部门批复，不能据以采购（依据：%(citation)s）"),
    )
    EMALL_BUDGET_OTHER_UNIT = "emall.budget_other_unit", _("请选择本单位的预算指标")
    EMALL_BUDGET_OTHER_YEAR = (
        "emall.budget_other_year",
        _("预算指标属于 %(line_year)s 年度，不是本年度（%(year)s）"),
    )
    EMALL_CONTACT_REQUIRED = "emall.contact_required", _("请填写联系人和联系电话")
    EMALL_ENTRY_EXISTS = "emall.entry_exists", _("本组织已申请入驻电子卖场")
    EMALL_ENTRY_NOT_FOUND = "emall.entry_not_found", _("入驻申请不存在")
    EMALL_FLAG_NOT_FOUND = "emall.flag_not_found", _("价格异常提示不存在")
    EMALL_ITEMS_REQUIRED = "emall.items_required", _("请至少选择一个入驻品目")
    EMALL_ITEM_NOT_ENTERED = "emall.item_not_entered", _("“%(item)s”不在本组织的入驻品目中")
    EMALL_ITEM_NOT_PURCHASABLE = "emall.item_not_purchasable", _("只能选择现行目录中可购买的三级事项")
    EMALL_LISTING_NOT_FOUND = "emall.listing_not_found", _("商品不存在")
    EMALL_LISTING_NOT_LIVE = "emall.listing_not_live", _("该商品当前不在售，不能购买")
    EMALL_MIN_RATING_INVALID = "emall.min_rating_invalid", _("最低评估等级应为1A至5A")
    EMALL_NEGATIVE_LIST = "emall.negative_list", _("该事项属于政府购买服务负面清单，不得购买")
    EMALL_FRAMEWORK_NOT_COVERING = (
        "emall.framework_not_covering",
        _("该框架协议不包括“%(item)s”，不能据以定点采购"),
    )
    EMALL_FRAMEWORK_NOT_MEMBER = "emall.framework_not_member", _("该供应商不是此框架协议的入围供应商")
    EMALL_NO_LISTING_FOR_ROUND = (
        "emall.no_listing_for_round",
        _("本组织在该品目下没有服务“%(region)s”的在售商品，不能报价"),
    )
    EMALL_OPENS_IN_PAST = "emall.opens_in_past", _("开始时间不能早于现在")
    EMALL_QUOTE_AFTER_CLOSE = (
        "emall.quote_after_close",
        _("竞价已于 %(deadline)s 截止，报价不予接收（依据：%(citation)s）"),
    )
    EMALL_QUOTE_PRICE_INVALID = "emall.quote_price_invalid", _("报价应大于0，以元为单位，最多两位小数")
    EMALL_ROUND_CLOSED = "emall.round_closed", _("该竞价已结束")
    EMALL_ROUND_NOT_CLOSED = (
        "emall.round_not_closed",
        _("竞价尚未截止（%(deadline)s），报价保持密封，不能开启"),
    )
    EMALL_ROUND_NOT_FOUND = "emall.round_not_found", _("竞价不存在")
    EMALL_ROUND_NOT_OPEN_YET = "emall.round_not_open_yet", _("竞价尚未开始（%(opens)s 开始）")
    EMALL_TIME_INVALID = "emall.time_invalid", _("时间格式不正确")
    EMALL_WINDOW_TOO_SHORT = (
        "emall.bidding_window_too_short",
        _("竞价时间不得少于 %(hours)s 小时：最早截止于 %(earliest)s（依据：%(citation)s）"),
    )
    EMALL_NOT_ELIGIBLE = "emall.not_eligible", _("不符合承接政府购买服务的条件：%(reasons)s")
    EMALL_NOT_ENTERED = "emall.not_entered", _("本组织尚未入驻电子卖场，或入驻已暂停")
    EMALL_NOT_OPERATOR = (
        "emall.not_operator",
        _("只有电子卖场运营机构（未设运营机构时为财政部门）可以办理"),
    )
    EMALL_NOT_PURCHASER = "emall.not_purchaser", _("只有采购单位的经办人员可以下单")
    EMALL_NOT_YOUR_LISTING = "emall.not_your_listing", _("只能管理本组织的商品")
    EMALL_NOT_YOUR_ORDER = "emall.not_your_order", _("只能办理本单位或本组织的订单")
    EMALL_NOTE_REQUIRED = "emall.note_required", _("请填写意见或理由")
    EMALL_ORDER_LAPSED = "emall.order_lapsed", _("订单已超过确认时限（%(deadline)s），已失效")
    EMALL_ORDER_NOT_FOUND = "emall.order_not_found", _("订单不存在")
    EMALL_OVER_CEILING = "emall.over_ceiling", _("金额达到采购限额标准，不得通过电子卖场采购")
    EMALL_OVER_DIRECT_LIMIT = "emall.over_direct_limit", _("金额超过电子卖场直购限额，应通过竞价采购")
    EMALL_PAYMENT_REFERENCE_REQUIRED = "emall.payment_reference_required", _("请填写支付凭证号")
    EMALL_PRICE_INVALID = "emall.price_invalid", _("单价应大于0，以元为单位，最多两位小数")
    EMALL_QUANTITY_INVALID = "emall.quantity_invalid", _("数量应大于0，最多两位小数")
    EMALL_RATING_INVALID = "emall.rating_invalid", _("评价应为1至5星")
    EMALL_RATING_REQUIRED = "emall.rating_required", _("“%(item)s”要求供应商评估等级不低于 %(min)sA")
    EMALL_REGIONS_REQUIRED = "emall.regions_required", _("请选择服务区域")
    EMALL_REGION_INVALID = "emall.region_invalid", _("区划代码无效")
    EMALL_REGION_NOT_SERVED = "emall.region_not_served", _("该商品的服务区域不包括“%(region)s”")
    EMALL_RESPONSE_DAYS_INVALID = "emall.response_days_invalid", _("响应时间应为0至365日")
    EMALL_SPLIT_PURCHASE = "emall.split_purchase", _("同一品目本年度累计达到采购限额标准，属于拆分采购")
    EMALL_STANDARD_REQUIRED = "emall.standard_required", _("请填写服务标准与交付成果")
    EMALL_SUPPLIER_INELIGIBLE = (
        "emall.supplier_ineligible",
        _("供应商目前不能承接政府购买服务：%(reasons)s"),
    )
    EMALL_TEXT_TOO_LONG = "emall.text_too_long", _("内容过长（不超过 %(max)s 字）")
    EMALL_TITLE_REQUIRED = "emall.title_required", _("请填写服务名称")
    EMALL_UNIT_REQUIRED = "emall.unit_required", _("请填写计价单位")
    EMALL_VERSION_PENDING = "emall.version_pending", _("该商品已有待审核的版本，请等待审核结果")
    EMALL_VERSION_NOT_PENDING = "emall.version_not_pending", _("该版本不在待审核状态")
