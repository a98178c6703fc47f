"""The planning app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the planning app records."""

    BUDGET_ADJUSTED = "budget.adjusted", _("调整预算指标")
    BUDGET_APPROVED = "budget.approved", _("批复预算指标")
    BUDGET_CREATED = "budget.created", _("录入预算指标")
    BUDGET_REJECTED = "budget.rejected", _("退回预算指标")
    BUDGET_REOPENED = "budget.reopened", _("重新编辑预算指标")
    BUDGET_SUBMITTED = "budget.submitted", _("报送预算指标")
    PLAN_CANCELLED = "plan.cancelled", _("取消采购实施计划")
    PLAN_CHANGED = "plan.changed", _("修改采购实施计划")
    PLAN_COMPLIANCE_CONFIRMED = "plan.compliance_confirmed", _("确认需求合规")
    PLAN_CONTRACTED = "plan.contracted", _("签订合同")
    PLAN_CREATED = "plan.created", _("编制采购实施计划")
    PLAN_INTENTION_PUBLISHED = "plan.intention_published", _("公开采购意向"), "planning"
    PLAN_METHOD_APPROVED = "plan.method_approved", _("批准采购方式")
    PLAN_METHOD_REJECTED = "plan.method_rejected", _("不批准采购方式")
    PLAN_PROCUREMENT_STARTED = "plan.procurement_started", _("开始采购")
    PLAN_REQUIREMENTS_CHANGED = "plan.requirements_changed", _("修改采购需求")
    PLAN_RESCHEDULED = "plan.rescheduled", _("调整采购时间")
    PLAN_SUBMITTED = "plan.submitted", _("报送采购实施计划")
    PROJECT_APPROVED = "project.approved", _("批准购买项目")
    PROJECT_CHANGED = "project.changed", _("修改购买项目")
    PROJECT_PROPOSED = "project.proposed", _("提出购买项目")
    PROJECT_RETURNED = "project.returned", _("退回修改")
    PROJECT_SUBMITTED = "project.submitted", _("报送购买项目")
    PROJECT_SURVEY_RECORDED = "project.survey_recorded", _("记录需求调查")
    PROJECT_UNIT_APPROVED = "project.unit_approved", _("单位审核通过")
    PROJECT_WITHDRAWN = "project.withdrawn", _("撤回购买项目")
