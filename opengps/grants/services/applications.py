"""Applications to a published call: drafts, attachments, submission with automatic screening, withdrawal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.grants import attachments
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Round,
    RoundStatus,
)
from opengps.grants.services._common import (
    _locked_application,
    _locked_round,
    _money,
    _refuse,
    _require_applicant,
    _status_set,
    _transition,
)
from opengps.grants.services.cofunding import commitment_problems
from opengps.registry import derived
from opengps.registry.models import Organization
from opengps.rules import grants as rules
from opengps.rules.base import reason_json


def round_conditions(round_: Round) -> rules.RoundConditions:
    return rules.RoundConditions(
        org_types=frozenset(round_.org_types),
        min_rating=round_.min_rating,
        min_years_registered=round_.min_years_registered,
        regions=tuple(round_.regions),
        exclude_abnormal=round_.exclude_abnormal,
    )


def _clean_lines(budget_lines: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    for line in budget_lines:
        item = str(line.get("item", "")).strip()
        if not item:
            raise ServiceError(Code.GRANTS_BUDGET_ITEM_REQUIRED, field="budget_lines")
        cleaned.append({"item": item[:100], "amount": str(_money(line.get("amount", ""), "budget_lines"))})
    return cleaned


def _clean_indicators(indicators: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = [
        {"name": str(i.get("name", "")).strip()[:100], "target": str(i.get("target", "")).strip()[:200]}
        for i in indicators
    ]
    if any(not i["name"] or not i["target"] for i in cleaned):
        raise ServiceError(Code.GRANTS_INDICATOR_INVALID, field="indicators")
    return cleaned


def _require_call_open(round_: Round, on_date: date) -> None:
    if round_.status != RoundStatus.PUBLISHED:
        raise Conflict(Code.GRANTS_CALL_NOT_PUBLISHED, field="round")
    state = rules.call_state(round_.call_opens, round_.call_closes, on_date)
    if state != "open":
        raise Conflict(
            "grants.call_closed" if state == "closed" else "grants.call_not_open",
            _("申报时间为 %(opens)s 至 %(closes)s")
            % {"opens": round_.call_opens, "closes": round_.call_closes},
            field="round",
            params={"state": state},
        )


def _amount_problems(round_: Round, requested: Decimal) -> None:
    """Over the cap or the total, refused at once (drafts too): the form shows it beside the amount."""
    problems = [
        r
        for r in rules.request_problems(
            requested, [requested], cap=round_.per_project_cap, total=round_.total_amount
        )
        if r.code in {"grants.amount_invalid", "grants.over_cap", "grants.over_total"}
    ]
    _refuse(problems, field="requested_amount")


APPLICATION_FIELDS = (
    "title",
    "purpose_area",
    "summary",
    "plan",
    "beneficiary_region",
    "starts_on",
    "ends_on",
    "requested_amount",
    "budget_lines",
    "indicators",
)


def _application_values(app: Application) -> dict[str, Any]:
    values = {name: getattr(app, name) for name in APPLICATION_FIELDS if name != "beneficiary_region"}
    values["beneficiary_region"] = app.beneficiary_region_id
    return values


def application_save(
    *,
    actor: Actor,
    round: Round,
    title: str,
    purpose_area: str,
    beneficiary_region: Region,
    starts_on: date,
    ends_on: date,
    requested_amount: Decimal | str,
    budget_lines: Sequence[Mapping[str, Any]] = (),
    indicators: Sequence[Mapping[str, Any]] = (),
    summary: str = "",
    plan: str = "",
    application: Application | None = None,
    today: date | None = None,
) -> Application:
    """Save a draft application of the actor's organization (create, or update `application`).

    One application per organization per round (service check and DB constraint). An amount over
    the per-project cap is refused at once with ``grants.over_cap``.
    """
    require_role(actor, Role.SUPPLIER)
    organization = actor.organization
    if organization is None:  # the database constraint makes this unreachable for real users
        raise PermissionDenied(Code.GRANTS_NOT_YOUR_ORGANIZATION)
    _require_applicant(actor, organization)
    if application is not None:  # another organization's draft: refused before any state check
        _require_applicant(actor, application.organization)
    on_date = today or clock.today()
    title = title.strip()
    if not title:
        raise ServiceError(Code.GRANTS_TITLE_REQUIRED, field="title")
    if purpose_area not in round.purpose_areas:
        raise ServiceError(Code.GRANTS_PURPOSE_INVALID, field="purpose_area")
    if starts_on > ends_on:
        raise ServiceError(Code.GRANTS_DATES_INVALID, field="ends_on")
    requested = _money(requested_amount, "requested_amount")
    _amount_problems(round, requested)
    values: dict[str, Any] = {
        "title": title[:200],
        "purpose_area": purpose_area,
        "summary": summary.strip(),
        "plan": plan.strip(),
        "beneficiary_region": beneficiary_region,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "requested_amount": requested,
        "budget_lines": _clean_lines(budget_lines),
        "indicators": _clean_indicators(indicators),
    }
    with transaction.atomic():
        locked_round = _locked_round(round)
        _require_call_open(locked_round, on_date)
        if application is None:
            if Application.objects.filter(round=locked_round, organization=organization).exists():
                raise Conflict(Code.GRANTS_APPLICATION_EXISTS, field="round")
            try:
                with transaction.atomic():
                    app = Application.objects.create(
                        round=locked_round, organization=organization, created_by=actor, **values
                    )
            except IntegrityError:
                raise Conflict(Code.GRANTS_APPLICATION_EXISTS, field="round") from None
            audit.record(
                actor=actor, action=Event.GRANT_APPLICATION_DRAFT_SAVED, obj=app, new=_application_values(app)
            )
            return app
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        if app.round_id != locked_round.pk or app.status != ApplicationStatus.DRAFT:
            raise Conflict(Code.GRANTS_NOT_DRAFT, field="status")
        before = _application_values(app)
        for name, value in values.items():
            setattr(app, name, value)
        old, new = audit.diff(before, _application_values(app))
        if not new:
            return app
        app.save(update_fields=[*values, "updated_at"])
        audit.record(actor=actor, action=Event.GRANT_APPLICATION_DRAFT_SAVED, obj=app, old=old, new=new)
    return app


def attachment_add(*, actor: Actor, application: Application, name: str, content: bytes) -> Attachment:
    """Attach a file to a draft (size and type checked by content, at most 10 files)."""
    checked = attachments.check_file(name, content)
    with transaction.atomic():
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        if app.status != ApplicationStatus.DRAFT:
            raise Conflict(Code.GRANTS_NOT_DRAFT, field="status")
        if app.attachments.count() >= attachments.MAX_FILES:
            raise ServiceError(Code.GRANTS_TOO_MANY_FILES, field="file", params={"n": attachments.MAX_FILES})
        item = Attachment.objects.create(application=app, uploaded_by=actor, **checked.stored())
        audit.record(
            actor=actor,
            action=Event.GRANT_APPLICATION_ATTACHMENT_ADDED,
            obj=app,
            new={
                "attachment": item.pk,
                "name": item.name,
                "kind": item.kind,
                "size": item.size,
                "sha256": item.sha256,
            },
        )
    return item


def screen(app: Application, on_date: date) -> rules.Screening:
    """The automatic screening of `app`'s organization against its round on `on_date` (no writes)."""
    org = Organization.objects.prefetch_related(*derived.facts_prefetch()).get(pk=app.organization_id)
    return rules.applicant_eligibility(
        derived.organization_facts(org), org.region_id, round_conditions(app.round), on_date
    )


def application_submit(*, actor: Actor, application: Application, today: date | None = None) -> Application:
    """Submit a draft while the call is open; it is screened at once and the reasons kept.

    Refused (nothing changes) when the amount breaks the cap or total, the budget breakdown does
    not add up, no indicator is given, or the committed co-funding is below the round's
    requirement (``cofunding.below_requirement``, the rule cited). Screening decides eligible or
    screened_out.
    """
    on_date = today or clock.today()
    with transaction.atomic():
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        _require_call_open(app.round, on_date)
        lines = [Decimal(line["amount"]) for line in app.budget_lines]
        _refuse(
            rules.request_problems(
                app.requested_amount, lines, cap=app.round.per_project_cap, total=app.round.total_amount
            ),
            field="requested_amount",
        )
        if not app.indicators:
            raise ServiceError(Code.GRANTS_INDICATORS_REQUIRED, field="indicators")
        shortfalls = commitment_problems(app)
        if any(r.severity == "block" for r in shortfalls):
            _refuse(shortfalls, field="cofunding")
        result = screen(app, on_date)
        target = ApplicationStatus.ELIGIBLE if result.eligible else ApplicationStatus.SCREENED_OUT
        old = _transition("grant_application", app, target)
        app.submitted_at = clock.now()
        app.screening = [reason_json(r) for r in result.reasons]
        app.save(update_fields=["status", "submitted_at", "screening", "updated_at"])
        audit.record(
            actor=actor,
            action=Event.GRANT_APPLICATION_SUBMITTED,
            obj=app,
            old={"status": old},
            new={"requested_amount": app.requested_amount, "budget_lines": app.budget_lines},
        )
        audit.record(
            actor=None,
            action=Event.GRANT_APPLICATION_SCREENED,
            obj=app,
            old={"status": old},
            new={"status": target, "reasons": [r.code for r in result.reasons], "on_date": on_date},
            reason="；".join(r.message_zh for r in result.blocking),
        )
    return app


def application_withdraw(*, actor: Actor, application: Application, reason: str = "") -> Application:
    with transaction.atomic():
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        _status_set(
            actor,
            "grant_application",
            app,
            ApplicationStatus.WITHDRAWN,
            Event.GRANT_APPLICATION_WITHDRAWN,
            fields=["updated_at"],
            reason=reason.strip(),
        )
    return app


def application_get(*, actor: Actor, application_id: int) -> Application:
    """Helper for views/API: an application the actor may act on (used before write services)."""
    app = (
        Application.objects.select_related("round__programme", "organization")
        .filter(pk=application_id)
        .first()
    )
    if app is None or not is_authenticated(actor):
        raise NotFound(Code.GRANTS_APPLICATION_NOT_FOUND)
    return app
