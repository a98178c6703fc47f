"""The contracts app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the contracts app refuses with."""

    ACCEPTANCE_ALREADY_PUBLISHED = "acceptance.already_published", _("验收结果已公开")
    ACCEPTANCE_CHECKLIST_INVALID = (
        "acceptance.checklist_invalid",
        _("验收清单须为该合同的交付内容，且每项只列一次"),
    )
    ACCEPTANCE_CHECKLIST_REQUIRED = "acceptance.checklist_required", _("请逐项填写验收清单")
    ACCEPTANCE_FAILURE_REASON_REQUIRED = "acceptance.failure_reason_required", _("不合格项须说明理由")
    ACCEPTANCE_GROUP_REQUIRED = "acceptance.group_required", _("请填写验收小组成员")
    ACCEPTANCE_INVITED_INVALID = "acceptance.invited_invalid", _("邀请人数无效")
    ACCEPTANCE_OPINIONS_OVER_INVITED = "acceptance.opinions_over_invited", _("服务对象意见数不能多于邀请人数")
    ACCEPTANCE_REASONS_REQUIRED = "acceptance.reasons_required", _("结论为部分合格或不合格时须说明理由")
    ACCEPTANCE_RECIPIENTS_REQUIRED = (
        "acceptance.recipients_required",
        _("面向服务对象的项目，验收时须邀请服务对象参与并出具意见（依据：%(citation)s）"),
    )
    ACCEPTANCE_RESULT_INCONSISTENT = "acceptance.result_inconsistent", _("验收清单有不合格项，结论不能为合格")
    ACCEPTANCE_RESULT_INVALID = "acceptance.result_invalid", _("验收结论无效")
    CONTRACT_AMENDMENT_EMPTY = "contract.amendment_empty", _("补充合同未变更金额或期限")
    CONTRACT_AWARD_NOT_ANNOUNCED = "contract.award_not_announced", _("中标（成交）结果尚未公告，不能订立合同")
    CONTRACT_AWARD_NOT_FOUND = "contract.award_not_found", _("中标（成交）结果不存在")
    CONTRACT_CALL_OFF_BY_ORDER = (
        "contract.call_off_by_order",
        _("该框架协议成交已在电子卖场下单，订单即采购合同，不另行订立合同"),
    )
    CONTRACT_CALL_OFF_NOT_FOUND = "contract.call_off_not_found", _("框架协议成交记录不存在")
    CONTRACT_DATE_BEFORE_SIGNING = "contract.date_before_signing", _("解除日期不能早于签订日期")
    CONTRACT_DATE_IN_FUTURE = "contract.date_in_future", _("日期不能晚于今天")
    CONTRACT_DATE_OUTSIDE_TERM = "contract.date_outside_term", _("日期须在合同履行期限内")
    CONTRACT_EXISTS = "contract.exists", _("该中标（成交）结果已订立合同")
    CONTRACT_FAULT_INVALID = "contract.fault_invalid", _("请选择解除责任方")
    CONTRACT_FIGURE_INVALID = "contract.figure_invalid", _("指标数值格式无效")
    CONTRACT_FILE_ENCODING = "contract.file_encoding", _("附件须为 base64 编码")
    CONTRACT_HEADCOUNT_INVALID = "contract.headcount_invalid", _("岗位人数无效")
    CONTRACT_INDICATOR_DUPLICATE = "contract.indicator_duplicate", _("绩效指标代码重复")
    CONTRACT_INDICATOR_UNKNOWN = "contract.indicator_unknown", _("“%(code)s”不是该合同的绩效指标")
    CONTRACT_KIND_INVALID = "contract.kind_invalid", _("合同类型无效")
    CONTRACT_MILESTONE_DONE = "contract.milestone_done", _("该节点已完成")
    CONTRACT_MILESTONE_OTHER_CONTRACT = "contract.milestone_other_contract", _("节点不属于该合同")
    CONTRACT_NOT_FOUND = "contract.not_found", _("合同不存在或无权查看")
    CONTRACT_NOT_POSTS = "contract.not_posts", _("只有岗位购买合同可以设置岗位")
    CONTRACT_NOT_SUPPLIER = "contract.not_supplier", _("只有该合同的供应商可以报送")
    CONTRACT_PAID_OVER_AMOUNT = "contract.paid_over_amount", _("实付金额超过该期应付金额")
    CONTRACT_PAYMENTS_OVER_AMOUNT = (
        "contract.payments_over_amount",
        _("支付计划合计 %(total)s 元超过合同金额 %(amount)s 元"),
    )
    CONTRACT_PAYMENT_RECORDED = "contract.payment_recorded", _("该笔款项已登记支付")
    CONTRACT_PAYMENT_WHEN_MISSING = "contract.payment_when_missing", _("请填写计划支付日期或对应的验收阶段")
    CONTRACT_PERIOD_INVALID = "contract.period_invalid", _("报告期止不能早于报告期起")
    CONTRACT_PERIOD_OUTSIDE = "contract.period_outside", _("报告期须在合同开始之后且不晚于今天")
    CONTRACT_PHASE_INVALID = "contract.phase_invalid", _("验收阶段序号无效")
    CONTRACT_PLACEMENT_DATES = "contract.placement_dates", _("离岗日期不能早于到岗日期")
    CONTRACT_POST_FULL = "contract.post_full", _("该岗位在岗人数已满")
    CONTRACT_REPORT_INTERVAL_INVALID = "contract.report_interval_invalid", _("报告周期应为 1–366 天")
    CONTRACT_SIGNED_BEFORE_NOTICE = (
        "contract.signed_before_notice",
        _("签订日期不能早于中标（成交）通知书发出日期"),
    )
    CONTRACT_TEXT_REQUIRED = "contract.text_required", _("请填写此项")
    CONTRACT_TEXT_TOO_LONG = "contract.text_too_long", _("内容过长")
    CONTRACT_TOO_MANY_FILES = "contract.too_many_files", _("附件最多 10 个")
    CONTRACT_WRONG_STATUS = "contract.wrong_status", _("合同当前状态（%(status)s）不能执行此操作")
    FRAMEWORK_ALREADY_FILED = "framework.already_filed", _("框架协议已备案")
    FRAMEWORK_ALREADY_SIGNED = "framework.already_signed", _("框架协议已签订")
    FRAMEWORK_NOT_ANNOUNCED = "framework.not_announced", _("入围结果公告（入围通知书）发出后方可签订框架协议")
    FRAMEWORK_NOT_SIGNED = "framework.not_signed", _("框架协议签订后方可备案")
    PERM_OTHER_UNIT = "perm.other_unit", _("只有该合同的采购人可以操作")
    REQUEST_TIME_NAIVE = "request.time_naive", _("时间必须带时区")
