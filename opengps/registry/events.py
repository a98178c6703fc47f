"""The registry app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the registry app records."""

    REGISTRY_ANNUAL_REPORT_RECORDED = "registry.annual_report_recorded", _("记录年度报告")
    REGISTRY_CREDIT_DELISTED = "registry.credit_delisted", _("移出信用名录")
    REGISTRY_CREDIT_LISTED = "registry.credit_listed", _("列入信用名录")
    REGISTRY_IMPORT_COMPLETED = "registry.import_completed", _("批量导入完成")
    REGISTRY_ORG_CREATED = "registry.org_created", _("登记社会组织")
    REGISTRY_ORG_STATUS_CHANGED = "registry.org_status_changed", _("变更登记状态")
    REGISTRY_ORG_UPDATED = "registry.org_updated", _("修改登记信息")
    REGISTRY_PENALTY_RECORDED = "registry.penalty_recorded", _("记录行政处罚")
    REGISTRY_RATING_RECORDED = "registry.rating_recorded", _("记录评估等级")
    REGISTRY_RATING_REVOKED = "registry.rating_revoked", _("撤销评估等级")
