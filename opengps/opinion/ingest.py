"""The batch ingest of opinion items (`services.items_collect`): N items of one source stored in one
transaction with a few queries, not a few per item, giving exactly the rows and audit events that
`services.item_collect` called N times in order gives.

- duplicates: one query for the batch's URLs already stored, one for the stored items sharing a
  simhash band with any of the batch's texts; an item repeating an earlier one of the same batch
  is found in memory. The original is chosen as the single path chooses it (same URL first, else
  the first item in primary-key order among the first 200 sharing a band that lies within
  `textsim.NEAR` bits), and its repost count is raised once per repeat;
- the new items, their matches and their audit events (`opinion.item.collected`): one bulk insert
  each (`audit.record_many`);
- alerts: the organizations' ties to public money in four queries (`selectors.live_ties_many`),
  the open alerts of the batch's organizations in one query (locked), new alerts, their items and
  units bulk-inserted, one open alert per organization and topic (later items attach).

The audit events are the same as the single path's; in the chain they come grouped by kind (the
items collected, then the alerts raised, then the items attached), not interleaved item by item."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from opengps.accounts.actors import SystemOrActor
from opengps.core import audit, bulk, clock
from opengps.opinion import selectors, textsim
from opengps.opinion.events import Event
from opengps.opinion.matching import Found
from opengps.opinion.models import Alert, AlertStatus, Item, ItemTone, Match, Source
from opengps.registry.models import Organization
from opengps.rules import opinion as rules

CANDIDATES = 200
"""Near-duplicate candidates compared per item (the first in primary-key order sharing a band)."""


@dataclass(frozen=True)
class Incoming:
    """One item as a source gives it."""

    title: str
    text: str = ""
    url: str = ""
    published_at: datetime | None = None


@dataclass
class Collected:
    """What collecting a batch did."""

    new: list[Item] = field(default_factory=list)
    duplicates: int = 0
    refused: int = 0
    alerts: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class Prepared:
    """An incoming item checked and computed, before any database read: its title and URL as stored,
    the text compared and classified, its simhash, tone and topics, and the organizations it names."""

    title: str
    url: str
    body: str
    whole: str
    published_at: datetime | None
    fingerprint: int
    comparable: bool
    """Whether the text is long enough to compare by simhash (`textsim.comparable`)."""
    verdict: rules.Classification
    found: tuple[Found, ...]

    def item(self, source: Source, fetched_at: datetime) -> Item:
        """The item to store (unsaved)."""
        b0, b1, b2, b3 = textsim.bands(self.fingerprint)
        topics = self.verdict.topics
        return Item(
            source=source,
            url=self.url or None,
            title=self.title,
            text=self.body,
            published_at=self.published_at,
            fetched_at=fetched_at,
            simhash=textsim.signed(self.fingerprint),
            band0=b0,
            band1=b1,
            band2=b2,
            band3=b3,
            tone=self.verdict.tone,
            topics="," + ",".join(topics) + "," if topics else "",
            evidence=list(self.verdict.evidence),
        )

    def collected_event(self, source: Source, organizations: list[int]) -> dict[str, Any]:
        """The `opinion.item.collected` event's values."""
        return {
            "source": source.pk,
            "url": self.url,
            "tone": self.verdict.tone,
            "topics": list(self.verdict.topics),
            "organizations": organizations,
            "citation": self.verdict.citation,
        }


def matches_of(item: Item, prepared: Prepared, organizations: dict[int, Organization]) -> list[Match]:
    """The matches to store for `item`: each organization it names that is registered."""
    return [
        Match(
            item=item,
            organization_id=mention.organization,
            name=mention.name,
            via=mention.via,
            start=mention.start,
            end=mention.end,
            evidence=mention.evidence(prepared.whole)[:300],
        )
        for mention in prepared.found
        if mention.organization in organizations
    ]


@dataclass
class _Stored:
    """The batch's own items so far, to find repeats within the batch in memory."""

    items: list[Item] = field(default_factory=list)
    by_url: dict[str, Item] = field(default_factory=dict)
    bands: list[dict[int, list[tuple[int, Item]]]] = field(default_factory=lambda: [{}, {}, {}, {}])
    """Per band, value → [(position in `items`, item)]."""


def _stored_duplicates(
    batch: list[Prepared],
) -> tuple[dict[str, int], list[dict[int, list[tuple[int, int]]]]]:
    """The stored items the batch may repeat: by URL (url → pk) and by band (per band, value →
    [(pk, simhash)] in primary-key order). Two queries."""
    urls = sorted({entry.url for entry in batch if entry.url})
    by_url: dict[str, int] = {}
    if urls:
        by_url = {str(url): pk for url, pk in Item.objects.filter(url__in=urls).values_list("url", "pk")}
    wanted: list[set[int]] = [set(), set(), set(), set()]
    for entry in batch:
        if entry.comparable:
            for n, band in enumerate(textsim.bands(entry.fingerprint)):
                wanted[n].add(band)
    bands: list[dict[int, list[tuple[int, int]]]] = [{}, {}, {}, {}]
    for pk, simhash, *row_bands in _sharing_a_band(wanted) if wanted[0] else ():
        for n, band in enumerate(row_bands):
            if band in wanted[n]:
                bands[n].setdefault(band, []).append((pk, textsim.unsigned(simhash)))
    return by_url, bands


def _sharing_a_band(wanted: list[set[int]]) -> list[tuple[int, int, int, int, int, int]]:
    """(pk, simhash, band0…band3) of the stored items with any band in `wanted`, in primary-key order.
    On PostgreSQL each band's values go as one array literal (`= ANY`), not thousands of parameters."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Item._meta.db_table)
        where = " OR ".join(f"band{n} = ANY(%s::integer[])" for n in range(4))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, simhash, band0, band1, band2, band3 FROM {table} WHERE {where} ORDER BY id",  # noqa: S608
                ["{" + ",".join(map(str, sorted(values))) + "}" for values in wanted],
            )
            return list(cursor.fetchall())
    query = Q()
    for n, values in enumerate(wanted):
        query |= Q(**{f"band{n}__in": sorted(values)})
    return list(
        Item.objects.filter(query)
        .order_by("pk")
        .values_list("pk", "simhash", "band0", "band1", "band2", "band3")
    )


def _original(
    entry: Prepared,
    by_url: dict[str, int],
    bands: list[dict[int, list[tuple[int, int]]]],
    stored: _Stored,
) -> int | Item | None:
    """What `entry` repeats: a stored item's pk, an item of this batch, or None (a new story)."""
    if entry.url:
        if entry.url in by_url:
            return by_url[entry.url]
        if entry.url in stored.by_url:
            return stored.by_url[entry.url]
    if not entry.comparable:
        return None
    keys = textsim.bands(entry.fingerprint)
    earlier = sorted(
        {pk: simhash for n, key in enumerate(keys) for pk, simhash in bands[n].get(key, ())}.items()
    )
    candidates: list[tuple[int | Item, int]] = list(earlier[:CANDIDATES])
    if len(candidates) < CANDIDATES:
        own = sorted(
            {at: item for n, key in enumerate(keys) for at, item in stored.bands[n].get(key, ())}.items()
        )
        candidates += [
            (item, textsim.unsigned(item.simhash)) for _at, item in own[: CANDIDATES - len(candidates)]
        ]
    for candidate, simhash in candidates:
        if textsim.hamming(simhash, entry.fingerprint) <= textsim.NEAR:
            return candidate
    return None


def store_batch(*, actor: SystemOrActor, source: Source, batch: list[Prepared]) -> Collected:
    """Store `batch` (checked and computed entries of `source`, in order) in one transaction: see the
    module's description. Raises IntegrityError when a concurrent run stored one of its URLs or
    opened one of its alerts first (the caller then collects item by item)."""
    result = Collected()
    with transaction.atomic():
        by_url, bands = _stored_duplicates(batch)
        stored = _Stored()
        kept: list[tuple[Item, Prepared]] = []
        repeats: Counter[int] = Counter()
        now = clock.now()
        for entry in batch:
            original = _original(entry, by_url, bands, stored)
            if original is not None:
                result.duplicates += 1
                if isinstance(original, Item):
                    original.duplicate_count += 1
                else:
                    repeats[original] += 1
                continue
            item = entry.item(source, now)
            kept.append((item, entry))
            if entry.url:
                stored.by_url[entry.url] = item
            for n, key in enumerate(textsim.bands(entry.fingerprint)):  # a candidate even when short,
                stored.bands[n].setdefault(key, []).append((len(stored.items), item))  # as once stored
            stored.items.append(item)
        by_count: dict[int, list[int]] = defaultdict(list)
        for pk, count in repeats.items():
            by_count[count].append(pk)
        for count, pks in by_count.items():
            Item.objects.filter(pk__in=pks).update(duplicate_count=F("duplicate_count") + count)
        bulk.insert(stored.items)
        result.new = stored.items
        named = {mention.organization for _item, entry in kept for mention in entry.found}
        organizations = Organization.objects.in_bulk(sorted(named)) if named else {}
        bulk.insert(
            [match for item, entry in kept for match in matches_of(item, entry, organizations)],
            with_ids=False,
        )
        audit.record_many(
            actor=actor,
            action=Event.OPINION_ITEM_COLLECTED,
            changes=[
                (
                    item,
                    None,
                    entry.collected_event(
                        source,
                        sorted({m.organization for m in entry.found if m.organization in organizations}),
                    ),
                )
                for item, entry in kept
            ],
        )
        result.alerts = _alerts(actor=actor, kept=kept, organizations=organizations)
    return result


def _alerts(
    *, actor: SystemOrActor, kept: list[tuple[Item, Prepared]], organizations: dict[int, Organization]
) -> list[Alert]:
    """Raise or attach the alerts of the batch's negative items about organizations paid with public
    money (`rules.raises_alert`), in item order: one open alert per organization and topic."""
    negative = [(item, entry) for item, entry in kept if item.tone == ItemTone.NEGATIVE]
    named = sorted(
        {m.organization for _item, entry in negative for m in entry.found if m.organization in organizations}
    )
    if not named:
        return []
    ties = selectors.live_ties_many(named)
    paid = [pk for pk in named if rules.raises_alert(ItemTone.NEGATIVE, live_ties=len(ties[pk]))]
    if not paid:
        return []
    open_alerts = {
        (alert.organization_id, alert.topic): alert
        for alert in Alert.objects.select_for_update()
        .select_related("organization")
        .filter(organization_id__in=paid, status=AlertStatus.OPEN)
        .order_by("pk")
    }
    now = clock.now()
    created: list[Alert] = []
    links: list[tuple[Alert, Item]] = []
    touched: list[Alert] = []
    for item, entry in negative:
        topic = rules.alert_topic(entry.verdict.topics)
        for pk in sorted({m.organization for m in entry.found if m.organization in organizations}):
            if not rules.raises_alert(item.tone, live_ties=len(ties[pk])):
                continue
            alert = open_alerts.get((pk, topic))
            if alert is None:
                alert = Alert(organization=organizations[pk], topic=topic, ties=ties[pk], opened_at=now)
                open_alerts[(pk, topic)] = alert
                created.append(alert)
            links.append((alert, item))
            if alert not in touched:
                touched.append(alert)
    Alert.objects.bulk_create(created)
    Through = Alert.items.through
    Through.objects.bulk_create([Through(alert_id=alert.pk, item_id=item.pk) for alert, item in links])
    Units = Alert.units.through
    Units.objects.bulk_create(
        [
            Units(alert_id=alert.pk, unit_id=unit)
            for alert in created
            for unit in sorted({tie["unit"] for tie in alert.ties if tie["unit"]})
        ]
    )
    first: dict[int, Item] = {}
    attached: list[tuple[Alert, Item]] = []
    new_ones = {id(alert) for alert in created}
    for alert, item in links:
        if id(alert) in new_ones and alert.pk not in first:
            first[alert.pk] = item
        else:
            attached.append((alert, item))
    audit.record_many(
        actor=actor,
        action=Event.OPINION_ALERT_RAISED,
        changes=[
            (
                alert,
                None,
                {
                    "organization": alert.organization.uscc,
                    "topic": alert.topic,
                    "item": first[alert.pk].pk,
                    "ties": alert.ties,
                },
            )
            for alert in created
        ],
    )
    audit.record_many(
        actor=actor,
        action=Event.OPINION_ALERT_ATTACHED,
        changes=[(alert, None, {"item": item.pk, "topic": alert.topic}) for alert, item in attached],
    )
    return touched
