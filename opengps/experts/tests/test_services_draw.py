"""The random draw: replayable from its public inputs, avoidance, substitutes, permissions, audit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.experts import drawing
from opengps.experts.models import Draw, DrawMember, MemberStatus
from opengps.experts.services import (
    affiliation_add,
    draw_create,
    draw_member_respond,
    draw_replay,
    draw_verify,
    expert_update,
    relation_declare,
)
from opengps.rules.committee import BidderFacts

pytestmark = pytest.mark.django_db

BIDDER_USCC = "52430100MJ0000001X"
BIDDER = BidderFacts(bidder_id=BIDDER_USCC, name="长沙市夕阳红养老服务中心", legal_representative="张丽")


def _members(draw: Draw) -> list[DrawMember]:
    return list(draw.members.order_by("order"))


def _recompute_like_an_auditor(inputs: dict[str, str], pool: list[int], count: int) -> list[int]:
    """Independent of opengps.experts.drawing: only the documented recipe and the standard library."""
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    seed = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    keyed = sorted(pool, key=lambda i: (hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(), i))
    return keyed[:count]


# ---------------------------------------------------------------------------------------------
# Replay


def test_replaying_a_draw_from_its_recorded_inputs_yields_the_same_experts(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    # given 12 qualified experts
    experts = [make_expert() for _ in range(12)]
    # when the agency draws 5
    draw = draw_create(actor=agency, **draw_args())
    # then the record replays: by the service, by the pure recipe, and by an outsider's script
    recorded = [m.expert_id for m in _members(draw)]
    assert len(recorded) == 5 and len(set(recorded)) == 5
    assert draw.pool == sorted(e.pk for e in experts)
    assert draw_replay(draw) == recorded
    assert _recompute_like_an_auditor(draw.inputs, draw.pool, 5) == recorded
    check = draw_verify(Draw.objects.get(pk=draw.pk))
    assert check.ok, check
    assert draw.inputs == {
        "format": "opengps.experts.draw/1",
        "procurement_ref": draw.procurement_ref,
        "drawn_at": "2026-03-10T01:30:00.000000Z",
        "audit_chain_head": draw.audit_chain_head,
    }


def test_the_seed_depends_on_the_chain_head_so_two_draws_differ(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(15):
        make_expert()
    first = draw_create(actor=agency, **draw_args(procurement_ref="HNZC-SAME"))
    second = draw_create(actor=agency, **draw_args(procurement_ref="HNZC-SAME"))
    assert first.audit_chain_head != second.audit_chain_head
    assert first.seed != second.seed
    assert draw_verify(first).ok and draw_verify(second).ok


def test_a_tampered_record_no_longer_verifies(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(8):
        make_expert()
    draw = draw_create(actor=agency, **draw_args())
    # pool edited to drop a drawn expert
    edited = Draw.objects.get(pk=draw.pk)
    edited.pool = [i for i in edited.pool if i != _members(draw)[0].expert_id]
    assert not draw_verify(edited).selection_matches
    # inputs edited to another time
    edited = Draw.objects.get(pk=draw.pk)
    edited.inputs = {**edited.inputs, "drawn_at": "2026-03-10T01:30:00.000001Z"}
    check = draw_verify(edited)
    assert not check.seed_matches and not check.inputs_match and not check.ok
    # chain head replaced by another (valid-looking) hash
    edited = Draw.objects.get(pk=draw.pk)
    edited.audit_chain_head = "a" * 64
    edited.inputs = {**edited.inputs, "audit_chain_head": "a" * 64}
    edited.seed = drawing.seed_for(edited.inputs)
    assert not draw_verify(edited).chain_head_found


def test_draw_order_is_independent_of_how_the_pool_is_listed() -> None:
    seed = "0" * 64
    assert drawing.draw_order(seed, [5, 3, 9, 1]) == drawing.draw_order(seed, [1, 9, 3, 5, 5])
    assert drawing.draw_first(seed, [1, 2, 3], 5) == drawing.draw_order(seed, [1, 2, 3])
    with pytest.raises(ValueError):
        drawing.draw_inputs(
            procurement_ref="X",
            drawn_at=__import__("datetime").datetime(2026, 1, 1),
            audit_chain_head="0" * 64,
        )


# ---------------------------------------------------------------------------------------------
# Avoidance: employment at a bidder within 3 years (IR §9)

# Draw on 2026-03-10 → look-back starts 2023-03-10; `expert_conflicts` counts a tie still
# running on that day (end >= 2023-03-10) as within the 3 years.
EMPLOYMENT_BOUNDARIES = [
    pytest.param(date(2019, 1, 1), date(2023, 3, 11), True, id="ended 3 years minus a day ago: excluded"),
    pytest.param(date(2019, 1, 1), date(2023, 3, 10), True, id="ended exactly 3 years ago: excluded"),
    pytest.param(date(2019, 1, 1), date(2023, 3, 9), False, id="ended 3 years plus a day ago: allowed"),
    pytest.param(date(2019, 1, 1), None, True, id="still employed: excluded"),
    pytest.param(date(2026, 3, 10), None, True, id="starts on the draw day: excluded"),
    pytest.param(date(2026, 3, 11), None, False, id="starts after the draw day: allowed"),
]


@pytest.mark.parametrize(("start", "end", "excluded"), EMPLOYMENT_BOUNDARIES)
def test_an_expert_employed_by_a_bidder_within_3_years_is_never_drawn(
    make_expert: Callable[..., Any],
    agency: Any,
    finance: Any,
    draw_args: Callable[..., dict[str, Any]],
    start: date,
    end: date | None,
    excluded: bool,
) -> None:
    # given 5 clean experts and one who worked for the bidder
    clean = [make_expert() for _ in range(5)]
    tied = make_expert(name="王回避")
    affiliation_add(
        actor=finance,
        expert=tied,
        role="employee",
        organization_uscc=BIDDER_USCC,
        organization_name=BIDDER.name,
        start=start,
        end=end,
    )
    # when 5 are drawn with that bidder
    draw = draw_create(actor=agency, **draw_args(bidders=[BIDDER]))
    # then the tied expert is outside the pool exactly when the rule says so
    assert (tied.pk not in draw.pool) is excluded
    codes = {r["code"] for row in draw.exclusions if row["expert_id"] == tied.pk for r in row["reasons"]}
    assert codes == ({"committee.conflict_employee"} if excluded else set())
    if excluded:
        # … and never drawn, not even as a substitute after everybody else declines
        assert draw.pool == sorted(e.pk for e in clean)
        for member in _members(draw):
            draw_member_respond(actor=agency, member=member, accept=False, reason="时间冲突")
        assert tied.pk not in DrawMember.objects.filter(draw=draw).values_list("expert_id", flat=True)


@pytest.mark.parametrize("role", ["director", "supervisor", "controlling_shareholder", "actual_controller"])
def test_office_or_control_at_a_bidder_excludes(
    make_expert: Callable[..., Any],
    agency: Any,
    finance: Any,
    draw_args: Callable[..., dict[str, Any]],
    role: str,
) -> None:
    for _ in range(5):
        make_expert()
    tied = make_expert()
    affiliation_add(
        actor=finance,
        expert=tied,
        role=role,
        organization_uscc=BIDDER_USCC,
        organization_name=BIDDER.name,
        start=date(2024, 1, 1),
    )
    draw = draw_create(actor=agency, **draw_args(bidders=[BIDDER]))
    assert tied.pk not in draw.pool
    assert [r["code"] for r in next(x for x in draw.exclusions if x["expert_id"] == tied.pk)["reasons"]] == [
        f"committee.conflict_{role}"
    ]


def test_relatives_of_a_bidders_legal_representative_are_excluded(
    make_expert: Callable[..., Any], agency: Any, finance: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(5):
        make_expert()
    spouse = make_expert(name="李配偶")
    relation_declare(
        actor=finance,
        expert=spouse,
        person_name="张丽",
        relation="spouse",
        organization_uscc=BIDDER_USCC,
        organization_name=BIDDER.name,
    )
    cousin = make_expert(name="赵远亲")
    relation_declare(actor=finance, expert=cousin, person_name="张丽", relation="collateral", generations=4)
    draw = draw_create(actor=agency, **draw_args(bidders=[BIDDER]))
    assert spouse.pk not in draw.pool
    assert cousin.pk in draw.pool  # 4 generations is beyond the 3 of IR §9


def test_bidders_from_registry_organizations(
    make_expert: Callable[..., Any],
    agency: Any,
    finance: Any,
    registrar: Any,
    draw_args: Callable[..., dict[str, Any]],
) -> None:
    from opengps.experts.facts import bidders_from_organizations
    from opengps.registry.demo_names import make_uscc
    from opengps.registry.services import organization_create

    org = organization_create(
        actor=registrar,
        name="长沙市阳光养老服务中心",
        uscc=make_uscc(kind_code="2", region_code="430100", serial=7),
        org_type="social_service_agency",
        region="430104",
        founded_on=date(2015, 3, 1),
        legal_representative="周强",
    )
    for _ in range(5):
        make_expert()
    employed = make_expert()
    affiliation_add(
        actor=finance,
        expert=employed,
        role="employee",
        organization_uscc=org.uscc,
        organization_name=org.name,
        start=date(2020, 1, 1),
    )
    nephew = make_expert()
    relation_declare(actor=finance, expert=nephew, person_name="周强", relation="collateral", generations=3)
    draw = draw_create(actor=agency, **draw_args(bidders=bidders_from_organizations([org])))
    assert employed.pk not in draw.pool and nephew.pk not in draw.pool
    assert draw.bidders == [
        {"bidder_id": org.uscc, "name": org.name, "legal_representative": "周强", "principal": None}
    ]


def test_unqualified_suspended_and_own_unit_experts_are_excluded_with_reasons(
    make_expert: Callable[..., Any],
    agency: Any,
    finance: Any,
    units: dict[str, Any],
    draw_args: Callable[..., dict[str, Any]],
) -> None:
    for _ in range(5):
        make_expert()
    too_old = make_expert(birth_date=date(1957, 3, 9))  # 69 on the draw day
    just_68 = make_expert(birth_date=date(1957, 3, 11))  # still 68
    short = make_expert(title_level="intermediate", field_since=date(2018, 3, 11))  # 7 years
    enough = make_expert(title_level="intermediate", field_since=date(2018, 3, 10))  # 8 years
    suspended = make_expert()
    expert_update(actor=finance, expert=suspended, status="suspended", reason="年度考核不合格")
    staff = make_expert(employer_unit=units["civil"], employer_name="湖南省民政厅")
    other_category = make_expert(specialties=["B01"])
    other_region = make_expert(region="430202")
    draw = draw_create(actor=agency, **draw_args())
    reasons = {row["expert_id"]: [r["code"] for r in row["reasons"]] for row in draw.exclusions}
    assert set(reasons) == {too_old.pk, short.pk, suspended.pk, staff.pk}
    assert reasons[too_old.pk] == ["committee.expert_too_old"]
    assert reasons[short.pk] == ["committee.expert_experience_short"]
    assert reasons[suspended.pk] == ["expert.not_active"]
    assert reasons[staff.pk] == ["committee.own_unit"]
    assert just_68.pk in draw.pool and enough.pk in draw.pool and other_region.pk in draw.pool
    assert other_category.pk not in draw.pool and draw.candidates == 12


def test_staff_of_the_agency_running_the_draw_are_excluded(
    make_expert: Callable[..., Any], agency: Any, agency_unit: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(5):
        make_expert()
    staff = make_expert(employer_unit=agency_unit, employer_name=agency_unit.name)
    draw = draw_create(actor=agency, **draw_args())
    assert staff.pk not in draw.pool
    assert draw.exclusions[0]["reasons"][0]["code"] == "draw.agency_staff"


def test_a_region_filter_limits_candidates(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    from opengps.accounts.models import Region

    changsha = [make_expert(region=code) for code in ("430104", "430102", "430181", "430100", "430104")]
    zhuzhou = make_expert(region="430202")
    draw = draw_create(actor=agency, **draw_args(region=Region.objects.get(pk="430100")))
    assert draw.pool == sorted(e.pk for e in changsha) and zhuzhou.pk not in draw.pool


# ---------------------------------------------------------------------------------------------
# Substitutes


def test_substitutes_on_decline_follow_the_recorded_order(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(7):
        make_expert()
    draw = draw_create(actor=agency, **draw_args())
    order = drawing.draw_order(draw.seed, draw.pool)
    second = _members(draw)[1]
    # when the second declines, the 6th of the order is invited
    member, substitute = draw_member_respond(actor=agency, member=second, accept=False, reason="出差在外")
    assert member.status == MemberStatus.REPLACED and member.replaced_by == substitute
    assert substitute is not None and substitute.expert_id == order[5] and substitute.order == 6
    assert substitute.is_substitute
    # and when the substitute declines too, the 7th
    _, third = draw_member_respond(actor=agency, member=substitute, accept=False, reason="身体原因")
    assert third is not None and third.expert_id == order[6]
    # the pool is used up: the next decline stays declined, nobody is invited
    last, none = draw_member_respond(actor=agency, member=_members(draw)[0], accept=False, reason="回避")
    assert none is None and last.status == MemberStatus.DECLINED
    assert [m.expert_id for m in _members(draw)] == order == draw_replay(draw)
    assert draw_verify(draw).ok


def test_accepting_needs_the_no_conflict_confirmation(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(5):
        make_expert()
    draw = draw_create(actor=agency, **draw_args())
    member = _members(draw)[0]
    with pytest.raises(ServiceError) as exc:
        draw_member_respond(actor=agency, member=member, accept=True, no_conflict_confirmed=False)
    assert exc.value.code == "draw.conflict_not_confirmed"
    with pytest.raises(ServiceError) as exc:
        draw_member_respond(actor=agency, member=member, accept=False, reason=" ")
    assert exc.value.code == "draw.reason_required"
    accepted, substitute = draw_member_respond(
        actor=agency, member=member, accept=True, no_conflict_confirmed=True
    )
    assert accepted.status == MemberStatus.ACCEPTED and accepted.conflict_confirmed_at is not None
    assert substitute is None
    with pytest.raises(Conflict) as conflict:
        draw_member_respond(actor=agency, member=member, accept=False, reason="改变主意")
    assert conflict.value.code == "draw.already_answered"


# ---------------------------------------------------------------------------------------------
# Refusals


def test_not_enough_experts_names_available_and_needed(
    make_expert: Callable[..., Any], agency: Any, finance: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(4):
        make_expert()
    tied = make_expert()
    affiliation_add(
        actor=finance,
        expert=tied,
        role="employee",
        organization_uscc=BIDDER_USCC,
        organization_name=BIDDER.name,
    )
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        draw_create(actor=agency, **draw_args(bidders=[BIDDER]))
    assert exc.value.code == "draw.not_enough_experts"
    assert exc.value.params == {"available": 4, "needed": 5, "candidates": 5, "excluded": 1}
    assert "4" in str(exc.value.message) and "5" in str(exc.value.message)
    assert Draw.objects.count() == 0 and AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("method", "budget", "needed", "reps", "codes"),
    [
        ("open_tender", "1800000", 4, 0, ["committee.too_small", "committee.even_size"]),
        ("open_tender", "1800000", 3, 2, ["committee.too_few_experts"]),
        ("open_tender", "12000000", 5, 0, ["committee.too_small"]),
        ("competitive_consultation", "500000", 3, 1, ["committee.even_size"]),
    ],
)
def test_the_committee_must_meet_the_composition_rules(
    agency: Any,
    draw_args: Callable[..., dict[str, Any]],
    method: str,
    budget: str,
    needed: int,
    reps: int,
    codes: list[str],
) -> None:
    from decimal import Decimal

    with pytest.raises(ServiceError) as exc:
        draw_create(
            actor=agency,
            **draw_args(method=method, budget=Decimal(budget), needed=needed, purchaser_reps=reps),
        )
    assert exc.value.code == "draw.committee_invalid" and exc.value.params["codes"] == codes


def test_single_source_has_no_committee_to_draw(
    agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    with pytest.raises(ServiceError) as exc:
        draw_create(actor=agency, **draw_args(method="single_source"))
    assert exc.value.code == "committee.not_applicable"


def test_who_may_draw(
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    agency: Any,
    finance: Any,
    draw_args: Callable[..., dict[str, Any]],
) -> None:
    for _ in range(5):
        make_expert()
    for actor in (
        None,
        finance,
        make_user("auditor", unit="audit"),
        make_user("expert", unit=None),
        make_user("purchaser", unit="cs_civil"),
    ):
        with pytest.raises(PermissionDenied):
            draw_create(actor=actor, **draw_args())  # type: ignore[arg-type]  # None on purpose: the service refuses it at run time too
    own_purchaser = make_user("purchaser", unit="civil")
    draw = draw_create(actor=own_purchaser, **draw_args())
    assert draw.agency_unit is None and draw.created_by == own_purchaser


def test_who_may_answer_for_a_member(
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    agency: Any,
    finance: Any,
    draw_args: Callable[..., dict[str, Any]],
) -> None:
    from opengps.accounts.services import user_create

    account = make_user("expert", unit=None)
    experts = [make_expert() for _ in range(5)]
    expert_update(actor=finance, expert=experts[0], user=account)
    draw = draw_create(actor=agency, **draw_args())
    mine = next(m for m in _members(draw) if m.expert_id == experts[0].pk)
    others = [m for m in _members(draw) if m.pk != mine.pk]
    # another expert, a purchaser of another unit, another agency and finance may not answer
    other_agency = user_create(
        actor=None,
        username="agency_other",
        password="x" * 12,
        role="agency",
        unit=make_user("purchaser", unit="cs_civil").unit,
    )
    for actor in (account, make_user("purchaser", unit="cs_civil"), finance, other_agency):
        with pytest.raises(PermissionDenied):
            draw_member_respond(actor=actor, member=others[0], accept=False, reason="x")
    # the expert answers for themself
    member, _ = draw_member_respond(actor=account, member=mine, accept=True, no_conflict_confirmed=True)
    assert member.responded_by == account
    # the purchaser of the project may accept for an expert, but never decline for one: skipping
    # experts it does not want would reshape the random draw
    own_purchaser = make_user("purchaser", unit="civil")
    with pytest.raises(PermissionDenied) as denied:
        draw_member_respond(actor=own_purchaser, member=others[0], accept=False, reason="电话告知")
    assert denied.value.code == "draw.decline_not_yours"
    draw_member_respond(actor=own_purchaser, member=others[1], accept=True, no_conflict_confirmed=True)
    # the agency that made the draw may decline on an expert's behalf, with the reason recorded
    declined, _ = draw_member_respond(actor=agency, member=others[0], accept=False, reason="电话告知")
    assert declined.decline_reason == "电话告知" and declined.responded_by == agency


# ---------------------------------------------------------------------------------------------
# Audit


def test_draws_and_answers_are_audited_with_inputs_and_selection(
    make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]
) -> None:
    for _ in range(6):
        make_expert()
    draw = draw_create(actor=agency, **draw_args())
    created = AuditEvent.objects.get(action="draw.created", object_id=str(draw.pk))
    assert created.prev_hash == draw.audit_chain_head == draw.inputs["audit_chain_head"]
    assert created.new_values["inputs"] == draw.inputs and created.new_values["seed"] == draw.seed
    assert created.new_values["selected"] == [m.expert_id for m in _members(draw)]
    assert created.new_values["pool"] == draw.pool and created.actor == agency
    member = _members(draw)[2]
    _, substitute = draw_member_respond(actor=agency, member=member, accept=False, reason="出差")
    declined = AuditEvent.objects.get(action="draw.member_declined", object_id=str(draw.pk))
    assert declined.reason == "出差"
    assert declined.old_values["status"] == "invited"
    assert declined.new_values["status"] == "replaced"
    assert substitute is not None and declined.new_values["substitute"] == substitute.expert_id
    assert declined.new_values["substitute_order"] == 6
