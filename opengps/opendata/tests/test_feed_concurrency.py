"""The change feed, read while releases are written concurrently, delivers every release exactly once."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, connections, transaction

from opengps.opendata import selectors, services
from opengps.opendata.models import Release

WRITERS = 6
PER_WRITER = 15


class Rollback(Exception):
    pass


def _writer(number: int, done: list[str], errors: list[BaseException]) -> None:
    rng = random.Random(number)
    try:
        for i in range(PER_WRITER):
            ocid = f"ocds-test-W{number}-{i % 3}"
            try:
                with transaction.atomic():
                    time.sleep(rng.random() * 0.004)  # work before publishing
                    release = services.release_append(
                        ocid=ocid,
                        tag="tender",
                        moment=datetime.now(tz=UTC),
                        build=lambda release_id, ocid=ocid, key=f"{number}-{i}": {  # type: ignore[misc]
                            "ocid": ocid,
                            "id": release_id,
                            "date": "2026-11-30T10:00:00+08:00",
                            "tag": ["tender"],
                            "initiationType": "tender",
                            # each release changes something (an unchanged one is not written)
                            "tender": {"id": key},
                        },
                    )
                    time.sleep(rng.random() * 0.006)  # a slow commit after the release is written
                    if rng.random() < 0.15:
                        raise Rollback
                assert release is not None  # each release changes something, so it is written
                done.append(release.release_id)
            except Rollback:
                pass
    except BaseException as exc:
        errors.append(exc)
    finally:
        connections.close_all()


def _reader(stop: threading.Event, seen: list[str], errors: list[BaseException]) -> None:
    cursor = 0
    try:
        while True:
            finished = stop.is_set()
            page = selectors.feed_page(after=cursor, limit=7)
            seen.extend(r.release_id for r in page.releases)
            cursor = page.next_after
            if finished and not page.releases:
                return
            time.sleep(0.001)
    except BaseException as exc:
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_feed_read_during_concurrent_writes_delivers_each_release_exactly_once() -> None:
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip(
            "shared-cache in-memory SQLite fails table locks at once instead of waiting; run on PostgreSQL"
        )
    # given writers that commit late, some rolling back, and a reader following the feed meanwhile
    done: list[str] = []
    seen: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    reader = threading.Thread(target=_reader, args=(stop, seen, errors))
    writers = [threading.Thread(target=_writer, args=(n, done, errors)) for n in range(WRITERS)]
    reader.start()
    for thread in writers:
        thread.start()
    # when all writers are done and the reader has drained the feed
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    reader.join(timeout=120)
    assert not errors, errors
    # then the reader saw every committed release exactly once, in position order
    committed = list(Release.objects.order_by("position").values_list("release_id", flat=True))
    assert sorted(done) == sorted(committed)
    assert len(seen) == len(set(seen))
    assert seen == committed
    assert 0 < len(committed) < WRITERS * PER_WRITER  # some rolled back, most committed
    positions = list(Release.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))  # gap-free even with rollbacks


@pytest.mark.django_db(transaction=True)
def test_feed_never_serves_a_position_above_an_uncommitted_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections (PostgreSQL)")
    # given a writer that appended a release and has not committed yet
    appended = threading.Event()
    release_it = threading.Event()
    errors: list[Any] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                services.release_append(
                    ocid="ocds-test-slow",
                    tag="tender",
                    moment=datetime.now(tz=UTC),
                    build=lambda rid: {"ocid": "ocds-test-slow", "id": rid},
                )
                appended.set()
                release_it.wait(timeout=30)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def fast_writer(out: list[int]) -> None:
        try:
            with transaction.atomic():
                release = services.release_append(
                    ocid="ocds-test-fast",
                    tag="tender",
                    moment=datetime.now(tz=UTC),
                    build=lambda rid: {"ocid": "ocds-test-fast", "id": rid},
                )
            assert release is not None
            out.append(release.position)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert appended.wait(timeout=30)
    positions: list[int] = []
    fast = threading.Thread(target=fast_writer, args=(positions,))
    fast.start()
    # when a reader reads while the slow one is still open
    time.sleep(0.3)
    page = selectors.feed_page(after=0)
    # then nothing is visible yet: the later writer waits for the earlier one's position to commit
    assert page.releases == [] and positions == []
    release_it.set()
    slow.join(timeout=30)
    fast.join(timeout=30)
    assert not errors
    assert [r.ocid for r in selectors.feed_page(after=0).releases] == ["ocds-test-slow", "ocds-test-fast"]
    assert positions == [2]
