"""An organization's application (with its self-assessment and evidence), the registration
authority's screening by the rules, and the third-party assessors' indicator sheets; each write in
one transaction with its audit event on the application's timeline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, require_role
from opengps.assessment.errors import Code
from opengps.assessment.events import Event
from opengps.assessment.models import (
    Application,
    ApplicationStatus,
    Evidence,
    Link,
    Round,
    RoundStatus,
    ScoreSheet,
)
from opengps.assessment.services._common import (
    TEXT_LIMIT,
    indicators_of,
    is_assessor,
    manages,
    refusal,
    require_manager,
    status_change,
    takes,
    text,
)
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.uploads import UploadRefusals, checked_upload
from opengps.registry import derived
from opengps.registry.models import Organization
from opengps.rules import assessment as rules
from opengps.rules.base import RuleError

APPLICATION = "assessment_application"
MAX_FILES = 20
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
REFUSALS = UploadRefusals(
    Code.ASSESSMENT_FILE_EMPTY,
    Code.ASSESSMENT_FILE_TOO_LARGE,
    Code.ASSESSMENT_FILE_TYPE,
    _("文件“%(name)s”类型不符：只接受 PDF、DOCX、XLSX、JPG、PNG，且内容须与扩展名一致"),
)
EVIDENCE_OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE)
"""Evidence may be added until the assessors have all scored."""


def max_bytes() -> int:
    """``OPENGPS_MAX_ASSESSMENT_FILE_BYTES`` (default 10 MB)."""
    return int(getattr(settings, "OPENGPS_MAX_ASSESSMENT_FILE_BYTES", DEFAULT_MAX_BYTES))


def _sheet(round_: Round, scores: Mapping[str, Any], field: str) -> tuple[dict[str, str], Any]:
    """The scores as stored (text, two decimals) and their total, checked by the rules."""
    items = indicators_of(round_.indicator_set)
    try:
        total = rules.sheet_total(items, scores)
    except RuleError as exc:
        raise refusal(exc, field=f"{field}.{exc.params.get('code', '')}".rstrip(".")) from None
    return {code: str(scores[code]).strip() for code in scores}, total


def application_submit(
    *,
    actor: Actor,
    round: Round,
    self_scores: Mapping[str, Any],
    self_note: str = "",
) -> Application:
    """A member of an organization the round takes applies within the application window, with a
    self-assessment scoring every indicator of the round's set (自评)."""
    require_role(actor, Role.SUPPLIER)
    organization: Organization | None = actor.organization
    if organization is None:
        raise PermissionDenied(Code.ASSESSMENT_NOT_MEMBER)
    today = clock.today()
    round_ = Round.objects.select_related("indicator_set", "authority").get(pk=round.pk)
    if round_.status != RoundStatus.OPEN or not round_.opens_on <= today <= round_.closes_on:
        raise Conflict(Code.ASSESSMENT_WINDOW_CLOSED, field="round")
    if not takes(round_, organization):
        raise ServiceError(Code.ASSESSMENT_ORG_NOT_IN_ROUND, field="round")
    self_note = text(self_note, field="self_note", limit=TEXT_LIMIT)
    stored, total = _sheet(round_, self_scores, "self_scores")
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        if Application.objects.filter(round=round_, organization=organization).exists():
            raise Conflict(Code.ASSESSMENT_ALREADY_APPLIED, field="round")
        application = Application.objects.create(
            round=round_,
            organization=organization,
            applied_by=actor,
            applied_on=today,
            self_scores=stored,
            self_total=total,
            self_note=self_note,
            status=ApplicationStatus.SUBMITTED,
        )
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_APPLICATION_SUBMITTED,
            obj=application,
            new={
                "round": round_.pk,
                "organization": organization.uscc,
                "self_total": total,
                "status": application.status,
            },
        )
    return application


def evidence_upload(*, actor: Actor, application: Application, name: str, content: bytes) -> Evidence:
    """A member of the applying organization attaches a file (PDF, DOCX, XLSX, JPG, PNG; the type
    read from the content) until the assessors have scored; at most `MAX_FILES` a application."""
    require_role(actor, Role.SUPPLIER)
    if actor.organization_id != application.organization_id:
        raise PermissionDenied(Code.ASSESSMENT_NOT_MEMBER)
    checked = checked_upload(
        name, content, extensions=_EXTENSIONS, limit=max_bytes(), refusals=REFUSALS, field="file"
    )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EVIDENCE_OPEN:
            raise Conflict(Code.ASSESSMENT_EVIDENCE_CLOSED, field="file")
        if locked.evidence.count() >= MAX_FILES:
            raise Conflict(Code.ASSESSMENT_FILES_TOO_MANY, field="file")
        evidence = Evidence.objects.create(
            application=locked, uploaded_by=actor, uploaded_at=clock.now(), **checked.stored()
        )
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_EVIDENCE_UPLOADED,
            obj=locked,
            new={
                "evidence": evidence.pk,
                "name": checked.name,
                "kind": checked.kind,
                "sha256": evidence.sha256,
            },
        )
    return evidence


def screening_of(organization: Organization, on_date: date) -> rules.Screening:
    """What the rules decide about the organization applying on `on_date`, from its registry records."""
    org = Organization.objects.prefetch_related(*derived.facts_prefetch()).get(pk=organization.pk)
    results = dict(org.annual_reports.values_list("year", "result"))
    return rules.application_screening(derived.organization_facts(org), results, on_date)


def application_screen(*, actor: Actor, application: Application) -> Application:
    """The registration authority screens an application by the rules on today's records: eligible,
    or not with every reason found (each with its article)."""
    round_ = Round.objects.get(pk=application.round_id)
    require_manager(actor, round_)
    today = clock.today()
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("organization").get(pk=application.pk)
        screening = screening_of(locked.organization, today)
        reasons = [
            {"code": r.code, "message_zh": r.message_zh, "message_en": r.message_en, "citation": r.citation}
            for r in screening.reasons
        ]
        target = ApplicationStatus.ELIGIBLE if screening.eligible else ApplicationStatus.INELIGIBLE
        status_change(
            locked,
            APPLICATION,
            target,
            actor=actor,
            action=Event.ASSESSMENT_APPLICATION_SCREENED,
            values={"screening_reasons": reasons, "screened_on": today},
            extra={"reasons": [r["code"] for r in reasons], "screened_on": today},
        )
    return locked


def _links(application: Application, actor: Actor, round_: Round) -> list[rules.Link]:
    """The recorded links of the assessor and the round's body to the applying organization; an
    assessor who is a member of the organization's own account is linked by that fact."""
    found: list[rules.Link] = []
    if actor.organization_id == application.organization_id:
        found.append(rules.Link("assessor", "member"))
    rows = Link.objects.filter(organization_id=application.organization_id).order_by("pk")
    for link in rows.filter(assessor=actor):
        found.append(rules.Link("assessor", link.relation, link.detail))
    for link in rows.filter(body_id=round_.body_id):
        found.append(rules.Link("body", link.relation, link.detail))
    return found


def independence_check(*, actor: Actor, application: Application) -> None:
    """Refuse (``assessment.conflict_of_interest``, with the reason) an assessor linked to the
    organization, or whose assessment body is."""
    round_ = Round.objects.get(pk=application.round_id)
    try:
        rules.check_independence(_links(application, actor, round_))
    except RuleError as exc:
        raise refusal(exc, field="assessor", error=PermissionDenied) from None


def sheet_submit(
    *,
    actor: Actor,
    application: Application,
    scores: Mapping[str, Any],
    visited_on: date,
    visit_record: str,
    comments: Mapping[str, str] | None = None,
) -> ScoreSheet:
    """An assessor of the round's body submits their indicator sheet of an eligible application,
    once, with comments and the site-visit record; a linked assessor (or body) is refused with the
    reason. When the sheets required are in, the score is their mean (the rules) and the
    application is assessed."""
    round_ = Round.objects.select_related("indicator_set").get(pk=application.round_id)
    if not is_assessor(actor, round_):
        raise PermissionDenied(Code.ASSESSMENT_NOT_ASSESSOR)
    independence_check(actor=actor, application=application)
    visit_record = text(visit_record, field="visit_record", limit=TEXT_LIMIT)
    if visited_on is None or visited_on > clock.today() or not visit_record:
        raise ServiceError(Code.ASSESSMENT_VISIT_INVALID, field="visited_on")
    stored, total = _sheet(round_, scores, "scores")
    known = set(stored)
    notes = {
        code: text(str(note), field=f"comments.{code}", limit=2000)
        for code, note in (comments or {}).items()
        if code in known and str(note).strip()
    }
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.ELIGIBLE:
            raise Conflict(Code.ASSESSMENT_NOT_SCORABLE, field="status")
        if ScoreSheet.objects.filter(application=locked, assessor=actor).exists():
            raise Conflict(Code.ASSESSMENT_ALREADY_SCORED, field="scores")
        sheet = ScoreSheet.objects.create(
            application=locked,
            assessor=actor,
            scores=stored,
            comments=notes,
            visited_on=visited_on,
            visit_record=visit_record,
            total=total,
            submitted_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_SHEET_SUBMITTED,
            obj=locked,
            new={"sheet": sheet.pk, "total": total, "visited_on": visited_on},
        )
        totals = list(locked.sheets.values_list("total", flat=True))
        if len(totals) >= round_.assessors_required:
            score = rules.combined_score(totals)
            status_change(
                locked,
                APPLICATION,
                ApplicationStatus.ASSESSED,
                actor=actor,
                action=Event.ASSESSMENT_APPLICATION_ASSESSED,
                values={"score": score},
                extra={"score": score, "sheets": len(totals)},
            )
    return sheet


def can_read_application(actor: Any, application: Application) -> bool:
    """The round's managers, the organization's members, the round body's assessors once it is
    screened eligible, and auditors."""
    round_ = application.round
    if manages(actor, round_) or has_role(actor, Role.AUDITOR):
        return True
    if has_role(actor, Role.SUPPLIER) and actor.organization_id == application.organization_id:
        return True
    return is_assessor(actor, round_) and application.status != ApplicationStatus.SUBMITTED
