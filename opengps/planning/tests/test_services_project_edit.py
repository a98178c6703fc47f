"""Project edits: the unit changes a draft or returned proposal; the timeline shows what changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.catalog.models import CatalogVersion
from opengps.catalog.services import catalog_item_retire, catalog_version_create, catalog_version_publish
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.planning.models import Project, ProjectStatus
from opengps.planning.selectors import project_timeline
from opengps.planning.services import (
    demand_survey_record,
    project_approve_unit,
    project_propose,
    project_return,
    project_submit,
    project_update,
    project_withdraw,
)

pytestmark = pytest.mark.django_db


def _submitted(purchaser: Any, make_project: Callable[..., Project]) -> Project:
    project = make_project("300000", approve=False)
    demand_survey_record(
        actor=purchaser,
        project=project,
        method="questionnaire",
        conducted_on=date(2026, 2, 1),
        respondents=80,
        findings="需求明确",
    )
    return project_submit(actor=purchaser, project=project)


def test_a_draft_is_edited_and_only_the_changed_fields_are_audited(
    purchaser: Any, make_project: Callable[..., Project], small_catalogue: CatalogVersion
) -> None:
    # given a draft
    project = make_project("300000", approve=False)
    # when the unit changes the amount, the items and the term
    project = project_update(
        actor=purchaser,
        project=project,
        estimated_amount="320000.5",
        items=[small_catalogue.items.get(code="A0401"), small_catalogue.items.get(code="A0402")],
        term_end=date(2026, 11, 30),
        name="岳麓区居家养老上门服务",  # unchanged
    )
    # then the project holds the new values
    project.refresh_from_db()
    assert project.estimated_amount == Decimal("320000.50")
    assert sorted(i.code for i in project.items.all()) == ["A0401", "A0402"]
    assert project.term_end == date(2026, 11, 30)
    # and the audit event has exactly the changed fields, old → new
    event = AuditEvent.objects.filter(object_type="planning.project", action="project.changed").get()
    assert event.old_values == {
        "items": ["A0401"],
        "estimated_amount": "300000.00",
        "term_end": "2026-12-31",
    }
    assert event.new_values == {
        "items": ["A0401", "A0402"],
        "estimated_amount": "320000.50",
        "term_end": "2026-11-30",
    }
    assert event.actor == purchaser
    # and saving the same values again writes nothing
    project_update(
        actor=purchaser, project=project, estimated_amount="320000.50", term_end=date(2026, 11, 30)
    )
    assert AuditEvent.objects.filter(action="project.changed").count() == 1


def test_a_returned_project_is_edited_and_the_head_and_finance_see_the_changes(
    purchaser: Any, head: Any, finance: Any, make_project: Callable[..., Project]
) -> None:
    # given a project the unit head approved and the finance department returned
    project = project_approve_unit(actor=head, project=_submitted(purchaser, make_project))
    project = project_return(actor=finance, project=project, reason="请细化服务人数测算")
    assert project.status == ProjectStatus.RETURNED
    # when the unit corrects the quantity and the description, then resubmits
    project_update(
        actor=purchaser,
        project=project,
        quantity="1500",
        description="为特困、低保老年人提供助餐、助洁、助浴等上门服务，按1500人·月测算",
    )
    # (the returned project stays visible to finance while the unit works on it)
    assert [e.action for e in project_timeline(actor=finance, project=project)][-1] == "project.changed"
    project = project_submit(actor=purchaser, project=project)
    # then the head and the finance department read the change in the project's timeline
    for reader in (head, finance):
        events = list(project_timeline(actor=reader, project=project))
        assert [e.action for e in events][-3:] == ["project.returned", "project.changed", "project.submitted"]
        changed = events[-2]
        assert changed.old_values["quantity"] == "1200.00" and changed.new_values["quantity"] == "1500.00"
        assert "1500人·月" in changed.new_values["description"]
        assert events[-3].reason == "请细化服务人数测算"


def test_edits_are_refused_outside_draft_and_returned(
    purchaser: Any, head: Any, finance: Any, make_project: Callable[..., Project]
) -> None:
    submitted = _submitted(purchaser, make_project)
    approved = make_project("200000", name="社区助餐")
    withdrawn = project_withdraw(
        actor=purchaser, project=make_project("100000", approve=False), reason="合并"
    )
    events = AuditEvent.objects.count()
    for project in (submitted, approved, withdrawn):
        with pytest.raises(Conflict) as refused:
            project_update(actor=purchaser, project=project, name="改名")
        assert refused.value.code == "planning.project_not_editable"
        assert refused.value.params["status"] == project.status
    assert AuditEvent.objects.count() == events
    # and the unit head can edit after returning it, as any staff of the unit
    returned = project_return(actor=head, project=submitted, reason="补充")
    assert project_update(actor=head, project=returned, name="改名").name == "改名"


def test_only_the_units_own_staff_edit_and_the_proposal_rules_still_apply(
    purchaser: Any,
    finance: Any,
    auditor: Any,
    make_user: Callable[..., Any],
    make_project: Callable[..., Project],
    small_catalogue: CatalogVersion,
) -> None:
    project = make_project("300000", approve=False)
    for outsider in (finance, auditor, make_user("purchaser", unit="cs_civil"), None):
        with pytest.raises(PermissionDenied):
            project_update(actor=outsider, project=project, name="改名")  # type: ignore[arg-type]  # None on purpose: the service refuses it at run time too
    with pytest.raises(ServiceError) as negative:
        project_update(actor=purchaser, project=project, items=[small_catalogue.items.get(code="N05")])
    assert negative.value.code == "planning.negative_list"
    with pytest.raises(ServiceError) as term:
        project_update(actor=purchaser, project=project, term_end=date(2027, 8, 1))
    assert term.value.code == "planning.term_reason_required"
    with pytest.raises(ServiceError) as amount:
        project_update(actor=purchaser, project=project, estimated_amount="0")
    assert amount.value.code == "planning.amount_invalid"
    with pytest.raises(ServiceError) as empty:
        project_update(actor=purchaser, project=project, name="  ")
    assert empty.value.code == "planning.project_incomplete"
    project.refresh_from_db()
    assert project.name == "岳麓区居家养老上门服务" and project.term_end == date(2026, 12, 31)


def test_a_retired_catalogue_item_cannot_be_proposed(
    purchaser: Any, finance: Any, small_catalogue: CatalogVersion
) -> None:
    # given a new catalogue revision where 社区日间照料服务 is retired
    draft = catalog_version_create(actor=finance, year=2026, title="修订", based_on=small_catalogue)
    catalog_item_retire(actor=finance, item=draft.items.get(code="A0402"), reason="并入上门服务")
    current = catalog_version_publish(actor=finance, version=draft)
    # when a unit proposes it: refused
    with pytest.raises(ServiceError) as retired:
        project_propose(
            actor=purchaser,
            fiscal_year=2026,
            name="日间照料",
            items=[current.items.get(code="A0402")],
            description="日间照料",
            quantity="12",
            quantity_unit="月",
            estimated_amount="100000",
            recipients="老年人",
            area=Region.objects.get(pk="430000"),
            term_start=date(2026, 5, 1),
            term_end=date(2026, 12, 31),
        )
    assert retired.value.code == "planning.item_not_purchasable"


def test_the_timeline_is_only_for_those_who_see_the_project(
    make_user: Callable[..., Any], make_project: Callable[..., Project]
) -> None:
    project = make_project("300000", approve=False)
    with pytest.raises(NotFound):
        project_timeline(actor=make_user("purchaser", unit="cs_civil"), project=project)
