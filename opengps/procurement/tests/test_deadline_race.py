# ruff: noqa: E501
"""Clients racing the bid deadline: every acknowledged bid is stored, none committed after it.

On PostgreSQL 200 client threads (each with its own connection, opened per attempt; at most
`PG_CONNECTIONS` open at once, the server allows 100) submit and then keep modifying their bids
until the deadline about 1.5 s away refuses them; a third of them run with an application clock
10 s slow, so only the database-clock check inside the committing transaction stops them. Not
every client gets a bid in before the deadline (the GIL and a connection per attempt limit the
rate to some 40 bids a second here); those are the late bidders the deadline must refuse. SQLite runs a smaller,
serialized version (its shared-cache test database does not allow concurrent writers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from opengps.core import transparency
from opengps.core.errors import ServiceError
from opengps.demo.world import announce_times, bid_files
from opengps.procurement import clock, services
from opengps.procurement.models import BidSubmission, BidVersion, Procurement

PG_CLIENTS = 200
PG_CONNECTIONS = 40
SQLITE_CLIENTS = 12
RACE_SECONDS = 1.5


@dataclass
class Outcome:
    acked: list[tuple[str, datetime]] = field(default_factory=list)
    refused_deadline: int = 0
    refused_by_database: int = 0
    refused_other: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _suppliers(count: int, registrar: Any) -> list[Any]:
    """`count` registered organizations (bulk, as the registry import does) with one member each."""
    from django.contrib.auth.hashers import make_password

    from opengps.accounts.models import Region
    from opengps.accounts.services import user_create
    from opengps.demo.world import uscc_for
    from opengps.registry import derived
    from opengps.registry.models import Organization
    from opengps.registry.services import OrganizationInput, organization_build

    region = Region.objects.get(pk="430104")
    orgs = [
        organization_build(
            OrganizationInput(
                name=f"赛跑养老服务中心{n}",
                uscc=uscc_for(5000 + n),
                org_type="social_service_agency",
                region="430104",
                founded_on=date(2015, 3, 1),
            ).normalized(),
            authority=registrar.unit,
            region=region,
        )
        for n in range(count)
    ]
    Organization.objects.bulk_create(orgs)
    saved = list(Organization.objects.filter(name__startswith="赛跑").order_by("pk"))
    derived.refresh([org.pk for org in saved])
    password = make_password("test-password-123")
    return [
        user_create(
            actor=None, username=f"racer{n}", password_hash=password, role="supplier", organization=org
        )
        for n, org in enumerate(Organization.objects.filter(pk__in=[o.pk for o in saved]).order_by("pk"))
    ]


@pytest.mark.django_db(transaction=True)
def test_clients_racing_the_deadline(purchaser: Any, registrar: Any, make_plan: Callable[..., Any]) -> None:
    postgres = connection.vendor == "postgresql"
    clients = PG_CLIENTS if postgres else SQLITE_CLIENTS
    gate = threading.BoundedSemaphore(PG_CONNECTIONS if postgres else 1)
    # given an announced procurement and suppliers who obtained the documents
    procurement = services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="招标文件"
    )
    issued, far = announce_times()
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=far, now=issued
    )
    users = _suppliers(clients, registrar)
    for user in users:
        services.documents_obtain(actor=user, procurement=procurement)
    lot = procurement.lots.get(number=1)
    files = bid_files()
    # and a deadline RACE_SECONDS ahead by the database clock
    deadline = clock.db_now() + timedelta(seconds=RACE_SECONDS)
    Procurement.objects.filter(pk=procurement.pk).update(bid_deadline=deadline)
    outcome = Outcome()
    start = threading.Barrier(clients)

    def client(index: int, user: Any) -> None:
        skew = timedelta(seconds=-10) if index % 3 == 0 else timedelta(0)
        submitted = False
        start.wait()
        try:
            while time.monotonic() < stop_at:
                with gate:
                    try:
                        call = services.bid_modify if submitted else services.bid_submit
                        now = datetime.now(tz=deadline.tzinfo) + skew
                        ack = call(
                            actor=user, lot=lot, price_total=f"{200000 + index}.00", files=files, now=now
                        )
                    except ServiceError as exc:
                        with outcome.lock:
                            if exc.code == "bid.deadline_passed":
                                outcome.refused_deadline += 1
                                outcome.refused_by_database += exc.params["clock"] == "database"
                            else:
                                outcome.refused_other.append(exc.code)
                        if exc.code == "bid.deadline_passed":
                            return
                        continue
                    except Exception as exc:  # a crash fails the test below
                        with outcome.lock:
                            outcome.crashed.append(repr(exc))
                        return
                    finally:
                        connection.close()
                with outcome.lock:
                    outcome.acked.append((str(ack.version.pk), ack.version.received_at))
                submitted = True
                time.sleep(0.005)  # let the other clients have the connection slots
        finally:
            connection.close()

    stop_at = time.monotonic() + RACE_SECONDS + 3
    threads = [threading.Thread(target=client, args=(i, u)) for i, u in enumerate(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.monotonic() - began
    assert outcome.crashed == []
    # then every acknowledged bid is stored, and nothing else
    stored = dict(BidVersion.objects.values_list("id", "received_at"))
    acked = dict(outcome.acked)
    assert {str(k) for k in stored} == set(acked), "acknowledged and stored bids differ"
    assert len(stored) == len(outcome.acked)
    # each has its leaf in the transparency log: gap-free, one per version, rolled-back ones gone
    log = transparency.verify_log()
    assert log.problems == [] and log.leaves == len(stored)
    # none was received at or after the deadline, by the database clock
    assert all(received < deadline for received in stored.values())
    # every client was refused by the deadline in the end; the slow-clock ones by the database
    # clock (their application clock still said "before"), so the commit check was exercised
    slow_clients = len(range(0, clients, 3))
    assert outcome.refused_deadline == clients
    assert outcome.refused_by_database >= slow_clients
    assert BidSubmission.objects.count() >= 1
    assert outcome.refused_other == [] or set(outcome.refused_other) == {"bid.concurrent_change"}
    print(
        f"\n{connection.vendor}: {clients} clients, {len(stored)} bids stored = acknowledged, "
        f"{BidSubmission.objects.count()} clients got a bid in, {outcome.refused_deadline} refused at the "
        f"deadline ({outcome.refused_by_database} by the database clock), {elapsed:.2f} s"
    )
