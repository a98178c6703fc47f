"""Run the fault drills, print each one's figures and a table; exit 1 if any check fails.

    python -m drills.run [--only NAME[,NAME…]] [--server-url postgres://postgres@127.0.0.1:5432]

Recreates and migrates the template database `opengps_drills`, then runs each drill in its own
process (`python -m drills.<name>`, a fresh database copied from the template), bounded by the
drill's time limit: past it the drill is sent SIGTERM (it stops what it started) and, 30 s later,
its process group SIGKILL.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from drills.common import ROOT, SERVER_URL, TEMPLATE, DrillResult, prepare_template

DRILLS: dict[str, tuple[str, float]] = {
    "bid_kill": ("kill -9 a gunicorn worker in a bid-deadline burst", 300),
    "worker_kill": ("kill -9 the task worker in an import and an export", 420),
    "pg_restart": ("restart PostgreSQL under load", 300),
    "backup_restore": ("back up, restore into a new database, verify, write on", 420),
}
"""name → (what it does, time limit in seconds)."""


def run_one(name: str, server_url: str, limit: float) -> DrillResult:
    with tempfile.TemporaryDirectory(prefix="opengps-drill-") as folder:
        result_path = Path(folder) / "result.json"
        command = [sys.executable, "-m", f"drills.{name}", "--server-url", server_url]
        command += ["--template", TEMPLATE, "--result", str(result_path)]
        process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)  # the drill unwinds and stops its gunicorn, workers, cluster
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group this runner started for the drill
                process.wait(timeout=10)
            return DrillResult(name, error=f"did not finish within {limit:.0f} s", seconds=limit)
        except KeyboardInterrupt:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            raise
        if not result_path.exists():
            return DrillResult(name, error=f"exited with {process.returncode} without a result")
        data = json.loads(result_path.read_text(encoding="utf-8"))
        return DrillResult(**data)


def table(results: Sequence[DrillResult]) -> str:
    lines = ["| drill | figures | seconds | result |", "| --- | --- | ---: | --- |"]
    for r in results:
        figures = ", ".join(f"{k}={v}" for k, v in r.figures.items()) or "—"
        if r.error:
            verdict = f"ERROR: {r.error}"
        elif r.ok:
            verdict = "ok"
        else:
            verdict = "FAILED: " + "; ".join(k for k, met in r.checks.items() if not met)
        lines.append(f"| {r.name} | {figures} | {r.seconds:.1f} | {verdict} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fault drills (see drills/README.md)")
    parser.add_argument("--only", action="append", default=[], help=f"drill(s) to run: {', '.join(DRILLS)}")
    parser.add_argument("--server-url", default=SERVER_URL, help="PostgreSQL server (no database name)")
    args = parser.parse_args(argv)
    names = [n.strip() for chunk in args.only for n in chunk.split(",") if n.strip()] or list(DRILLS)
    unknown = [n for n in names if n not in DRILLS]
    if unknown:
        parser.error(f"unknown drill(s) {', '.join(unknown)}; choose from {', '.join(DRILLS)}")
    started = time.perf_counter()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(f"template database {TEMPLATE}: migrated in {prepare_template(args.server_url):.1f} s", flush=True)
    results = []
    for name in names:
        what, limit = DRILLS[name]
        print(f"\n== {name}: {what} (at most {limit:.0f} s)", flush=True)
        results.append(run_one(name, args.server_url, limit))
    print(f"\n{table(results)}\n")
    passed = sum(r.ok for r in results)
    print(
        f"{passed}/{len(results)} drills passed in {time.perf_counter() - started:.0f} s; "
        f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
