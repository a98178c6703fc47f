"""Grants API, co-funding (配套资金): commitments and their evidence, receipts with tranches,
development-fund donations, and leverage (public per round and programme, people never named).
Mounted under /grants beside the main grants router."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.core.api_errors import ERRORS
from opengps.core.errors import ServiceError
from opengps.core.inputs import Date, Id, SmallCount, Str12, Str16, Str80, Str200, Yuan
from opengps.grants import selectors, services
from opengps.grants.api import _agreement, _leverage_json, _round, dumps_decimal
from opengps.grants.errors import Code
from opengps.grants.models import CofundingCommitment, CofundingReceipt, FundDonation

router = Router(tags=["grants"], auth=django_auth)


class CommitmentIn(Schema):
    source: Str16
    form: Str12
    funder_name: Str200
    value: Yuan | None = None
    in_kind_kind: Str16 = ""
    hours: Decimal | None = None
    document: Str200 = ""
    charity: Str200 = ""


class CommitmentOut(Schema):
    id: int
    application_id: int
    source: str
    form: str
    in_kind_kind: str
    funder_name: str
    charity: str
    hours: Decimal | None
    document: str
    value: Decimal
    evidence: str
    evidence_on: date | None


@router.post("/applications/{application_id}/commitments", response={201: CommitmentOut, **ERRORS})
def commitment_add(
    request: HttpRequest, application_id: Id, payload: CommitmentIn
) -> Status[CofundingCommitment]:
    """The applicant commits co-funding to its draft (cash, or in-kind valued by the rules)."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    item = services.cofunding_commitment_add(actor=signed_in_user(request), application=app, **payload.dict())
    return Status(201, item)


@router.delete("/commitments/{commitment_id}", response={204: None, **ERRORS})
def commitment_remove(request: HttpRequest, commitment_id: Id) -> Status[None]:
    item = selectors.commitment_get(actor=request.user, commitment_id=commitment_id)
    services.cofunding_commitment_remove(actor=signed_in_user(request), commitment=item)
    return Status(204, None)


class EvidenceIn(Schema):
    evidence: Str200
    evidence_on: Date


@router.post("/commitments/{commitment_id}/evidence", response={200: CommitmentOut, **ERRORS})
def commitment_evidence(request: HttpRequest, commitment_id: Id, payload: EvidenceIn) -> CofundingCommitment:
    """The funder records the evidence of a commitment once the agreement is signed."""
    item = selectors.commitment_get(actor=request.user, commitment_id=commitment_id)
    return services.cofunding_evidence_record(
        actor=signed_in_user(request), commitment=item, **payload.dict()
    )


class ReceiptIn(Schema):
    tranche_seq: SmallCount
    commitment_id: Id | None = None
    source: Str16
    form: Str12
    donor: Str200
    received_on: Date
    value: Yuan | None = None
    in_kind_kind: Str16 = ""
    hours: Decimal | None = None
    document: Str200 = ""
    channel: Str12 = "direct"
    charity: Str200 = ""
    charity_public_qualified: bool = False
    restricted_purpose: Str200 = ""
    receipt_number: Str80 = ""


class CofundingReceiptOut(Schema):
    id: int
    agreement_id: int
    tranche_seq: int
    commitment_id: int | None
    source: str
    form: str
    in_kind_kind: str
    donor: str
    channel: str
    charity: str
    charity_public_qualified: bool
    restricted_purpose: str
    receipt_number: str
    value: Decimal
    received_on: date

    @staticmethod
    def resolve_tranche_seq(obj: CofundingReceipt) -> int:
        return obj.tranche.seq


@router.post("/agreements/{agreement_id}/receipts", response={201: CofundingReceiptOut, **ERRORS})
def receipt_record(request: HttpRequest, agreement_id: Id, payload: ReceiptIn) -> Status[CofundingReceipt]:
    """The organization reports co-funding received with a released tranche."""
    agreement = _agreement(request, agreement_id)
    data = payload.dict()
    tranche = agreement.tranches.filter(seq=data.pop("tranche_seq")).first()
    if tranche is None:
        raise ServiceError(Code.GRANTS_TRANCHE_NOT_RELEASED, field="tranche")
    commitment_id = data.pop("commitment_id")
    commitment = None
    if commitment_id is not None:
        commitment = selectors.commitment_get(actor=request.user, commitment_id=commitment_id)
    item = services.cofunding_receipt_record(
        actor=signed_in_user(request), agreement=agreement, tranche=tranche, commitment=commitment, **data
    )
    return Status(201, item)


def _cofunders_json(lines: list[selectors.CofunderLine]) -> list[dict[str, Any]]:
    return [
        {"name": line.name, "source": line.source, "form": line.form_label, "amount": line.value}
        for line in lines
    ]


def _json(data: Any) -> HttpResponse:
    return HttpResponse(dumps_decimal(data), content_type="application/json; charset=utf-8")


@router.get("/agreements/{agreement_id}/cofunding", response={200: None, **ERRORS})
def agreement_cofunding(request: HttpRequest, agreement_id: Id) -> HttpResponse:
    """An agreement's co-funding for its readers: commitments, receipts (as recorded) and leverage."""
    agreement = _agreement(request, agreement_id)
    return _json(
        {
            "agreement": agreement.number,
            "leverage": _leverage_json(selectors.project_leverage(agreement)),
            "commitments": [
                CommitmentOut.from_orm(c).model_dump(mode="json")
                for c in selectors.commitments_of(agreement.application)
            ],
            "receipts": [
                CofundingReceiptOut.from_orm(r).model_dump(mode="json")
                for r in selectors.receipts_of(agreement)
            ],
            "flag": agreement.cofunding_flag,
        }
    )


@router.get("/rounds/{round_id}/leverage", response={200: None, **ERRORS}, auth=None)
def round_leverage(request: HttpRequest, round_id: Id) -> HttpResponse:
    """A round's leverage and each project's, with co-funders (people never named, 慈善法 §82)."""
    round_ = _round(request, round_id)
    return _json(
        {
            "round": round_.pk,
            "leverage": _leverage_json(selectors.round_leverage(round_)),
            "projects": [
                {
                    "agreement": a.number,
                    "organization": a.application.organization.name,
                    "grant": a.amount,
                    "leverage": _leverage_json(row),
                    "cofunders": _cofunders_json(lines),
                }
                for a, row, lines in (
                    selectors.round_cofunding(round_) if round_.status in selectors.PUBLIC_STATUSES else []
                )
            ],
        }
    )


@router.get("/programmes/{programme_id}/leverage", response={200: None, **ERRORS}, auth=None)
def programme_leverage(request: HttpRequest, programme_id: Id) -> HttpResponse:
    """A programme's leverage over its public rounds; a development fund's donations, people masked."""
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    return _json(
        {
            "programme": programme.name,
            "is_development_fund": programme.is_development_fund,
            "leverage": _leverage_json(selectors.programme_leverage(programme)),
            "donations": _cofunders_json(selectors.public_fund_donations(programme)),
        }
    )


class DonationIn(Schema):
    source: Str16
    donor: Str200
    amount: Yuan
    received_on: Date
    channel: Str12 = "direct"
    charity: Str200 = ""
    charity_public_qualified: bool = False
    restricted_purpose: Str200 = ""
    receipt_number: Str80 = ""


class DonationOut(Schema):
    id: int
    programme_id: int
    source: str
    donor: str
    channel: str
    charity: str
    restricted_purpose: str
    receipt_number: str
    amount: Decimal
    received_on: date


@router.post("/programmes/{programme_id}/donations", response={201: DonationOut, **ERRORS})
def donation_record(request: HttpRequest, programme_id: Id, payload: DonationIn) -> Status[FundDonation]:
    """The funder records a donation into its development fund (社会组织发展基金)."""
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    return Status(
        201,
        services.fund_donation_record(actor=signed_in_user(request), programme=programme, **payload.dict()),
    )
