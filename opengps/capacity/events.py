"""Capacity audit events (STYLE: events as data): each action the services record, with the label
timelines show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the capacity services record."""

    CAPACITY_BASE_ASSESSED = "capacity_base.assessed", _("孵化基地年度评估")
    CAPACITY_BASE_CREATED = "capacity_base.created", _("登记社会组织孵化基地")
    CAPACITY_FILING_CREATED = "capacity_filing.created", _("社区社会组织备案")
    CAPACITY_FILING_REGISTERED = "capacity_filing.registered", _("备案的社区社会组织登记为社会组织")
    CAPACITY_IMPORTED = "capacity.imported", _("从 Excel 导入站点、社会工作者或服务台账")
    CAPACITY_INCUBATEE_ENTERED = "capacity_incubatee.entered", _("组织入驻孵化基地")
    CAPACITY_INCUBATEE_GRADUATED = "capacity_incubatee.graduated", _("入驻组织出壳")
    CAPACITY_LOG_CORRECTED = "capacity_log.corrected", _("更正服务台账")
    CAPACITY_LOG_ENTERED = "capacity_log.entered", _("填报服务台账")
    CAPACITY_POSTING_ADDED = "capacity_posting.added", _("派驻社会工作者到站点")
    CAPACITY_POSTING_ENDED = "capacity_posting.ended", _("结束驻站")
    CAPACITY_STATION_CLOSED = "capacity_station.closed", _("撤销社会工作服务站")
    CAPACITY_STATION_OPENED = "capacity_station.opened", _("社会工作服务站开放")
    CAPACITY_STATION_RESUMED = "capacity_station.resumed", _("社会工作服务站恢复服务")
    CAPACITY_STATION_SUSPENDED = "capacity_station.suspended", _("社会工作服务站暂停服务")
    CAPACITY_SUBSIDY_ALLOCATED = "capacity_subsidy.allocated", _("安排孵化基地补助")
    CAPACITY_TOWNSHIP_CREATED = "capacity_township.created", _("登记乡镇（街道）")
    CAPACITY_WORKER_ID_READ = "capacity_worker.id_read", _("查看社会工作者完整身份证号")
    CAPACITY_WORKER_REGISTERED = "capacity_worker.registered", _("登记社会工作者")
    CAPACITY_POINT_OPENED = "capacity_point.opened", _("设立社工室")
    CAPACITY_POINT_CLOSED = "capacity_point.closed", _("撤销社工室")
    CAPACITY_TRAINING_CREATED = "capacity_training.created", _("登记社会工作者培训")
    CAPACITY_ATTENDANCE_RECORDED = "capacity_training.attended", _("登记参训及学时")
    CAPACITY_EVENT_CREATED = "capacity_event.created", _("登记典型经验交流推介会")
    CAPACITY_SHOWCASE_ADDED = "capacity_event.showcased", _("推介会推介组织")
    CAPACITY_SUPPORT_DECIDED = "capacity_filing.supported", _("社区社会组织资助或奖励")
    CAPACITY_ACTIVITY_LOGGED = "capacity_filing.activity", _("社区社会组织活动记录")
