"""Demo and benchmark data: valid codes, unique names, an idempotent demo load with an intact audit chain."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from stdnum.cn import uscc as stdnum_uscc

from opengps.accounts.services import REGIONS_FILE
from opengps.registry import demo_names


def _places() -> list[demo_names.Place]:
    rows = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    return demo_names.places_from_regions((r["code"], r["name"], r["level"], r["parent"]) for r in rows)


def test_org_code_check_char_matches_a_published_code() -> None:
    # given the organization code inside the USCC 91110000600037341L (python-stdnum's example)
    # then the GB 11714 check character computed from its body is the one printed
    assert demo_names.org_code_check_char("60003734") == "1"
    assert demo_names.is_valid_uscc("91110000600037341L")
    assert not demo_names.is_valid_uscc("91110000600037342L")


def test_generated_codes_are_valid_and_names_unique() -> None:
    # given a province-scale draw
    specs = demo_names.generate_organizations(random.Random(1), 3000, _places(), today=date(2026, 11, 22))

    # then every code passes both check characters, and no code or name repeats
    assert all(demo_names.is_valid_uscc(s.uscc) and stdnum_uscc.is_valid(s.uscc) for s in specs)
    assert len({s.uscc for s in specs}) == len({s.name for s in specs}) == 3000
    kinds = {s.uscc[1] for s in specs}
    assert kinds == {"1", "2", "3"}
    assert all(s.uscc[0] == "5" and s.uscc[2:8] == s.place.code for s in specs)
    assert all(s.founded_on.year >= 1995 for s in specs)


def test_generation_is_reproducible() -> None:
    places = _places()
    first = demo_names.generate_organizations(random.Random(7), 50, places, today=date(2026, 11, 22))
    again = demo_names.generate_organizations(random.Random(7), 50, places, today=date(2026, 11, 22))
    assert first == again


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates_and_the_audit_chain_verifies() -> None:
    from opengps.accounts.models import User
    from opengps.core.audit import verify_chain
    from opengps.core.demo import load_demo
    from opengps.core.models import AuditEvent
    from opengps.registry.models import CreditListing, Organization, Rating

    # given the demo loaded once
    first = load_demo(organizations=60)
    events = AuditEvent.objects.count()

    # when it is loaded again
    second = load_demo(organizations=60)

    # then nothing was added, every organization went through the services, and the chain holds
    assert first.counts == second.counts
    assert Organization.objects.count() == 60
    assert AuditEvent.objects.count() == events
    assert AuditEvent.objects.filter(action="registry.org_created").count() == 60
    assert all(demo_names.is_valid_uscc(code) for code in Organization.objects.values_list("uscc", flat=True))
    checked, problem = verify_chain()
    assert problem is None and checked == events

    # and the stories the screens rely on are there
    supplier = User.objects.get(username="supplier")
    assert supplier.organization is not None and supplier.organization.rating_level == 4
    assert Organization.objects.get(name="耒阳市启明社会工作服务中心").credit_level == "serious"
    assert Organization.objects.get(name="长沙市芙蓉区暖心居家养老服务中心").credit_level == "abnormal"
    assert Rating.objects.filter(revoked_on__isnull=False).count() == 1
    assert CreditListing.objects.filter(kind="serious", removed_on__isnull=False).exists()
    assert {login.username for login in second.logins} >= {"supplier", "supplier_zz", "supplier_listed"}

    # and every printed login signs in with the printed password and reaches its own page
    from django.test import Client

    from opengps.core.demo import DEMO_PASSWORD

    roles = set()
    for login in second.logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        assert client.get("/accounts/me/").status_code == 200
        roles.add(User.objects.get(username=login.username).role)
    assert roles == {
        "admin",
        "purchaser",
        "agency",
        "finance",
        "registration",
        "supplier",
        "expert",
        "evaluator",
        "auditor",
    }
