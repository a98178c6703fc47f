"""The batch ingest (`services.items_collect`, `ingest.store_batch`) stores exactly what the single
path (`services.item_collect` per entry, in order) stores — items, repost counts, matches, alerts
with their items and units, audit events — on a few hundred entries with repeated URLs, near-identical
texts, repeats of items stored before, refused entries and negative items about an organization paid
with public money (one open alert per organization and topic, later items attach); and it does so in
a bounded number of queries, not a few per item."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from opengps.accounts.models import User
from opengps.contracts.models import Contract
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import Organizations
from opengps.opinion import ingest, services
from opengps.opinion.models import Alert, Item, Match, Source
from opengps.registry.models import Organization
from opengps.rules import opinion as rules
from opengps.rules.opinion_tone import TRAINING_FILE

Snapshot = dict[str, Any]

NEGATIVE = [
    "{name}被家长投诉违规收费，区教育局已介入调查。",
    "又有多名家长反映{name}额外收取材料费，家长维权无果。",
    "{name}一名老人在洗澡时滑倒受伤，家属质疑安全管理存在隐患。",
    "多名居民投诉{name}服务敷衍、工作人员态度恶劣，社区已约谈负责人。",
]


def _sentences() -> list[str]:
    lines = TRAINING_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if line and not line.startswith("#")]


def _entries(organizations: list[Organization], paid: Organization, seed: int) -> list[services.Incoming]:
    """~330 entries: stories (some naming one or two organizations), negative stories about the paid
    organization, repeats by URL, near-identical reposts (a byline added), no-URL entries, refused ones."""
    rng = random.Random(seed)
    sentences = _sentences()
    made: list[services.Incoming] = []
    for n in range(220):
        if n % 7 == 0:
            text = rng.choice(NEGATIVE).format(name=paid.name) + rng.choice(sentences)
        else:
            parts = rng.sample(sentences, 2)
            for org in rng.sample(organizations, rng.choice((0, 1, 1, 2))):
                parts.insert(rng.randrange(3), f"{org.name}表示，")
            text = "".join(parts)
        url = f"https://news.example.cn/{seed}/{n}.html" if n % 5 else ""
        made.append(services.Incoming(title=text[:24], text=text, url=url))
    stories = list(made)
    for n in range(40):  # the same URL again (another title and text)
        earlier = rng.choice([entry for entry in stories if entry.url])
        made.insert(
            rng.randrange(len(made) + 1), services.Incoming(title=f"转载{n}", text="", url=earlier.url)
        )
    for n in range(50):  # reposts of a story: the same text under a byline, another or no URL
        earlier = rng.choice(stories)
        url = f"https://repost.example.cn/{seed}/{n}.html" if n % 2 else ""
        made.insert(
            rng.randrange(len(made) + 1),
            services.Incoming(title=earlier.title, text=earlier.text + "（来源：某某网）", url=url),
        )
    for n in range(10):  # too short to compare by simhash: stored, repeated only by URL
        made.insert(
            rng.randrange(len(made) + 1), services.Incoming(title=f"短讯{n}", url=f"https://s.example.cn/{n}")
        )
    made.insert(rng.randrange(len(made)), services.Incoming(title="  ", text="无标题"))
    made.insert(rng.randrange(len(made)), services.Incoming(title="坏地址", url="ftp://x.example.cn/1"))
    return made


def _key(item: Item) -> str:
    return f"{item.title}|{item.url}|{item.simhash}"


def _snapshot(since: int) -> Snapshot:
    """Everything the collecting stored, with primary keys replaced by stable keys."""
    keys = {item.pk: _key(item) for item in Item.objects.all()}
    alerts = {alert.pk: f"{alert.organization_id}|{alert.topic}" for alert in Alert.objects.all()}

    def plain(values: dict[str, Any], object_type: str) -> str:
        values = dict(values)
        if "item" in values:
            values["item"] = keys[int(values["item"])]
        return json.dumps(values, sort_keys=True, ensure_ascii=False)

    events = Counter(
        (
            event.action,
            event.object_type,
            keys[int(event.object_id)]
            if event.object_type == "opinion.item"
            else alerts[int(event.object_id)],
            event.object_repr,
            event.actor_label,
            plain(event.new_values, event.object_type),
        )
        for event in AuditEvent.objects.filter(seq__gt=since, action__startswith="opinion_")
    )
    return {
        "items": sorted(
            (
                _key(item),
                item.text,
                item.tone,
                item.topics,
                json.dumps(item.evidence, ensure_ascii=False),
                item.duplicate_count,
                item.source_id,
                item.fetched_at.isoformat(),
            )
            for item in Item.objects.all()
        ),
        "matches": sorted(
            (keys[m.item_id], m.organization_id, m.name, m.via, m.start, m.end, m.evidence)
            for m in Match.objects.all()
        ),
        "alerts": sorted(
            (
                alerts[alert.pk],
                alert.status,
                json.dumps(alert.ties, ensure_ascii=False),
                sorted(keys[pk] for pk in alert.items.values_list("pk", flat=True)),
                sorted(alert.units.values_list("pk", flat=True)),
            )
            for alert in Alert.objects.all()
        ),
        "events": sorted(events.items()),
    }


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def _one_by_one(actor: User, source: Source, entries: list[services.Incoming]) -> tuple[int, int, int, int]:
    new = duplicates = refused = 0
    alerts: list[Alert] = []
    for entry in entries:
        try:
            item, raised = services.item_collect(actor=actor, source=source, incoming=entry)
        except ServiceError:
            refused += 1
            continue
        if item is None:
            duplicates += 1
        else:
            new += 1
        alerts += [alert for alert in raised if alert not in alerts]
    return new, duplicates, refused, len(alerts)


def test_batch_stores_what_the_single_path_stores(
    registrar: User, contract: Contract, make_org: Organizations, now: datetime
) -> None:
    # given: the contract's supplier (paid with public money), five other organizations, a source,
    # 60 items collected before (one negative about the supplier: an open alert the batch attaches to)
    paid = contract.supplier
    others = [make_org(name=f"长沙市批量测试{n}号社会工作服务中心") for n in range(5)]
    source = services.source_create(actor=registrar, name="监测机构文件", kind="import")
    before = _entries([paid, *others], paid, seed=1)[:60]
    entries = _entries([paid, *others], paid, seed=2) + before[:30]  # 30 repeats of stored items
    assert len(entries) > 300

    # when: the entries are collected one by one after the items before ...
    _one_by_one(registrar, source, before)
    since = _last_seq()
    single = _one_by_one(registrar, source, entries)
    expected = _snapshot(since)
    # ... and, from the same start, in one batch call
    Alert.objects.all().delete()
    Item.objects.all().delete()
    prior = _one_by_one(registrar, source, before)
    since = _last_seq()
    with CaptureQueriesContext(connection) as queries:
        collected = services.items_collect(actor=registrar, source=source, incoming=entries, matcher=None)
    got = _snapshot(since)

    # then: the same counts, and the same items, matches, alerts and audit events
    assert (len(collected.new), collected.duplicates, collected.refused, len(collected.alerts)) == single
    assert single[1] > 100 and single[2] == 2 and single[3] >= 2
    assert got["items"] == expected["items"]
    assert got["matches"] == expected["matches"]
    assert got["alerts"] == expected["alerts"]
    assert got["events"] == expected["events"]
    # the batch attached items to the alert opened before it, and repost counts were raised
    assert any(action == "opinion_alert.attached" for (action, *_rest), _n in got["events"])
    assert sum(row[5] for row in got["items"]) == single[1] + prior[1]
    # a few queries for the batch (the matcher's names included), not a few per item
    assert len(queries) < 40, len(queries)


def test_batch_is_split_and_one_open_alert_per_organization_and_topic(
    registrar: User, contract: Contract, now: datetime, monkeypatch: Any
) -> None:
    # given: batches of 7, and 20 negative fee stories about the paid supplier in one call
    monkeypatch.setattr(services, "BATCH", 7)
    source = services.source_create(actor=registrar, name="监测机构文件", kind="import")
    entries = [
        services.Incoming(
            title=f"家长投诉第{n}起",
            text=NEGATIVE[0].format(name=contract.supplier.name) + _sentences()[n * 7],
            url=f"https://fees.example.cn/{n}",
        )
        for n in range(20)
    ]
    # when
    collected = services.items_collect(actor=registrar, source=source, incoming=entries)
    # then: one open fees alert holding every stored item, raised once and attached to afterwards
    fees = Alert.objects.get(organization=contract.supplier, topic="fees")
    assert collected.alerts == [fees]
    alerting = {
        item.pk
        for item in collected.new
        if item.tone == "negative" and rules.alert_topic(item.topic_list) == "fees"
    }
    assert len(alerting) >= 15 and collected.duplicates == 0
    assert set(fees.items.values_list("pk", flat=True)) == alerting
    raised = AuditEvent.objects.filter(action="opinion_alert.raised", object_id=str(fees.pk)).count()
    attached = AuditEvent.objects.filter(action="opinion_alert.attached", object_id=str(fees.pk)).count()
    assert (raised, attached) == (1, len(alerting) - 1)
    assert Alert.objects.filter(status="open").count() == 1
    assert ingest.CANDIDATES == 200


def test_a_batch_meeting_a_concurrent_run_is_collected_item_by_item(
    registrar: User, now: datetime, monkeypatch: Any
) -> None:
    # given: a batch whose bulk store meets a URL stored meanwhile by another run
    source = services.source_create(actor=registrar, name="监测机构文件", kind="import")
    sentences = _sentences()
    entries = [
        services.Incoming(title=f"第{n}条", text=sentences[n * 3], url=f"https://race.example.cn/{n}")
        for n in range(6)
    ]

    def raced(**_kwargs: Any) -> ingest.Collected:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(ingest, "store_batch", raced)
    services.item_collect(actor=registrar, source=source, incoming=entries[2])  # the other run's item
    # when
    collected = services.items_collect(actor=registrar, source=source, incoming=entries)
    # then: the rest stored one by one, the other run's item counted as a repeat, nothing lost
    assert (len(collected.new), collected.duplicates) == (5, 1)
    assert Item.objects.filter(url__startswith="https://race.example.cn/").count() == 6
    assert Item.objects.get(url=entries[2].url).duplicate_count == 1
