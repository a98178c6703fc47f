"""Assessment error codes (STYLE: codes as data): each stable code the pages and the API refuse with,
with its default message (zh source, en by gettext). Refusals of `opengps.rules.assessment` keep the
rule's code and carry its citation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the assessment services refuse with."""

    ASSESSMENT_ALREADY_APPLIED = "assessment.already_applied", _("该社会组织已申报本轮评估")
    ASSESSMENT_ALREADY_SCORED = "assessment.already_scored", _("您已提交该组织的评分表")
    ASSESSMENT_APPLICATION_NOT_FOUND = "assessment.application_not_found", _("没有找到这份评估申报")
    ASSESSMENT_ASSESSORS_INVALID = "assessment.assessors_invalid", _("每个组织的评估人员数应为1至5人")
    ASSESSMENT_BODY_INVALID = "assessment.body_invalid", _("评估机构应为平台登记的第三方评价机构")
    ASSESSMENT_BODY_REASON_REQUIRED = "assessment.body_reason_required", _("请填写确定评估机构的理由")
    ASSESSMENT_CONFLICT_OF_INTEREST = (
        "assessment.conflict_of_interest",
        _("评估人员或评估机构与参评社会组织有利害关系，应当回避"),
    )
    ASSESSMENT_DOWNGRADE_LEVEL_INVALID = (
        "assessment.downgrade_level_invalid",
        _("降低后的等级应低于现有等级且不低于1A；1A等级只能取消"),
    )
    ASSESSMENT_DATES_INVALID = "assessment.dates_invalid", _("申报截止日期不能早于开始日期")
    ASSESSMENT_DECISION_NO_REQUIRED = "assessment.decision_no_required", _("请填写评估决定文号")
    ASSESSMENT_DECISION_REQUIRED = "assessment.decision_required", _("请填写复核意见")
    ASSESSMENT_EVIDENCE_CLOSED = "assessment.evidence_closed", _("评分完成或不予受理后不能再上传佐证材料")
    ASSESSMENT_FINDING_UNKNOWN = "assessment.finding_unknown", _("请选择处理依据的情形")
    ASSESSMENT_FILE_EMPTY = "assessment.file_empty", _("文件为空")
    ASSESSMENT_FILE_TOO_LARGE = "assessment.file_too_large", _("文件超过大小上限")
    ASSESSMENT_FILE_TYPE = (
        "assessment.file_type",
        _("文件类型不符：只接受 PDF、DOCX、XLSX、JPG、PNG，且内容须与扩展名一致"),
    )
    ASSESSMENT_FILER_CONTACT_REQUIRED = "assessment.filer_contact_required", _("请填写联系方式（不公开）")
    ASSESSMENT_FILER_NAME_REQUIRED = "assessment.filer_name_required", _("请填写提出人姓名或名称")
    ASSESSMENT_FILES_TOO_MANY = "assessment.files_too_many", _("每份申报最多上传20个佐证材料")
    ASSESSMENT_INDICATOR_CODE_DUPLICATE = "assessment.indicator_code_duplicate", _("指标编号重复")
    ASSESSMENT_INDICATOR_NAME_REQUIRED = "assessment.indicator_name_required", _("请填写每项指标的编号和名称")
    ASSESSMENT_INDICATOR_POINTS_INVALID = (
        "assessment.indicator_points_invalid",
        _("指标分值应为大于0的数，最多两位小数"),
    )
    ASSESSMENT_INDICATOR_SECTION_UNKNOWN = "assessment.indicator_section_unknown", _("指标类别无效")
    ASSESSMENT_INDICATOR_TOTAL_MISMATCH = (
        "assessment.indicator_total_mismatch",
        _("各项指标分值合计与指标体系总分不一致"),
    )
    ASSESSMENT_INDICATORS_EMPTY = "assessment.indicators_empty", _("指标体系至少应有一项指标")
    ASSESSMENT_LEVEL_INVALID = "assessment.level_invalid", _("请选择登记层级")
    ASSESSMENT_LINK_PARTY_REQUIRED = "assessment.link_party_required", _("请选择评估人员或评估机构中的一方")
    ASSESSMENT_NAME_REQUIRED = "assessment.name_required", _("请填写名称")
    ASSESSMENT_NOT_ALL_ASSESSED = (
        "assessment.not_all_assessed",
        _("还有申报尚未审核或评分，评估委员会暂不能审定"),
    )
    ASSESSMENT_NOT_ASSESSOR = "assessment.not_assessor", _("只有本轮评估机构的评估人员可以评分")
    ASSESSMENT_NOT_MEMBER = "assessment.not_member", _("只有该社会组织的成员可以申报评估")
    ASSESSMENT_NOT_SCORABLE = (
        "assessment.not_scorable",
        _("该申报当前不在评分阶段（须经审核受理，且尚未评分完成）"),
    )
    ASSESSMENT_NOTHING_PROPOSED = "assessment.nothing_proposed", _("评估委员会尚未拟定等级，不能公示")
    ASSESSMENT_NOTHING_TO_PROPOSE = "assessment.nothing_to_propose", _("本轮没有评估完成的申报")
    ASSESSMENT_NOTICE_OVER = "assessment.notice_over", _("不在公示期内，不能提出异议")
    ASSESSMENT_NOTICE_RUNNING = "assessment.notice_running", _("公示期未满，不能结束公示")
    ASSESSMENT_NOTE_REQUIRED = "assessment.note_required", _("请填写评估委员会意见")
    ASSESSMENT_OBJECTION_DECIDED = "assessment.objection_decided", _("该异议已复核")
    ASSESSMENT_OBJECTION_NOT_FOUND = "assessment.objection_not_found", _("没有找到这条异议")
    ASSESSMENT_OBJECTION_TEXT_REQUIRED = "assessment.objection_text_required", _("请填写异议内容")
    ASSESSMENT_OBJECTIONS_PENDING = "assessment.objections_pending", _("还有异议尚未复核，不能作出评估决定")
    ASSESSMENT_ORG_NOT_IN_ROUND = (
        "assessment.org_not_in_round",
        _("该社会组织的类型、登记层级或登记管理机关不属于本轮评估范围"),
    )
    ASSESSMENT_ORG_NOT_FOUND = "assessment.org_not_found", _("没有找到这个社会组织")
    ASSESSMENT_ORG_TYPE_INVALID = "assessment.org_type_invalid", _("请选择组织类型")
    ASSESSMENT_OUT_OF_SCOPE = "assessment.out_of_scope", _("只能管理本机关的评估工作")
    ASSESSMENT_READ_ONLY = "assessment.read_only", _("审计监督账户只能查看，不能提出异议")
    ASSESSMENT_RATE_LIMITED = "assessment.rate_limited", _("提交过于频繁，请稍后再试")
    ASSESSMENT_RELATION_INVALID = "assessment.relation_invalid", _("请选择利害关系的类型")
    ASSESSMENT_REVISED_LEVEL_INVALID = (
        "assessment.revised_level_invalid",
        _("复核后等级应为1A至5A或未达到等级"),
    )
    ASSESSMENT_ROUND_NOT_FOUND = "assessment.round_not_found", _("没有找到这个评估轮次")
    ASSESSMENT_RATING_NOT_IN_FORCE = (
        "assessment.rating_not_in_force",
        _("该组织没有本次评估决定授予且仍在有效期内的评估等级"),
    )
    ASSESSMENT_REASON_REQUIRED = "assessment.reason_required", _("请填写处理理由")
    ASSESSMENT_REVOCATION_NOT_SERIOUS = (
        "assessment.revocation_not_serious",
        _("情节严重的方可取消评估等级，否则应降低评估等级"),
    )
    ASSESSMENT_SANCTION_UNKNOWN = "assessment.sanction_unknown", _("请选择降低或取消评估等级")
    ASSESSMENT_SCORE_MISSING = "assessment.score_missing", _("请为每项指标评分")
    ASSESSMENT_SCORE_OUT_OF_RANGE = (
        "assessment.score_out_of_range",
        _("得分应在0至该指标分值之间，最多两位小数"),
    )
    ASSESSMENT_SCORE_UNKNOWN = "assessment.score_unknown", _("指标体系中没有该指标")
    ASSESSMENT_SET_NOT_FOUND = "assessment.set_not_found", _("没有找到这个评估指标体系")
    ASSESSMENT_SET_NOT_IN_FORCE = "assessment.set_not_in_force", _("评估指标体系在申报开始日期尚未生效")
    ASSESSMENT_STAFF_CANNOT_OBJECT = (
        "assessment.staff_cannot_object",
        _("登记管理机关工作人员负责复核，不能提出异议"),
    )
    ASSESSMENT_TEXT_TOO_LONG = "assessment.text_too_long", _("内容过长")
    ASSESSMENT_TOTAL_INVALID = "assessment.total_invalid", _("指标体系总分应为大于0的数，最多两位小数")
    ASSESSMENT_VISIT_INVALID = "assessment.visit_invalid", _("请填写实地考察日期（不晚于今天）和考察记录")
    ASSESSMENT_WINDOW_CLOSED = "assessment.window_closed", _("不在本轮评估的申报期内")
