"""The registry app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the registry app refuses with."""

    PERFORMANCE_RECOMMENDATION_NOT_FOUND = "performance.recommendation_not_found", _("未找到该列入建议")
    REGISTRY_AMOUNT_NOT_FINE = "registry.amount_not_fine", _("只有罚款填写金额")
    REGISTRY_AMOUNT_REQUIRED = "registry.amount_required", _("罚款须填写大于零的金额")
    REGISTRY_ANNUAL_REPORT_DUPLICATE = "registry.annual_report_duplicate", _("%(year)d年度的报告已登记")
    REGISTRY_AUTHORITY_REQUIRED = "registry.authority_required", _("请指定登记管理机关")
    REGISTRY_BOOL_INVALID = "registry.bool_invalid", _("应填写“是”或“否”，当前为“%(value)s”")
    REGISTRY_COMMUNITY_KIND_INVALID = "registry.community_kind_invalid", _("社区社会组织类别无效")
    REGISTRY_COMMUNITY_KIND_NOT_ALLOWED = "registry.community_kind_not_allowed", _("非社区社会组织不填写类别")
    REGISTRY_COMMUNITY_KIND_REQUIRED = "registry.community_kind_required", _("社区社会组织须选择类别")
    REGISTRY_CREDIT_ALREADY_LISTED = "registry.credit_already_listed", _("该组织已在“%(kind)s”中，尚未移出")
    REGISTRY_CREDIT_ALREADY_REMOVED = "registry.credit_already_removed", _("该记录已移出")
    REGISTRY_CREDIT_KIND_INVALID = "registry.credit_kind_invalid", _("名录类型无效")
    REGISTRY_DATE_BEFORE_FOUNDING = (
        "registry.date_before_founding",
        _("%(label)s不能早于成立登记日期（%(founded)s）"),
    )
    REGISTRY_DATE_INVALID = (
        "registry.date_invalid",
        _("成立登记日期“%(value)s”无法识别，应为日期，如 2020-01-31"),
    )
    REGISTRY_DATE_IN_FUTURE = "registry.date_in_future", _("%(label)s不能晚于今天")
    REGISTRY_DATE_ORDER = "registry.date_order", _("撤销日期不能早于评定日期")
    REGISTRY_DATE_REQUIRED = "registry.date_required", _("请填写%(label)s")
    REGISTRY_FIELD_UNKNOWN = "registry.field_unknown", _("不能修改的字段：%(fields)s")
    REGISTRY_IMPORT_MODE_INVALID = "registry.import_mode_invalid", _("导入方式无效")
    REGISTRY_IMPORT_NOT_FOUND = "registry.import_not_found", _("未找到该导入任务")
    REGISTRY_IMPORT_NOT_XLSX = (
        "registry.import_not_xlsx",
        _("只接受 Excel 工作簿（.xlsx），请另存为 .xlsx 后上传"),
    )
    REGISTRY_IMPORT_TOO_LARGE = "registry.import_too_large", _("文件过大（%(size)s MB），上限为 %(limit)s MB")
    REGISTRY_LEVEL_INVALID = "registry.level_invalid", _("登记层级应为省级、市州级或县市区级")
    REGISTRY_LISTING_NOT_FOUND = "registry.listing_not_found", _("未找到该信用名录记录")
    REGISTRY_NAME_REQUIRED = "registry.name_required", _("请填写名称")
    REGISTRY_NOT_FOUND = "registry.not_found", _("未找到统一社会信用代码为%(uscc)s的社会组织")
    REGISTRY_NO_UNIT = "registry.no_unit", _("登记管理机关用户必须关联单位")
    REGISTRY_ORG_NOT_NORMAL = "registry.org_not_normal", _("已注销或撤销的组织不能评定等级")
    REGISTRY_ORG_TYPE_INVALID = "registry.org_type_invalid", _("类型应为社会团体、社会服务机构或基金会")
    REGISTRY_OUT_OF_SCOPE = "registry.out_of_scope", _("只能以本机关或下级机关名义登记")
    REGISTRY_PENALTY_END_INVALID = (
        "registry.penalty_end_invalid",
        _("只有禁止参加政府采购活动填写截止日期，且不得早于处罚决定日期"),
    )
    REGISTRY_PENALTY_KIND_INVALID = "registry.penalty_kind_invalid", _("处罚种类无效")
    REGISTRY_PHONE_INVALID = "registry.phone_invalid", _("联系电话格式不正确")
    REGISTRY_RATING_ALREADY_REVOKED = "registry.rating_already_revoked", _("该评估等级已被撤销")
    REGISTRY_RATING_DUPLICATE = "registry.rating_duplicate", _("该日期已有评估等级记录")
    REGISTRY_RATING_LEVEL = "registry.rating_level", _("评估等级应为1A至5A")
    REGISTRY_RATING_NOT_FOUND = "registry.rating_not_found", _("未找到该评估等级记录")
    REGISTRY_RATING_VALID_UNTIL = (
        "registry.rating_valid_until",
        _("有效期至应晚于评定日期，且不得晚于%(latest)s（评估等级有效期为5年）"),
    )
    REGISTRY_REGION_FORMAT = "registry.region_format", _("区划代码应为6位数字")
    REGISTRY_REGION_OUT_OF_SCOPE = (
        "registry.region_out_of_scope",
        _("区划“%(region)s”不在登记管理机关“%(unit)s”的辖区内"),
    )
    REGISTRY_REGION_UNKNOWN = "registry.region_unknown", _("区划代码“%(code)s”不存在")
    REGISTRY_REPORT_RESULT_INVALID = "registry.report_result_invalid", _("年报结论无效")
    REGISTRY_REPORT_YEAR_INVALID = (
        "registry.report_year_invalid",
        _("年度应在成立年度（%(first)d）与报送年度（%(last)d）之间"),
    )
    REGISTRY_STATUS_FINAL = "registry.status_final", _("该组织已是“%(status)s”状态，不能再变更")
    REGISTRY_STATUS_INVALID = "registry.status_invalid", _("只能变更为注销或撤销")
    REGISTRY_TOO_LONG = "registry.too_long", _("不能超过%(limit)d个字符")
    REGISTRY_USCC_CHECK_DIGIT = (
        "registry.uscc_check_digit",
        _("统一社会信用代码校验位错误：按前17位计算，第18位应为“%(expected)s”，实际为“%(actual)s”"),
    )
    REGISTRY_USCC_DUPLICATE = "registry.uscc_duplicate", _("统一社会信用代码%(uscc)s已被“%(name)s”使用")
    REGISTRY_USCC_FORMAT = "registry.uscc_format", _("统一社会信用代码应为18位，当前为%(count)d位")
    REGISTRY_USCC_REQUIRED = "registry.uscc_required", _("请填写统一社会信用代码")
