"""The grants app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the grants app refuses with."""

    AUTH_REQUIRED = "auth.required", _("请先登录")
    GRANTS_AGREEMENTS_OPEN = "grants.agreements_open", _("尚有未结项的资助协议")
    GRANTS_AGREEMENT_EXISTS = "grants.agreement_exists", _("该项目已签订协议")
    GRANTS_AGREEMENT_NOT_FOUND = "grants.agreement_not_found", _("资助协议不存在")
    GRANTS_ALREADY_SCORED = "grants.already_scored", _("您已对该项目评分，不能重复提交")
    GRANTS_AMOUNTS_INVALID = "grants.amounts_invalid", _("资金总额和单项上限须为正数，且单项上限不超过总额")
    GRANTS_AMOUNT_INVALID = "grants.amount_invalid", _("金额以元为单位，最多两位小数")
    GRANTS_APPLICATION_EXISTS = "grants.application_exists", _("本组织已申报本轮项目，每个组织每轮限报一项")
    GRANTS_APPLICATION_NOT_FOUND = "grants.application_not_found", _("申报项目不存在")
    GRANTS_APPLICATION_NOT_LISTED = "grants.application_not_listed", _("所涉项目不在拟资助名单中")
    GRANTS_APPLICATION_OTHER_ROUND = "grants.application_other_round", _("所涉项目不属于本批次")
    GRANTS_AUDIT_FIRM_INVALID = "grants.audit_firm_invalid", _("结项审计机构须为第三方机构")
    GRANTS_BUDGET_EXCEEDED = "grants.budget_exceeded", _("预算指标余额 %(left)s 元，不足以安排 %(total)s 元")
    GRANTS_BUDGET_ITEM_REQUIRED = "grants.budget_item_required", _("预算明细每项须填写用途")
    GRANTS_BUDGET_LINE_INVALID = "grants.budget_line_invalid", _("预算指标不存在")
    GRANTS_CHARITY_REQUIRED = "grants.charity_required", _("请填写接受捐赠的慈善组织")
    GRANTS_COFUNDING_FUNDER_REQUIRED = "grants.cofunding_funder_required", _("请填写出资方或捐赠方名称")
    GRANTS_COFUNDING_SOURCE_INVALID = "grants.cofunding_source_invalid", _("配套资金的来源、形式或渠道无效")
    GRANTS_COMMITMENT_NOT_FOUND = "grants.commitment_not_found", _("配套资金承诺不存在")
    GRANTS_COMMITMENT_OTHER_PROJECT = "grants.commitment_other_project", _("所选承诺不属于本项目")
    GRANTS_COFUNDING_CLOSED = "grants.cofunding_closed", _("该协议已结项评估，不能再报告配套资金到位")
    GRANTS_EVIDENCE_REQUIRED = "grants.evidence_required", _("请填写到位证明（银行回单、捐赠协议或票据号）")
    GRANTS_HOURS_INVALID = "grants.hours_invalid", _("服务时数应为正数，最多一位小数")
    GRANTS_HOUR_RATE_INVALID = "grants.hour_rate_invalid", _("志愿服务折算标准应为正数（元/小时）")
    GRANTS_NOT_DEVELOPMENT_FUND = "grants.not_development_fund", _("只有社会组织发展基金可以登记社会捐赠")
    GRANTS_NO_AGREEMENT = "grants.no_agreement", _("签订资助协议后才能核验配套资金到位证明")
    GRANTS_TRANCHE_NOT_RELEASED = "grants.tranche_not_released", _("配套资金到位须随已拨付的期次报告")
    GRANTS_CALL_NOT_PUBLISHED = "grants.call_not_published", _("申报指南未发布或已结束申报")
    GRANTS_CALL_STILL_OPEN = "grants.call_still_open", _("申报截止（%(closes)s）后才能开始评审")
    GRANTS_CRITERIA_INVALID = "grants.criteria_invalid", _("评分细则每项须有代码、名称和分值")
    GRANTS_DATES_INVALID = "grants.dates_invalid", _("计划开始日期不能晚于结束日期")
    GRANTS_DECISION_REQUIRED = "grants.decision_required", _("请填写处理意见")
    GRANTS_DOCUMENT_REQUIRED = "grants.document_required", _("请填写缴款凭证号")
    GRANTS_FILER_CONTACT_REQUIRED = "grants.filer_contact_required", _("请填写联系电话或电子邮箱")
    GRANTS_FILER_NAME_REQUIRED = "grants.filer_name_required", _("请填写提出人姓名或单位名称")
    GRANTS_FILER_TOO_LONG = "grants.filer_too_long", _("姓名和联系方式均不超过100字")
    GRANTS_FILE_EMPTY = "grants.file_empty", _("文件“%(name)s”为空")
    GRANTS_FILE_TOO_LARGE = "grants.file_too_large", _("文件“%(name)s”超过大小上限 %(limit)s MB")
    GRANTS_FILE_TYPE = (
        "grants.file_type",
        _("文件“%(name)s”类型不符：只接受 PDF、DOCX、XLSX、JPG、PNG，且内容须与扩展名一致"),
    )
    GRANTS_FINDINGS_REQUIRED = "grants.findings_required", _("请填写中期评估意见")
    GRANTS_FUNDER_CANNOT_OBJECT = (
        "grants.funder_cannot_object",
        _("资助单位经办人员负责处理异议，不能提出异议"),
    )
    GRANTS_FUND_SOURCE_INVALID = "grants.fund_source_invalid", _("资金来源无效")
    GRANTS_INDICATORS_REQUIRED = "grants.indicators_required", _("请至少填写一项绩效指标")
    GRANTS_INDICATOR_INVALID = "grants.indicator_invalid", _("绩效指标每项须有名称和目标值")
    GRANTS_LOCATION_REQUIRED = "grants.location_required", _("请填写路演地点")
    GRANTS_MIDTERM_MISSING = "grants.midterm_missing", _("请先完成中期评估")
    GRANTS_MIDTERM_NOT_ALLOWED = "grants.midterm_not_allowed", _("该协议不能进行中期评估")
    GRANTS_MIN_RATING_INVALID = "grants.min_rating_invalid", _("最低评估等级应为1A至5A")
    GRANTS_NAME_REQUIRED = "grants.name_required", _("请填写项目名称")
    GRANTS_NOTICE_PERIOD_RUNNING = (
        "grants.notice_period_running",
        _("公示期（至 %(end)s）结束后才能作出资助决定"),
    )
    GRANTS_NOT_AUDIT_FIRM = "grants.not_audit_firm", _("只有本批次委托的审计机构可以录入结项审计")
    GRANTS_NOT_DRAFT = "grants.not_draft", _("只能修改草稿")
    GRANTS_NOT_FUNDED = "grants.not_funded", _("只有已立项资助的项目可以签订协议")
    GRANTS_NOT_ON_PANEL = "grants.not_on_panel", _("您不是本批次的评审专家")
    GRANTS_NOT_RANKED = "grants.not_ranked", _("请先完成排序")
    GRANTS_NOT_REVIEWING = "grants.not_reviewing", _("只有评审阶段可以抽取评审专家")
    GRANTS_NOT_UNDER_REVIEW = "grants.not_under_review", _("该项目当前不在评审中")
    GRANTS_NOT_YOUR_ORGANIZATION = "grants.not_your_organization", _("只能办理本组织的申报")
    GRANTS_NO_MIDTERM_TRANCHE = "grants.no_midterm_tranche", _("该协议没有以中期评估为节点的拨付")
    GRANTS_NO_RETURN_DUE = "grants.no_return_due", _("该协议没有待退回的资金")
    GRANTS_OBJECTIONS_PENDING = "grants.objections_pending", _("尚有未处理的异议")
    GRANTS_OBJECTION_NOT_FOUND = "grants.objection_not_found", _("异议不存在")
    GRANTS_OBJECTION_PERIOD_OVER = "grants.objection_period_over", _("不在公示期内，不能提出异议")
    GRANTS_OBJECTION_TEXT_REQUIRED = "grants.objection_text_required", _("请写明异议内容和理由")
    GRANTS_OBJECTION_TEXT_TOO_LONG = "grants.objection_text_too_long", _("异议内容不超过5000字")
    GRANTS_OPINION_INVALID = "grants.opinion_invalid", _("审计意见无效")
    GRANTS_ORG_TYPE_INVALID = "grants.org_type_invalid", _("组织类型无效")
    GRANTS_OVER_TOTAL = "grants.over_total", _("拟资助金额合计超过资金总额")
    GRANTS_PANEL_EXISTS = "grants.panel_exists", _("本批次已抽取评审专家")
    GRANTS_PANEL_INCOMPLETE = "grants.panel_incomplete", _("确认参加的评审专家不足 %(n)d 名")
    GRANTS_PASS_SCORE_INVALID = "grants.pass_score_invalid", _("立项分数线应在0至100分之间")
    GRANTS_PROGRAMME_EXISTS = "grants.programme_exists", _("本单位已有同名资助项目")
    GRANTS_PROGRAMME_NOT_FOUND = "grants.programme_not_found", _("资助项目不存在")
    GRANTS_PURPOSE_INVALID = "grants.purpose_invalid", _("资助方向不在本轮范围内")
    GRANTS_RATE_LIMITED = "grants.rate_limited", _("提交过于频繁，请稍后再试")
    GRANTS_REASON_REQUIRED = "grants.reason_required", _("请填写原因")
    GRANTS_REGION_INVALID = "grants.region_invalid", _("服务区域代码无效")
    GRANTS_RETURN_INVALID = "grants.return_invalid", _("退回金额应大于0且不超过待退回的 %(left)s 元")
    GRANTS_ROUND_NOT_FOUND = "grants.round_not_found", _("资助批次不存在")
    GRANTS_SCORES_MISSING = "grants.scores_missing", _("还有 %(n)d 个项目未获全部评审专家评分")
    GRANTS_SCORE_INVALID = "grants.score_invalid", _("得分格式不正确")
    GRANTS_TITLE_REQUIRED = "grants.title_required", _("请填写项目名称")
    GRANTS_TOO_MANY_FILES = "grants.too_many_files", _("附件最多 %(n)d 个")
    GRANTS_TRANCHE_SHARES_INVALID = "grants.tranche_shares_invalid", _("分期拨付为1至3期")
    GRANTS_YEAR_INVALID = "grants.year_invalid", _("年度无效")
    PERM_DENIED = "perm.denied", _("审计人员只读，不能提出异议")
    PERM_OTHER_UNIT = "perm.other_unit", _("只有资助单位的经办人员可以办理")
