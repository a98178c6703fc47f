"""Writes of residents' access, each in one transaction with its audit event: a resident rates a
service or files a complaint or suggestion (anonymous, rate-limited, a tracking number back), the
purchasing unit answers, and the daily run escalates overdue items to the finance department.

A rating with a one-time code is the performance survey's answer (`performance.survey_answer`:
one answer per code, a used code refused), so only verified ratings reach the performance score;
a rating without a code is kept here, marked unverified, and never enters it.

Partner apps (湘易办, a city app) call the same writes through the partner API with a key an
administrator created (`partner_key_create`, secret shown once, only its hash kept); each call is
admitted by `partner_call_admit` (key valid, within its rate, scope granted) and logged by
`partner_call_log`, whatever its answer.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock, ratelimit
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.status import status_set
from opengps.opinion import services as opinion
from opengps.performance import services as performance
from opengps.performance.models import EvaluationStatus, PerformanceEvaluation
from opengps.residents import selectors
from opengps.residents.errors import Code
from opengps.residents.events import Event
from opengps.residents.models import (
    Feedback,
    FeedbackKind,
    FeedbackPhoto,
    FeedbackStatus,
    PartnerCall,
    PartnerKey,
    PartnerScope,
)
from opengps.residents.photos import Photo, check_photos
from opengps.rules import residents as rules
from opengps.rules.base import RuleError

FEEDBACK_RATE = (5, 60)
"""Ratings and complaints per source address and minute; more are refused and change nothing.
Generous for a person, a wall for a script — no CAPTCHA an older person cannot pass."""
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No look-alike characters (0/O, 1/I/L): the number is read out over the phone."""
TRACKING_LENGTH = 12
"""31¹² ≈ 8·10¹⁷ numbers: not guessable, and every lookup is one exact match."""
MAX_TEXT = 500
MAX_ANSWER = 2000
FILED_KINDS = (FeedbackKind.COMPLAINT, FeedbackKind.SUGGESTION)


class Throttled(ServiceError):
    """Too many posts from one address in the window (429)."""

    status = 429


def _throttle(client: str) -> None:
    limit, window = FEEDBACK_RATE
    if not ratelimit.allow(f"residents.feedback:{client}", limit=limit, window_seconds=window):
        raise Throttled(Code.RESIDENTS_THROTTLED)


def _tracking() -> str:
    while True:
        number = "".join(secrets.choice(TRACKING_ALPHABET) for _n in range(TRACKING_LENGTH))
        if not Feedback.objects.filter(tracking=number).exists():
            return number


def _text(text: str, *, limit: int = MAX_TEXT, field: str = "text") -> str:
    text = text.strip()
    if len(text) > limit:
        raise ServiceError(Code.RESIDENTS_TEXT_TOO_LONG, field=field, params={"max": limit})
    return text


def _open_survey(contract_id: int) -> PerformanceEvaluation | None:
    return (
        PerformanceEvaluation.objects.filter(
            contract_id=contract_id, status=EvaluationStatus.OPEN, survey_open=True
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _admit(client: str, partner: PartnerKey | None) -> None:
    """Through a partner app every resident arrives from the partner's server: the key's own rate
    (checked by `partner_call_admit`) replaces the per-address limit, which would block them all."""
    if partner is None:
        _throttle(client)


def _via(partner: PartnerKey | None) -> dict[str, str]:
    return {"partner": partner.prefix} if partner is not None else {}


def feedback_rate(
    *,
    source: str,
    pk: int,
    stars: int,
    text: str = "",
    code: str = "",
    client: str,
    partner: PartnerKey | None = None,
) -> Feedback:
    """A resident rates a service 1–5 stars. With a one-time code the rating is the answer to the
    contract's open satisfaction survey (verified, counted in the performance evaluation); without
    one it is kept unverified and never counted. Throttled per `client` (or, through a `partner`
    app, per its key) before anything is read."""
    _admit(client, partner)
    try:
        rules.check_stars(stars)
    except RuleError:
        raise ServiceError(Code.RESIDENTS_STARS_INVALID, field="stars") from None
    text = _text(text)
    code = code.strip()
    contract, order, purchaser = selectors.service_target(source, pk)
    with transaction.atomic():
        response = None
        if code:
            survey = _open_survey(contract.pk) if contract is not None else None
            if survey is None:
                raise ServiceError(Code.RESIDENTS_CODE_NOT_ACCEPTED, field="code")
            # The survey's own refusals (wrong code, used code) keep their codes, field "code".
            response = performance.survey_answer(
                token=survey.survey_token, code=code, answer=stars, comment=text, source=client
            )
        item = Feedback.objects.create(
            tracking=_tracking(),
            kind=FeedbackKind.RATING,
            status=FeedbackStatus.RECORDED,
            contract=contract,
            order=order,
            purchaser=purchaser,
            stars=stars,
            text=text,
            verified=response is not None,
            survey_response=response,
            partner=partner,
            created_at=clock.now(),
            filed_on=clock.today(),
        )
        # No text, code or address in the event: a rating came in, verified or not.
        audit.record(
            actor=None,
            action=Event.RESIDENTS_SERVICE_RATED,
            obj=item,
            new={"stars": stars, "verified": item.verified, **_via(partner)},
        )
    return item


def feedback_file(
    *,
    source: str,
    pk: int,
    kind: str,
    text: str,
    client: str,
    partner: PartnerKey | None = None,
    photos: Sequence[Photo] = (),
) -> Feedback:
    """A resident files a complaint or suggestion about a service (directly or through a `partner`
    app), with up to three `photos` (checked by content, kept without their metadata); the
    purchasing unit must answer it by the deadline of `opengps.rules.residents.answer_deadline`
    (counted from today). A complaint also becomes, in the same transaction, an item of the opinion
    monitoring (`_to_opinion`)."""
    _admit(client, partner)
    if kind not in FILED_KINDS:
        raise ServiceError(Code.RESIDENTS_KIND_INVALID, field="kind")
    text = _text(text)
    if not text:
        raise ServiceError(Code.RESIDENTS_TEXT_REQUIRED, field="text")
    kept = check_photos(photos)
    contract, order, purchaser = selectors.service_target(source, pk)
    today = clock.today()
    due = rules.answer_deadline(today)
    with transaction.atomic():
        item = Feedback.objects.create(
            tracking=_tracking(),
            kind=kind,
            status=FeedbackStatus.OPEN,
            contract=contract,
            order=order,
            purchaser=purchaser,
            text=text,
            partner=partner,
            created_at=clock.now(),
            filed_on=today,
            answer_due=due.value,
            due_citation=due.citation,
        )
        for photo in kept:
            FeedbackPhoto.objects.create(
                feedback=item,
                name=photo.name,
                kind=photo.kind,
                size=len(photo.content),
                sha256=hashlib.sha256(photo.content).hexdigest(),
                content=photo.content,
            )
        audit.record(
            actor=None,
            action=Event.RESIDENTS_FEEDBACK_FILED,
            obj=item,
            new={
                "kind": kind,
                "status": item.status,
                "answer_due": due.value,
                **({"photos": len(kept)} if kept else {}),
                **_via(partner),
            },
        )
        if kind == FeedbackKind.COMPLAINT:
            _to_opinion(item)
    return item


def _to_opinion(item: Feedback) -> None:
    """The complaint as an opinion item about the service's provider (issue 23 item 2): its text
    only, masked by the opinion service — never the tracking number, a photo or the address it came
    from. Idempotent per complaint (`opinion.item_from_complaint`)."""
    service = item.contract if item.contract is not None else item.order
    assert service is not None  # a complaint is about a contract or an order (a database constraint)
    opinion.item_from_complaint(
        origin=f"residents.feedback:{item.pk}",
        organization=service.supplier,
        service=selectors.service_title(item),
        text=item.text,
        filed_at=item.created_at,
    )


def _check(current: str, target: str) -> None:
    rules.check_transition("resident_feedback", current, target)


def feedback_answer(*, actor: Actor, feedback: Feedback, answer: str) -> Feedback:
    """The purchasing unit answers a complaint or suggestion (also after it was escalated)."""
    if actor.role != Role.PURCHASER or actor.unit_id != feedback.purchaser_id:
        raise PermissionDenied(Code.RESIDENTS_NOT_PURCHASER)
    answer = _text(answer, limit=MAX_ANSWER, field="answer")
    if not answer:
        raise ServiceError(Code.RESIDENTS_ANSWER_REQUIRED, field="answer")
    with transaction.atomic():
        item = Feedback.objects.select_for_update().get(pk=feedback.pk)
        status_set(
            item,
            FeedbackStatus.ANSWERED,
            actor=actor,
            action=Event.RESIDENTS_FEEDBACK_ANSWERED,
            check=_check,
            values={"answer": answer, "answered_at": clock.now(), "answered_by": actor},
        )
    return item


def finance_of(unit: Unit) -> Unit | None:
    """The finance department of the unit's region, or of the nearest region above it."""
    region: Region | None = unit.region
    while region is not None:
        finance = (
            Unit.objects.filter(kind=Unit.Kind.FINANCE, region=region, is_active=True).order_by("pk").first()
        )
        if finance is not None:
            return finance
        region = region.parent
    return None


def feedback_escalate_overdue(*, today: date | None = None) -> int:
    """Escalate every complaint and suggestion past its answer deadline to the finance department of
    the purchaser's region (the system acts). Idempotent: an escalated item is not open any more."""
    day = today or clock.today()
    escalated = 0
    candidates = Feedback.objects.filter(status=FeedbackStatus.OPEN, answer_due__lt=day).values_list(
        "pk", flat=True
    )
    for pk in list(candidates):
        with transaction.atomic():
            item = Feedback.objects.select_for_update().select_related("purchaser__region").get(pk=pk)
            if not rules.should_escalate(item.status, item.answer_due, day):
                continue
            finance = finance_of(item.purchaser)
            status_set(
                item,
                FeedbackStatus.ESCALATED,
                actor=None,
                action=Event.RESIDENTS_FEEDBACK_ESCALATED,
                check=_check,
                values={"escalated_on": day, "escalated_to": finance},
                extra={"answer_due": item.answer_due, "escalated_to": finance.name if finance else ""},
            )
            escalated += 1
    return escalated


# --- partner keys and calls -------------------------------------------------------------------

PARTNER_RATE_BOUNDS = (1, 6000)
"""Calls per key and minute an administrator may grant (also a database constraint)."""
SECRET_MARK = "ogp_"  # noqa: S105 — a public marker, not a secret
"""Every secret starts so, which lets secret scanners (and people) recognize a leaked key."""
PREFIX_LENGTH = 12
"""`ogp_` and 8 random characters: names the key in lists and logs, reveals nothing usable."""


class PartnerUnauthorized(ServiceError):
    """No key, an unknown key or a revoked one (401)."""

    status = 401


@dataclass(frozen=True)
class IssuedKey:
    """A key just created and its secret, which exists only here: it is never stored or shown again."""

    key: PartnerKey
    secret: str


def key_hash(secret: str) -> str:
    """SHA-256 of a secret. A fast hash suffices: secrets are 256 random bits, not passwords."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _scopes(scopes: list[str]) -> list[str]:
    chosen = sorted({s.strip() for s in scopes if s.strip()})
    if not chosen or any(s not in PartnerScope.values for s in chosen):
        raise ServiceError(Code.RESIDENTS_PARTNER_SCOPES_INVALID, field="scopes")
    return chosen


def partner_key_create(*, actor: Actor, partner: str, scopes: list[str], rate_per_minute: int) -> IssuedKey:
    """A platform administrator creates a key for a partner app with the given scopes and rate.
    Returns the secret once; only its hash is stored."""
    require_role(actor, Role.ADMIN)
    partner = partner.strip()
    if not partner or len(partner) > 100:
        raise ServiceError(Code.RESIDENTS_PARTNER_NAME_REQUIRED, field="partner")
    chosen = _scopes(scopes)
    low, high = PARTNER_RATE_BOUNDS
    if not low <= rate_per_minute <= high:
        raise ServiceError(
            Code.RESIDENTS_PARTNER_RATE_INVALID, field="rate_per_minute", params={"min": low, "max": high}
        )
    while True:
        secret = SECRET_MARK + secrets.token_urlsafe(32)
        if not PartnerKey.objects.filter(prefix=secret[:PREFIX_LENGTH]).exists():
            break
    with transaction.atomic():
        key = PartnerKey.objects.create(
            partner=partner,
            prefix=secret[:PREFIX_LENGTH],
            key_hash=key_hash(secret),
            scopes=chosen,
            rate_per_minute=rate_per_minute,
            created_at=clock.now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.RESIDENTS_PARTNER_KEY_CREATED,
            obj=key,
            new={
                "partner": partner,
                "prefix": key.prefix,
                "scopes": chosen,
                "rate_per_minute": rate_per_minute,
            },
        )
    return IssuedKey(key=key, secret=secret)


def partner_key_revoke(*, actor: Actor, key: PartnerKey, reason: str = "") -> PartnerKey:
    """A platform administrator revokes a key: from now on its calls are refused (401) and logged.
    Revoking a revoked key changes nothing."""
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        row = PartnerKey.objects.select_for_update().get(pk=key.pk)
        if not row.active:
            return row
        row.active = False
        row.revoked_at = clock.now()
        row.revoked_by = actor
        row.save(update_fields=["active", "revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action=Event.RESIDENTS_PARTNER_KEY_REVOKED,
            obj=row,
            old={"active": True},
            new={"active": False},
            reason=reason.strip()[:500],
        )
    return row


def partner_key_identify(secret: str) -> PartnerKey | None:
    """The key (active or revoked) whose secret this is, or None."""
    secret = secret.strip()
    if not secret.startswith(SECRET_MARK) or len(secret) > 100:
        return None
    return PartnerKey.objects.filter(key_hash=key_hash(secret)).first()


def partner_call_admit(*, key: PartnerKey | None, scope: PartnerScope) -> PartnerKey:
    """Admit one call: the key exists and is active (else 401), its calls this minute stay within
    its rate (else 429; every call counts, refused ones too), and it holds `scope` (else 403)."""
    if key is None or not key.active:
        raise PartnerUnauthorized(Code.RESIDENTS_PARTNER_KEY_INVALID)
    if not ratelimit.allow(f"residents.partner:{key.pk}", limit=key.rate_per_minute, window_seconds=60):
        raise Throttled(Code.RESIDENTS_PARTNER_THROTTLED, params={"limit": key.rate_per_minute})
    if not key.allows(scope):
        raise PermissionDenied(Code.RESIDENTS_PARTNER_SCOPE_MISSING, params={"scope": str(scope.label)})
    return key


UNKNOWN_CALLS_LOGGED = (10, 600, 60)
"""Calls without a valid key logged one row each, per address and overall, per minute; past either,
a call adds one to the `repeats` of the last such row (of the address, else of anyone)."""


def _unknown_call_logged_in_full(client: str) -> bool:
    per_client, overall, window = UNKNOWN_CALLS_LOGGED
    return ratelimit.allow(
        f"residents.partner_unknown:{client}", limit=per_client, window_seconds=window
    ) and ratelimit.allow("residents.partner_unknown", limit=overall, window_seconds=window)


def partner_call_log(*, key_id: int | None, method: str, path: str, status: int, client: str) -> PartnerCall:
    """Log one partner API call with its answer's status (append-only access log). A call with a
    key the platform issued (active or revoked) is always one row; a call with no key or an unknown
    one is one row only within `UNKNOWN_CALLS_LOGGED`, else counted on the last such row from the
    same address (or, past the overall limit, from anyone), which is returned."""
    client = client[:64]
    if key_id is None and not _unknown_call_logged_in_full(client):
        unknown = PartnerCall.objects.filter(key__isnull=True).order_by("-at", "-id")
        last = unknown.filter(client=client).first() or unknown.first()
        if last is not None:
            PartnerCall.objects.filter(pk=last.pk).update(repeats=F("repeats") + 1)
            last.refresh_from_db(fields=["repeats"])
            return last
    return PartnerCall.objects.create(
        key_id=key_id,
        method=method[:8],
        path=path[:200],
        status=status,
        at=clock.now(),
        client=client,
    )
