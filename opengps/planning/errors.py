"""The planning app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the planning app refuses with."""

    PERM_NO_UNIT = "perm.no_unit", _("您的账户未关联单位")
    PLANNING_AMOUNT_INVALID = "planning.amount_invalid", _("金额应大于零")
    PLANNING_BUDGET_BELOW_COMMITTED = (
        "planning.budget_below_committed",
        _("预算指标“%(line)s”已占用 %(committed)s 元，调整后的金额不能低于该数"),
    )
    PLANNING_BUDGET_CODE_REQUIRED = "planning.budget_code_required", _("请填写预算项目编码和名称")
    PLANNING_BUDGET_DUPLICATE = "planning.budget_duplicate", _("该年度已有此预算项目编码")
    PLANNING_BUDGET_INSUFFICIENT = (
        "planning.budget_insufficient",
        _(
            "预算指标“%(line)s”可用余额 %(available)s 元（批复 %(amount)s 元，已占用 %(committed)s 元），本计划需 %(needed)s 元，尚缺 %(shortfall)s 元（依据：%(citation)s）"
        ),
    )
    PLANNING_BUDGET_NOT_APPROVED = (
        "planning.budget_not_approved",
        _("预算指标“%(line)s”尚未经财政部门批复（当前状态：%(status)s），不能据以采购（依据：%(citation)s）"),
    )
    PLANNING_BUDGET_NOT_FOUND = "planning.budget_not_found", _("预算指标不存在或无权查看")
    PLANNING_BUDGET_OTHER_UNIT = "planning.budget_other_unit", _("预算指标“%(line)s”不属于本单位")
    PLANNING_BUDGET_OTHER_YEAR = (
        "planning.budget_other_year",
        _("预算指标“%(line)s”属于 %(line_year)s 年度，项目属于 %(year)s 年度"),
    )
    PLANNING_BUDGET_REQUIRED = "planning.budget_required", _("请选择预算指标")
    PLANNING_COMPLIANCE_UNCONFIRMED = (
        "planning.compliance_unconfirmed",
        _(
            "采购需求有 %(count)s 处可能构成差别歧视的条款，请修改或说明理由后确认（首条：%(first)s，依据：%(citation)s）"
        ),
    )
    PLANNING_CONTRACT_OVER_BUDGET = (
        "planning.contract_over_budget",
        _("合同金额不能超过采购预算 %(amount)s 元"),
    )
    PLANNING_DEMAND_SURVEY_REQUIRED = (
        "planning.demand_survey_required",
        _("本项目须先开展需求调查并记录结果（依据：%(citation)s）"),
    )
    PLANNING_FACT_UNKNOWN = "planning.fact_unknown", _("未知的适用情形：%(names)s")
    PLANNING_FINANCE_OTHER_LEVEL = "planning.finance_other_level", _("只能由本级财政部门审核")
    PLANNING_FUND_SOURCE_INVALID = "planning.fund_source_invalid", _("资金来源无效")
    PLANNING_INTENTION_MISSING = "planning.intention_missing", _("请先公开采购意向")
    PLANNING_INTENTION_PERIOD_SHORT = (
        "planning.intention_period_short",
        _("采购意向于 %(published)s 公开，须满30日后方可开始采购，可于 %(earliest)s 开始（依据：%(citation)s）"),
    )
    PLANNING_INTENTION_TOO_LATE = (
        "planning.intention_too_late",
        _(
            "采购意向应当在采购活动开始前至少30日公开（依据：%(citation)s）：计划 %(start)s 开始采购，最迟应于 %(latest)s 公开，今天（%(today)s）已不能公开；请将预计采购开始日期推迟至 %(earliest)s 或之后"
        ),
    )
    PLANNING_ITEMS_REQUIRED = "planning.items_required", _("请至少选择一个指导性目录事项")
    PLANNING_ITEM_NOT_PURCHASABLE = (
        "planning.item_not_purchasable",
        _("“%(item)s”不是现行指导性目录中的三级事项"),
    )
    PLANNING_METHOD_NOT_ALLOWED = (
        "planning.method_not_allowed",
        _("不能采用%(method)s：%(reason)s（依据：%(citation)s）"),
    )
    PLANNING_METHOD_RECHECK = (
        "planning.method_recheck",
        _("新的开始日期下采购方式须重新审批，请取消后重新编制计划"),
    )
    PLANNING_NEGATIVE_LIST = (
        "planning.negative_list",
        _("“%(item)s”属于政府购买服务负面清单，不得购买（依据：%(citation)s）"),
    )
    PLANNING_NOTHING_TO_CONFIRM = "planning.nothing_to_confirm", _("采购需求没有合规提示，无需确认")
    PLANNING_PLAN_CLOSED = "planning.plan_closed", _("该计划已结束")
    PLANNING_PLAN_LOCKED = "planning.plan_locked", _("采购意向公开后不能再修改采购开始日期")
    PLANNING_PLAN_NOT_DRAFT = "planning.plan_not_draft", _("只能修改草稿状态的采购需求")
    PLANNING_PLAN_NOT_EDITABLE = (
        "planning.plan_not_editable",
        _("采购实施计划当前状态（%(status)s）不能修改；只有草稿或被财政部门退回的计划可以修改"),
    )
    PLANNING_PLAN_NOT_FOUND = "planning.plan_not_found", _("采购实施计划不存在或无权查看")
    PLANNING_PROJECT_INCOMPLETE = "planning.project_incomplete", _("请填写项目名称、服务内容和服务对象")
    PLANNING_PROJECT_NOT_APPROVED = (
        "planning.project_not_approved",
        _("项目尚未经财政部门审核入库，不能编制采购计划"),
    )
    PLANNING_PROJECT_NOT_DRAFT = "planning.project_not_draft", _("只能在草稿或退回修改状态记录需求调查")
    PLANNING_PROJECT_NOT_EDITABLE = (
        "planning.project_not_editable",
        _("项目当前状态（%(status)s）不能修改；只有草稿或被退回修改的项目可以修改"),
    )
    PLANNING_PROJECT_NOT_FOUND = "planning.project_not_found", _("项目不存在或无权查看")
    PLANNING_REASON_REQUIRED = "planning.reason_required", _("请填写理由")
    PLANNING_SAME_PERSON = "planning.same_person", _("申报人不能审核自己申报的项目")
    PLANNING_START_TOO_SOON = (
        "planning.start_too_soon",
        _(
            "预计采购开始日期最早为 %(earliest)s：采购意向须在采购活动开始前至少30日公开，今天（%(today)s）公开意向，最早可于 %(earliest)s 开始采购（依据：%(citation)s）"
        ),
    )
    PLANNING_SURVEY_FINDINGS_REQUIRED = "planning.survey_findings_required", _("请填写调查结论")
    PLANNING_SURVEY_METHOD_INVALID = "planning.survey_method_invalid", _("调查方式无效")
    PLANNING_SURVEY_TOO_FEW = (
        "planning.survey_too_few",
        _("面向市场主体开展需求调查时，调查对象一般不少于3个（依据：%(citation)s）"),
    )
    PLANNING_TERM_INVALID = "planning.term_invalid", _("服务期止不能早于服务期起")
    PLANNING_TERM_REASON_REQUIRED = (
        "planning.term_reason_required",
        _("服务期限超过1年的，须说明服务稳定、持续、资金有保障且价格稳定的理由（依据：%(citation)s）"),
    )
    PLANNING_TERM_TOO_LONG = "planning.term_too_long", _("服务期限最长不超过3年（依据：%(citation)s）")
    REQUEST_DATE_INVALID = "request.date_invalid", _("日期格式应为 YYYY-MM-DD")
