"""The evaluation app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the evaluation app refuses with."""

    AWARD_CONFIRMATION_PERIOD_OVER = (
        "award.confirmation_period_over",
        _("确认期限 %(due)s 已过，排名第一的候选人依法为中标（成交）供应商（依据：%(citation)s）"),
    )
    AWARD_NOT_CONFIRMED = (
        "award.not_confirmed",
        _("第 %(lot)d 包尚未确认中标（成交）供应商，确认期限 %(due)s"),
    )
    AWARD_NOT_FOUND = "award.not_found", _("未找到本项目的该项定标")
    AWARD_WRONG_STATUS = "award.wrong_status", _("当前状态不能确认中标（成交）供应商")
    DEPOSIT_ALREADY_RETURNED = "deposit.already_returned", _("该保证金已登记退还")
    DEPOSIT_CONTRACT_DATE_REQUIRED = (
        "deposit.contract_date_required",
        _("中标（成交）供应商的保证金自合同签订之日起计算退还期限，请填写合同签订日期"),
    )
    DEPOSIT_NOT_FOUND = "deposit.not_found", _("未找到本项目的该笔投标保证金")
    DEPOSIT_RETURN_BEFORE_NOTICE = (
        "deposit.return_before_notice",
        _("退还日期不能早于中标（成交）通知书发出日期"),
    )
    DEPOSIT_RETURN_IN_FUTURE = "deposit.return_in_future", _("退还日期不能晚于今天")
    EVALUATION_ALREADY_CONFIRMED = "evaluation.already_confirmed", _("您已确认过回避情况")
    EVALUATION_BID_NOT_FOUND = "evaluation.bid_not_found", _("该投标不属于本项目或开标时已无效")
    EVALUATION_COMMITTEE_INCOMPLETE = (
        "evaluation.committee_incomplete",
        _("确认参加的专家 %(have)d 名，少于抽取人数 %(need)d 名"),
    )
    EVALUATION_CONFLICT_NOT_CONFIRMED = (
        "evaluation.conflict_not_confirmed",
        _("须先确认与投标人不存在回避情形，才能查看投标文件和评分"),
    )
    EVALUATION_DRAW_MISMATCH = "evaluation.draw_mismatch", _("该专家抽取不属于本采购项目")
    EVALUATION_DRAW_REQUIRED = "evaluation.draw_required", _("请选择专家抽取（评审委员会）")
    EVALUATION_EXISTS = "evaluation.exists", _("该项目已开始评审")
    EVALUATION_EXPERT_WITHOUT_ACCOUNT = "evaluation.expert_without_account", _("评审专家须有平台账户")
    EVALUATION_FACTORS_INVALID = "evaluation.factors_invalid", _("请定义评审因素（代码不得重复）")
    EVALUATION_FRAMEWORK_QUALITY_FIRST_UNSUPPORTED = (
        "evaluation.framework_quality_first_unsupported",
        _("本平台暂只支持价格优先法确定框架协议入围供应商"),
    )
    EVALUATION_NOT_FOUND = "evaluation.not_found", _("未找到该项目的评审")
    EVALUATION_NOT_MEMBER = "evaluation.not_member", _("您不是该项目评审委员会成员")
    EVALUATION_NOT_VISIBLE = "evaluation.not_visible", _("无权查看该项目的评审")
    EVALUATION_NO_COMMITTEE = "evaluation.no_committee", _("本项目无评审委员会")
    EVALUATION_NO_SUBSTITUTE = "evaluation.no_substitute", _("没有已确认参加、尚未入席的替补专家")
    EVALUATION_NUMBER_INVALID = "evaluation.number_invalid", _("数值格式无效")
    EVALUATION_REASON_REQUIRED = "evaluation.reason_required", _("不通过的须说明理由")
    EVALUATION_REPORT_ALREADY_CONFIRMED = "evaluation.report_already_confirmed", _("您已确认评审报告")
    EVALUATION_REQUIREMENT_REQUIRED = "evaluation.requirement_required", _("请填写审查要求")
    EVALUATION_REVIEW_KIND_INVALID = "evaluation.review_kind_invalid", _("审查类型无效")
    EVALUATION_SCORES_ALREADY_SUBMITTED = "evaluation.scores_already_submitted", _("评分已提交，不能修改")
    EVALUATION_SCORES_INCOMPLETE = "evaluation.scores_incomplete", _("须对每一个通过审查的投标评分")
    EVALUATION_SCORES_PENDING = "evaluation.scores_pending", _("尚有评委未提交评分")
    EVALUATION_SCORE_OUT_OF_RANGE = (
        "evaluation.score_out_of_range",
        _("“%(factor)s”的得分应在 0 至 %(max)s 之间（最多两位小数）"),
    )
    EVALUATION_WEIGHTS_NOT_100 = (
        "evaluation.weights_not_100",
        _("评审因素分值与价格分合计应为100分（现为 %(total)s）"),
    )
    EVALUATION_WRONG_STATUS = "evaluation.wrong_status", _("评审当前状态（%(status)s）不能执行此操作")
    FRAMEWORK_AMOUNT_INVALID = "framework.amount_invalid", _("成交金额应大于零")
    FRAMEWORK_CALL_OFF_ALREADY_PUBLISHED = "framework.call_off_already_published", _("该笔成交结果已公告")
    FRAMEWORK_CALL_OFF_NOT_FOUND = "framework.call_off_not_found", _("未找到该笔第二阶段成交")
    FRAMEWORK_CALL_OFF_PUBLISH_LATE_REASON_REQUIRED = (
        "framework.call_off_publish_late_reason_required",
        _("成交结果公告期限已于 %(due)s 届满，逾期公告须说明原因（依据：%(citation)s）"),
    )
    FRAMEWORK_DESCRIPTION_REQUIRED = "framework.description_required", _("请填写采购内容")
    FRAMEWORK_MEMBER_NOT_FOUND = "framework.member_not_found", _("没有该排序的入围供应商")
    FRAMEWORK_NOT_ANNOUNCED = "framework.not_announced", _("入围结果公告后才能确定第二阶段成交供应商")
    FRAMEWORK_SHORTLIST_NOT_FOUND = "framework.shortlist_not_found", _("未找到本项目的该入围结果")
    FRAMEWORK_WRONG_STATUS = "framework.wrong_status", _("当前状态不能发布入围结果公告")
