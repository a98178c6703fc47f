"""Capacity error codes (STYLE: codes as data): each stable code the pages and the API refuse with,
with its default message (zh source, en by gettext). Refusals of `opengps.rules.capacity` keep the
rule's code and carry its citation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the capacity services refuse with."""

    CAPACITY_AMOUNT_INVALID = "capacity.amount_invalid", _("每年金额应大于0，最多两位小数")
    CAPACITY_AMOUNT_WITHOUT_FUNDING = (
        "capacity.amount_without_funding",
        _("填写每年金额时须选择购买服务合同或资助协议"),
    )
    CAPACITY_CERTIFICATE_REQUIRED = (
        "capacity.certificate_required",
        _("取得职业资格的社会工作者须填写证书编号和取得年度；未取得的不填"),
    )
    CAPACITY_CLOSED_BEFORE_OPENING = "capacity.closed_before_opening", _("撤销日期不能早于开放日期")
    CAPACITY_COUNT_INVALID = "capacity.count_invalid", _("服务人次和服务人数应为不小于0的整数")
    CAPACITY_COUNTY_INVALID = "capacity.county_invalid", _("请选择县（市、区）")
    CAPACITY_FILING_EXISTS = "capacity.filing_exists", _("该乡镇（街道）已有同名的社区社会组织备案")
    CAPACITY_FILING_REGISTERED = "capacity.filing_registered", _("该社区社会组织已登记，不能重复关联")
    CAPACITY_FUNDING_OTHER_OPERATOR = (
        "capacity.funding_other_operator",
        _("合同的供应商或资助协议的受助方应为站点的运营机构"),
    )
    CAPACITY_FUNDING_TWICE = "capacity.funding_twice", _("一个站点只关联一份合同或一份资助协议")
    CAPACITY_GRADUATED = "capacity.graduated", _("该组织已出壳")
    CAPACITY_GRADUATION_BEFORE_ENTRY = "capacity.graduation_before_entry", _("出壳日期不能早于入驻日期")
    CAPACITY_ID_NUMBER_INVALID = (
        "capacity.id_number_invalid",
        _("身份证号无效（应为18位，校验位和出生日期正确）"),
    )
    CAPACITY_INCUBATEE_UNNAMED = (
        "capacity.incubatee_unnamed",
        _("请选择已登记的社会组织，或填写未登记团队的名称"),
    )
    CAPACITY_KIND_INVALID = "capacity.kind_invalid", _("请选择类别")
    CAPACITY_LEVEL_INVALID = "capacity.level_invalid", _("请选择层级或资格等级")
    CAPACITY_LOG_AFTER_CLOSING = "capacity.log_after_closing", _("站点已撤销，不能填报此后月份的服务台账")
    CAPACITY_LOG_BEFORE_OPENING = "capacity.log_before_opening", _("不能填报站点开放之前月份的服务台账")
    CAPACITY_LOG_FUTURE_MONTH = "capacity.log_future_month", _("不能填报尚未开始的月份的服务台账")
    CAPACITY_NAME_REQUIRED = "capacity.name_required", _("请填写名称")
    CAPACITY_NOT_OPERATOR = "capacity.not_operator", _("只有站点的运营机构或本地民政部门可以填报服务台账")
    CAPACITY_OPERATOR_NOT_ACTIVE = "capacity.operator_not_active", _("运营机构应为登记状态正常的社会组织")
    CAPACITY_OUT_OF_REGION = "capacity.out_of_region", _("只能管理本行政区划内的站点、人员和基地")
    CAPACITY_PERSON_REQUIRED = "capacity.person_required", _("请填写负责人")
    CAPACITY_POSTING_DATES_INVALID = "capacity.posting_dates_invalid", _("派驻结束日期不能早于开始日期")
    CAPACITY_POSTING_ENDED = "capacity.posting_ended", _("该派驻已结束")
    CAPACITY_POSTING_OUTSIDE_STATION = "capacity.posting_outside_station", _("派驻期间应在站点开放期间之内")
    CAPACITY_REGISTERED_BEFORE_FILING = "capacity.registered_before_filing", _("登记日期不能早于备案日期")
    CAPACITY_STATION_EXISTS = "capacity.station_exists", _("该乡镇（街道）已有未撤销的社会工作服务站")
    CAPACITY_STATION_NOT_FOUND = "capacity.station_not_found", _("没有找到这个社会工作服务站")
    CAPACITY_SUBSIDY_EXISTS = "capacity.subsidy_exists", _("该基地本年度已安排补助")
    CAPACITY_SUBSIDY_INVALID = "capacity.subsidy_invalid", _("补助金额应大于0，最多两位小数")
    CAPACITY_TOWNSHIP_CODE_INVALID = (
        "capacity.township_code_invalid",
        _("乡镇（街道）区划代码应为9位数字，前6位为所属县市区代码"),
    )
    CAPACITY_TOWNSHIP_EXISTS = "capacity.township_exists", _("该区划代码已登记")
    CAPACITY_WORKER_DOUBLE_BOOKED = (
        "capacity.worker_double_booked",
        _("该社会工作者在此期间已派驻其他站点，不能同时专职派驻两个站点"),
    )
    CAPACITY_WORKER_DUPLICATE = "capacity.worker_duplicate", _("该身份证号的社会工作者已登记")
    CAPACITY_WORKER_ID_DENIED = "capacity.worker_id_denied", _("只有登记管理机关可以查看完整身份证号")
    CAPACITY_CHOICE_INVALID = "capacity.choice_invalid", _("“%(value)s”不是可选的值，可选：%(choices)s")
    CAPACITY_CONTRACT_NOT_FOUND = "capacity.contract_not_found", _("没有找到该编号的购买服务合同")
    CAPACITY_DATE_INVALID = "capacity.date_invalid", _("日期无效，应写作 2026-01-31")
    CAPACITY_GRANT_NOT_FOUND = "capacity.grant_not_found", _("没有找到该编号的资助协议")
    CAPACITY_IMPORT_FILE_EMPTY = "capacity.import_file_empty", _("文件“%(name)s”是空的")
    CAPACITY_IMPORT_FILE_TOO_LARGE = "capacity.import_file_too_large", _("文件过大")
    CAPACITY_IMPORT_FILE_TYPE = "capacity.import_file_type", _("请上传 Excel 工作簿（.xlsx）")
    CAPACITY_IMPORT_HEADER_INVALID = "capacity.import_header_invalid", _("第1行应为表头，缺少列：%(missing)s")
    CAPACITY_IMPORT_KIND_INVALID = "capacity.import_kind_invalid", _("请选择导入的数据类别")
    CAPACITY_IMPORT_NO_ROWS = "capacity.import_no_rows", _("工作表中没有数据行")
    CAPACITY_IMPORT_ROWS_INVALID = (
        "capacity.import_rows_invalid",
        _("共 %(count)s 行有误，未导入任何数据；请逐行修改后重新导入"),
    )
    CAPACITY_IMPORT_TOO_MANY_ROWS = "capacity.import_too_many_rows", _("一次最多导入 %(limit)s 行")
    CAPACITY_MONTH_INVALID = "capacity.month_invalid", _("月份无效，应写作 2026-01")
    CAPACITY_NO_STATION = "capacity.no_station", _("该乡镇（街道）没有社会工作服务站")
    CAPACITY_ORGANIZATION_NOT_FOUND = (
        "capacity.organization_not_found",
        _("没有找到该统一社会信用代码的社会组织"),
    )
    CAPACITY_ROW_CONFLICT = "capacity.row_conflict", _("该行与已有数据冲突")
    CAPACITY_TOWNSHIP_NOT_FOUND = "capacity.township_not_found", _("没有找到该区划代码的乡镇（街道）")
    CAPACITY_VALUE_REQUIRED = "capacity.value_required", _("此项必填")
    CAPACITY_YEAR_INVALID = "capacity.year_invalid", _("年度应为四位数字")
    CAPACITY_ASSESSMENT_EXISTS = "capacity.assessment_exists", _("该基地本年度已评估")
    CAPACITY_ASSESSMENT_INVALID = "capacity.assessment_invalid", _("评估指标有误")
    CAPACITY_BASE_NOT_FOUND = "capacity.base_not_found", _("没有找到这个孵化基地")
    CAPACITY_POINT_VILLAGE_INVALID = (
        "capacity.point_village_invalid",
        _("村（社区）区划代码应为12位数字，前9位为站点所在乡镇（街道）代码"),
    )
    CAPACITY_POINT_OUTSIDE_STATION = (
        "capacity.point_outside_station",
        _("社工室的设立日期应在站点开放期间之内"),
    )
    CAPACITY_POINT_EXISTS = "capacity.point_exists", _("该村（社区）已有未撤销的社工室")
    CAPACITY_POINT_CLOSED = "capacity.point_closed", _("该社工室已撤销")
    CAPACITY_POINT_NOT_FOUND = "capacity.point_not_found", _("没有找到这个社工室")
    CAPACITY_TRAINING_DATES_INVALID = "capacity.training_dates_invalid", _("培训结束日期不能早于开始日期")
    CAPACITY_TRAINING_HOURS_INVALID = (
        "capacity.training_hours_invalid",
        _("培训学时应大于0、以0.5为单位，且每个培训日最多8学时"),
    )
    CAPACITY_TRAINING_NOT_STARTED = "capacity.training_not_started", _("培训尚未开始，不能登记参训")
    CAPACITY_TRAINING_NOT_FOUND = "capacity.training_not_found", _("没有找到这次培训")
    CAPACITY_ATTENDANCE_HOURS_INVALID = (
        "capacity.attendance_hours_invalid",
        _("计入学时应大于0、以0.5为单位，且不超过本次培训的学时"),
    )
    CAPACITY_ATTENDANCE_EXISTS = "capacity.attendance_exists", _("该社会工作者已登记参加本次培训")
    CAPACITY_WORKER_OUT_OF_REGION = (
        "capacity.worker_out_of_region",
        _("只能登记举办区划内的社会工作者参训"),
    )
    CAPACITY_BASE_OUT_OF_REGION = "capacity.base_out_of_region", _("承办孵化基地应在举办区划之内")
    CAPACITY_EVENT_NOT_FOUND = "capacity.event_not_found", _("没有找到这次推介会")
    CAPACITY_SHOWCASE_SUBJECT = (
        "capacity.showcase_subject",
        _("请选择一个已登记的社会组织或一个备案的社区社会组织（二选一）"),
    )
    CAPACITY_SHOWCASE_EXISTS = "capacity.showcase_exists", _("该组织已在本次推介会推介")
    CAPACITY_EXPERIENCE_REQUIRED = "capacity.experience_required", _("请填写推介的典型经验")
    CAPACITY_FILING_NOT_FOUND = "capacity.filing_not_found", _("没有找到这个社区社会组织")
    CAPACITY_SUPPORT_AMOUNT_INVALID = "capacity.support_amount_invalid", _("金额应大于0，最多两位小数")
    CAPACITY_DECISION_REQUIRED = "capacity.decision_required", _("请填写决定文号")
    CAPACITY_PURPOSE_REQUIRED = "capacity.purpose_required", _("请填写用途或事由")
    CAPACITY_BUDGET_YEAR = "capacity.budget_year", _("预算指标的年度应为决定日期所在年度")
    CAPACITY_BEFORE_FILING = "capacity.before_filing", _("日期不能早于该组织的备案日期")
    CAPACITY_FUTURE_DATE = "capacity.future_date", _("日期不能晚于今天")
    CAPACITY_BUDGET_LINE_NOT_FOUND = "capacity.budget_line_not_found", _("没有找到该编码的预算指标")
