"""Framework agreement terms on the draft's page: stated by the official, checked, audited, shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.core.models import AuditEvent
from opengps.procurement import services
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(purchaser: Any, make_plan: Callable[..., Any]) -> Procurement:
    plan = make_plan(
        "framework_agreement", amount="900000", recipients_outside_buyer_multiple_suppliers_needed=True
    )
    return services.procurement_create(actor=purchaser, plan=plan, documents="框架协议征集文件")


def test_the_official_states_the_terms_on_the_page(purchaser: Any, draft: Procurement) -> None:
    client = Client()
    client.force_login(purchaser)
    # given the draft page shows the default terms (price-first, 20%, direct pick)
    page = client.get(f"/procurement/{draft.pk}/").content.decode()
    assert "框架协议约定" in page and "1/5" in page
    # when the official states rotation with a cap of 3 members
    response = client.post(
        f"/procurement/{draft.pk}/framework-terms/",
        {
            "first_stage": "price_first",
            "second_stage": "rotation",
            "elimination_rate": "1/4",
            "max_members": "3",
        },
    )
    assert response.status_code == 302
    # then they are stored and audited
    draft.refresh_from_db()
    assert draft.framework_terms == {
        "first_stage": "price_first",
        "second_stage": "rotation",
        "elimination_rate": "1/4",
        "max_members": 3,
        "quality_instruments": False,
    }
    event = AuditEvent.objects.get(action="procurement.framework_terms_set")
    assert event.new_values["second_stage"] == "rotation" and "第二十三条" in event.reason
    # and a rate below 20% is refused with the article, changing nothing
    refused = client.post(f"/procurement/{draft.pk}/framework-terms/", {"elimination_rate": "1/10"})
    assert refused.status_code == 400
    assert 'id="framework_terms-elimination_rate-error"' in refused.content.decode()
    draft.refresh_from_db()
    assert draft.framework_terms["elimination_rate"] == "1/4"
    assert AuditEvent.objects.filter(action="procurement.framework_terms_set").count() == 1


def test_terms_are_fixed_once_announced(purchaser: Any, draft: Procurement) -> None:
    from opengps.core.errors import ServiceError
    from opengps.demo.world import announce_times

    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=draft, bid_deadline=deadline, now=issued)
    with pytest.raises(ServiceError) as refused:
        services.framework_terms_set(actor=purchaser, procurement=draft, second_stage="rotation")
    assert refused.value.code == "procurement.wrong_status"
