"""Writes of the opinion monitoring, each in one transaction with its audit event: sources and their
fetch state, the organizations' other names, collecting an item (deduplicated, classified, matched,
alerting), and the reviewer's decision on an alert — a listing only through the registry's own
procedure (`registry.services.credit_list`), never automatically."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.core.masking import mask_personal
from opengps.core.status import status_set
from opengps.opinion import ingest, selectors, textsim
from opengps.opinion.errors import Code
from opengps.opinion.events import Event
from opengps.opinion.ingest import Collected as Collected
from opengps.opinion.ingest import Incoming as Incoming
from opengps.opinion.matching import Matcher
from opengps.opinion.models import (
    Alert,
    AlertStatus,
    Decision,
    DecisionKind,
    Item,
    ItemTone,
    Match,
    NameKind,
    OrgName,
    Source,
    SourceKind,
    ToneCorrection,
)
from opengps.registry import services as registry
from opengps.registry.models import CreditListKind, Organization
from opengps.rules import opinion as rules

MANAGERS = (Role.REGISTRATION, Role.ADMIN)
"""Who configures the sources and the organizations' other names: the registration authority, which
commissions the monitoring (seed 003 三之（五）), and administrators."""

MAX_INTERVAL = 24 * 60
MAX_TIMEOUT = 120


def _text(value: str, *, field: str, limit: int, required: Code | None = None) -> str:
    value = (value or "").strip()[:limit]
    if required is not None and not value:
        raise ServiceError(required, field=field)
    return value


def _url(value: str, *, field: str = "url", required: bool = True) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    if not value.startswith(("http://", "https://")) or len(value) > 500:
        raise ServiceError(Code.OPINION_URL_INVALID, field=field)
    return value


# --- sources ------------------------------------------------------------------------------------


def source_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    url: str = "",
    region: Region | None = None,
    interval_minutes: int = 10,
    timeout_seconds: int = 10,
) -> Source:
    """Configure a source; a fetched one (RSS, Atom, page) is due at once, then every
    `interval_minutes` (10 by default, issue 21 §1)."""
    require_role(actor, *MANAGERS)
    name = _text(name, field="name", limit=120, required=Code.OPINION_NAME_REQUIRED)
    if kind not in SourceKind.values:
        raise ServiceError(Code.OPINION_KIND_INVALID, field="kind")
    fetched = kind in (SourceKind.RSS, SourceKind.ATOM, SourceKind.PAGE)
    url = _url(url, required=fetched)
    if not 1 <= interval_minutes <= MAX_INTERVAL:
        raise ServiceError(Code.OPINION_SCHEDULE_INVALID, field="interval_minutes")
    if not 1 <= timeout_seconds <= MAX_TIMEOUT:
        raise ServiceError(Code.OPINION_SCHEDULE_INVALID, field="timeout_seconds")
    now = clock.now()
    with transaction.atomic():
        source = Source.objects.create(
            name=name,
            kind=kind,
            url=url,
            region=region,
            interval_minutes=interval_minutes,
            timeout_seconds=timeout_seconds,
            next_fetch_at=now if fetched else None,
            created_at=now,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.OPINION_SOURCE_CREATED,
            obj=source,
            new={
                "name": name,
                "kind": kind,
                "url": url,
                "region": region.code if region else None,
                "interval_minutes": interval_minutes,
                "timeout_seconds": timeout_seconds,
            },
        )
    return source


def source_succeeded(*, source: Source) -> Source:
    """Record a successful fetch: failures reset, next fetch one interval on; a source that had
    been failing records its recovery."""
    now = clock.now()
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        failures = source.failures
        source.failures = 0
        source.last_success_at = now
        source.next_fetch_at = now + timedelta(
            minutes=rules.next_fetch_minutes(interval=source.interval_minutes, failures=0)
        )
        source.save(update_fields=["failures", "last_success_at", "next_fetch_at"])
        if failures:
            audit.record(
                actor=None,
                action=Event.OPINION_SOURCE_RECOVERED,
                obj=source,
                old={"failures": failures},
                new={"failures": 0, "next_fetch_at": source.next_fetch_at},
            )
    return source


def source_failed(*, source: Source, error: str) -> Source:
    """Record a failed fetch (timeout, HTTP error, unreadable feed): the next attempt waits the
    interval doubled per consecutive failure, at most a day (`rules.next_fetch_minutes`)."""
    now = clock.now()
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        old = source.failures
        source.failures = old + 1
        source.last_failure_at = now
        source.last_error = error[:300]
        wait = rules.next_fetch_minutes(interval=source.interval_minutes, failures=source.failures)
        source.next_fetch_at = now + timedelta(minutes=wait)
        source.save(update_fields=["failures", "last_failure_at", "last_error", "next_fetch_at"])
        audit.record(
            actor=None,
            action=Event.OPINION_SOURCE_FAILED,
            obj=source,
            old={"failures": old},
            new={
                "failures": source.failures,
                "error": source.last_error,
                "next_fetch_at": source.next_fetch_at,
            },
        )
    return source


# --- other names --------------------------------------------------------------------------------


def org_name_add(*, actor: Actor, organization: Organization, name: str, kind: str) -> OrgName:
    """Record a former name, short name or alias of `organization` to search items for."""
    registry.require_manages(actor, organization)
    if kind not in NameKind.values or kind == NameKind.FULL:
        raise ServiceError(Code.OPINION_KIND_INVALID, field="kind")
    name = _text(name, field="name", limit=120, required=Code.OPINION_NAME_REQUIRED)
    with transaction.atomic():
        if name == organization.name or OrgName.objects.filter(organization=organization, name=name).exists():
            raise Conflict(Code.OPINION_NAME_EXISTS, field="name")
        other = OrgName.objects.create(
            organization=organization, name=name, kind=kind, created_at=clock.now()
        )
        audit.record(
            actor=actor,
            action=Event.OPINION_NAME_ADDED,
            obj=organization,
            new={"name": name, "kind": kind},
        )
    return other


# --- collecting ---------------------------------------------------------------------------------


BATCH = 1_000
"""Items stored per transaction by `items_collect` (a longer batch is stored in several)."""


def _prepare(source: Source, incoming: Incoming, matcher: Matcher) -> ingest.Prepared:
    """`incoming` checked (a title; a well-formed URL or none) and computed: simhash, tone and topics
    (`rules.classify`), the organizations it names — everything before the database."""
    title = _text(incoming.title, field="title", limit=300, required=Code.OPINION_TITLE_REQUIRED)
    url = _url(incoming.url, required=False)
    body = (incoming.text or "").strip()
    whole = f"{title}\n{body}"
    fingerprint, comparable = textsim.fingerprint(whole)
    return ingest.Prepared(
        title=title,
        url=url,
        body=body,
        whole=whole,
        published_at=incoming.published_at,
        fingerprint=fingerprint,
        comparable=comparable,
        verdict=rules.classify(whole),
        found=tuple(matcher.find(whole, region=source.region_id or "")),
    )


def _duplicate_of(url: str, fingerprint: int, text: str) -> Item | None:
    """The item already collected that this one repeats: the same URL, or (for a text long enough
    to compare) one whose simhash is within `textsim.NEAR` bits (candidates by band)."""
    if url:
        same = Item.objects.filter(url=url).first()
        if same is not None:
            return same
    if not textsim.comparable(text):
        return None
    b0, b1, b2, b3 = textsim.bands(fingerprint)
    candidates = (
        Item.objects.filter(Q(band0=b0) | Q(band1=b1) | Q(band2=b2) | Q(band3=b3))
        .order_by("pk")
        .only("pk", "simhash")
    )
    for candidate in candidates[: ingest.CANDIDATES]:
        if textsim.hamming(textsim.unsigned(candidate.simhash), fingerprint) <= textsim.NEAR:
            return candidate
    return None


def item_collect(
    *, actor: SystemOrActor, source: Source, incoming: Incoming, matcher: Matcher | None = None
) -> tuple[Item | None, list[Alert]]:
    """Collect one item of `source`: skipped (the original's repost count raised) when it repeats one
    already collected; else stored with its tone and topics (`rules.classify`), the organizations it
    names (`matching`) and, for a negative item about an organization paid with public money, an
    alert (one open per organization and topic; later items attach). Returns the item (None for a
    duplicate) and the alerts raised or attached."""
    entry = _prepare(source, incoming, matcher or selectors.matcher())
    with transaction.atomic():
        original = _duplicate_of(entry.url, entry.fingerprint, entry.whole)
        if original is not None:
            Item.objects.filter(pk=original.pk).update(duplicate_count=F("duplicate_count") + 1)
            return None, []
        try:
            with transaction.atomic():
                item = entry.item(source, clock.now())
                item.save(force_insert=True)
        except IntegrityError:  # the same URL collected by a concurrent run
            return None, []
        organizations = Organization.objects.in_bulk([mention.organization for mention in entry.found])
        Match.objects.bulk_create(ingest.matches_of(item, entry, organizations))
        audit.record(
            actor=actor,
            action=Event.OPINION_ITEM_COLLECTED,
            obj=item,
            new=entry.collected_event(source, sorted(organizations)),
        )
        raised = [
            alert
            for organization in organizations.values()
            if (
                alert := _alert_for(
                    actor=actor, item=item, organization=organization, topics=entry.verdict.topics
                )
            )
        ]
    return item, raised


def _alert_for(
    *, actor: SystemOrActor, item: Item, organization: Organization, topics: tuple[str, ...]
) -> Alert | None:
    ties = selectors.live_ties(organization)
    if not rules.raises_alert(item.tone, live_ties=len(ties)):
        return None
    topic = rules.alert_topic(topics)
    alert = (
        Alert.objects.select_for_update()
        .filter(organization=organization, topic=topic, status=AlertStatus.OPEN)
        .first()
    )
    if alert is not None:
        alert.items.add(item)
        audit.record(
            actor=actor, action=Event.OPINION_ALERT_ATTACHED, obj=alert, new={"item": item.pk, "topic": topic}
        )
        return alert
    alert = Alert.objects.create(organization=organization, topic=topic, ties=ties, opened_at=clock.now())
    alert.items.add(item)
    alert.units.add(*{tie["unit"] for tie in ties if tie["unit"]})
    audit.record(
        actor=actor,
        action=Event.OPINION_ALERT_RAISED,
        obj=alert,
        new={"organization": organization.uscc, "topic": topic, "item": item.pk, "ties": ties},
    )
    return alert


def items_collect(
    *, actor: SystemOrActor, source: Source, incoming: list[Incoming], matcher: Matcher | None = None
) -> Collected:
    """Collect a batch of `source` (a feed fetched, a contractor's file) with one matcher: entries
    refused (no title, a malformed URL) are counted and skipped, the rest stored `BATCH` at a time,
    each part in one transaction with a few queries (`ingest.store_batch`) — the same items, matches,
    repost counts, alerts and audit events as `item_collect` called for each entry in order. A part
    that meets a concurrent run (the same URL or alert stored meanwhile) is collected item by item."""
    result = Collected()
    matcher = matcher or selectors.matcher()
    prepared: list[ingest.Prepared] = []
    for entry in incoming:
        try:
            prepared.append(_prepare(source, entry, matcher))
        except ServiceError:
            result.refused += 1
    for start in range(0, len(prepared), BATCH):
        part = prepared[start : start + BATCH]
        try:
            stored = ingest.store_batch(actor=actor, source=source, batch=part)
        except IntegrityError:
            stored = _collect_one_by_one(actor=actor, source=source, batch=part, matcher=matcher)
        result.new += stored.new
        result.duplicates += stored.duplicates
        result.alerts += [alert for alert in stored.alerts if alert not in result.alerts]
    return result


def _collect_one_by_one(
    *, actor: SystemOrActor, source: Source, batch: list[ingest.Prepared], matcher: Matcher
) -> Collected:
    result = Collected()
    for entry in batch:
        incoming = Incoming(
            title=entry.title, text=entry.body, url=entry.url, published_at=entry.published_at
        )
        item, alerts = item_collect(actor=actor, source=source, incoming=incoming, matcher=matcher)
        if item is None:
            result.duplicates += 1
            continue
        result.new.append(item)
        result.alerts += [alert for alert in alerts if alert not in result.alerts]
    return result


def item_enter(
    *,
    actor: Actor,
    source: Source,
    title: str,
    text: str = "",
    url: str = "",
    published_at: datetime | None = None,
) -> Item | None:
    """Enter one item by hand (manual, import or platform-feedback sources); None when it repeats
    one already collected."""
    require_role(actor, *MANAGERS)
    if source.kind not in (SourceKind.MANUAL, SourceKind.IMPORT, SourceKind.PLATFORM):
        raise ServiceError(Code.OPINION_KIND_INVALID, field="source")
    if url and Item.objects.filter(url=url.strip()).exists():
        raise Conflict(Code.OPINION_URL_EXISTS, field="url")
    item, _alerts = item_collect(
        actor=actor,
        source=source,
        incoming=Incoming(title=title, text=text, url=url, published_at=published_at),
    )
    return item


# --- residents' complaints ---------------------------------------------------------------------

COMPLAINT_SOURCE = "居民投诉"
"""The internal source of the residents' complaints (`SourceKind.PLATFORM`, created once by the
platform itself: no person registers it)."""


def _complaint_source() -> Source:
    """The internal source of residents' complaints, created on the first complaint (a concurrent
    first complaint finds the one the other created: one per kind and name, a database constraint)."""
    found = Source.objects.filter(kind=SourceKind.PLATFORM, name=COMPLAINT_SOURCE, created_by__isnull=True)
    source = found.first()
    if source is not None:
        return source
    try:
        with transaction.atomic():
            source = Source.objects.create(
                name=COMPLAINT_SOURCE, kind=SourceKind.PLATFORM, created_at=clock.now(), created_by=None
            )
    except IntegrityError:
        return found.get()
    audit.record(
        actor=None,
        action=Event.OPINION_SOURCE_CREATED,
        obj=source,
        new={"name": COMPLAINT_SOURCE, "kind": SourceKind.PLATFORM, "internal": True},
    )
    return source


def item_from_complaint(
    *, origin: str, organization: Organization, service: str, text: str, filed_at: datetime
) -> Item:
    """A resident's complaint about a service as an opinion item of the internal source 居民投诉:
    negative, matched to `organization` (the service's provider), with the topics its words name
    (服务质量 when none), alerting as any negative item does (`_alert_for`). `origin` names the
    complaint (e.g. ``residents.feedback:42``): a second call with it returns the item already made
    and changes nothing. Nothing of the resident is copied — the caller passes no name, phone or
    tracking number, and the text is masked (`mask_personal`); photos stay with the complaint.
    Run inside the caller's transaction, so a complaint and its item are saved together or not at all."""
    origin = origin.strip()[:60]
    existing = Item.objects.filter(origin=origin).first()
    if existing is not None:
        return existing
    body = mask_personal((text or "").strip())
    title = f"{organization.name}：{COMPLAINT_SOURCE}（{mask_personal(service)}）"[:300]
    whole = f"{title}\n{body}"
    fingerprint = textsim.simhash(whole)
    verdict = rules.classify(whole)
    named = tuple(str(t) for t in verdict.topics if t not in (rules.Topic.HONOURS, rules.Topic.PRACTICE))
    topics: tuple[str, ...] = named or (str(rules.Topic.SERVICE),)
    b0, b1, b2, b3 = textsim.bands(fingerprint)
    with transaction.atomic():
        source = _complaint_source()
        item = Item.objects.create(
            source=source,
            origin=origin,
            title=title,
            text=body,
            published_at=filed_at,
            fetched_at=clock.now(),
            simhash=textsim.signed(fingerprint),
            band0=b0,
            band1=b1,
            band2=b2,
            band3=b3,
            tone=ItemTone.NEGATIVE,
            topics="," + ",".join(topics) + ",",
            evidence=list(verdict.evidence),
        )
        start = whole.find(organization.name)
        Match.objects.create(
            item=item,
            organization=organization,
            name=organization.name,
            via=NameKind.FULL,
            start=start,
            end=start + len(organization.name),
            evidence=title,
        )
        audit.record(
            actor=None,
            action=Event.OPINION_ITEM_COLLECTED,
            obj=item,
            new={
                "source": source.pk,
                "origin": origin,
                "tone": ItemTone.NEGATIVE,
                "topics": list(topics),
                "organizations": [organization.pk],
                "citation": verdict.citation,
            },
        )
        _alert_for(actor=None, item=item, organization=organization, topics=topics)
    return item


# --- decisions ----------------------------------------------------------------------------------


def _alert_check(current: str, target: str) -> None:
    rules.check_transition("opinion_alert", current, target)


def alert_decide(
    *,
    actor: Actor,
    alert: Alert,
    kind: str,
    note: str,
    decision_document: str = "",
    listed_on: date | None = None,
) -> Decision:
    """Record the reviewer's decision on an open alert. `propose_listing` lists the organization on
    the 活动异常名录 through the registry's own procedure (`registry.services.credit_list`, with
    its permission check, decision document and audit event under the reviewer's name); no other
    decision changes the organization."""
    require_role(actor, Role.REGISTRATION, Role.ADMIN)
    registry.require_manages(actor, alert.organization)
    if kind not in DecisionKind.values:
        raise ServiceError(Code.OPINION_DECISION_INVALID, field="kind")
    note = _text(note, field="note", limit=2000, required=Code.OPINION_NOTE_REQUIRED)
    if kind == DecisionKind.PROPOSE_LISTING and not (decision_document or "").strip():
        raise ServiceError(Code.OPINION_DOCUMENT_REQUIRED, field="decision_document")
    now = clock.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("organization").get(pk=alert.pk)
        if alert.status != AlertStatus.OPEN:
            raise Conflict(Code.OPINION_ALERT_DECIDED, field="kind")
        listing = None
        if kind == DecisionKind.PROPOSE_LISTING:
            titles = "；".join(alert.items.values_list("title", flat=True)[:5])
            listing = registry.credit_list(
                actor=actor,
                organization=alert.organization,
                kind=CreditListKind.ABNORMAL,
                reason=f"{note}（舆情预警{alert.pk}：{titles}）"[:2000],
                decision_document=decision_document,
                listed_on=listed_on or clock.today(),
            )
        decision = Decision.objects.create(
            alert=alert, kind=kind, note=note, listing=listing, decided_at=now, decided_by=actor
        )
        status_set(
            alert,
            AlertStatus.DECIDED,
            actor=actor,
            action=Event.OPINION_ALERT_DECIDED,
            check=_alert_check,
            values={"decided_at": now},
            extra={
                "decision": kind,
                "listing": listing.pk if listing else None,
                "organization": alert.organization.uscc,
            },
            reason=note,
        )
    return decision


def item_tone_correct(*, actor: Actor, item: Item, tone: str, note: str) -> ToneCorrection:
    """A reviewer corrects the tone of an item (issue 21 §3). The correction is kept with the
    classifier's own tone, the tone before and after, the reason and who corrected it, and the item
    takes the new tone; `selectors.tone_corrections` reports them. Alerts already raised or decided
    are not changed: an alert is a person's matter, not the classifier's."""
    require_role(actor, *MANAGERS)
    if tone not in ItemTone.values:
        raise ServiceError(Code.OPINION_TONE_INVALID, field="tone")
    note = _text(note, field="note", limit=500, required=Code.OPINION_REASON_REQUIRED)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.tone == tone:
            raise Conflict(Code.OPINION_TONE_UNCHANGED, field="tone")
        first = item.tone_corrections.order_by("corrected_at", "pk").first()
        correction = ToneCorrection.objects.create(
            item=item,
            classified=first.classified if first else item.tone,
            previous=item.tone,
            tone=tone,
            note=note,
            corrected_at=clock.now(),
            corrected_by=actor,
        )
        previous, item.tone = item.tone, tone
        item.save(update_fields=["tone"])
        audit.record(
            actor=actor,
            action=Event.OPINION_ITEM_TONE_CORRECTED,
            obj=item,
            old={"tone": previous},
            new={"tone": tone, "classified": correction.classified, "correction": correction.pk},
            reason=note,
        )
    return correction
