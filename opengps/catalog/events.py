"""The catalog app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the catalog app records."""

    CATALOG_CONTENT_REPLACED = "catalog.content_replaced", _("替换目录内容")
    CATALOG_DEPARTMENT_PUBLISHED = "catalog.department_published", _("发布部门目录")
    CATALOG_ITEM_ADDED = "catalog.item_added", _("新增事项")
    CATALOG_ITEM_CHANGED = "catalog.item_changed", _("修改事项")
    CATALOG_ITEM_REINSTATED = "catalog.item_reinstated", _("恢复事项")
    CATALOG_ITEM_REMOVED = "catalog.item_removed", _("删除事项")
    CATALOG_ITEM_RETIRED = "catalog.item_retired", _("停用事项")
    CATALOG_PRICE_CHANGED = "catalog.price_changed", _("修改参考价格")
    CATALOG_PRICE_REMOVED = "catalog.price_removed", _("删除参考价格")
    CATALOG_PRICE_SET = "catalog.price_set", _("设置参考价格")
    CATALOG_VERSION_CREATED = "catalog.version_created", _("创建目录版本")
    CATALOG_VERSION_PUBLISHED = "catalog.version_published", _("发布目录版本")
    CATALOG_VERSION_SUPERSEDED = "catalog.version_superseded", _("目录版本被替代")
