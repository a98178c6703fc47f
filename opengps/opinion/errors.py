"""Opinion error codes (STYLE: codes as data): each stable code the pages and the API refuse with,
with its default message (zh source, en by gettext)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the opinion services refuse with."""

    OPINION_ALERT_DECIDED = "opinion.alert_decided", _("该预警已作出处理决定")
    OPINION_ALERT_NOT_FOUND = "opinion.alert_not_found", _("没有找到这条预警")
    OPINION_DECISION_INVALID = "opinion.decision_invalid", _("请选择处理决定")
    OPINION_DOCUMENT_REQUIRED = "opinion.document_required", _("列入活动异常名录须填写决定文书号")
    OPINION_FILE_INVALID = (
        "opinion.file_invalid",
        _("无法读取该文件：请上传带表头的 CSV、Excel（.xlsx）或 JSON 文件"),
    )
    OPINION_FILE_EMPTY = "opinion.file_empty", _("文件“%(name)s”是空的")
    OPINION_FILE_TOO_LARGE = "opinion.file_too_large", _("文件过大")
    OPINION_FILE_TYPE = "opinion.file_type", _("请上传 CSV、Excel（.xlsx）或 JSON 文件")
    OPINION_ROWS_INVALID = (
        "opinion.rows_invalid",
        _("文件中有%(count)s行不符合要求，未导入任何一行：请改正后重新上传"),
    )
    OPINION_SOURCE_NOT_FOUND = "opinion.source_not_found", _("没有找到这个导入来源")
    OPINION_TIME_INVALID = "opinion.time_invalid", _("无法识别的时间，请按“2027-03-01 09:30”的格式填写")
    OPINION_ITEM_NOT_FOUND = "opinion.item_not_found", _("没有找到这条舆情信息")
    OPINION_KIND_INVALID = "opinion.kind_invalid", _("请选择类型")
    OPINION_NAME_EXISTS = "opinion.name_exists", _("该组织已有这个名称")
    OPINION_NAME_REQUIRED = "opinion.name_required", _("请填写名称")
    OPINION_NOTE_REQUIRED = "opinion.note_required", _("请填写研判意见")
    OPINION_REASON_REQUIRED = "opinion.reason_required", _("请填写更正理由")
    OPINION_SCHEDULE_INVALID = (
        "opinion.schedule_invalid",
        _("抓取间隔应为1至1440分钟，超时应为1至120秒"),
    )
    OPINION_TITLE_REQUIRED = "opinion.title_required", _("请填写标题")
    OPINION_TONE_INVALID = "opinion.tone_invalid", _("请选择倾向")
    OPINION_TONE_UNCHANGED = "opinion.tone_unchanged", _("该信息已是这个倾向")
    OPINION_URL_EXISTS = "opinion.url_exists", _("该地址的信息已采集")
    OPINION_URL_INVALID = "opinion.url_invalid", _("请填写以 http:// 或 https:// 开头的地址")
