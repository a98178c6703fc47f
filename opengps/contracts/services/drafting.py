"""Drafting a contract from an award or a framework call-off (term, bond, the signing period)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Required, TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.kit import require_party
from opengps.contracts.models import (
    Contract,
    ContractKind,
)
from opengps.contracts.services._common import (
    _moment,
    _ruled,
    _text,
    yuan,
)
from opengps.core import audit
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.models import Award, FrameworkCallOff
from opengps.procurement.models import Lot, Procurement
from opengps.rules import contracts as rules
from opengps.rules.deadlines import (
    contract_sign_deadline,
)
from opengps.rules.deposits import check_performance_bond

REFERENCE_PREFIX = "HT"


def _indicators(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    codes: set[str] = set()
    for n, item in enumerate(items, start=1):
        code = str(item.get("code") or f"i{n}").strip()[:32]
        name = _text(str(item.get("name", "")), field="indicators", message=_("绩效指标须有名称"), limit=200)
        if code in codes:
            raise ServiceError(Code.CONTRACT_INDICATOR_DUPLICATE, field="indicators")
        codes.add(code)
        cleaned.append(
            {
                "code": code,
                "name": name,
                "target": str(item.get("target", "")).strip()[:100],
                "unit": str(item.get("unit", "")).strip()[:20],
            }
        )
    return cleaned


def _require_drafter(actor: Actor, procurement: Procurement, kind: str) -> None:
    require_party(
        actor,
        Role.PURCHASER,
        procurement.purchaser_id,
        Code.PERM_OTHER_UNIT,
        _("只有该项目的采购人可以订立合同"),
    )
    if kind not in ContractKind.values:
        raise ServiceError(Code.CONTRACT_KIND_INVALID, field="kind")


class ContractTerms(TypedDict, total=False):
    """What the purchaser fills in for any new contract (the form and API fields): the keyword
    arguments both `contract_create_from_*` services take; only the term's dates are required."""

    starts_on: Required[date]
    ends_on: Required[date]
    title: str
    multi_year: bool
    performance_bond: Decimal | str
    small_supplier: bool | None
    people_facing: bool
    report_every_days: int
    indicators: Sequence[Mapping[str, Any]]
    terms: str


@dataclass(frozen=True)
class _Terms:
    """`ContractTerms` with the defaults filled in."""

    starts_on: date
    ends_on: date
    title: str = ""
    multi_year: bool = False
    performance_bond: Decimal | str = Decimal("0")
    small_supplier: bool | None = None
    people_facing: bool = True
    report_every_days: int = 30
    indicators: Sequence[Mapping[str, Any]] = ()
    terms: str = ""


def _draft(
    *,
    actor: Actor,
    procurement: Procurement,
    lot: Lot,
    kind: str,
    supplier_id: int,
    amount: Decimal,
    notice_on: date,
    declared_small: bool,
    default_title: str,
    terms: _Terms,
    lock: Callable[[], Mapping[str, Any]],
    basis: str,
    now: datetime | None,
) -> Contract:
    """The shared drafting step: the purchaser's unit only; term (O102 §24), bond (IR §48) and the
    30-day signing period (GPL §46) from the rules; `lock` locks the source row inside the
    transaction, refuses a second contract, and returns the link (`award` or `call_off`).
    The caller has checked `_require_drafter` first."""
    term = _ruled(
        lambda: rules.check_contract_term(
            terms.starts_on, terms.ends_on, multi_year_conditions=terms.multi_year
        ),
        field="ends_on",
    )
    _moment(now)  # a naive time is refused, as in every service
    bond = yuan(terms.performance_bond, field="performance_bond", allow_zero=True)
    bond_rule = _ruled(lambda: check_performance_bond(bond, amount), field="performance_bond")
    sign = _ruled(lambda: contract_sign_deadline(notice_on))
    if not 1 <= int(terms.report_every_days) <= 366:
        raise ServiceError(Code.CONTRACT_REPORT_INTERVAL_INVALID, field="report_every_days")
    with transaction.atomic():
        link = lock()
        contract = Contract.objects.create(
            reference=f"tmp-{uuid.uuid4().hex}",  # replaced below once the pk is known
            kind=kind,
            **link,
            procurement=procurement,
            lot=lot,
            purchaser_id=procurement.purchaser_id,
            supplier_id=supplier_id,
            title=(terms.title or default_title).strip()[:200],
            amount=amount,
            original_amount=amount,
            starts_on=terms.starts_on,
            ends_on=terms.ends_on,
            multi_year=terms.multi_year,
            term_citation=term.citation,
            notice_on=notice_on,
            sign_due=sign.value,
            sign_citation=sign.citation,
            performance_bond=bond,
            bond_citation=bond_rule.citation if bond else "",
            small_supplier=declared_small if terms.small_supplier is None else terms.small_supplier,
            people_facing=terms.people_facing,
            report_every_days=int(terms.report_every_days),
            indicators=_indicators(terms.indicators),
            terms=(terms.terms or "").strip()[:20000],
            created_by=actor,
        )
        contract.reference = f"{REFERENCE_PREFIX}-{notice_on:%Y}-{contract.pk:06d}"
        contract.save(update_fields=["reference"])
        audit.record(
            actor=actor,
            action=Event.CONTRACT_CREATED,
            obj=contract,
            new={
                "status": contract.status,
                "kind": kind,
                **{name: row.pk for name, row in link.items()},
                "supplier": contract.supplier_id,
                "amount": amount,
                "starts_on": terms.starts_on,
                "ends_on": terms.ends_on,
                "performance_bond": bond,
                "sign_due": sign.value,
            },
            reason="；".join(c for c in (basis, sign.citation, term.citation) if c),
        )
    return contract


def contract_create_from_award(
    *,
    actor: Actor,
    award: Award,
    kind: str,
    now: datetime | None = None,
    **terms: Unpack[ContractTerms],
) -> Contract:
    """Draft the contract of an announced award, for the winner at the winning price.

    The term is checked against O102 §24, the bond against IR §48; the signing deadline (30 days
    after the award notice, GPL §46) is stored with its citation. `small_supplier` defaults to the
    winner's declared small/micro preference.
    """
    spec = _Terms(**terms)  # a missing or unknown term is refused first, as by a plain signature
    procurement = award.evaluation.procurement
    _require_drafter(actor, procurement, kind)
    if award.winner is None or award.announced_at is None:
        raise Conflict(Code.CONTRACT_AWARD_NOT_ANNOUNCED)
    winner = award.winner
    lot = award.lot

    def lock() -> Mapping[str, Any]:
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if Contract.objects.filter(award=locked).exists():
            raise Conflict(Code.CONTRACT_EXISTS)
        return {"award": locked}

    return _draft(
        actor=actor,
        procurement=procurement,
        lot=lot,
        kind=kind,
        supplier_id=winner.organization_id,
        amount=winner.price_total,
        notice_on=local_date(award.announced_at),
        declared_small="small_micro" in (winner.preferences or []),
        default_title=procurement.title
        if procurement.lots.count() == 1
        else f"{procurement.title}（{lot.title}）",
        terms=spec,
        lock=lock,
        basis="",
        now=now,
    )


def contract_create_from_call_off(
    *,
    actor: Actor,
    call_off: FrameworkCallOff,
    now: datetime | None = None,
    **terms: Unpack[ContractTerms],
) -> Contract:
    """Draft the call-off contract (框架协议合同) of a second-stage pick under a framework agreement.

    The supplier and amount are the call-off's (O110 §32-34); term, bond and the 30-day signing
    period are checked as for an award (O102 §24, IR §48, GPL §46), counted from the pick.
    """
    spec = _Terms(**terms)  # a missing or unknown term is refused first, as by a plain signature
    shortlist = call_off.shortlist
    procurement = shortlist.evaluation.procurement
    _require_drafter(actor, procurement, ContractKind.CALL_OFF)
    member = call_off.member

    def lock() -> Mapping[str, Any]:
        locked = FrameworkCallOff.objects.select_for_update().get(pk=call_off.pk)
        if locked.by_order:
            raise Conflict(Code.CONTRACT_CALL_OFF_BY_ORDER, field="call_off")
        if Contract.objects.filter(call_off=locked).exists():
            raise Conflict(Code.CONTRACT_EXISTS, _("该框架协议成交已订立合同"))
        return {"call_off": locked}

    return _draft(
        actor=actor,
        procurement=procurement,
        lot=shortlist.lot,
        kind=ContractKind.CALL_OFF,
        supplier_id=member.organization_id,
        amount=call_off.amount,
        notice_on=local_date(call_off.picked_at),
        declared_small="small_micro" in (member.readout.preferences or []),
        default_title=f"{procurement.title}（{call_off.description}）",
        terms=spec,
        lock=lock,
        basis=call_off.citation,
        now=now,
    )
