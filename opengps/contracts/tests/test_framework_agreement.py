"""Framework agreements: signed within 30 days of the shortlist notice, filed within 7 working days
of signing (政府采购框架协议采购方式管理暂行办法 第二十九条)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from opengps.contracts import services
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import FrameworkShortlist
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.rules.calendar import add_working_days, next_working_day

pytestmark = pytest.mark.django_db


def test_framework_signing_and_filing_deadlines_are_enforced(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given a shortlist not yet announced: no agreement can be signed
    procurement = _framework(purchaser, make_plan, second_stage="direct")
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    with pytest.raises(Conflict):
        services.framework_agreement_sign(actor=purchaser, shortlist=shortlist)
    evaluation_services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
    shortlist.refresh_from_db()
    assert shortlist.announced_at is not None
    notice_on = local_date(shortlist.announced_at)
    # §29: 30 days from the notice (the next day first, §49), moved past a rest day or holiday
    sign_due = next_working_day(notice_on + timedelta(days=30))
    late = timezone.now() + timedelta(days=(sign_due - notice_on).days + 1)
    # when signed late without a reason, it is refused with the article
    with pytest.raises(ServiceError) as refused:
        services.framework_agreement_sign(actor=purchaser, shortlist=shortlist, now=late)
    assert refused.value.code == "framework.sign_late_reason_required"
    assert "第二十九条" in str(refused.value.message)
    # signed in time: the filing deadline is 7 working days after signing
    shortlist = services.framework_agreement_sign(actor=purchaser, shortlist=shortlist)
    signed_on = shortlist.signed_on
    assert signed_on is not None
    assert shortlist.file_due == add_working_days(signed_on, 7)
    with pytest.raises(Conflict):
        services.framework_agreement_sign(actor=purchaser, shortlist=shortlist)
    # filing after the 7 working days needs a reason and is marked late
    assert shortlist.file_due is not None
    after = timezone.now() + timedelta(days=(shortlist.file_due - signed_on).days + 1)
    with pytest.raises(ServiceError) as refused:
        services.framework_agreement_file(actor=purchaser, shortlist=shortlist, now=after)
    assert refused.value.code == "framework.file_late_reason_required"
    shortlist = services.framework_agreement_file(
        actor=purchaser, shortlist=shortlist, late_reason="财政部门系统维护", now=after
    )
    assert shortlist.filed_on == local_date(after) and shortlist.file_late_reason == "财政部门系统维护"
    filed = AuditEvent.objects.get(action="framework.agreement_filed")
    assert filed.new_values["late"] is True
    signed = AuditEvent.objects.get(action="framework.agreement_signed")
    assert signed.new_values["late"] is False and signed.new_values["sign_due"] == sign_due.isoformat()
