"""The contracts app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the contracts app records."""

    ACCEPTANCE_PUBLISHED = "acceptance.published", _("公告验收结果"), "implementation"
    ACCEPTANCE_RECORDED = "acceptance.recorded", _("记录履约验收")
    CONTRACT_AMENDED = "contract.amended", _("合同变更"), "contractAmendment"
    CONTRACT_COMPLETED = "contract.completed", _("合同履行完毕"), "implementation"
    CONTRACT_CREATED = "contract.created", _("起草合同")
    CONTRACT_MILESTONE_UPDATED = "contract.milestone_updated", _("更新履约节点"), "implementation"
    CONTRACT_PAYMENT_RECORDED = "contract.payment_recorded", _("记录资金支付"), "implementation"
    CONTRACT_PROGRESS_REPORTED = "contract.progress_reported", _("报告履约进度"), "implementation"
    CONTRACT_PUBLISHED = "contract.published", _("公告合同"), "contract"
    CONTRACT_SIGNED = "contract.signed", _("签订合同"), "contract"
    CONTRACT_TERMINATED = "contract.terminated", _("解除合同"), "contractTermination"
    FRAMEWORK_AGREEMENT_FILED = "framework.agreement_filed", _("框架协议备案")
    FRAMEWORK_AGREEMENT_SIGNED = "framework.agreement_signed", _("签订框架协议")
