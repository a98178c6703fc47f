"""Social workers: their register (the identity number kept whole but shown masked), their postings
to stations (never two stations at once full-time) and the audited read of a full identity number."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import CertificateLevel, Posting, SocialWorker, Station
from opengps.capacity.services._common import refusal, require_manager, text
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.masking import mask_id_number
from opengps.registry.models import Organization
from opengps.rules import capacity as rules
from opengps.rules.base import RuleError


def _valid_id_number(id_number: str) -> str:
    """Length, digits, check character (GB 11643) and a birth date between 1900 and today."""
    number = ric.compact(id_number or "").upper()
    try:
        if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
            raise StdnumError()
        born = ric.get_birth_date(number)
    except StdnumError:
        raise ServiceError(Code.CAPACITY_ID_NUMBER_INVALID, field="id_number") from None
    if born.year < 1900 or born > clock.today():
        raise ServiceError(Code.CAPACITY_ID_NUMBER_INVALID, field="id_number")
    return str(number)


def _certificate(level: str, certificate_no: str, certified_year: int | None) -> tuple[str, int | None]:
    if level not in CertificateLevel.values:
        raise ServiceError(Code.CAPACITY_LEVEL_INVALID, field="level")
    number = (certificate_no or "").strip()[:40]
    certified = level != CertificateLevel.NONE
    year_ok = certified_year is not None and 2006 <= certified_year <= clock.today().year
    # The national qualification (社会工作者职业水平评价) dates from 2006: no certificate is older.
    if (
        certified != bool(number)
        or (certified and not year_ok)
        or (not certified and certified_year is not None)
    ):
        raise ServiceError(Code.CAPACITY_CERTIFICATE_REQUIRED, field="certificate_no")
    return number, certified_year


def worker_register(
    *,
    actor: Actor,
    name: str,
    id_number: str,
    region: Region,
    level: str = CertificateLevel.NONE,
    certificate_no: str = "",
    certified_year: int | None = None,
    employer: Organization | None = None,
) -> SocialWorker:
    """Enter a social worker of `region` (a county) with their qualification. The audit event carries
    only the masked identity number; a number already registered is refused."""
    require_manager(actor, region.code)
    name = text(name, field="name", required=Code.CAPACITY_NAME_REQUIRED, limit=60)
    number = _valid_id_number(id_number)
    certificate, year = _certificate(level, certificate_no, certified_year)
    with transaction.atomic():
        if SocialWorker.objects.filter(id_number=number).exists():
            raise Conflict(Code.CAPACITY_WORKER_DUPLICATE, field="id_number")
        worker = SocialWorker.objects.create(
            name=name,
            id_number=number,
            id_number_masked=mask_id_number(number),
            level=level,
            certificate_no=certificate,
            certified_year=year,
            employer=employer,
            region=region,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_WORKER_REGISTERED,
            obj=worker,
            new={
                "name": name,
                "id_number": worker.id_number_masked,
                "level": level,
                "certificate_no": certificate,
                "certified_year": year,
                "employer": employer.uscc if employer else None,
                "region": region.code,
            },
        )
    return worker


def can_read_id_number(actor: Actor, worker: SocialWorker) -> bool:
    """Only the registration authority of the worker's region (or above) reads the full number."""
    prefix = scopes.supervised_prefix(actor) if has_role(actor, Role.REGISTRATION) else None
    return prefix is not None and worker.region_id.startswith(prefix)


def worker_id_number_read(*, actor: Actor, worker: SocialWorker, purpose: str = "") -> str:
    """The worker's full identity number, for the registration authority of their region only; the
    read itself is audited (who, whose, why) in the same transaction, so no read goes unrecorded."""
    if not can_read_id_number(actor, worker):
        raise PermissionDenied(Code.CAPACITY_WORKER_ID_DENIED)
    with transaction.atomic():
        number = SocialWorker.objects.values_list("id_number", flat=True).get(pk=worker.pk)
        audit.record(
            actor=actor,
            action=Event.CAPACITY_WORKER_ID_READ,
            obj=worker,
            new={"id_number": worker.id_number_masked},
            reason=text(purpose, field="purpose"),
        )
    return number


def _span(posting: Posting) -> rules.Span:
    return rules.Span(posting.starts_on, posting.ends_on, posting.full_time, posting.station.name)


def posting_add(
    *,
    actor: Actor,
    worker: SocialWorker,
    station: Station,
    starts_on: date,
    ends_on: date | None = None,
    full_time: bool = True,
) -> Posting:
    """Post `worker` to `station` from `starts_on` (to `ends_on`, open when None), within the days the
    station is open (read under the station's lock, so a closing cannot slip in). The worker's row
    is locked too, so two postings of one worker made at once are checked one after the other:
    neither can slip past the double-booking rule."""
    require_manager(actor, station.township.county_id)
    with transaction.atomic():
        # The station first (as `station_close` locks it), then the worker: one order, no deadlock.
        days = Station.objects.select_for_update().values("opened_on", "closed_on").get(pk=station.pk)
        try:
            rules.check_posting_dates(starts_on, ends_on)
            rules.check_posting_in_station(
                starts_on, ends_on, opened_on=days["opened_on"], closed_on=days["closed_on"]
            )
        except RuleError as exc:
            raise refusal(exc, field="starts_on") from None
        SocialWorker.objects.select_for_update().get(pk=worker.pk)
        others = [_span(p) for p in Posting.objects.filter(worker=worker).select_related("station")]
        new = rules.Span(starts_on, ends_on, full_time, station.name)
        try:
            rules.check_posting(new, others)
        except RuleError as exc:
            raise refusal(exc, field="worker") from None
        posting = Posting.objects.create(
            worker=worker, station=station, starts_on=starts_on, ends_on=ends_on, full_time=full_time
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_POSTING_ADDED,
            obj=posting,
            new={
                "worker": worker.pk,
                "station": station.pk,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "full_time": full_time,
            },
        )
    return posting


def posting_end(*, actor: Actor, posting: Posting, ends_on: date, reason: str = "") -> Posting:
    """End an open posting on `ends_on` (on or after its start)."""
    require_manager(actor, posting.station.township.county_id)
    with transaction.atomic():
        item = Posting.objects.select_for_update().get(pk=posting.pk)
        if item.ends_on is not None:
            raise Conflict(Code.CAPACITY_POSTING_ENDED, field="ends_on")
        try:
            rules.check_posting_dates(item.starts_on, ends_on)
        except RuleError as exc:
            raise refusal(exc, field="ends_on") from None
        item.ends_on = ends_on
        item.save(update_fields=["ends_on"])
        audit.record(
            actor=actor,
            action=Event.CAPACITY_POSTING_ENDED,
            obj=item,
            old={"ends_on": None},
            new={"ends_on": ends_on},
            reason=reason,
        )
    return item
