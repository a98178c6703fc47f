"""Province-scale OCDS data for the export benchmark: N procurements × several releases each.

Benchmark data, not demo data: releases are synthesized with the shape `opengps.opendata.builders`
produces (parties with CN-USCI identifiers, tender with lots and amendments, bids after the
opening, awards, contracts with milestones and payments) and bulk-inserted with their feed
positions; each record's compiled release is made by `ocdsmerge` with the platform's merge rules (the same
result as the release-by-release fold the platform keeps as it appends releases).
No audit events are written. Use a dedicated database (default opengps_bench_ocds).

    python -m benchmarks.ocds_generate --procurements 20000 --database-url postgres://postgres@127.0.0.1:5432/opengps_bench_ocds
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.generate import ensure_database, setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_ocds"
DEFAULT_PROCUREMENTS = 20_000
DEFAULT_SEED = 20_261_130
BATCH = 1_000
PREFIX = "ocds-bench"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SERVICES = (
    "居家养老上门服务",
    "社区矫正社会工作服务",
    "儿童福利机构专业服务",
    "困难群众救助帮扶服务",
    "社区治理能力提升项目",
)
PLACES = (
    "长沙市",
    "株洲市",
    "湘潭市",
    "衡阳市",
    "邵阳市",
    "岳阳市",
    "常德市",
    "张家界市",
    "益阳市",
    "郴州市",
    "永州市",
    "怀化市",
    "娄底市",
    "湘西州",
)
METHODS = (("open", "公开招标"), ("limited", "竞争性磋商"), ("selective", "邀请招标"), ("direct", "单一来源"))


def _uscc(rng: random.Random) -> str:
    return "5243" + "".join(rng.choice(USCC_CHARS) for _ in range(14))


def _date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Process:
    """One synthetic contracting process: its ocid and its releases in order (tag, date, data)."""

    ocid: str
    releases: list[tuple[str, datetime, dict[str, Any]]]


def _party(uscc: str, name: str, roles: list[str], region: str) -> dict[str, Any]:
    return {
        "id": f"CN-USCI-{uscc}",
        "name": name,
        "roles": roles,
        "identifier": {"scheme": "CN-USCI", "id": uscc, "legalName": name},
        "address": {"region": region, "countryName": "中国"},
    }


def process(n: int, rng: random.Random, start: datetime) -> Process:
    """Releases of procurement `n`: tender, maybe an amendment, opening, award, contract, implementation."""
    ocid = f"{PREFIX}-HNZC-{start.year}-{n:06d}"
    place = rng.choice(PLACES)
    service = rng.choice(SERVICES)
    method, method_zh = rng.choice(METHODS)
    budget = rng.randrange(100_000, 3_000_000, 1_000)
    lots = rng.choice((1, 1, 1, 2, 3))
    buyer_uscc = "1143" + "".join(rng.choice(USCC_CHARS) for _ in range(14))
    buyer = {"id": f"CN-USCI-{buyer_uscc}", "name": f"{place}民政局"}
    bidders = [
        (_uscc(rng), f"{place}{rng.choice('仁爱阳光康乐和美')}社会工作服务中心{i}")
        for i in range(rng.randint(3, 6))
    ]
    moment = start + timedelta(minutes=n * 7 % 500_000)
    base_parties = [_party(buyer_uscc, buyer["name"], ["buyer", "procuringEntity"], place)]
    lot_rows: list[dict[str, Any]] = [
        {
            "id": str(i),
            "title": f"{service}第{i}包",
            "value": {"amount": budget // lots, "currency": "CNY"},
            "status": "active",
        }
        for i in range(1, lots + 1)
    ]
    tender: dict[str, Any] = {
        "id": ocid.removeprefix(f"{PREFIX}-"),
        "title": f"{place}{service}项目",
        "description": f"为{place}辖区提供{service}，服务期一年。" * 3,
        "status": "active",
        "procuringEntity": buyer,
        "items": [
            {"id": lot["id"], "description": lot["title"], "relatedLot": lot["id"]} for lot in lot_rows
        ],
        "lots": lot_rows,
        "value": {"amount": budget, "currency": "CNY"},
        "procurementMethod": method,
        "procurementMethodDetails": method_zh,
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": _date(moment), "endDate": _date(moment + timedelta(days=20))},
    }
    planning = {
        "budget": {
            "id": f"PLAN-{n}",
            "description": f"{place}民政专项资金",
            "amount": {"amount": budget, "currency": "CNY"},
        }
    }

    def release(tag: str, when: datetime, **sections: Any) -> tuple[str, datetime, dict[str, Any]]:
        data = {
            "ocid": ocid,
            "id": "",
            "date": _date(when),
            "tag": [tag],
            "initiationType": "tender",
            "language": "zh",
        }
        data.update(sections)
        return tag, when, data

    out = [
        release("tender", moment, planning=planning, tender=dict(tender), parties=base_parties, buyer=buyer)
    ]
    if rng.random() < 0.5:
        moment += timedelta(days=5)
        tender = {
            **tender,
            "amendments": [
                {
                    "id": "clarification-1",
                    "date": _date(moment),
                    "rationale": "澄清",
                    "description": "服务范围包括法定节假日。",
                }
            ],
        }
        out.append(
            release(
                "tenderAmendment", moment, planning=planning, tender=tender, parties=base_parties, buyer=buyer
            )
        )
    moment += timedelta(days=16)
    details, statistics = [], []
    prices = {}
    for lot in lot_rows:
        for uscc, name in bidders:
            price = rng.randrange(int(lot["value"]["amount"] * 0.8), int(lot["value"]["amount"]), 100)
            prices[(lot["id"], uscc)] = price
            details.append(
                {
                    "id": f"{lot['id']}-{uscc}",
                    "date": _date(moment - timedelta(days=1)),
                    "status": "valid",
                    "tenderers": [{"id": f"CN-USCI-{uscc}", "name": name}],
                    "value": {"amount": price, "currency": "CNY"},
                    "relatedLots": [lot["id"]],
                }
            )
        statistics.append(
            {"id": f"{lot['id']}-bids", "measure": "bids", "value": len(bidders), "relatedLot": lot["id"]}
        )
    parties = base_parties + [_party(u, name, ["tenderer"], place) for u, name in bidders]
    opened = {
        **tender,
        "numberOfTenderers": len(bidders),
        "tenderers": [{"id": f"CN-USCI-{u}", "name": m} for u, m in bidders],
    }
    bids = {"statistics": statistics, "details": details}
    out.append(
        release(
            "tenderUpdate", moment, planning=planning, tender=opened, bids=bids, parties=parties, buyer=buyer
        )
    )
    moment += timedelta(days=10)

    def cheapest(lot_id: str) -> tuple[str, str]:
        return min(bidders, key=lambda bidder: prices[(lot_id, bidder[0])])

    winners = {lot["id"]: cheapest(lot["id"]) for lot in lot_rows}
    awards = [
        {
            "id": f"lot-{lot_id}",
            "status": "active",
            "date": _date(moment),
            "value": {"amount": prices[(lot_id, w[0])], "currency": "CNY"},
            "suppliers": [{"id": f"CN-USCI-{w[0]}", "name": w[1]}],
            "relatedLots": [lot_id],
        }
        for lot_id, w in winners.items()
    ]
    winner_ids = {w[0] for w in winners.values()}
    parties = base_parties + [
        _party(u, name, ["tenderer", "supplier"] if u in winner_ids else ["tenderer"], place)
        for u, name in bidders
    ]
    done = {**opened, "status": "complete"}
    out.append(
        release(
            "award",
            moment,
            planning=planning,
            tender=done,
            bids=bids,
            awards=awards,
            parties=parties,
            buyer=buyer,
        )
    )
    moment += timedelta(days=12)
    contracts: list[dict[str, Any]] = [
        {
            "id": f"HT-{n}-{lot_id}",
            "awardID": f"lot-{lot_id}",
            "title": f"{service}合同",
            "status": "active",
            "period": {"startDate": _date(moment), "endDate": _date(moment + timedelta(days=364))},
            "value": {"amount": prices[(lot_id, w[0])], "currency": "CNY"},
            "dateSigned": _date(moment),
            "milestones": [
                {
                    "id": f"M{i}",
                    "title": f"第{i}季度服务",
                    "type": "delivery",
                    "dueDate": _date(moment + timedelta(days=91 * i)),
                    "status": "scheduled",
                }
                for i in range(1, 5)
            ],
        }
        for lot_id, w in winners.items()
    ]
    common = {
        "planning": planning,
        "tender": done,
        "bids": bids,
        "awards": awards,
        "parties": parties,
        "buyer": buyer,
    }
    out.append(release("contract", moment, contracts=contracts, **common))
    for quarter in range(1, rng.randint(1, 3)):
        moment += timedelta(days=91)
        contracts = [
            {
                **c,
                "milestones": [
                    {**m, "status": "met", "dateMet": _date(moment)} if i < quarter else m
                    for i, m in enumerate(c["milestones"])
                ],
                "implementation": {
                    "transactions": [
                        {
                            "id": f"{c['id']}-P{q}",
                            "date": _date(moment),
                            "value": {"amount": c["value"]["amount"] // 4, "currency": "CNY"},
                            "payer": buyer,
                        }
                        for q in range(1, quarter + 1)
                    ]
                },
            }
            for c in contracts
        ]
        out.append(release("implementation", moment, contracts=contracts, **common))
    return Process(ocid, out)


def generate(procurements: int, seed: int = DEFAULT_SEED) -> tuple[int, int, float]:
    """Insert the processes (skipped when the database already holds them). Returns (records, releases, s)."""
    from django.db import transaction

    from opengps.opendata import ocds
    from opengps.opendata.models import FeedHead, Record, Release
    from opengps.opendata.services import merge_rules

    started = time.perf_counter()
    have = Record.objects.filter(ocid__startswith=PREFIX).count()
    if have == procurements:
        return have, Release.objects.filter(ocid__startswith=PREFIX).count(), 0.0
    Release.objects.all().delete()
    Record.objects.all().delete()
    import ocdsmerge  # type: ignore[import-untyped]

    merger = ocdsmerge.Merger(merge_rules=merge_rules())
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    position = 0
    releases: list[Release] = []
    records: list[Record] = []

    def flush() -> None:
        with transaction.atomic():
            Release.objects.bulk_create(releases, batch_size=BATCH)
            Record.objects.bulk_create(records, batch_size=BATCH)
        releases.clear()
        records.clear()

    for n in range(1, procurements + 1):
        proc = process(n, rng, start)
        for tag, when, data in proc.releases:
            position += 1
            data["id"] = f"{proc.ocid}-{position}"
            releases.append(
                Release(
                    position=position,
                    ocid=proc.ocid,
                    release_id=data["id"],
                    tag=tag,
                    date=when,
                    payload=ocds.dumps(data),
                )
            )
        # One merge of the whole history: equal to the release-by-release fold the platform keeps
        # (test_services_scenarios checks that equality), and much quicker to generate.
        compiled = ocds.dumps(merger.create_compiled_release([data for _t, _w, data in proc.releases]))
        first = proc.releases[0][1]
        records.append(
            Record(
                ocid=proc.ocid,
                year=first.astimezone(ocds.BEIJING).year,
                release_count=len(proc.releases),
                last_position=position,
                compiled=compiled,
            )
        )
        if len(records) >= BATCH:
            flush()
            print(f"\rgenerated {n}/{procurements} procurements, {position} releases", end="", flush=True)
    flush()
    FeedHead.objects.update_or_create(pk=1, defaults={"last_position": position})
    print()
    return procurements, position, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate OCDS releases and records for the export benchmark"
    )
    parser.add_argument("--procurements", type=int, default=DEFAULT_PROCUREMENTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--database-url",
        "--database",
        default=os.environ.get("BENCH_OCDS_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", "opendata", verbosity=0)  # only the tables this benchmark uses
    records, releases, seconds = generate(args.procurements, args.seed)
    print(f"{records} records, {releases} releases ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
