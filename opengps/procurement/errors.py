"""The procurement app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the procurement app refuses with."""

    AUTH_REQUIRED = "auth.required", _("请先登录")
    BID_ALREADY_SUBMITTED = "bid.already_submitted", _("已递交投标，如需变更请修改或撤回")
    BID_CONCURRENT_CHANGE = "bid.concurrent_change", _("投标正被同单位的其他人员修改，请刷新后重试")
    BID_CONTACT_INVALID = "bid.contact_invalid", _("联系人姓名过长")
    BID_DEADLINE_PASSED = (
        "bid.deadline_passed",
        _("投标截止时间（%(deadline)s）已过，投标文件不予接收（依据：%(citation)s）"),
    )
    BID_DOCUMENTS_NOT_OBTAINED = "bid.documents_not_obtained", _("请先获取采购文件")
    BID_FILE_EMPTY = "bid.file_empty", _("文件“%(name)s”为空")
    BID_FILE_NOT_FOUND = "bid.file_not_found", _("未找到该文件")
    BID_FILE_TOO_LARGE = "bid.file_too_large", _("文件“%(name)s”超过大小上限 %(limit)s MB")
    BID_FILE_TYPE = (
        "bid.file_type",
        _("文件“%(name)s”类型不符：只接受 PDF、DOCX、XLSX、ZIP，且内容须与扩展名一致"),
    )
    BID_NOT_FOUND = "bid.not_found", _("未找到该投标回执")
    BID_NOT_SUBMITTED = "bid.not_submitted", _("尚未递交投标（或已撤回）")
    BID_NO_ORGANIZATION = "bid.no_organization", _("您的账号未关联社会组织")
    BID_PARTS_MISSING = "bid.parts_missing", _("缺少：%(parts)s")
    BID_PART_INVALID = "bid.part_invalid", _("文件类别无效")
    BID_PREFERENCE_INVALID = "bid.preference_invalid", _("未知的政策优惠类别")
    BID_SUPPLIER_INELIGIBLE = "bid.supplier_ineligible", _("贵单位 %(date)s 不具备承接资格：%(reasons)s")
    PERM_DENIED = "perm.denied", _("无权查看")
    PERM_OTHER_UNIT = "perm.other_unit", _("只有该项目的采购人或采购代理机构可以操作")
    PLANNING_FINANCE_OTHER_LEVEL = "planning.finance_other_level", _("只能由本级财政部门审核")
    PROCUREMENT_AGENCY_INVALID = "procurement.agency_invalid", _("所选单位不是采购代理机构")
    PROCUREMENT_ALREADY_DRAWN = "procurement.already_drawn", _("已抽取过邀请供应商")
    PROCUREMENT_CLARIFICATION_KIND = "procurement.clarification_kind", _("类型无效")
    PROCUREMENT_DEADLINE_PASSED = "procurement.deadline_passed", _("投标截止时间已过，不能再澄清或修改")
    PROCUREMENT_DEADLINE_PAST = "procurement.deadline_past", _("截止时间必须晚于当前时间")
    PROCUREMENT_DEADLINE_TOO_EARLY = (
        "procurement.deadline_too_early",
        _("采购文件提供期限至少至 %(end)s，截止时间不得早于该日（依据：%(citation)s）"),
    )
    PROCUREMENT_DOCUMENTS_AFTER_DEADLINE = (
        "procurement.documents_after_deadline",
        _("采购文件提供期限不能晚于投标截止日期"),
    )
    PROCUREMENT_DOCUMENTS_NOT_OBTAINED = "procurement.documents_not_obtained", _("请先获取采购文件")
    PROCUREMENT_DOCUMENTS_PERIOD_OVER = (
        "procurement.documents_period_over",
        _("采购文件提供期限已于 %(end)s 届满"),
    )
    PROCUREMENT_DOCUMENTS_PERIOD_TOO_SHORT = (
        "procurement.documents_period_too_short",
        _("采购文件提供期限不得少于法定期限，最早可至 %(end)s（依据：%(citation)s）"),
    )
    PROCUREMENT_DOCUMENTS_REQUIRED = "procurement.documents_required", _("请填写采购文件内容")
    PROCUREMENT_ENQUIRY_ANSWERED = "procurement.enquiry_answered", _("该询问已答复")
    PROCUREMENT_ENQUIRY_NOT_FOUND = "procurement.enquiry_not_found", _("未找到该询问")
    PROCUREMENT_FRAMEWORK_FIRST_STAGE_INVALID = (
        "procurement.framework_first_stage_invalid",
        _("入围评审方法无效"),
    )
    PROCUREMENT_FRAMEWORK_QUALITY_FIRST_NOT_ALLOWED = (
        "procurement.framework_quality_first_not_allowed",
        _("除政府定价、政府指导价项目和对质量有特别要求的检测、实验仪器外，应采用价格优先法（%(citation)s）"),
    )
    PROCUREMENT_FRAMEWORK_RATE_INVALID = "procurement.framework_rate_invalid", _("淘汰比例格式无效")
    PROCUREMENT_FRAMEWORK_SECOND_STAGE_INVALID = (
        "procurement.framework_second_stage_invalid",
        _("第二阶段成交方式无效"),
    )
    PROCUREMENT_INVITATIONS_MISSING = (
        "procurement.invitations_missing",
        _("请先随机抽取不少于 %(min)d 家供应商"),
    )
    PROCUREMENT_LOTS_OVER_BUDGET = (
        "procurement.lots_over_budget",
        _("各包预算合计 %(total)s 元超过采购预算 %(ceiling)s 元"),
    )
    PROCUREMENT_FACTORS_INVALID = "procurement.factors_invalid", _("评审因素填写有误")
    PROCUREMENT_FACTORS_NOT_100 = (
        "procurement.factors_not_100",
        _("评审因素合计 %(factors)s 分，加上价格分合计 %(total)s 分；总分应为 100 分"),
    )
    PROCUREMENT_FACTORS_NOT_APPLICABLE = (
        "procurement.factors_not_applicable",
        _("本采购方式按价格确定成交，不设评审因素"),
    )
    PROCUREMENT_LOTS_REQUIRED = "procurement.lots_required", _("至少需要一个采购包")
    PROCUREMENT_LOT_NOT_FOUND = "procurement.lot_not_found", _("未找到该采购包")
    PROCUREMENT_METHOD_NOT_ALLOWED = (
        "procurement.method_not_allowed",
        _("不能变更为%(method)s：%(reason)s（依据：%(citation)s）"),
    )
    PROCUREMENT_NOTICE_ENDED = "procurement.notice_ended", _("公示期已结束，不能再提出异议")
    PROCUREMENT_NOTICE_RUNNING = (
        "procurement.notice_running",
        _("公示期至 %(end)s 结束（依据：%(citation)s）"),
    )
    PROCUREMENT_NOTIFICATION_NOT_FOUND = "procurement.notification_not_found", _("未找到该通知")
    PROCUREMENT_NOT_ENOUGH_SUPPLIERS = (
        "procurement.not_enough_suppliers",
        _("符合条件的供应商只有 %(available)d 家，需要 %(count)d 家"),
    )
    PROCUREMENT_NOT_FOUND = "procurement.not_found", _("未找到该采购项目")
    PROCUREMENT_NOT_FRAMEWORK = "procurement.not_framework", _("只有框架协议采购才约定入围和第二阶段规则")
    PROCUREMENT_NOT_INVITED = "procurement.not_invited", _("本项目为邀请招标，贵单位未被邀请")
    PROCUREMENT_NOT_INVITED_METHOD = "procurement.not_invited_method", _("只有邀请招标需要抽取供应商")
    PROCUREMENT_NOT_NAMED_SUPPLIER = (
        "procurement.not_named_supplier",
        _("本项目为单一来源采购，只接受公示的供应商响应"),
    )
    PROCUREMENT_OBJECTIONS_PENDING = "procurement.objections_pending", _("尚有未处理的异议")
    PROCUREMENT_OBJECTION_DECIDED = "procurement.objection_decided", _("该异议已处理")
    PROCUREMENT_OBJECTION_NOT_FOUND = "procurement.objection_not_found", _("未找到该异议")
    PROCUREMENT_OPENING_NOT_FOUND = "procurement.opening_not_found", _("尚未开标或无权查看开标记录")
    PROCUREMENT_PLAN_HAS_PROCUREMENT = "procurement.plan_has_procurement", _("该计划已有进行中的采购项目")
    PROCUREMENT_PRICE_WEIGHT_INVALID = (
        "procurement.price_weight_invalid",
        _("价格分占比应填写 0 至 100 之间的百分数，如 30"),
    )
    PROCUREMENT_PLAN_NOT_READY = (
        "procurement.plan_not_ready",
        _("采购计划当前状态（%(status)s）不能开始采购；须先公开采购意向"),
    )
    PROCUREMENT_PREQUALIFICATION_CLOSED = (
        "procurement.prequalification_closed",
        _("资格预审申请截止时间已过，不能再澄清或修改资格预审文件"),
    )
    PROCUREMENT_PREQUALIFICATION_MISSING = (
        "procurement.prequalification_missing",
        _("本项目未发布资格预审公告"),
    )
    PROCUREMENT_PREQUALIFICATION_NOT_TENDER = (
        "procurement.prequalification_not_tender",
        _("资格预审仅适用于公开招标和邀请招标"),
    )
    PROCUREMENT_RETENDER_NOT_ALLOWED = (
        "procurement.retender_not_allowed",
        _("本项目不能重新招标，请申请变更采购方式"),
    )
    PROCUREMENT_SAME_METHOD = "procurement.same_method", _("新的采购方式与原方式相同")
    PROCUREMENT_SEALED_UNTIL_DEADLINE = (
        "procurement.sealed_until_deadline",
        _("投标截止时间前不得透露获取采购文件或者投标的供应商名称、数量（依据：财政部令第87号 第二十八条）"),
    )
    PROCUREMENT_SINGLE_SOURCE_SUPPLIER_REQUIRED = (
        "procurement.single_source_supplier_required",
        _("单一来源采购须指定供应商"),
    )
    PROCUREMENT_TOO_FEW_INVITED = (
        "procurement.too_few_invited",
        _("邀请招标应当随机抽取不少于 %(min)d 家供应商（依据：%(citation)s）"),
    )
    PROCUREMENT_WRONG_STATUS = "procurement.wrong_status", _("当前状态（%(status)s）不能执行此操作")
    REQUEST_DATETIME_INVALID = "request.datetime_invalid", _("时间格式应为 YYYY-MM-DD HH:MM")
    REQUEST_DATE_INVALID = "request.date_invalid", _("日期格式应为 YYYY-MM-DD")
    REQUEST_TIME_NAIVE = "request.time_naive", _("时间必须带时区")
    SEAL_BEFORE_DEADLINE = (
        "seal.before_deadline",
        _(
            "投标截止时间前不得解封投标文件（政府采购货物和服务招标投标管理办法 第三十三条：任何单位和个人不得在开标前开启投标文件）"
        ),
    )
    SEAL_INPUT_INVALID = "seal.input_invalid", _("sealed_sha256 应为 64 位小写十六进制")
    SEAL_KEY_INVALID = "seal.key_invalid", _("%(label)s 必须为 %(bytes)s 字节")
    SEAL_OPEN_FAILED = "seal.open_failed", _("投标清单摘要与回执不符")
    SEAL_UNWRAP_FAILED = "seal.unwrap_failed", _("封存密钥不是由当前平台主密钥加密的")
    PROCUREMENT_TEXT_TOO_LONG = "procurement.text_too_long", _("内容过长")
    COMPLAINT_TEXT_TOO_LONG = "complaint.text_too_long", _("内容过长")


TEXT_TOO_LONG = {"procurement": Code.PROCUREMENT_TEXT_TOO_LONG, "complaint": Code.COMPLAINT_TEXT_TOO_LONG}
"""The too-long code for a text field, by the prefix of the code its emptiness is refused with."""
