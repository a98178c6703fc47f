"""Drill: kill -9 a gunicorn worker in the middle of a bid-deadline burst.

    python -m drills.bid_kill [--suppliers 40] [--clients 8] [--workers 3] [--burst 8]

The scene and the client loop are the bid-burst benchmark's (`benchmarks.bid_burst`): an announced
open tender, `--suppliers` eligible suppliers logged in through the form with the documents
obtained, then `--clients` threads submitting and modifying sealed bids until the deadline
(`--burst` seconds ahead by the database clock) refuses them. Once some receipts have come back, one
gunicorn worker is killed with SIGKILL (the master starts another). After the deadline the
procurement is opened by the platform's opening service (`procurement_open`), and every
acknowledged bid version is opened with the procurement's data key (`envelope.open_version`).

Checks: every acknowledged version is stored and opens (its sealed manifest and files decrypt and
match their digests); no version was received at or after the deadline; no 5xx answer; the master
replaced the killed worker; at most one request per killed worker was cut off (stored but not
acknowledged, or no answer).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time
from typing import Any

from benchmarks.bid_burst import (
    GRACE_SECONDS,
    BurstOutcome,
    Supplier,
    bidder,
    log_in_all,
    move_deadline,
    set_up,
)
from benchmarks.generate import setup_django
from benchmarks.run import child_pids, gunicorn, wait_ready
from drills.common import LOGS, DrillResult, drill_main, free_port, recreate_database, step, wait_until

NAME = "bid_kill"
DATABASE = "opengps_drills_bids"


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--suppliers", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (at least 2)")
    parser.add_argument("--burst", type=float, default=8.0, help="seconds from the start to the deadline")


def _burst(
    port: int, procurement_id: int, lot: int, suppliers: list[Supplier], clients: int, seconds: float
) -> tuple[BurstOutcome, list[threading.Thread], float]:
    """Start the benchmark's bidder threads with the deadline `seconds` ahead (as `bid_burst.burst`,
    but returning at once, so the drill can act while they run)."""
    from django.db import connection

    from opengps.procurement.clock import db_now

    deadline = move_deadline(procurement_id, seconds)
    remaining = (deadline - db_now()).total_seconds()
    connection.close()
    deadline_perf = time.perf_counter() + remaining
    outcome = BurstOutcome()
    threads = [
        threading.Thread(
            target=bidder,
            args=(port, procurement_id, lot, share, deadline_perf, deadline_perf + GRACE_SECONDS, outcome),
            daemon=True,
        )
        for share in (suppliers[i::clients] for i in range(clients))
        if share
    ]
    for thread in threads:
        thread.start()
    return outcome, threads, remaining


def _open_and_decrypt(procurement_id: int, acked: list[str]) -> dict[str, Any]:
    """Open the bids with the platform's service, then every acknowledged version with the key."""
    from opengps.accounts.models import User
    from opengps.procurement import sealing
    from opengps.procurement.envelope import open_version
    from opengps.procurement.models import BidVersion, Procurement
    from opengps.procurement.services import procurement_open

    procurement = Procurement.objects.get(pk=procurement_id)
    record = procurement_open(actor=User.objects.get(username="bench-purchaser"), procurement=procurement)
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    wrapped = sealing.WrappedKey.from_text(procurement.wrapped_key, procurement_id=procurement.reference)
    key = sealing.unwrap_for_opening(wrapped, deadline=procurement.bid_deadline, now=record.opened_at)
    versions = {
        str(v.pk): v
        for v in BidVersion.objects.filter(submission__procurement=procurement)
        .select_related("submission__lot", "submission__organization")
        .prefetch_related("files")
    }
    opened, problems = 0, []
    for version_id in acked:
        version = versions.get(version_id)
        if version is None:
            continue
        try:
            manifest = open_version(
                key, procurement, version.submission.lot, version.submission.organization, version
            )
        except sealing.SealError as exc:
            problems.append(f"{version_id}: {exc}")
            continue
        if manifest.get("price_total") and len(manifest.get("files", [])) == 3:
            opened += 1
    return {
        "readouts": record.bids_received,
        "valid": record.valid_bids,
        "decryptable": opened,
        "problems": problems[:3],
        "late": BidVersion.objects.filter(
            submission__procurement=procurement, received_at__gte=procurement.bid_deadline
        ).count(),
        "stored": set(versions),
    }


def run(args: argparse.Namespace, result: DrillResult) -> None:
    if args.workers < 2:
        raise SystemExit("--workers must be at least 2 (one is killed)")
    url = recreate_database(args.server_url, DATABASE, template=args.template)
    setup_django(url)
    with step(f"scene: {args.suppliers} suppliers, an announced open tender"):
        scene = set_up(args.suppliers)
    from django.db import connection

    connection.close()
    suppliers = [Supplier(name, n) for n, name in enumerate(scene.usernames)]
    port = free_port()
    with gunicorn(port, args.workers, url, LOGS / "bid_kill_gunicorn.log") as master:
        wait_ready(port, master)
        before = set(child_pids(master.pid))
        with step(f"{len(suppliers)} logins"):
            log_in_all(port, suppliers, scene.procurement_id, args.clients)
        outcome, threads, remaining = _burst(
            port, scene.procurement_id, scene.lot, suppliers, args.clients, args.burst
        )
        # kill a worker once receipts are coming back, well before the deadline
        wait_until(lambda: len(outcome.acked) >= 5, timeout=remaining, what="the first receipts")
        time.sleep(min(1.0, remaining / 4))
        victim = sorted(child_pids(master.pid))[0]
        acked_at_kill = len(outcome.acked)
        os.kill(victim, signal.SIGKILL)
        print(f"  killed gunicorn worker {victim} after {acked_at_kill} receipts", flush=True)
        replaced = wait_until(
            lambda: len(set(child_pids(master.pid)) - before) >= 1 and victim not in child_pids(master.pid),
            timeout=30,
            what="gunicorn to replace the killed worker",
        )
        for thread in threads:
            thread.join(timeout=remaining + GRACE_SECONDS + 60)
        if any(thread.is_alive() for thread in threads):
            raise RuntimeError("bid clients still running after the deadline")
    connection.close()
    with step("opening the bids and decrypting every acknowledged version"):
        opened = _open_and_decrypt(scene.procurement_id, list(outcome.acked))
    acked = set(outcome.acked)
    stored: set[str] = opened["stored"]
    server_errors = sum(n for status, n in outcome.statuses.items() if status.startswith("5"))
    cut_off = len(stored - acked) + sum(1 for e in outcome.errors if not e[:1].isdigit())
    result.figures = {
        "acknowledged": len(acked),
        "acknowledged_after_kill": len(outcome.acked) - acked_at_kill,
        "stored": len(stored),
        "decryptable": opened["decryptable"],
        "late": opened["late"],
        "5xx": server_errors,
        "cut_off": cut_off,
        "killed_worker_pid": victim,
    }
    if opened["problems"]:
        result.figures["decrypt_problems"] = "; ".join(opened["problems"])
    result.checks = {
        "every acknowledged bid stored": acked <= stored,
        "every acknowledged bid decryptable": opened["decryptable"] == len(acked),
        "none accepted after the deadline": opened["late"] == 0,
        "no 5xx answer": server_errors == 0,
        "bids acknowledged after the kill": len(outcome.acked) > acked_at_kill,
        "killed worker replaced": bool(replaced),
        "at most one request cut off": cut_off <= 1,
    }
    print(f"  statuses: {dict(outcome.statuses)}; errors: {outcome.errors[:3]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    return drill_main(NAME, run, argv, _arguments)


if __name__ == "__main__":
    raise SystemExit(main())
