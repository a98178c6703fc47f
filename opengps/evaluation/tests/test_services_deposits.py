"""Bid deposits: recording the return, the winner's deadline from the contract, overdue shown on the page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opengps.core.clock import local_date
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import selectors, services
from opengps.evaluation.models import Award, DepositReturn, Evaluation
from opengps.evaluation.tests.test_services_evaluation import _report_confirmed
from opengps.procurement.models import Procurement
from opengps.rules.deposits import winner_deposit_return_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(purchaser: Any, opened: Procurement, committee: Any) -> Evaluation:
    evaluation = _report_confirmed(purchaser, opened, committee)
    award = Award.objects.get(evaluation=evaluation)
    services.award_confirm(actor=purchaser, award=award)
    services.award_announce(actor=purchaser, procurement=opened)
    return evaluation


def test_deposit_returns_are_recorded_and_overdue_ones_flagged(
    purchaser: Any, awarded: Evaluation, suppliers: list[Any]
) -> None:
    # given the three deposits after the award notice: two losers due in 5 working days, the winner open
    today = local_date(timezone.now())
    loser, other_loser = [d for d in DepositReturn.objects.order_by("pk") if d.due_on is not None]
    winner = DepositReturn.objects.get(due_on=None)
    assert loser.due_on is not None
    # when one loser's deposit is returned today, and the clock passes the other's deadline
    services.deposit_return_record(actor=purchaser, deposit=loser, returned_on=today)
    later = loser.due_on + timedelta(days=1)
    rows = {r.deposit.pk: r for r in selectors.deposits_of(evaluation=awarded, today=later)}
    # then the returned one is on time and the other overdue; the winner's is not yet due
    assert not rows[loser.pk].overdue and not rows[loser.pk].late
    assert rows[other_loser.pk].overdue
    assert not rows[winner.pk].overdue
    # the winner's deadline needs the contract date, then runs 5 working days from it
    with pytest.raises(ServiceError) as error:
        services.deposit_return_record(actor=purchaser, deposit=winner, returned_on=today)
    assert error.value.code == "deposit.contract_date_required"
    services.deposit_return_record(
        actor=purchaser, deposit=winner, returned_on=today, contract_signed_on=today - timedelta(days=20)
    )
    winner.refresh_from_db()
    assert winner.due_on == winner_deposit_return_deadline(today - timedelta(days=20)).value
    assert selectors.deposits_of(evaluation=awarded, today=today)[0].deposit.pk in {
        loser.pk,
        other_loser.pk,
        winner.pk,
    }
    late_row = next(
        r for r in selectors.deposits_of(evaluation=awarded, today=today) if r.deposit.pk == winner.pk
    )
    assert late_row.late
    events = AuditEvent.objects.filter(action="deposit.returned").order_by("seq")
    assert [e.new_values["late"] for e in events] == [False, True]


def test_refusals_change_nothing(purchaser: Any, awarded: Evaluation, suppliers: list[Any]) -> None:
    today = local_date(timezone.now())
    deposit = DepositReturn.objects.exclude(due_on=None).first()
    assert deposit is not None
    for returned_on, code in [
        (today + timedelta(days=1), "deposit.return_in_future"),
        (today - timedelta(days=30), "deposit.return_before_notice"),
    ]:
        with pytest.raises(ServiceError) as error:
            services.deposit_return_record(actor=purchaser, deposit=deposit, returned_on=returned_on)
        assert error.value.code == code
    with pytest.raises(ServiceError) as error:
        services.deposit_return_record(actor=suppliers[0], deposit=deposit, returned_on=today)
    services.deposit_return_record(actor=purchaser, deposit=deposit, returned_on=today)
    with pytest.raises(ServiceError) as error:
        services.deposit_return_record(actor=purchaser, deposit=deposit, returned_on=today)
    assert error.value.code == "deposit.already_returned"
    assert AuditEvent.objects.filter(action="deposit.returned").count() == 1


def test_the_page_shows_deposits_and_records_a_return(purchaser: Any, awarded: Evaluation) -> None:
    client = Client()
    client.force_login(purchaser)
    url = f"/evaluation/{awarded.procurement_id}/"
    page = client.get(url).content.decode()
    assert "投标保证金退还" in page and "登记已退还" in page and "合同签订日期" in page
    deposit = DepositReturn.objects.exclude(due_on=None).first()
    assert deposit is not None
    today = local_date(timezone.now())
    response = client.post(
        f"{url}deposit-returned/", {"deposit": deposit.pk, "returned_on": today.isoformat()}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    assert "投标保证金退还已登记" in response.content.decode()
    deposit.refresh_from_db()
    assert deposit.returned_on == today
