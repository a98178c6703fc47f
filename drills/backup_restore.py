"""Drill: back up a database with audited data, restore it into a new database, verify, write on.

    python -m drills.backup_restore

Loads the demo (`manage.py demo`: bids, audit events, open-data releases) and signs a transparency
checkpoint (`manage.py audit checkpoint`), backs the database up with `manage.py backup`, restores
the dump into a new database (`createdb` + `pg_restore`, as the command's help says) and runs
`manage.py audit verify` on the restored database. Then writes more there through the services
(milestones on a published contract: audited, each published as an OCDS release) and reads the
open-data change feed through the API from the start.

Checks: the restored database holds what the original held (events, releases, bids, chain head);
`audit verify` passes on it before and after the new writes; the change feed's positions run
1…N without a gap, the new releases right after the restored ones, and the API feed serves all N.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import time
from datetime import timedelta
from typing import Any

import psycopg

from benchmarks.generate import setup_django
from drills.common import LOGS, DrillResult, drill_main, manage, pg_bin, recreate_database, step

NAME = "backup_restore"
DATABASE = "opengps_drills_backup"
RESTORED = "opengps_drills_restored"
MILESTONES = 3

COUNTS = {
    "events": "SELECT count(*) FROM core_auditevent",
    "chain_head": "SELECT last_seq || ':' || last_hash FROM core_auditchainhead WHERE id = 1",
    "releases": "SELECT count(*) FROM opendata_release",
    "last_position": "SELECT coalesce(max(position), 0) FROM opendata_release",
    "bid_versions": "SELECT count(*) FROM procurement_bidversion",
    "checkpoints": "SELECT count(*) FROM core_transparencycheckpoint",
}


def counts(url: str) -> dict[str, Any]:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return {name: conn.execute(sql).fetchone()[0] for name, sql in COUNTS.items()}  # type: ignore[index]


def _checked(done: subprocess.CompletedProcess[str], what: str) -> str:
    if done.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}"
        )
    return done.stdout


def _said(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout.strip() or done.stderr.strip()[-300:]


def write_more() -> int:
    """Milestones on a published contract, by its purchaser, through the service; returns how many."""
    from opengps.accounts.models import User
    from opengps.contracts.models import Contract, ContractStatus
    from opengps.contracts.services import milestone_add

    contract = Contract.objects.filter(status=ContractStatus.PUBLISHED).order_by("pk").first()
    if contract is None:
        raise RuntimeError("the demo has no published contract to write on")
    purchaser = User.objects.filter(role="purchaser", unit_id=contract.purchaser_id, is_active=True).first()
    if purchaser is None:
        raise RuntimeError(f"no purchaser account for contract {contract.pk}")
    span = (contract.ends_on - contract.starts_on).days
    for n in range(1, MILESTONES + 1):
        milestone_add(
            actor=purchaser,
            contract=contract,
            title=f"恢复演练节点{n}：季度服务检查",
            due_on=contract.starts_on + timedelta(days=span * n // (MILESTONES + 1)),
        )
    return MILESTONES


def read_feed() -> tuple[list[str], int]:
    """Every release id the public change feed serves, following its next links; and the last cursor."""
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    ids: list[str] = []
    path, cursor = "/api/v1/opendata/releases?after=0&limit=100", 0
    for _ in range(10_000):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"feed answered {response.status_code}")
        ids += [release["id"] for release in response.json()["releases"]]
        cursor = int(response["OpenGPS-Feed-Cursor"])
        link = response.get("Link", "")
        if not link:
            break
        path = link.split(">", 1)[0].lstrip("<").split("testserver", 1)[-1]
    return ids, cursor


def run(args: argparse.Namespace, result: DrillResult) -> None:
    url = recreate_database(args.server_url, DATABASE, template=args.template)
    with step("demo data (manage.py demo) and a transparency checkpoint"):
        _checked(manage(["demo"], url, timeout=600), "manage.py demo")
        _checked(manage(["audit", "checkpoint"], url, timeout=120), "audit checkpoint")
    original = counts(url)
    dump = LOGS / f"backup-{time.strftime('%Y%m%dT%H%M%S')}.dump"
    started = time.perf_counter()
    _checked(manage(["backup", "--output", str(dump)], url, timeout=300), "manage.py backup")
    backup_s = time.perf_counter() - started
    started = time.perf_counter()
    restored_url = recreate_database(args.server_url, RESTORED)
    _checked(
        subprocess.run(
            [pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored_url, str(dump)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        ),
        "pg_restore",
    )
    restore_s = time.perf_counter() - started
    restored = counts(restored_url)
    verified = manage(["audit", "verify"], restored_url, timeout=300)
    print(
        f"  audit verify (restored): {verified.stdout.strip() or verified.stderr.strip()[-300:]}", flush=True
    )

    setup_django(restored_url)
    from django.db import connection

    from opengps.opendata.models import FeedHead, Release

    with step(f"writing {MILESTONES} milestones on the restored database"):
        written = write_more()
    positions = list(Release.objects.order_by("position").values_list("position", flat=True))
    head = FeedHead.objects.get(pk=1).last_position
    feed_ids, cursor = read_feed()
    connection.close()
    gaps = sum(1 for a, b in itertools.pairwise(positions) if b != a + 1) + int(
        bool(positions) and positions[0] != 1
    )
    new = [p for p in positions if p > restored["last_position"]]
    verified_after = manage(["audit", "verify"], restored_url, timeout=300)
    print(f"  audit verify (after writes): {_said(verified_after)}", flush=True)
    after = counts(restored_url)
    result.figures = {
        "events": restored["events"],
        "bid_versions": restored["bid_versions"],
        "releases": restored["releases"],
        "verified": "yes" if verified.returncode == 0 and verified_after.returncode == 0 else "NO",
        "new_releases": len(new),
        "feed_gap": gaps,
        "backup_s": round(backup_s, 1),
        "restore_s": round(restore_s, 1),
        "dump_kb": dump.stat().st_size // 1024,
    }
    result.checks = {
        "restored = original": restored == original,
        "audit verify passes on the restored database": verified.returncode == 0,
        "new writes audited and published": after["events"] > restored["events"] and len(new) >= 1,
        "audit verify passes after writing on": verified_after.returncode == 0,
        "feed positions 1…N without a gap": gaps == 0 and head == len(positions) == positions[-1],
        "new releases follow the restored ones": bool(new) and new[0] == restored["last_position"] + 1,
        "API feed serves every release": len(feed_ids) == len(positions) and cursor == head,
    }
    print(f"  original {original}\n  restored {restored}\n  wrote {written} milestones → {len(new)} releases")
    dump.unlink()


def main(argv: list[str] | None = None) -> int:
    return drill_main(NAME, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
