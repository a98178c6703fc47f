"""Residents' error codes (STYLE: codes as data): each stable code the pages and the API refuse with,
with its default message (zh source, en by gettext). A wrong or used one-time code keeps the
performance survey's code (``performance.code_invalid``, ``performance.code_used``): the codes
are the survey's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes residents' access refuses with."""

    RESIDENTS_ANSWER_REQUIRED = "residents.answer_required", _("请填写答复内容")
    RESIDENTS_CODE_NOT_ACCEPTED = (
        "residents.code_not_accepted",
        _("这项服务目前没有开放的满意度评价，评价码不能使用；可以不填评价码直接提交"),
    )
    RESIDENTS_COUNTY_INVALID = "residents.county_invalid", _("请选择所在的县（市、区）")
    RESIDENTS_FEEDBACK_NOT_FOUND = "residents.feedback_not_found", _("没有找到这个查询编号，请核对后再试")
    RESIDENTS_KIND_INVALID = "residents.kind_invalid", _("请选择投诉或建议")
    RESIDENTS_NEED_INVALID = "residents.need_invalid", _("请选择一种服务需求")
    RESIDENTS_NOT_PURCHASER = "residents.not_purchaser", _("只有购买这项服务的单位的经办人员可以答复")
    RESIDENTS_PARTNER_KEY_INVALID = (
        "residents.partner_key_invalid",
        _("接口密钥无效或已吊销（请在请求头 Authorization: Bearer 中提供有效密钥）"),
    )
    RESIDENTS_PARTNER_KEY_NOT_FOUND = "residents.partner_key_not_found", _("没有找到这个接口密钥")
    RESIDENTS_PARTNER_NAME_REQUIRED = "residents.partner_name_required", _("请填写合作方名称")
    RESIDENTS_PARTNER_RATE_INVALID = (
        "residents.partner_rate_invalid",
        _("每分钟调用上限应在 %(min)s 到 %(max)s 之间"),
    )
    RESIDENTS_PARTNER_SCOPE_MISSING = (
        "residents.partner_scope_missing",
        _("这个接口密钥没有“%(scope)s”的授权"),
    )
    RESIDENTS_PARTNER_SCOPES_INVALID = "residents.partner_scopes_invalid", _("请至少选择一项有效的授权范围")
    RESIDENTS_PARTNER_THROTTLED = (
        "residents.partner_throttled",
        _("调用太频繁：这个密钥每分钟最多调用 %(limit)s 次，请稍后再试"),
    )
    RESIDENTS_PHOTOS_TOO_MANY = "residents.photos_too_many", _("最多上传 %(max)s 张照片，您选了 %(n)s 张")
    RESIDENTS_PHOTO_EMPTY = "residents.photo_empty", _("照片“%(name)s”是空文件，请重新选择")
    RESIDENTS_PHOTO_NOT_FOUND = "residents.photo_not_found", _("没有找到这张照片")
    RESIDENTS_PHOTO_PIXELS = (
        "residents.photo_pixels",
        _("照片“%(name)s”的像素过多（不超过 %(max)s 万像素），请换一张或先缩小"),
    )
    RESIDENTS_PHOTO_TOO_LARGE = "residents.photo_too_large", _("照片太大，请换一张较小的照片")
    RESIDENTS_PHOTO_TYPE = (
        "residents.photo_type",
        _("“%(name)s”不是照片：只接受 JPG、PNG、WebP 格式的图片（按文件内容判断，扩展名须与内容一致）"),
    )
    RESIDENTS_PHOTO_UNREADABLE = (
        "residents.photo_unreadable",
        _("照片“%(name)s”无法打开，可能已损坏，请换一张"),
    )
    RESIDENTS_SERVICE_NOT_FOUND = "residents.service_not_found", _("没有找到这项服务，或它已不在提供")
    RESIDENTS_STARS_INVALID = "residents.stars_invalid", _("请选择1到5颗星")
    RESIDENTS_TEXT_REQUIRED = "residents.text_required", _("请写下您遇到的问题或建议")
    RESIDENTS_TEXT_TOO_LONG = "residents.text_too_long", _("内容过长（不超过 %(max)s 字）")
    RESIDENTS_THROTTLED = "residents.throttled", _("提交太频繁了，请过一分钟再试")
    RESIDENTS_TOWNSHIP_INVALID = "residents.township_invalid", _("请从所选县（市、区）的乡镇（街道）中选择")
