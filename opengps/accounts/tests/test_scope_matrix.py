"""The scope matrix (issue 13): every role × object type × region pair, read and write, asserted
through the real selectors and services (and the API for the probe's findings).

The demo is loaded once for this module (≈25 s) and shared; every write is tried inside a
savepoint that is rolled back, so cases do not depend on each other. A write counts as
*allowed* when it gets past the permission check (it may still be refused on the object's state:
that is the point of "permission before state"); *denied* when it raises PermissionDenied or
NotFound.

Region pairs (the actor's unit against the object's purchasing unit):
- ``same_prov``  provincial actor, provincial object (the same unit for unit-scoped roles);
- ``same_city``  Changsha actor, Changsha object (likewise);
- ``prov_obj``   Changsha actor, provincial object — a city never reads or edits the province's;
- ``city_obj``   provincial actor, Changsha object — finance reads the levels below;
- ``other_city`` Zhuzhou actor, Changsha object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.workbench.tests.test_demo import Demo, anchored, demo  # noqa: F401 — shared module fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

PAIRS = ("same_prov", "same_city", "prov_obj", "city_obj", "other_city")
ACTOR_REGION = {"same_prov": "hn", "same_city": "cs", "prov_obj": "cs", "city_obj": "hn", "other_city": "zz"}
OBJECT_REGION = {"same_prov": "hn", "same_city": "cs", "prov_obj": "hn", "city_obj": "cs", "other_city": "cs"}
ROLES = ("purchaser", "agency", "finance", "registration", "auditor", "supplier", "expert", "evaluator")

ALL = frozenset(PAIRS)
NONE: frozenset[str] = frozenset()
OWN = frozenset({"same_prov", "same_city"})
REGION_AND_BELOW = frozenset({"same_prov", "same_city", "city_obj"})

# -- the expected matrix --------------------------------------------------------------------------
# READ[object type][role] = the pairs in which the role reads the object.
# Agencies here are not entrusted with the objects (entrusted agencies: see the tests below);
# registrars sit in their own units; suppliers, experts and evaluators are no party to them.
_UNIT_READ = {
    "purchaser": OWN,
    "agency": NONE,
    "finance": REGION_AND_BELOW,
    "registration": NONE,
    "auditor": ALL,
    "supplier": NONE,
    "expert": NONE,
    "evaluator": NONE,
}
READ: dict[str, dict[str, frozenset[str]]] = {
    "plan": _UNIT_READ,
    "procurement": _UNIT_READ,  # the documents register after the deadline (private)
    "evaluation": _UNIT_READ,
    "contract": _UNIT_READ,
    "draw": _UNIT_READ,
    "performance": _UNIT_READ,
    "grant_round": {**_UNIT_READ, "registration": REGION_AND_BELOW},
    "audit_timeline": {**_UNIT_READ, "purchaser": NONE, "registration": REGION_AND_BELOW},
}
# WRITE[object type][role]: the pairs in which the role's write passes the permission check.
_NO_WRITE = dict.fromkeys(ROLES, NONE)
SAME_LEVEL = frozenset({"same_prov", "same_city"})  # 本级财政部门 decides its own level's
WRITE: dict[str, dict[str, frozenset[str]]] = {
    "plan": {**_NO_WRITE, "purchaser": OWN, "finance": SAME_LEVEL},  # cancel / approve the method
    "procurement": {**_NO_WRITE, "purchaser": OWN, "finance": SAME_LEVEL},  # cancel / method change
    "evaluation": {**_NO_WRITE, "purchaser": OWN},  # confirm the award
    "contract": {**_NO_WRITE, "purchaser": OWN},  # add a milestone
    "draw": _NO_WRITE,  # decline a drawn expert on their behalf: never the purchaser
    "performance": {**_NO_WRITE, "purchaser": OWN},  # finalize
    "grant_round": {**_NO_WRITE, "purchaser": OWN},  # cancel (the funder)
    "template": {**_NO_WRITE, "finance": frozenset({"same_prov", "city_obj"})},  # provincial finance
}
OBJECT_TYPES = tuple(READ)
PROVINCIAL_ONLY = {"grant_round", "template", "performance"}
"""The demo has these only at the provincial level (Changsha's performance evaluations are all
published, hence public): their cases with a Changsha object are not applicable."""


@dataclass
class World:
    actors: dict[tuple[str, str], Any]
    objects: dict[tuple[str, str], Any]


@pytest.fixture(scope="module")
def world(demo: Demo, django_db_blocker: Any) -> Iterator[World]:  # noqa: F811
    from opengps.accounts.models import Region, Unit, User
    from opengps.accounts.services import unit_create, user_create
    from opengps.contracts.models import Contract
    from opengps.evaluation.models import Award, Evaluation
    from opengps.experts.models import Draw, DrawMember, MemberStatus
    from opengps.grants.models import Application, Round
    from opengps.performance.models import EvaluationStatus, IndicatorTemplate, PerformanceEvaluation
    from opengps.planning.models import PlanStatus, PurchasePlan
    from opengps.procurement.models import BidReadout, Procurement, ProcurementStatus
    from opengps.registry.models import Organization

    with django_db_blocker.unblock():
        units = {u.name: u for u in Unit.objects.all()}
        region = {"hn": "430000", "cs": "430100", "zz": "430200"}
        own_unit = {"hn": units["湖南省民政厅"], "cs": units["长沙市民政局"], "zz": units["株洲市民政局"]}

        def unit(name: str, kind: str, key: str) -> Any:
            return unit_create(actor=None, name=name, kind=kind, region=Region.objects.get(pk=region[key]))

        def user(username: str, role: str, **kwargs: Any) -> Any:
            return user_create(
                actor=None, username=username, password="scope-matrix-42!", role=role, **kwargs
            )

        bystander = (
            Organization.objects.exclude(pk__in=BidReadout.objects.values("organization"))
            .exclude(pk__in=Contract.objects.values("supplier"))
            .exclude(pk__in=Application.objects.values("organization"))
            .first()
        )
        finance_units = {"hn": units["湖南省财政厅"], "cs": units["长沙市财政局"]}
        finance_units["zz"] = unit("株洲市财政局", Unit.Kind.FINANCE, "zz")
        actors: dict[tuple[str, str], Any] = {}
        for key in ("hn", "cs", "zz"):
            actors["purchaser", key] = user(f"m_purchaser_{key}", "purchaser", unit=own_unit[key])
            actors["agency", key] = user(
                f"m_agency_{key}", "agency", unit=unit(f"矩阵代理机构{key}", Unit.Kind.AGENCY, key)
            )
            actors["finance", key] = user(f"m_finance_{key}", "finance", unit=finance_units[key])
            actors["registration", key] = user(
                f"m_registration_{key}",
                "registration",
                unit=unit(f"矩阵社会组织管理局{key}", Unit.Kind.CIVIL_AFFAIRS, key),
            )
            actors["auditor", key] = User.objects.get(username="auditor")
            actors["supplier", key] = user(f"m_supplier_{key}", "supplier", organization=bystander)
            actors["expert", key] = user(f"m_expert_{key}", "expert")
            actors["evaluator", key] = user(
                f"m_evaluator_{key}", "evaluator", unit=unit(f"矩阵评价机构{key}", Unit.Kind.EVALUATOR, key)
            )

        objects: dict[tuple[str, str], Any] = {}
        for key in ("hn", "cs"):
            mine = own_unit[key]
            objects["plan", key] = PurchasePlan.objects.filter(
                unit=mine, status=PlanStatus.IN_PROCUREMENT
            ).first()
            # one with an award: the e-mall's framework agreement is awarded with a shortlist instead
            opened = Procurement.objects.filter(
                purchaser=mine,
                status=ProcurementStatus.AWARDED,
                agency__isnull=True,
                evaluation__awards__isnull=False,
            ).first()
            objects["procurement", key] = opened
            objects["evaluation", key] = Evaluation.objects.filter(procurement=opened).first()
            objects["award", key] = Award.objects.filter(evaluation__procurement=opened).first()
            objects["contract", key] = Contract.objects.filter(purchaser=mine).first()
            draw = Draw.objects.filter(purchaser_unit=mine).first()
            objects["draw", key] = draw
            objects["draw_member", key] = (
                DrawMember.objects.filter(draw=draw).exclude(status=MemberStatus.DECLINED).first()
            )
            objects["performance", key] = (
                PerformanceEvaluation.objects.filter(contract__purchaser=mine)
                .exclude(status=EvaluationStatus.PUBLISHED)
                .first()
            )
            objects["grant_round", key] = Round.objects.filter(
                programme__funder_unit=mine, status="draft"
            ).first()
        objects["template", "hn"] = IndicatorTemplate.objects.first()
        for (kind, key), value in objects.items():
            if value is None:
                assert key == "cs" and kind in PROVINCIAL_ONLY, f"the demo has no {kind} at {key}"
        yield World(actors=actors, objects=objects)


# -- how each object type is read and written -----------------------------------------------------


def _read(kind: str, actor: Any, obj: Any) -> None:
    from opengps.contracts import selectors as contracts
    from opengps.evaluation import selectors as evaluation
    from opengps.experts import selectors as experts
    from opengps.grants import selectors as grants
    from opengps.performance import selectors as performance
    from opengps.planning import selectors as planning
    from opengps.procurement import selectors as procurement
    from opengps.workbench import selectors as core

    if kind == "plan":
        planning.plan_get(actor=actor, pk=obj.pk)
    elif kind == "procurement":
        procurement.documents_register(actor=actor, procurement=obj)
    elif kind == "evaluation":
        if not evaluation.can_read_evaluation(actor, obj):
            raise PermissionDenied("evaluation.not_visible", "")
        evaluation.scores_visible(actor=actor, evaluation=obj)
    elif kind == "contract":
        contracts.contract_get(actor=actor, contract_id=obj.pk)
    elif kind == "draw":
        experts.draw_detail(actor=actor, draw_id=obj.pk)
    elif kind == "performance":
        performance.evaluation_get(actor=actor, evaluation_id=obj.pk)
    elif kind == "grant_round":
        grants.round_get(actor=actor, round_id=obj.pk)
    elif kind == "audit_timeline":
        core.audit_timeline(actor=actor, object_type="procurement.procurement", object_id=str(obj.pk))
    else:  # pragma: no cover
        raise AssertionError(kind)


def _write(kind: str, actor: Any, world: World, key: str) -> None:
    from opengps.contracts import services as contracts
    from opengps.evaluation import services as evaluation
    from opengps.experts import services as experts
    from opengps.grants import services as grants
    from opengps.performance import services as performance
    from opengps.planning import services as planning
    from opengps.procurement import services as procurement

    obj = world.objects[kind if kind != "evaluation" else "award", key]
    finance = actor.role == "finance"
    if kind == "plan":
        if finance:
            planning.plan_approve_method(actor=actor, plan=obj, note="矩阵测试")
        else:
            planning.plan_cancel(actor=actor, plan=obj, reason="矩阵测试")
    elif kind == "procurement":
        if finance:
            procurement.procurement_decide_method_change(
                actor=actor, procurement=obj, approve=False, note="矩阵"
            )
        else:
            procurement.procurement_cancel(actor=actor, procurement=obj, reason="矩阵测试")
    elif kind == "evaluation":
        evaluation.award_confirm(actor=actor, award=obj)
    elif kind == "contract":
        from datetime import date

        contracts.milestone_add(actor=actor, contract=obj, title="矩阵测试", due_on=date(2030, 1, 1))
    elif kind == "draw":
        experts.draw_member_respond(
            actor=actor, member=world.objects["draw_member", key], accept=False, reason="矩阵测试"
        )
    elif kind == "performance":
        performance.evaluation_finalize(actor=actor, evaluation=obj)
    elif kind == "grant_round":
        grants.round_cancel(actor=actor, round=obj, reason="矩阵测试")
    elif kind == "template":
        performance.template_save(
            actor=actor,
            template=obj,
            name=obj.name,
            indicators=obj.indicators,
            source_weights=obj.source_weights,
            category=obj.category,
        )
    else:  # pragma: no cover
        raise AssertionError(kind)


def _outcome(attempt: Callable[[], object]) -> bool:
    """True when the call got past the permission check; nothing it did is kept."""
    try:
        with transaction.atomic():
            try:
                attempt()
            finally:
                transaction.set_rollback(True)
    except (PermissionDenied, NotFound):
        return False
    except ServiceError:
        return True
    return True


# -- the matrix ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", OBJECT_TYPES)
@pytest.mark.parametrize("role", ROLES)
def test_read_matrix(world: World, anchored: None, role: str, kind: str) -> None:  # noqa: F811
    got, expected = {}, {}
    for pair in PAIRS:
        obj = world.objects.get((kind if kind != "audit_timeline" else "procurement", OBJECT_REGION[pair]))
        if obj is None:
            continue
        actor = world.actors[role, ACTOR_REGION[pair]]
        got[pair] = _outcome(partial(_read, kind, actor, obj))
        expected[pair] = pair in READ[kind][role]
    assert got == expected


@pytest.mark.parametrize("kind", tuple(WRITE))
@pytest.mark.parametrize("role", ROLES)
def test_write_matrix(world: World, anchored: None, role: str, kind: str) -> None:  # noqa: F811
    got, expected = {}, {}
    for pair in PAIRS:
        key = OBJECT_REGION[pair]
        if world.objects.get((kind if kind != "evaluation" else "award", key)) is None:
            continue
        actor = world.actors[role, ACTOR_REGION[pair]]
        got[pair] = _outcome(partial(_write, kind, actor, world, key))
        expected[pair] = pair in WRITE[kind][role]
    assert got == expected


# -- the probe's findings, through the API, and the entrusted agency ----------------------------


def test_city_finance_gets_nothing_of_the_province_through_the_api(world: World, anchored: None) -> None:  # noqa: F811
    # given Changsha's finance bureau (the demo's own account) and provincial objects
    from opengps.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="finance_cs"))
    hn = {kind: world.objects[kind, "hn"] for kind in ("procurement", "contract", "draw", "template")}
    # when it asks for a provincial evaluation's scores, a contract, a committee draw, a timeline
    responses = [
        client.get(f"/api/v1/evaluation/{hn['procurement'].pk}/scores"),
        client.get(f"/api/v1/evaluation/{hn['procurement'].pk}"),
        client.get(f"/api/v1/contracts/{hn['contract'].pk}"),
        client.get(f"/api/v1/experts/draws/{hn['draw'].pk}"),
        client.get(f"/api/v1/audit/procurement.procurement/{hn['procurement'].pk}"),
    ]
    # then every one is refused
    assert [r.status_code for r in responses] == [403, 403, 404, 404, 403]
    # and it may not edit the province-wide indicator template
    template = hn["template"]
    response = client.put(
        f"/api/v1/performance/templates/{template.pk}",
        {
            "name": template.name,
            "indicators": template.indicators,
            "source_weights": template.source_weights,
            "category_id": template.category_id,
        },
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "perm.provincial_only"
    # while it reads its own city's evaluation
    own = world.objects["procurement", "cs"]
    assert client.get(f"/api/v1/evaluation/{own.pk}").status_code == 200


def test_the_entrusted_agency_reads_and_may_decline_for_an_expert_the_purchaser_may_not(
    world: World,
    anchored: None,  # noqa: F811
) -> None:
    from opengps.accounts.models import User
    from opengps.evaluation import selectors as evaluation
    from opengps.experts import services as experts
    from opengps.experts.models import Draw, DrawMember, MemberStatus
    from opengps.procurement.models import Procurement

    agency = User.objects.get(username="agency")
    draw = Draw.objects.filter(agency_unit=agency.unit).first()
    entrusted = Procurement.objects.filter(agency=agency.unit, evaluation__isnull=False).first()
    assert draw is not None and entrusted is not None
    assert evaluation.can_read_evaluation(agency, entrusted.evaluation)
    member = DrawMember.objects.filter(draw=draw).exclude(status=MemberStatus.DECLINED).first()
    assert member is not None
    purchaser = world.actors["purchaser", "hn"]
    if draw.purchaser_unit_id == purchaser.unit_id:
        assert not _outcome(
            lambda: experts.draw_member_respond(actor=purchaser, member=member, accept=False, reason="x")
        )
    assert _outcome(
        lambda: experts.draw_member_respond(actor=agency, member=member, accept=False, reason="电话告知")
    )
