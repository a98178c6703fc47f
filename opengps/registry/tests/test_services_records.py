"""Ratings, annual reports and credit lists: validity from the rules, eligibility, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.registry import selectors, services

pytestmark = pytest.mark.django_db


def test_rating_valid_until_comes_from_the_rules_and_is_cached_on_the_org(
    make_org: Callable[..., Any], registrar: Any
) -> None:
    # given
    org = make_org()
    # when
    rating = services.rating_record(
        actor=registrar,
        organization=org,
        level=4,
        awarded_on=date(2023, 5, 10),
        decision_no="湘民评〔2023〕12号",
    )
    # then
    assert rating.valid_until == date(2028, 5, 10)
    org.refresh_from_db()
    assert org.rating_level == 4
    event = AuditEvent.objects.get(action="registry.rating_recorded")
    assert event.new_values["level"] == 4 and event.new_values["valid_until"] == "2028-05-10"


def test_rating_input_is_checked(make_org: Callable[..., Any], registrar: Any) -> None:
    org = make_org()
    with pytest.raises(ServiceError) as caught:
        services.rating_record(
            actor=registrar, organization=org, level=6, awarded_on=date(2023, 5, 10), decision_no="x"
        )
    assert caught.value.code == "registry.rating_level"
    with pytest.raises(ServiceError) as caught:
        services.rating_record(
            actor=registrar, organization=org, level=3, awarded_on=date(2010, 5, 10), decision_no="x"
        )
    assert caught.value.code == "registry.date_before_founding"


def test_rating_recorded_with_an_earlier_end_ends_then_everywhere(
    make_org: Callable[..., Any], registrar: Any, clock_at: Callable[..., None]
) -> None:
    # given: a grade whose decision ends it before the 5 years (e.g. a downgrade keeping the
    # replaced grade's end, M39)
    org = make_org()
    overview = selectors.registry_overview()["rated_3a_plus"]
    # when
    rating = services.rating_record(
        actor=registrar,
        organization=org,
        level=4,
        awarded_on=date(2025, 3, 1),
        decision_no="湘民评〔2025〕3号",
        valid_until=date(2027, 1, 15),
    )
    # then: stored, audited, and the eligibility rules, the cached columns and the overview agree
    assert rating.valid_until == date(2027, 1, 15)
    event = AuditEvent.objects.get(action="registry.rating_recorded")
    assert event.new_values["valid_until"] == "2027-01-15"
    org.refresh_from_db()
    assert (org.rating_level, org.derived_until) == (4, date(2027, 1, 15))
    assert selectors.organization_eligibility(org, date(2027, 1, 14)).rating_in_force == 4
    assert selectors.organization_eligibility(org, date(2027, 1, 15)).rating_in_force is None
    assert selectors.registry_overview()["rated_3a_plus"] == overview + 1
    clock_at(date(2027, 1, 15))
    assert selectors.registry_overview()["rated_3a_plus"] == overview


@pytest.mark.parametrize(
    "valid_until",
    [
        pytest.param(date(2030, 3, 2), id="after-the-5-years"),
        pytest.param(date(2025, 3, 1), id="on-the-award-day"),
        pytest.param(date(2025, 2, 28), id="before-the-award"),
    ],
)
def test_rating_end_outside_the_5_years_is_refused(
    make_org: Callable[..., Any], registrar: Any, valid_until: date
) -> None:
    org = make_org()
    with pytest.raises(ServiceError) as caught:
        services.rating_record(
            actor=registrar,
            organization=org,
            level=4,
            awarded_on=date(2025, 3, 1),
            decision_no="湘民评〔2025〕3号",
            valid_until=valid_until,
        )
    assert (caught.value.code, caught.value.field) == ("registry.rating_valid_until", "valid_until")
    assert "2030-03-01" in caught.value.message
    assert not org.ratings.exists()


def test_rating_end_on_the_5_year_end_is_accepted(make_org: Callable[..., Any], registrar: Any) -> None:
    org = make_org()
    rating = services.rating_record(
        actor=registrar,
        organization=org,
        level=4,
        awarded_on=date(2025, 3, 1),
        decision_no="湘民评〔2025〕3号",
        valid_until=date(2030, 3, 1),
    )
    assert rating.valid_until == date(2030, 3, 1)


def test_revoking_a_rating_ends_it_and_is_audited(make_org: Callable[..., Any], registrar: Any) -> None:
    # given
    org = make_org()
    rating = services.rating_record(
        actor=registrar,
        organization=org,
        level=5,
        awarded_on=date(2022, 1, 10),
        decision_no="湘民评〔2022〕1号",
    )
    # when
    services.rating_revoke(
        actor=registrar, rating=rating, revoked_on=date(2024, 3, 1), reason="列入严重违法失信名单"
    )
    # then
    org.refresh_from_db()
    assert org.rating_level is None
    event = AuditEvent.objects.get(action="registry.rating_revoked")
    assert event.old_values["revoked_on"] is None and event.new_values["revoked_on"] == "2024-03-01"
    assert event.reason == "列入严重违法失信名单"
    with pytest.raises(Conflict):
        services.rating_revoke(actor=registrar, rating=rating, revoked_on=date(2024, 3, 2), reason="again")


def test_one_annual_report_per_year(make_org: Callable[..., Any], registrar: Any) -> None:
    org = make_org()
    services.annual_report_record(
        actor=registrar, organization=org, year=2024, submitted_on=date(2025, 4, 20)
    )
    with pytest.raises(Conflict) as caught:
        services.annual_report_record(
            actor=registrar, organization=org, year=2024, submitted_on=date(2025, 5, 2)
        )
    assert caught.value.code == "registry.annual_report_duplicate"
    assert AuditEvent.objects.filter(action="registry.annual_report_recorded").count() == 1


def test_blacklisted_org_is_ineligible_with_reason_and_citation(
    make_org: Callable[..., Any], registrar: Any
) -> None:
    # given
    org = make_org()
    # when
    listing = services.credit_list(
        actor=registrar,
        organization=org,
        kind="serious",
        reason="fine_50000_plus",
        decision_document="湘民罚决字〔2025〕3号",
        listed_on=date(2025, 9, 1),
    )
    # then
    org.refresh_from_db()
    assert org.credit_level == "serious" and not org.eligible
    result = selectors.organization_eligibility(org, date(2025, 10, 1))
    assert not result.eligible
    [serious] = [r for r in result.reasons if r.code == "eligibility.serious_list"]
    assert serious.severity == "block" and "民政部令第60号" in serious.citation
    assert "不得向其购买服务" in serious.message_zh
    event = AuditEvent.objects.get(action="registry.credit_listed")
    assert event.new_values["kind"] == "serious" and event.new_values["listing"] == listing.pk
    # and when time moves past the 2-year period with no new entry, it is eligible again
    assert not selectors.organization_eligibility(org, date(2027, 8, 31)).eligible
    assert selectors.organization_eligibility(org, date(2027, 9, 2)).eligible


def test_delisting_restores_and_is_audited(make_org: Callable[..., Any], registrar: Any) -> None:
    # given
    org = make_org()
    listing = services.credit_list(
        actor=registrar,
        organization=org,
        kind="judgment_defaulter",
        reason="法院决定",
        decision_document="(2025)湘0104执1号",
        listed_on=date(2025, 1, 5),
    )
    with pytest.raises(Conflict):
        services.credit_list(
            actor=registrar,
            organization=org,
            kind="judgment_defaulter",
            reason="again",
            decision_document="y",
            listed_on=date(2025, 1, 6),
        )
    # when
    services.credit_delist(
        actor=registrar,
        listing=listing,
        removed_on=date(2025, 6, 1),
        reason="已履行",
        document="(2025)湘0104执1号之一",
    )
    # then
    org.refresh_from_db()
    assert org.eligible and not org.on_other_list
    event = AuditEvent.objects.get(action="registry.credit_delisted")
    assert event.old_values == {"listing": listing.pk, "removed_on": None}
    assert event.new_values["removed_on"] == "2025-06-01"
    with pytest.raises(ServiceError) as caught:
        services.credit_delist(
            actor=registrar, listing=listing, removed_on=date(2025, 6, 2), reason="x", document="y"
        )
    assert caught.value.code == "registry.credit_already_removed"


def test_delisting_needs_reason_and_document(make_org: Callable[..., Any], registrar: Any) -> None:
    org = make_org()
    listing = services.credit_list(
        actor=registrar,
        organization=org,
        kind="abnormal",
        reason="unreachable",
        decision_document="d",
        listed_on=date(2025, 1, 5),
    )
    with pytest.raises(ServiceError) as caught:
        services.credit_delist(
            actor=registrar, listing=listing, removed_on=date(2025, 2, 1), reason=" ", document="d2"
        )
    assert caught.value.code == "registry.reason_required" and caught.value.field == "reason"


def test_auditor_cannot_list(make_org: Callable[..., Any], auditor: Any) -> None:
    org = make_org()
    with pytest.raises(PermissionDenied):
        services.credit_list(
            actor=auditor,
            organization=org,
            kind="abnormal",
            reason="x",
            decision_document="d",
            listed_on=date(2025, 1, 5),
        )


def test_stale_derived_status_is_recomputed_on_search(make_org: Callable[..., Any]) -> None:
    # given: a row as a raw bulk insert leaves it (derived status never computed)
    org = make_org()
    type(org).objects.filter(pk=org.pk).update(derived_until=None, eligible=False)
    # when
    page = selectors.organization_search()
    # then
    assert page.results[0].eligible and page.results[0].derived_until is not None
