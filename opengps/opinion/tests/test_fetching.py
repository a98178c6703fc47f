"""Fetching against feeds served by a local HTTP server on 127.0.0.1: new items arrive, reposts and
repeated fetches do not add items, a source that times out backs off (interval doubled per failure)
and recovers; the scheduled task fetches only the sources that are due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from opengps.accounts.models import User
from opengps.core.models import AuditEvent
from opengps.opinion import fetching, services, tasks
from opengps.opinion.models import Item, Source
from opengps.opinion.tests.conftest import FeedServer, rss

FIRST = (
    (
        "岳麓区养老服务中心开展重阳节敬老活动",
        "http://news.example/1",
        "岳麓区某养老服务中心组织志愿者为辖区八十岁以上老人送去慰问品，老人们纷纷点赞。",
    ),
    (
        "某托育机构被家长投诉额外收取材料费",
        "http://news.example/2",
        "多名家长反映该托育机构在保育费之外每月额外收取材料费数百元，区教育局已介入调查。",
    ),
)
REPOST = (
    "【转载】某托育机构被家长投诉额外收取材料费",
    "http://other.example/77",
    "多名家长反映该托育机构在保育费之外每月额外收取材料费数百元,区教育局已介入调查。",
)


def _source(registrar: User, server: FeedServer, path: str, **values: object) -> Source:
    return services.source_create(
        actor=registrar,
        name="本地新闻",
        kind="rss",
        url=server.url(path),
        **values,  # type: ignore[arg-type]
    )


def test_new_items_arrive_and_duplicates_do_not(
    registrar: User, now: datetime, feed_server: FeedServer
) -> None:
    # given: a feed with two stories
    feed_server.feeds["/news.xml"] = rss(*FIRST)
    source = _source(registrar, feed_server, "/news.xml")
    # when: it is fetched
    result = fetching.source_fetch(source)
    # then: both stories are items, classified, with their publication time
    assert (result.ok, result.new, result.duplicates) == (True, 2, 0)
    items = {item.url: item for item in Item.objects.all()}
    assert (
        items["http://news.example/2"].tone == "negative"
        and "fees" in items["http://news.example/2"].topic_list
    )
    assert items["http://news.example/1"].tone == "positive"
    assert items["http://news.example/1"].published_at == datetime.fromisoformat("2027-03-08T00:00:00+00:00")
    source.refresh_from_db()
    assert source.last_success_at == now and source.next_fetch_at == now + timedelta(minutes=10)
    # when: the feed is fetched again with the same stories and a repost under another URL
    feed_server.feeds["/news.xml"] = rss(*FIRST, REPOST)
    again = fetching.source_fetch(source)
    # then: nothing new; the original counts the repost
    assert (again.new, again.duplicates) == (0, 3)
    assert Item.objects.count() == 2
    assert Item.objects.get(url="http://news.example/2").duplicate_count == 2  # same URL once, repost once
    assert AuditEvent.objects.filter(action="opinion_item.collected").count() == 2


def test_a_source_that_times_out_backs_off_and_recovers(
    registrar: User, clock_at: Callable[..., None], now: datetime, feed_server: FeedServer
) -> None:
    # given: a source whose server answers later than the source's one-second timeout
    feed_server.feeds["/slow.xml"] = rss(*FIRST)
    feed_server.slow.add("/slow.xml")
    source = _source(registrar, feed_server, "/slow.xml", timeout_seconds=1)
    # when: it is fetched twice
    first = fetching.source_fetch(source)
    clock_at(now + timedelta(minutes=20), tick=False)
    second = fetching.source_fetch(first.source)
    # then: each failure recorded, the wait doubled (20, then 40 minutes), no item
    assert not first.ok and "timeout" in first.error
    assert first.source.failures == 1 and first.source.next_fetch_at == now + timedelta(minutes=20)
    assert second.source.failures == 2
    assert second.source.next_fetch_at == now + timedelta(minutes=20 + 40)
    assert Item.objects.count() == 0
    # when: the server answers again and the source is due
    feed_server.slow.clear()
    later = now + timedelta(minutes=60)
    clock_at(later, tick=False)
    assert [s.pk for s in fetching.due_sources()] == [source.pk]
    recovered = fetching.source_fetch(second.source)
    # then: items arrive, the failures reset, the interval is back to 10 minutes; the timeline shows it
    assert recovered.ok and recovered.new == 2
    assert recovered.source.failures == 0 and recovered.source.next_fetch_at == later + timedelta(minutes=10)
    actions = list(
        AuditEvent.objects.filter(object_type="opinion.source")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "opinion_source.created",
        "opinion_source.failed",
        "opinion_source.failed",
        "opinion_source.recovered",
    ]


def test_http_errors_and_non_feeds_are_failures(
    registrar: User, now: datetime, feed_server: FeedServer
) -> None:
    missing = fetching.source_fetch(_source(registrar, feed_server, "/missing.xml"))
    assert not missing.ok and missing.error == "HTTP 404"
    feed_server.feeds["/page.html"] = "<html><body>不是订阅源</body></html>"
    page = fetching.source_fetch(_source(registrar, feed_server, "/page.html"))
    assert not page.ok and page.error.startswith("not a feed")
    closed = fetching.source_fetch(
        services.source_create(actor=registrar, name="关闭的端口", kind="rss", url="http://127.0.0.1:9/feed")
    )
    assert not closed.ok and closed.error.startswith("unreachable")


def test_the_scheduled_task_fetches_only_due_sources(
    registrar: User, clock_at: Callable[..., None], now: datetime, feed_server: FeedServer
) -> None:
    # given: two sources, one fetched a minute ago (due again in 9 minutes)
    feed_server.feeds["/a.xml"] = rss(FIRST[0])
    feed_server.feeds["/b.xml"] = rss(FIRST[1])
    a = _source(registrar, feed_server, "/a.xml")
    fetching.source_fetch(a)
    clock_at(now + timedelta(minutes=1), tick=False)
    _source(registrar, feed_server, "/b.xml")
    feed_server.hits.clear()
    # when: the scheduled task runs
    new = tasks.fetch_due.call()
    # then: only the due source was fetched
    assert new == 1 and feed_server.hits == ["/b.xml"]
