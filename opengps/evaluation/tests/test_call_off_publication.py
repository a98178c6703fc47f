"""Call-off results of a framework agreement: a re-bid or rotation result is published within 2
working days of choosing the supplier (政府采购框架协议采购方式管理暂行办法 第三十五条); later needs its
reason and is marked late, as a late contract publication is. A direct pick has no such deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import FrameworkCallOff, FrameworkShortlist
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.procurement.models import Procurement
from opengps.rules.calendar import add_working_days

pytestmark = pytest.mark.django_db


def _announced(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    second_stage: str,
) -> tuple[Procurement, FrameworkShortlist]:
    procurement = _framework(purchaser, make_plan, second_stage=second_stage)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    evaluation_services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
    return procurement, FrameworkShortlist.objects.get(lot__procurement=procurement)


def _published_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="framework.call_off_published").order_by("seq"))


def test_rotation_results_are_published_within_two_working_days_or_marked_late(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    clock_at: Callable[..., None],
) -> None:
    # given a rotation agreement (顺序轮候): each result has its own announcement deadline
    _procurement, shortlist = _announced(purchaser, make_plan, suppliers, make_expert, make_user, "rotation")
    first = evaluation_services.framework_call_off_pick(
        actor=purchaser, shortlist=shortlist, description="第1批服务", amount="50000"
    )
    chosen_on = local_date(first.picked_at)
    assert first.publish_due == add_working_days(chosen_on, 2)
    assert "财政部令第110号 第三十五条" in first.publish_citation
    picked = AuditEvent.objects.filter(action="framework.call_off_picked").latest("seq")
    assert picked.new_values["publish_due"] == first.publish_due.isoformat()
    # when it is published the same day: in time, with the article as the reason
    first = evaluation_services.framework_call_off_publish(actor=purchaser, call_off=first)
    assert first.published_at is not None and first.publish_late_reason == ""
    [event] = _published_events()
    assert event.new_values["late"] is False and "第三十五条" in event.reason
    with pytest.raises(Conflict):
        evaluation_services.framework_call_off_publish(actor=purchaser, call_off=first)
    # when the next result is published after its 2 working days
    second = evaluation_services.framework_call_off_pick(
        actor=purchaser, shortlist=shortlist, description="第2批服务", amount="60000"
    )
    assert second.publish_due is not None
    clock_at(second.publish_due + timedelta(days=1))
    with pytest.raises(ServiceError) as refused:
        evaluation_services.framework_call_off_publish(actor=purchaser, call_off=second)
    # then a reason is required, with the deadline and the article
    assert refused.value.code == "framework.call_off_publish_late_reason_required"
    assert refused.value.field == "late_reason"
    assert second.publish_due.isoformat() in str(refused.value.message)
    assert "第三十五条" in str(refused.value.message)
    second = evaluation_services.framework_call_off_publish(
        actor=purchaser, call_off=second, late_reason="电子化采购系统故障"
    )
    assert second.publish_late_reason == "电子化采购系统故障"
    late = _published_events()[-1]
    assert late.new_values["late"] is True and late.reason == "电子化采购系统故障"


def test_a_direct_pick_has_no_publication_deadline(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    clock_at: Callable[..., None],
) -> None:
    _procurement, shortlist = _announced(purchaser, make_plan, suppliers, make_expert, make_user, "direct")
    call_off = evaluation_services.framework_call_off_pick(
        actor=purchaser, shortlist=shortlist, description="助餐服务", amount="20000"
    )
    assert call_off.publish_due is None and call_off.publish_citation == ""
    clock_at(local_date(call_off.picked_at) + timedelta(days=30))
    call_off = evaluation_services.framework_call_off_publish(actor=purchaser, call_off=call_off)
    assert call_off.published_at is not None and call_off.publish_late_reason == ""
    assert _published_events()[-1].new_values["late"] is False


def test_the_publish_screen_shows_the_error_beside_the_field_and_the_api_publishes(
    client: Client,
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    clock_at: Callable[..., None],
) -> None:
    procurement, shortlist = _announced(purchaser, make_plan, suppliers, make_expert, make_user, "rotation")
    for n in (1, 2):
        evaluation_services.framework_call_off_pick(
            actor=purchaser, shortlist=shortlist, description=f"第{n}批服务", amount="50000"
        )
    first = FrameworkCallOff.objects.get(shortlist=shortlist, number=1)
    assert first.publish_due is not None
    # the evaluation page shows each result's deadline with its article and a link to publish it
    client.force_login(purchaser)
    page = client.get(reverse("evaluation:detail", args=[procurement.pk])).content.decode()
    assert "成交结果公告期限" in page and "财政部令第110号 第三十五条" in page
    url = reverse("evaluation:call-off-publish", args=[first.pk])
    assert url in page
    # another unit's official cannot even open it
    outsider = make_user("purchaser", unit="cs_civil")
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    # after the deadline, without a reason: refused beside the field; with one: published, late
    clock_at(first.publish_due + timedelta(days=1))
    client.force_login(purchaser)
    refused = client.post(url, {"late_reason": ""})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="id_late_reason-error"' in html and "第三十五条" in html
    done = client.post(url, {"late_reason": "公告媒体维护"})
    assert done.status_code == 302 and done["Location"].endswith(f"#call-off-{first.pk}")
    first.refresh_from_db()
    assert first.publish_late_reason == "公告媒体维护"
    # the API publishes the second, late, with its reason; the output carries the publication
    response = client.post(
        f"/api/v1/evaluation/{procurement.pk}/shortlist/1/call-offs/2/publish",
        {"late_reason": "公告媒体维护"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    [lot] = response.json()["shortlists"]
    assert [c["publish_late_reason"] for c in lot["call_offs"]] == ["公告媒体维护", "公告媒体维护"]
    missing = client.post(
        f"/api/v1/evaluation/{procurement.pk}/shortlist/1/call-offs/9/publish",
        {},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert [e.new_values["number"] for e in _published_events()] == [1, 2]
