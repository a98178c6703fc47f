"""OCDS export benchmark: our full export (records with compiled releases) beside `ocdskit compile`.

    python -m benchmarks.ocds_export [--procurements 20000] [--database postgres://…/opengps_bench_ocds]

1. Generates (once, kept between runs) N procurements × several releases on PostgreSQL
   (`benchmarks.ocds_generate`).
2. Writes the same releases as a package stream (JSON Lines, one release package of ≤1,000
   releases per line, in feed order) — the input for ocdskit; not timed.
3. Runs, each in its own process, timed as a whole (start-up included) with its peak RSS
   (``wait4``):
   * **ours** — `opengps.opendata.services.record_lines` for every year: records (linked
     releases + the compiled release kept current as releases are appended), streamed from two
     server-side cursors to JSON Lines. This is what the bulk download runs.
   * **ours, recompiled** — the same records, but every compiled release merged again from its
     releases with `ocdsmerge` (streamed by ocid): the same work ocdskit does, for reference.
   * **ocdskit** — ``ocdskit compile --package --linked-releases --schema release-schema.json``
     on the package stream (its merge rules from the local schema: no network).
4. Checks that all three produced the same number of records and that a sample of compiled
   releases is identical, and writes benchmarks/results/ocds_export.{json,md}.

Targets: ours ≥ 2× ocdskit's records/s, and ours recompiled (every compiled release merged again
from its releases, as ocdskit does from scratch) ≥ 2× ocdskit's records/s too; our memory flat
in the number of records: the RSS is sampled every tenth of the records, and from half-way to
the end it may grow by at most 16 MiB (the first chunks of the two server-side cursors are a
constant warm-up; holding the records would grow with them). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.generate import ensure_database, setup_django
from benchmarks.ocds_generate import DEFAULT_DATABASE_URL, DEFAULT_PROCUREMENTS, DEFAULT_SEED, generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SCHEMA = ROOT.parent / "shared" / "ocds-1.1.5" / "release-schema.json"
FLAT_MIB = 16
TARGET_SPEEDUP = 2.0  # records/s against ocdskit, for the export and for the recompiled export
SAMPLE = 200


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0  # pragma: no cover — Linux only


# --- child processes ------------------------------------------------------------------------------


def child_export(out: Path, recompile: bool) -> dict[str, Any]:
    """Run in a fresh process: write every record as JSON Lines; report counts and RSS samples."""
    from opengps.opendata import ocds, services
    from opengps.opendata.models import Record, Release

    total = Record.objects.count()
    years = list(Record.objects.order_by("year").values_list("year", flat=True).distinct())
    base = services.public_base_url()
    written, samples = 0, {}
    started = time.perf_counter()
    merger = None
    if recompile:
        import ocdsmerge  # type: ignore[import-untyped]

        merger = ocdsmerge.Merger(merge_rules=services.merge_rules())
    with out.open("w", encoding="utf-8") as handle:
        for year in years:
            if merger is None:
                lines = services.record_lines(year, base=base)
            else:
                lines = _recompiled_lines(year, base, merger, Record, Release, ocds, services)
            for line in lines:
                handle.write(line)
                written += 1
                if written % max(1, total // 10) == 0:
                    samples[f"{written * 100 // max(total, 1)}%"] = _rss_mib()
    samples["end"] = _rss_mib()
    return {"records": written, "seconds_in_loop": time.perf_counter() - started, "rss_mib": samples}


def _recompiled_lines(
    year: int, base: str, merger: Any, Record: Any, Release: Any, ocds: Any, services: Any
) -> Any:
    rows = (
        Release.objects.filter(ocid__in=Record.objects.filter(year=year).values("ocid"))
        .order_by("ocid", "position")
        .values_list("ocid", "payload")
        .iterator(chunk_size=2000)
    )
    current = ""
    releases: list[dict[str, Any]] = []

    def line(ocid: str, items: list[dict[str, Any]]) -> str:
        linked = [
            {"url": services.linked_release_url(base, ocid, r["id"]), "date": r["date"], "tag": r["tag"]}
            for r in items
        ]
        compiled = ocds.dumps(merger.create_compiled_release(items))
        return f'{{"ocid":{ocds.dumps(ocid)},"releases":{ocds.dumps(linked)},"compiledRelease":{compiled}}}\n'

    for ocid, payload in rows:
        if ocid != current and releases:
            yield line(current, releases)
            releases = []
        current = ocid
        releases.append(json.loads(payload))
    if releases:
        yield line(current, releases)


# --- parent ------------------------------------------------------------------------------------


def write_package_stream(path: Path, batch: int = 1000) -> int:
    """The releases as JSON Lines of release packages (≤ `batch` releases each), in feed order."""
    from opengps.opendata import selectors
    from opengps.opendata.models import Release

    count, after = 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while True:
            rows = list(
                Release.objects.filter(position__gt=after)
                .order_by("position")
                .values_list("position", "payload")[:batch]
            )
            if not rows:
                return count
            uri = f"https://opengps.example.cn/api/v1/opendata/releases?after={after}&limit={batch}"
            header = selectors.package_header(uri=uri, published=None)
            header.pop("extensions")  # ocdskit would fetch extension schemas over the network
            body = json.dumps(header, ensure_ascii=False, separators=(",", ":"))
            handle.write(f'{body[:-1]},"releases":[{",".join(p for _pos, p in rows)}]}}\n')
            count += len(rows)
            after = rows[-1][0]


WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "sys.stderr.write('\\nPEAK_RSS_KIB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)
"""Runs the measured command from a small Python process: a child forked from this (large)
process would count this process's memory in its ``ru_maxrss``, a child of the wrapper does not."""


def run_measured(
    command: list[str],
    *,
    stdin: Path | None = None,
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run `command`; wall seconds and the peak RSS (MiB) of that process alone."""
    started = time.perf_counter()
    with (
        stdin.open("rb") if stdin else open(os.devnull, "rb") as source,
        stdout.open("wb") if stdout else open(os.devnull, "wb") as sink,
    ):
        process = subprocess.run(
            [sys.executable, "-c", WRAPPER, *command],
            stdin=source,
            stdout=sink,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
        seconds = time.perf_counter() - started
    stderr = process.stderr.decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}… failed ({process.returncode}):\n{stderr[-3000:]}")
    body, _sep, peak = stderr.rpartition("PEAK_RSS_KIB=")
    return {"seconds": seconds, "peak_rss_mib": int(peak.strip()) / 1024, "stderr": body}


def _compiled_sample(path: Path, *, ocdskit: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if ocdskit:
        import ijson  # type: ignore[import-untyped]

        with path.open("rb") as handle:
            for record in ijson.items(handle, "records.item", use_float=True):
                found[record["ocid"]] = record["compiledRelease"]
                if len(found) >= SAMPLE:
                    break
        return found
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            found[record["ocid"]] = record["compiledRelease"]
            if len(found) >= SAMPLE:
                break
    return found


def _count_ocdskit(path: Path) -> int:
    import ijson

    with path.open("rb") as handle:
        return sum(1 for _ocid in ijson.items(handle, "records.item.ocid"))


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _line in handle)


def render(report: dict[str, Any]) -> str:
    rows, machine, targets = report["runs"], report["machine"], report["targets"]
    lines = [
        "# OCDS export benchmark",
        "",
        f"{report['records']:,} records ({report['releases']:,} releases) on {machine['database']} · "
        f"{machine['cpus']} CPUs · Python {machine['python']} · ocdskit {machine['ocdskit']} · "
        f"**load average at start {machine['load_average_at_start']}**",
        "",
        "Caches: none between runs — each export is a fresh process reading PostgreSQL (the OS page "
        "cache stays warm). `ours` streams the compiled releases the platform keeps up to date as "
        "releases are written (that stored compilation is the platform's cache); `ours, recompiled` "
        "ignores it and merges every record again from its releases with ocdsmerge; ocdskit "
        "compiles from scratch from the package stream.",
        "",
        "| export | wall s | records/s | peak RSS MiB |",
        "|---|---:|---:|---:|",
    ]
    for name in ("ours", "ours_recompiled", "ocdskit"):
        run = rows[name]
        lines.append(
            f"| {run['label']} | {run['seconds']:.1f} | {run['rate']:,.0f} | {run['peak_rss_mib']:.0f} |"
        )
    rss = rows["ours"]["rss_mib"]
    lines += [
        "",
        f"- ours vs ocdskit: **{report['speedup']:.1f}×** records/s "
        f"(target ≥ {TARGET_SPEEDUP:g}×: {'met' if targets['rate']['met'] else 'MISSED'})",
        f"- ours recompiled (merging from releases, as ocdskit) vs ocdskit: "
        f"**{report['speedup_recompiled']:.1f}×** records/s "
        f"(target ≥ {TARGET_SPEEDUP:g}×: {'met' if targets['rate_recompiled']['met'] else 'MISSED'})",
        "- our RSS by share of records written: "
        + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())
        + f" MiB — from half-way to the end +{targets['memory']['growth_mib']:.1f} MiB "
        f"(flat within {FLAT_MIB} MiB: {'met' if targets['memory']['met'] else 'MISSED'})",
        f"- compiled releases identical to ocdskit's on a sample of {report['sample_identical']} records",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="OCDS export (records with compiled releases) vs ocdskit compile"
    )
    parser.add_argument(
        "--procurements",
        type=int,
        default=DEFAULT_PROCUREMENTS,
        help=f"contracting processes (default {DEFAULT_PROCUREMENTS:,})",
    )
    parser.add_argument(
        "--database",
        "--database-url",
        dest="database",
        default=os.environ.get("BENCH_OCDS_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL URL of the dedicated benchmark database",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--work-dir", type=Path, default=RESULTS / "ocds_export", help="where the exports are written"
    )
    parser.add_argument("--child", choices=("ours", "recompiled"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        setup_django(args.database)
        result = child_export(args.out, recompile=args.child == "recompiled")
        print(json.dumps(result), file=sys.stderr)
        return 0
    if not args.database.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL (--database postgres://…)")
    if not SCHEMA.is_file():
        raise SystemExit(f"OCDS release schema missing: {SCHEMA}")
    load_at_start = os.getloadavg()[0]
    if load_at_start > 0.5:
        print(f"note: load average {load_at_start:.2f} at start; other work on this machine skews results")
    ensure_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "opendata", verbosity=0)  # only the tables this benchmark uses
    records, releases, seconds = generate(args.procurements, args.seed)
    print(
        f"data: {records:,} records, {releases:,} releases"
        + (f" (generated in {seconds:.0f} s)" if seconds else " (reused)")
    )
    work: Path = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    stream = work / "releases.packages.jsonl"
    write_package_stream(stream)
    connection.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs: dict[str, Any] = {}
    for name, label in (
        ("ours", "ours (cached compiled releases)"),
        ("recompiled", "ours, recompiled with ocdsmerge"),
    ):
        out = work / f"records.{name}.jsonl"
        command = [
            sys.executable,
            "-m",
            "benchmarks.ocds_export",
            "--child",
            name,
            "--out",
            str(out),
            "--database",
            args.database,
        ]
        measured = run_measured(command, env=env)
        detail = json.loads(measured.pop("stderr").strip().splitlines()[-1])
        key = "ours" if name == "ours" else "ours_recompiled"
        runs[key] = {"label": label, **measured, **detail, "output": str(out)}
        print(f"{label}: {detail['records']:,} records in {measured['seconds']:.1f} s, ", end="")
        print(f"peak {measured['peak_rss_mib']:.0f} MiB")
    ocdskit = Path(sys.executable).with_name("ocdskit")
    kit_out = work / "records.ocdskit.json"
    command = [
        str(ocdskit),
        "compile",
        "--package",
        "--linked-releases",
        "--schema",
        str(SCHEMA),
        "--uri",
        "https://opengps.example.cn/records",
        "--published-date",
        "2026-01-01T00:00:00Z",
        "--publisher-name",
        "OpenGPS",
    ]
    measured = run_measured(command, stdin=stream, stdout=kit_out)
    measured.pop("stderr")
    runs["ocdskit"] = {
        "label": "ocdskit compile",
        **measured,
        "records": _count_ocdskit(kit_out),
        "output": str(kit_out),
    }
    print(f"ocdskit compile: {runs['ocdskit']['records']:,} records in {measured['seconds']:.1f} s, ", end="")
    print(f"peak {measured['peak_rss_mib']:.0f} MiB")
    for run in runs.values():
        run["rate"] = run["records"] / run["seconds"]
    ours, kit = (
        _compiled_sample(Path(runs["ours"]["output"]), ocdskit=False),
        _compiled_sample(kit_out, ocdskit=True),
    )
    recompiled = _compiled_sample(Path(runs["ours_recompiled"]["output"]), ocdskit=False)
    identical = sum(1 for ocid, compiled in ours.items() if kit.get(ocid) == compiled == recompiled.get(ocid))
    counts = {runs[k]["records"] for k in runs}
    if counts != {records}:
        raise SystemExit(
            f"record counts differ: { {k: v['records'] for k, v in runs.items()} } (expected {records})"
        )
    rss = runs["ours"]["rss_mib"]
    half, last = rss.get("50%", rss["end"]), max(rss.get("100%", 0.0), rss["end"])
    speedup = runs["ours"]["rate"] / runs["ocdskit"]["rate"]
    speedup_recompiled = runs["ours_recompiled"]["rate"] / runs["ocdskit"]["rate"]
    report = {
        "records": records,
        "releases": releases,
        "runs": runs,
        "speedup": speedup,
        "speedup_recompiled": speedup_recompiled,
        "sample_identical": identical,
        "targets": {
            "rate": {"target": TARGET_SPEEDUP, "value": speedup, "met": speedup >= TARGET_SPEEDUP},
            "rate_recompiled": {
                "target": TARGET_SPEEDUP,
                "value": speedup_recompiled,
                "met": speedup_recompiled >= TARGET_SPEEDUP,
            },
            "memory": {"target_mib": FLAT_MIB, "growth_mib": last - half, "met": last - half <= FLAT_MIB},
            "identical": {"met": identical == len(ours)},
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": round(load_at_start, 2),
            "python": platform.python_version(),
            "database": "PostgreSQL {}.{}".format(
                *divmod(connection.cursor().connection.info.server_version, 10000)
            ),
            "ocdskit": version("ocdskit"),
            "ocdsmerge": version("ocdsmerge"),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ocds_export.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    text = render(report)
    (RESULTS / "ocds_export.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
