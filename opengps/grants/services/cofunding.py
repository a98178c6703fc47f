"""Co-funding (配套资金): commitments at application, evidence at the agreement, receipts with each
tranche, donations into a development fund, and the check and shortfall the rules decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    CofundingCommitment,
    CofundingForm,
    CofundingReceipt,
    CofundingSource,
    DonationChannel,
    FundDonation,
    InKindKind,
    Programme,
    Round,
    Tranche,
    TrancheStatus,
)
from opengps.grants.services._common import (
    _locked_agreement,
    _locked_application,
    _money,
    _refuse,
    _require_applicant,
    _require_funder,
)
from opengps.rules import cofunding as rules
from opengps.rules.base import RuleError

TENTH = Decimal("0.1")
MAX_HOURS = Decimal(1_000_000)


def requirement(round_: Round) -> rules.Requirement:
    """The round's co-funding requirement as the rules read it."""
    return rules.Requirement(round_.cofunding_min_share, round_.cofunding_min_amount)


def contributions(items: Any) -> list[rules.Contribution]:
    """Commitments or receipts (anything with source, form and value) as the rules' contributions."""
    return [rules.Contribution(rules.SourceKind(i.source), rules.Form(i.form), i.value) for i in items]


def commitment_problems(application: Application) -> tuple[Any, ...]:
    """Why `application`'s commitments fall short of its round's requirement (empty when met)."""
    return rules.commitment_check(
        application.requested_amount,
        contributions(application.commitments.all()),
        requirement(application.round),
    )


def cofunding_required(application: Application) -> Decimal:
    """The co-funding `application` must commit under its round's requirement (0 when none)."""
    return rules.required_amount(application.requested_amount, requirement(application.round)).value


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ServiceError(Code.GRANTS_COFUNDING_SOURCE_INVALID, field=field)
    return value


def _hours(value: Decimal | str | None) -> Decimal | None:
    """Volunteer hours as entered: empty is None; otherwise positive, at most one decimal, below a
    million (the column's size), or refused beside the field."""
    if value is None or str(value).strip() == "":
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ServiceError(Code.GRANTS_HOURS_INVALID, field="hours") from None
    if not hours.is_finite() or hours <= 0 or hours >= MAX_HOURS or hours != hours.quantize(TENTH):
        raise ServiceError(Code.GRANTS_HOURS_INVALID, field="hours")
    return hours


def _valued(
    *,
    form: str,
    in_kind_kind: str,
    value: Decimal | str | None,
    hours: Decimal | None,
    document: str,
    hourly_rate: Decimal | None,
) -> Decimal:
    """Cash at its amount; in-kind by `rules.in_kind_value` (hours × the programme's rate, or a document)."""
    if form == CofundingForm.CASH:
        amount = _money(value if value is not None else "", "value")
        if amount <= 0:
            raise ServiceError(Code.GRANTS_AMOUNT_INVALID, field="value")
        return amount
    kind = _choice(in_kind_kind, InKindKind, "in_kind_kind")
    documented = None if value is None or str(value).strip() == "" else _money(value, "value")
    try:
        return rules.in_kind_value(
            rules.InKindKind(kind),
            hours=hours,
            hourly_rate=hourly_rate,
            documented_value=documented,
            document=document,
        ).value
    except RuleError as exc:
        field = "hours" if kind == InKindKind.VOLUNTEER_HOURS else "document"
        raise _rule_error(exc, field=field) from None


def _contribution(
    form: str,
    in_kind_kind: str,
    value: Decimal | str | None,
    hours: Decimal | str | None,
    document: str,
    programme: Programme,
) -> dict[str, Any]:
    """The columns a commitment and a receipt share, valued (`_valued`): in-kind kind and hours for
    in-kind only, the document, and the value."""
    in_kind = form == CofundingForm.IN_KIND
    kind = in_kind_kind if in_kind else ""
    entered = _hours(hours)
    amount = _valued(
        form=form,
        in_kind_kind=kind,
        value=value,
        hours=entered,
        document=document,
        hourly_rate=programme.volunteer_hour_rate,
    )
    return {
        "in_kind_kind": kind,
        "hours": entered if in_kind else None,
        "document": document.strip()[:200],
        "value": amount,
    }


def _donor(
    source: str,
    donor: str,
    channel: str,
    charity: str,
    charity_public_qualified: bool,
    restricted_purpose: str,
    receipt_number: str,
) -> dict[str, Any]:
    """The donor columns a receipt and a fund donation share, checked (channel, donor named, the
    donation rules): who gave, through which channel and charity, for what, with which receipt."""
    channel = _choice(channel, DonationChannel, "channel")
    name = donor.strip()[:200]
    if not name:
        raise ServiceError(Code.GRANTS_COFUNDING_FUNDER_REQUIRED, field="donor")
    _donation_checked(source, channel, charity, charity_public_qualified, receipt_number)
    return {
        "donor": name,
        "donor_is_person": source == CofundingSource.INDIVIDUAL,
        "channel": channel,
        "charity": charity.strip()[:200],
        "charity_public_qualified": charity_public_qualified,
        "restricted_purpose": restricted_purpose.strip()[:200],
        "receipt_number": receipt_number.strip()[:80],
    }


def cofunding_commitment_add(
    *,
    actor: Actor,
    application: Application,
    source: str,
    form: str,
    funder_name: str,
    value: Decimal | str | None = None,
    in_kind_kind: str = "",
    hours: Decimal | str | None = None,
    document: str = "",
    charity: str = "",
) -> CofundingCommitment:
    """The applicant commits co-funding to its draft: cash at its amount, in-kind valued by the rules.
    An individual's donation names the charity that receives it."""
    _require_applicant(actor, application.organization)
    source = _choice(source, CofundingSource, "source")
    form = _choice(form, CofundingForm, "form")
    name = funder_name.strip()[:200]
    if not name:
        raise ServiceError(Code.GRANTS_COFUNDING_FUNDER_REQUIRED, field="funder_name")
    if source == CofundingSource.INDIVIDUAL and not charity.strip():
        raise ServiceError(Code.GRANTS_CHARITY_REQUIRED, field="charity")
    valued = _contribution(form, in_kind_kind, value, hours, document, application.round.programme)
    with transaction.atomic():
        app = _locked_application(application)
        if app.status != ApplicationStatus.DRAFT:
            raise Conflict(Code.GRANTS_NOT_DRAFT, field="status")
        item = CofundingCommitment.objects.create(
            application=app,
            source=source,
            form=form,
            funder_name=name,
            donor_is_person=source == CofundingSource.INDIVIDUAL,
            charity=charity.strip()[:200],
            created_by=actor,
            **valued,
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_APPLICATION_COFUNDING_COMMITTED,
            obj=app,
            new={"commitment": item.pk, "source": source, "form": form, "value": valued["value"]},
        )
    return item


def cofunding_commitment_remove(*, actor: Actor, commitment: CofundingCommitment) -> None:
    """The applicant removes a commitment from its draft."""
    _require_applicant(actor, commitment.application.organization)
    with transaction.atomic():
        app = _locked_application(commitment.application)
        if app.status != ApplicationStatus.DRAFT:
            raise Conflict(Code.GRANTS_NOT_DRAFT, field="status")
        old = {"commitment": commitment.pk, "source": commitment.source, "value": commitment.value}
        commitment.delete()
        audit.record(actor=actor, action=Event.GRANT_APPLICATION_COFUNDING_REMOVED, obj=app, old=old)


def cofunding_evidence_record(
    *, actor: Actor, commitment: CofundingCommitment, evidence: str, evidence_on: date
) -> CofundingCommitment:
    """The funder records, at the agreement, the evidence that a commitment stands (bank slip,
    donation agreement, receipt)."""
    app = commitment.application
    _require_funder(actor, app.round)
    evidence = evidence.strip()[:200]
    if not evidence:
        raise ServiceError(Code.GRANTS_EVIDENCE_REQUIRED, field="evidence")
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(application_id=app.pk).first()
        if agreement is None:
            raise Conflict(Code.GRANTS_NO_AGREEMENT, field="commitment")
        item = CofundingCommitment.objects.select_for_update().get(pk=commitment.pk)
        old = {"evidence": item.evidence, "evidence_on": item.evidence_on}
        item.evidence, item.evidence_on = evidence, evidence_on
        item.save(update_fields=["evidence", "evidence_on"])
        audit.record(
            actor=actor,
            action=Event.GRANT_AGREEMENT_COFUNDING_EVIDENCED,
            obj=agreement,
            old=old,
            new={"commitment": item.pk, "evidence": evidence, "evidence_on": evidence_on},
        )
    return item


def _donation_checked(
    source: str,
    channel: str,
    charity: str,
    qualified: bool,
    receipt_number: str,
    field: str = "receipt_number",
) -> None:
    reasons = rules.donation_problems(
        rules.SourceKind(source),
        rules.Channel(channel),
        charity=charity,
        charity_public_qualified=qualified,
        receipt_number=receipt_number,
    )
    fields = {
        "cofunding.individual_needs_charity": "charity",
        "cofunding.public_fundraising_unqualified": "charity_public_qualified",
    }
    _refuse(reasons, field=fields.get(reasons[0].code, field) if reasons else field)


def cofunding_receipt_record(
    *,
    actor: Actor,
    agreement: Agreement,
    tranche: Tranche,
    source: str,
    form: str,
    donor: str,
    received_on: date,
    value: Decimal | str | None = None,
    commitment: CofundingCommitment | None = None,
    in_kind_kind: str = "",
    hours: Decimal | str | None = None,
    document: str = "",
    channel: str = DonationChannel.DIRECT,
    charity: str = "",
    charity_public_qualified: bool = False,
    restricted_purpose: str = "",
    receipt_number: str = "",
) -> CofundingReceipt:
    """The organization reports co-funding received with a released tranche: donor, channel (and the
    charity's public-fundraising qualification for a public appeal), restricted purpose, receipt."""
    app = agreement.application
    _require_applicant(actor, app.organization)
    source = _choice(source, CofundingSource, "source")
    form = _choice(form, CofundingForm, "form")
    if commitment is not None and commitment.application_id != app.pk:
        raise ServiceError(Code.GRANTS_COMMITMENT_OTHER_PROJECT, field="commitment")
    given = _donor(
        source, donor, channel, charity, charity_public_qualified, restricted_purpose, receipt_number
    )
    valued = _contribution(form, in_kind_kind, value, hours, document, app.round.programme)
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if locked.status not in {AgreementStatus.ACTIVE, AgreementStatus.STOPPED}:
            raise Conflict(Code.GRANTS_COFUNDING_CLOSED, field="status")
        if tranche.agreement_id != locked.pk or tranche.status != TrancheStatus.RELEASED:
            raise ServiceError(Code.GRANTS_TRANCHE_NOT_RELEASED, field="tranche")
        item = CofundingReceipt.objects.create(
            agreement=locked,
            tranche=tranche,
            commitment=commitment,
            source=source,
            form=form,
            received_on=received_on,
            recorded_by=actor,
            **given,
            **valued,
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_AGREEMENT_COFUNDING_RECEIVED,
            obj=locked,
            new={
                "receipt": item.pk,
                "tranche": tranche.seq,
                "source": source,
                "form": form,
                "channel": given["channel"],
                "value": valued["value"],
                "receipt_number": item.receipt_number,
            },
        )
    return item


def cofunding_shortfall(agreement: Agreement, on_date: date) -> rules.Shortfall:
    """Committed (non-public) co-funding against what the receipts report (non-public) on `on_date`."""
    committed = rules.totals(contributions(agreement.application.commitments.all())).other
    received = rules.totals(contributions(agreement.receipts.all())).other
    return rules.shortfall(committed, received, on_date).value


def fund_donation_record(
    *,
    actor: Actor,
    programme: Programme,
    source: str,
    donor: str,
    amount: Decimal | str,
    received_on: date,
    channel: str = DonationChannel.DIRECT,
    charity: str = "",
    charity_public_qualified: bool = False,
    restricted_purpose: str = "",
    receipt_number: str = "",
) -> FundDonation:
    """The funder records a donation into a development fund (社会组织发展基金)."""
    _require_funder(actor, Round(programme=programme))
    if not programme.is_development_fund:
        raise Conflict(Code.GRANTS_NOT_DEVELOPMENT_FUND, field="programme")
    source = _choice(source, CofundingSource, "source")
    if source in {CofundingSource.OWN, CofundingSource.PUBLIC}:
        raise ServiceError(Code.GRANTS_COFUNDING_SOURCE_INVALID, field="source")
    given = _donor(
        source, donor, channel, charity, charity_public_qualified, restricted_purpose, receipt_number
    )
    value = _money(amount, "amount")
    if value <= 0:
        raise ServiceError(Code.GRANTS_AMOUNT_INVALID, field="amount")
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        item = FundDonation.objects.create(
            programme=locked, source=source, amount=value, received_on=received_on, recorded_by=actor, **given
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_PROGRAMME_DONATION_RECEIVED,
            obj=locked,
            new={"donation": item.pk, "source": source, "channel": given["channel"], "amount": value},
        )
    return item
