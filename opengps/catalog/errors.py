"""The catalog app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the catalog app refuses with."""

    CATALOG_CONTENT_INVALID = "catalog.content_invalid", _("目录内容有误：%(first)s")
    CATALOG_EMPTY = "catalog.empty", _("目录没有三级事项，不能发布")
    CATALOG_FIELD_REQUIRED = "catalog.field_required", _("请填写编码和名称")
    CATALOG_FILE_REQUIRED = "catalog.file_required", _("请选择文件")
    CATALOG_ITEM_CODE_TAKEN = "catalog.item_code_taken", _("编码“%(code)s”在本版本中已被使用")
    CATALOG_ITEM_HAS_CHILDREN = "catalog.item_has_children", _("请先删除下级事项")
    CATALOG_ITEM_HAS_PRICES = (
        "catalog.item_has_prices",
        _("“%(item)s”有参考价格，列入负面清单前请先删除参考价格"),
    )
    CATALOG_ITEM_INVALID = "catalog.item_invalid", _("类别无效：%(code)s")
    CATALOG_ITEM_NEGATIVE_LEVEL = "catalog.item_negative_level", _("只有一级事项或三级事项可以列入负面清单")
    CATALOG_ITEM_NOT_FOUND = "catalog.item_not_found", _("目录事项不存在")
    CATALOG_ITEM_PARENT_INVALID = (
        "catalog.item_parent_invalid",
        _("上级编码“%(parent)s”不是本版本的%(level)s级目录事项"),
    )
    CATALOG_ITEM_RETIRED = "catalog.item_retired", _("该事项已停用，不能设置参考价格")
    CATALOG_ITEM_UNKNOWN = "catalog.item_unknown", _("指导性目录中没有这些三级事项：%(codes)s")
    CATALOG_PRICE_DUPLICATE = "catalog.price_duplicate", _("该事项已有 %(year)s 年度按“%(unit)s”计的参考价格")
    CATALOG_PRICE_INVALID = "catalog.price_invalid", _("参考价格应大于零")
    CATALOG_PRICE_LEVEL = "catalog.price_level", _("参考价格只能对应三级目录事项")
    CATALOG_PRICE_NOT_FOUND = "catalog.price_not_found", _("参考价格不存在")
    CATALOG_PRICE_YEAR_INVALID = (
        "catalog.price_year_invalid",
        _("执行年度应在 %(first)s 年至 %(last)s 年之间"),
    )
    CATALOG_REASON_REQUIRED = "catalog.reason_required", _("请填写停用理由")
    CATALOG_RETIRE_LEVEL = "catalog.retire_level", _("只有三级目录事项可以停用")
    CATALOG_TITLE_REQUIRED = "catalog.title_required", _("请填写目录名称")
    CATALOG_UNIT_REQUIRED = "catalog.unit_required", _("请填写计量单位")
    CATALOG_VERSION_NOT_FOUND = "catalog.version_not_found", _("目录版本不存在")
    CATALOG_VERSION_NOT_PUBLISHED = "catalog.version_not_published", _("部门目录只能基于已发布的指导性目录")
    CATALOG_VERSION_PUBLISHED = (
        "catalog.version_published",
        _("目录“%(version)s”已发布，不能修改；请基于它新建草稿版本"),
    )
    CATALOG_WORKBOOK_INVALID = "catalog.workbook_invalid", _("无法读取该文件，请上传 .xlsx 格式的目录")
    CATALOG_WORKBOOK_TOO_LARGE = "catalog.workbook_too_large", _("文件过大")
    CATALOG_YEAR_INVALID = "catalog.year_invalid", _("年度无效")
    MONEY_INVALID = "money.invalid", _("金额“%(value)s”无效")
