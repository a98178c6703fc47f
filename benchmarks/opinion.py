"""Opinion ingest benchmark: 100,000 items matched against 30,000 organizations and stored in
PostgreSQL through the batch ingest, or (``--memory``) the in-memory hot path alone.

    python -m benchmarks.opinion [--items 100000] [--organizations 30000] [--batch 1000] [--seed 21]
                                 [--database-url URL] [--memory]

Generates `--organizations` organization names (city + district + theme + kind + serial, so names
nest and share prefixes as real ones do, plus one short name for every tenth) and `--items`
news-style texts of 100–400 characters, about half naming one or two organizations, built from the
shipped training sentences; each round's texts are new (made before the round, not timed).

Store mode (the default, `make bench-opinion`): creates the dedicated database if missing (default
opengps_bench_opinion; the name must start with opengps_bench), migrates it, bulk-creates the
organizations and their short names once (kept for the next run with the same size and seed),
empties the opinion tables, builds the matcher from the database (`selectors.matcher`, timed), then
ingests the items `--batch` at a time through `services.items_collect` — checking, classifying,
matching, deduplicating by URL and simhash against the database, bulk-inserting items, matches and
audit events, alerts, one transaction per batch — in rounds of 10,000 items. One entry in 50 repeats
an earlier URL and one in 50 reposts an earlier text under a byline (duplicates by design, within a
batch and across batches). Reports items/s overall and per round, rows stored checked by a count
(items minus duplicates), the current resident memory after each round and the load average before
and after; writes results/opinion_ingest.{json,md}.

Memory mode (`--memory`, no database): `Matcher.find` + `rules.opinion.classify` + `textsim.simhash`
of each text against a bare baseline (`textsim.normalize`); writes results/opinion_ingest_memory.{json,md}.

Memory is "flat" when the last round's resident memory (/proc/self/statm, not the peak) is within
`FLAT_MB` of the first round's (the warm-up). Exits 1 under 1,000 items/s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from opengps.opinion import textsim
from opengps.opinion.matching import Matcher, Name
from opengps.rules.opinion import classify
from opengps.rules.opinion_tone import TRAINING_FILE

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_opinion"
DATA = TRAINING_FILE
TARGET = 1_000.0
ROUND = 10_000
CITIES = [
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
]
DISTRICTS = [
    "",
    "岳麓区",
    "芙蓉区",
    "天心区",
    "开福区",
    "雨花区",
    "望城区",
    "宁乡市",
    "浏阳市",
    "长沙县",
    "湘潭县",
]
THEMES = ["阳光", "爱心", "晚晴", "朝阳", "春晖", "同心", "善行", "益友", "康宁", "福寿", "青禾", "星火"]
KINDS = [
    "养老服务中心",
    "社会工作服务中心",
    "慈善会",
    "志愿者协会",
    "公益基金会",
    "康复服务中心",
    "商会",
    "托育服务中心",
    "社区服务中心",
    "青少年服务中心",
]


FLAT_MB = 5.0
"""Memory is flat when the last round's resident memory is at most this much above the first's."""


def rss_mb() -> float:
    """The current resident memory (Linux /proc/self/statm; the peak where that is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * resource.getpagesize() / 2**20


def names(count: int, rng: random.Random) -> list[Name]:
    made = []
    for n in range(count):
        full = f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}{rng.choice(THEMES)}{rng.choice(KINDS)}{n}"
        region = f"43{rng.randint(1, 13):02d}{rng.randint(0, 30):02d}"
        made.append(Name(full, n, region, "full"))
        if n % 10 == 0:
            made.append(Name(f"{rng.choice(THEMES)}{rng.choice(KINDS)}第{n}分部", n, region, "short"))
    return made


def texts(count: int, organizations: list[Name], rng: random.Random) -> list[str]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    sentences = [line.split("\t", 1)[1] for line in lines if line and not line.startswith("#")]
    made = []
    for _n in range(count):
        parts = [rng.choice(sentences) for _k in range(rng.randint(3, 8))]
        for _m in range(rng.choice((0, 0, 1, 2))):
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(organizations).text + "表示，")
        made.append("".join(parts))
    return made


def run_memory(items: int, organizations: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    orgs = names(organizations, rng)
    load_before = [round(value, 2) for value in os.getloadavg()]
    started = time.perf_counter()
    matcher = Matcher(orgs, [("430104", "岳麓区"), ("430321", "湘潭县")])
    build_s = time.perf_counter() - started
    classify("预热")  # trains the tone model once, outside the timed rounds (a fraction of a second)
    rounds = []
    done = 0
    base_s = ingest_s = 0.0
    matched = 0
    while done < items:
        batch = texts(min(ROUND, items - done), orgs, rng)  # new texts each round, not timed
        t0 = time.perf_counter()
        for text in batch:
            textsim.normalize(text)
        t1 = time.perf_counter()
        for text in batch:
            matched += bool(matcher.find(text))
            classify(text)
            textsim.simhash(text)
        t2 = time.perf_counter()
        base_s += t1 - t0
        ingest_s += t2 - t1
        done += len(batch)
        rounds.append(
            {
                "items": done,
                "items_per_s": round(len(batch) / (t2 - t1)),
                "rss_mb": round(rss_mb(), 1),
                "load_1min": round(os.getloadavg()[0], 2),
            }
        )
        del batch
    first, last = rounds[0]["rss_mb"], rounds[-1]["rss_mb"]
    return {
        "items": items,
        "organizations": organizations,
        "names": matcher.size,
        "matcher_build_s": round(build_s, 2),
        "baseline_items_per_s": round(items / base_s),
        "ingest_items_per_s": round(items / ingest_s),
        "items_naming_an_organization": matched,
        "rss_mb_after_warm_up": first,
        "rss_mb_at_end": last,
        "memory_flat": last - first <= FLAT_MB,
        "rounds": rounds,
        "load_average_before": load_before,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def memory_markdown(result: dict[str, Any]) -> str:
    first, last = result["rss_mb_after_warm_up"], result["rss_mb_at_end"]
    speeds = [row["items_per_s"] for row in result["rounds"]]
    return "\n".join(
        [
            "# Opinion ingest (matching + tone + simhash), no database",
            "",
            f"- {result['items']:,} items against {result['organizations']:,} organizations "
            f"({result['names']:,} names); matcher built in {result['matcher_build_s']} s",
            f"- baseline (normalize only): {result['baseline_items_per_s']:,} items/s",
            f"- ingest: **{result['ingest_items_per_s']:,} items/s** (target ≥ {TARGET:,.0f})",
            f"- items naming an organization: {result['items_naming_an_organization']:,}",
            f"- per round of {ROUND:,} items: {min(speeds):,}–{max(speeds):,} items/s",
            f"- resident memory: {first} MB after the first round (warm-up), {last} MB after the last: "
            + ("flat" if result["memory_flat"] else f"grew more than {FLAT_MB} MB"),
            f"- load average before {result['load_average_before']}, after {result['load_average']} "
            f"on {result['cpus']} CPUs (a shared machine), Python {result['python']}",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--organizations", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=1_000, help="items per items_collect call (store mode)")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--memory", action="store_true", help="the in-memory hot path only, no database")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_OPINION_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    if args.memory:
        result = run_memory(args.items, args.organizations, args.seed)
        speed, name, markdown = result["ingest_items_per_s"], "opinion_ingest_memory", memory_markdown(result)
    else:
        if not args.database_url.startswith("postgres"):
            parser.error("store mode runs on PostgreSQL (--database-url postgres://…)")
        if not args.database_url.rsplit("/", 1)[-1].startswith("opengps_bench"):
            parser.error("use a dedicated database whose name starts with opengps_bench")
        if not 1 <= args.batch <= 5_000:
            parser.error("--batch must be in [1, 5000]")
        from benchmarks.opinion_store import run_store, store_markdown

        result = run_store(args.items, args.organizations, args.seed, args.batch, args.database_url)
        speed, name, markdown = result["items_per_s"], "opinion_ingest", store_markdown(result)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)
    return 0 if speed >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
