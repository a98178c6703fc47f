"""Configuring sources and other names, and entering items by hand: each refusal with its code
beside its field, each write with its audit event."""

from __future__ import annotations

from datetime import datetime

import pytest

from opengps.accounts.models import User
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import Organizations
from opengps.opinion import services
from opengps.opinion.models import Item, Match, Source


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"name": " ", "kind": "rss", "url": "http://a.example/"}, "opinion.name_required", "name"),
        ({"name": "甲", "kind": "tv", "url": "http://a.example/"}, "opinion.kind_invalid", "kind"),
        ({"name": "甲", "kind": "rss", "url": ""}, "opinion.url_invalid", "url"),
        ({"name": "甲", "kind": "rss", "url": "ftp://a.example/"}, "opinion.url_invalid", "url"),
        (
            {"name": "甲", "kind": "rss", "url": "http://a.example/", "interval_minutes": 0},
            "opinion.schedule_invalid",
            "interval_minutes",
        ),
        (
            {"name": "甲", "kind": "rss", "url": "http://a.example/", "timeout_seconds": 121},
            "opinion.schedule_invalid",
            "timeout_seconds",
        ),
    ],
)
def test_source_refusals(
    registrar: User, now: datetime, values: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        services.source_create(actor=registrar, **values)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.field) == (code, field)
    assert Source.objects.count() == 0


def test_only_the_registration_authority_configures_sources(purchaser: User, now: datetime) -> None:
    with pytest.raises(PermissionDenied):
        services.source_create(actor=purchaser, name="甲", kind="manual")


def test_a_manual_source_is_never_fetched(registrar: User, now: datetime) -> None:
    source = services.source_create(actor=registrar, name="人工录入", kind="manual")
    assert source.next_fetch_at is None and source.url == ""
    event = AuditEvent.objects.get(action="opinion_source.created")
    assert event.actor_id == registrar.pk and event.new_values["kind"] == "manual"


def test_other_names_are_matched(registrar: User, make_org: Organizations, manual_source: Source) -> None:
    org = make_org(name="长沙市岳麓区晚晴养老服务中心")
    services.org_name_add(actor=registrar, organization=org, name="晚晴养老院", kind="former")
    with pytest.raises(Conflict):
        services.org_name_add(actor=registrar, organization=org, name="晚晴养老院", kind="alias")
    with pytest.raises(Conflict):
        services.org_name_add(actor=registrar, organization=org, name=org.name, kind="alias")
    with pytest.raises(ServiceError) as bad_kind:
        services.org_name_add(actor=registrar, organization=org, name="晚晴", kind="full")
    assert bad_kind.value.code == "opinion.kind_invalid"
    with pytest.raises(ServiceError) as empty:
        services.org_name_add(actor=registrar, organization=org, name=" ", kind="alias")
    assert empty.value.code == "opinion.name_required"
    item = services.item_enter(
        actor=registrar,
        source=manual_source,
        title="晚晴养老院开展重阳敬老活动",
        text="原晚晴养老院组织志愿者为老人表演节目，老人们纷纷点赞。",
        url="http://news.example/w1",
    )
    assert item is not None and item.tone == "positive"
    match = Match.objects.get(item=item)
    assert (match.organization, match.via, match.name) == (org, "former", "晚晴养老院")


def test_manual_entry_refusals(registrar: User, manual_source: Source, now: datetime) -> None:
    services.item_enter(actor=registrar, source=manual_source, title="一条消息", url="http://news.example/1")
    with pytest.raises(Conflict) as same_url:
        services.item_enter(
            actor=registrar, source=manual_source, title="另一条", url="http://news.example/1"
        )
    assert same_url.value.code == "opinion.url_exists"
    with pytest.raises(ServiceError) as no_title:
        services.item_enter(actor=registrar, source=manual_source, title=" ")
    assert no_title.value.code == "opinion.title_required"
    feed = services.source_create(actor=registrar, name="订阅", kind="rss", url="http://a.example/feed")
    with pytest.raises(ServiceError) as fetched:
        services.item_enter(actor=registrar, source=feed, title="手工录入到订阅源")
    assert fetched.value.code == "opinion.kind_invalid"
    # a refused entry in a batch does not lose the rest
    batch = services.items_collect(
        actor=registrar,
        source=manual_source,
        incoming=[
            services.Incoming(title=""),
            services.Incoming(title="第二条消息", url="http://news.example/2"),
        ],
    )
    assert (len(batch.new), batch.refused) == (1, 1) and Item.objects.count() == 2
