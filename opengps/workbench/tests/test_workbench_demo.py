"""Every demo login's workbench over the whole demo: each role's home renders with its queues,
and the queues hold what the demo has for that role (loaded once for this module, as
`test_demo` does)."""

from __future__ import annotations

import pytest
from django.test import Client

from opengps.accounts.models import User
from opengps.experts.models import DrawMember, MemberStatus
from opengps.procurement.models import BidSubmission
from opengps.workbench import queues
from opengps.workbench.tests.test_demo import Demo, anchored, demo

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]
__all__ = ["anchored", "demo"]

NON_EMPTY: dict[str, set[str]] = {
    "admin": set(),
    "purchaser": {"deadlines", "acceptances", "drafts"},
    "head": {"unit-approvals", "deadlines", "acceptances"},
    "purchaser_cs": {"deadlines", "awards"},
    "head_cs": {"deadlines", "awards"},
    "agency": set(),
    "finance": {"approvals"},
    "finance_cs": {"approvals"},
    "registrar": {"recommendations"},
    "registrar_cs": {"recommendations"},
    "expert": set(),  # + invitations when the draw picked the demo expert (`_drawn`)
    "evaluator": {"performance"},
    "assessor2": {"performance"},  # the assessment demo's second assessor, of the evaluators' firm
    "cpa": set(),
    "auditor": set(),
    "supplier": {"bids", "contracts", "payments", "ratings", "stations"},
    "supplier_zz": {"bids"},
    "supplier_listed": {"stations"},
    "emall_operator": {"emall-versions", "emall-flags"},
}
"""The queues the demo fills for each login (the demo has no red-flag run, no pending complaint
and no unanswered question; the agency's procurements are all past their openings; the e-mall's
suppliers are all entered, and its price outlier waits for review with its flag; the capacity demo's
stations are run by the organizations of `supplier` and `supplier_listed`)."""


def _bidding(username: str) -> bool:
    """Whether this supplier's organization holds a bid: the invited tender's draw is random over the
    organizations eligible on its (simulated) draw day, which may pick the listed demo supplier."""
    return BidSubmission.objects.filter(organization__members__username=username).exists()


def _drawn(username: str) -> bool:
    """Whether a draw invited this expert and waits for the answer (draws are random)."""
    return DrawMember.objects.filter(expert__user__username=username, status=MemberStatus.INVITED).exists()


def test_every_demo_login_lands_on_its_workbench(demo: Demo, anchored: None) -> None:
    seen: dict[str, dict[str, int]] = {}
    for login in demo.summary.logins:
        user = User.objects.get(username=login.username)
        client = Client()
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200, login.username
        html = response.content.decode()
        assert "我的工作台" in html, login.username
        counts = {q.key: q.count for q in queues.queues_for(actor=user)}
        seen[login.username] = counts
        for key in queues.role_queue_keys(user.role):
            assert f'id="queue-{key}"' in html
            if counts[key]:
                assert client.get(f"/work/{key}/").status_code == 200
        assert client.get("/agenda/").status_code == 200
        assert client.get("/reminders/").status_code == 200
    expected = {
        **NON_EMPTY,
        "expert": {"invitations"} if _drawn("expert") else set(),
        "supplier_listed": {"stations", "bids"} if _bidding("supplier_listed") else {"stations"},
    }
    assert {name: {key for key, n in counts.items() if n} for name, counts in seen.items()} == expected
