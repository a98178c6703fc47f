"""Drill: kill -9 the task worker in the middle of a registry import, and again in the middle of an
open-data export.

    python -m drills.worker_kill [--rows 6000] [--records 2500]

Queues a registry import of a generated `--rows`-row workbook (`importing.import_job_create`, as
the upload form does) and a bulk open-data export over `--records` generated OCDS records
(`benchmarks.ocds_generate`, then `opendata.services.export_job_create`). Worker A
(`manage.py worker`) takes the import and is killed with SIGKILL while it validates or writes;
worker B reclaims it (`tasks.reclaim_lost`: the import's run is failed as WorkerLost, its retry
queued after the task's back-off), starts the export and is killed in turn; worker C reclaims the
export and runs both retries to the end.

Checks: both jobs succeeded once — the import created exactly `--rows` organizations, one
registry.org_created event each and one registry.import_completed; the export wrote every record
once and opendata.export_started is recorded once — and each task's result rows read WorkerLost
failure, then success. "Recover" is from the kill to the job's end, so it includes the task's
retry back-off (import 30 s, export 60 s: `tasks.background(backoff=…)`).
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from benchmarks.generate import setup_django
from drills.common import (
    LOGS,
    ROOT,
    DrillResult,
    drill_main,
    manage_env,
    recreate_database,
    step,
    stop_process,
    wait_until,
)

NAME = "worker_kill"
DATABASE = "opengps_drills_worker"
IMPORT_TASK = "opengps.registry.importing.import_job_task"
EXPORT_TASK = "opengps.opendata.services.export_job_task"
WORKER_LOST = "opengps.core.tasks.WorkerLost"


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=6000, help="organizations in the imported workbook")
    parser.add_argument("--records", type=int, default=2500, help="OCDS records to export")


def workbook(rows: int) -> tuple[bytes, list[str]]:
    """An import workbook of `rows` valid organizations (as the registry's import tests build it)."""
    from openpyxl import Workbook

    from opengps.registry import importing
    from opengps.registry.demo_names import make_uscc

    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会组织")
    sheet.append(list(importing.HEADERS))
    codes = []
    for n in range(rows):
        code = make_uscc(kind_code="2", region_code="430100", serial=200_000 + n)
        codes.append(code)
        values = {
            "名称": f"长沙市演练社会工作服务中心{n:05d}",
            "统一社会信用代码": code,
            "类型": "社会服务机构",
            "所在区划代码": "430104",
            "成立登记日期": date(2016, 1, 1) + (date(2016, 1, 2) - date(2016, 1, 1)) * (n % 2000),
            "登记层级": "市州级",
            "业务范围": "社会工作服务",
            "法定代表人": "王芳",
            "联系电话": "0731-88880000",
            "住所": "长沙市岳麓区",
            "慈善组织": "否",
            "行业协会商会": "",
            "社区社会组织": "否",
            "社区社会组织类别": "",
        }
        sheet.append([values[header] for header in importing.HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), codes


def _scene(rows: int, records: int) -> tuple[int, int, list[str]]:
    """The two jobs, queued as the screens queue them; returns (import job, export job, USCCs)."""
    from benchmarks.ocds_generate import generate
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import regions_load, unit_create, user_create
    from opengps.opendata.services import export_job_create
    from opengps.registry.importing import import_job_create

    regions_load()
    province = Region.objects.get(pk="430000")
    civil = unit_create(actor=None, name="湖南省民政厅", kind=Unit.Kind.CIVIL_AFFAIRS, region=province)
    registrar = user_create(
        actor=None,
        username="drill-registrar",
        password="drill-password-2026!",
        role="registration",
        unit=civil,
    )
    admin = user_create(actor=None, username="drill-admin", password="drill-password-2026!", role="admin")
    generate(records)
    content, codes = workbook(rows)
    job = import_job_create(
        actor=registrar, file=io.BytesIO(content), filename="演练导入.xlsx", size=len(content)
    )
    export = export_job_create(actor=admin)
    return job.pk, export.pk, codes


def _worker(url: str, tag: str) -> subprocess.Popen[bytes]:
    log = (LOGS / f"worker_kill_{tag}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "worker", "--interval", "0.2", "--no-schedule"],
        cwd=ROOT,
        env=manage_env(url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _kill(worker: subprocess.Popen[bytes]) -> datetime:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    return datetime.now(UTC)


def _export_file(job: Any, name: str) -> IO[bytes]:
    """One bulk file of an export job, opened for reading where the platform keeps it."""
    try:
        from opengps.opendata.selectors import export_name
        from opengps.opendata.storage import exports_storage
    except ImportError:  # before the exports moved to the storage API: a folder per job
        from django.conf import settings

        return (Path(settings.OPENGPS_OPENDATA_EXPORT_DIR) / f"job-{job.pk}" / name).open("rb")
    handle: IO[bytes] = exports_storage().open(export_name(job, name), "rb")
    return handle


def _records_in(job: Any, name: str) -> int:
    """Lines of records.jsonl in one yearly zip of the export."""
    with (
        _export_file(job, name) as handle,
        zipfile.ZipFile(handle) as archive,
        archive.open("records.jsonl") as f,
    ):
        return sum(1 for _ in f)


def _task_rows(path: str) -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path=path).order_by("enqueued_at"))


def run(args: argparse.Namespace, result: DrillResult) -> None:
    url = recreate_database(args.server_url, DATABASE, template=args.template)
    setup_django(url)
    from django.db import close_old_connections

    from opengps.core.models import AuditEvent
    from opengps.opendata.models import ExportJob, Record
    from opengps.registry.models import ImportJob, Organization

    with step(f"scene: a {args.rows}-row import and an export of {args.records} records, queued"):
        import_id, export_id, codes = _scene(args.rows, args.records)

    def job(model: Any, pk: int) -> Any:
        close_old_connections()
        return model.objects.get(pk=pk)

    workers: list[subprocess.Popen[bytes]] = []
    try:
        workers.append(_worker(url, "a"))
        wait_until(
            lambda: (
                (j := job(ImportJob, import_id)).status in ("validating", "writing")
                and j.processed_rows >= 1000
            ),
            timeout=90,
            what="worker A to be in the middle of the import",
            interval=0.05,
        )
        import_killed = _kill(workers[0])
        import_state = job(ImportJob, import_id)
        print(f"  killed worker A (pid {workers[0].pid}) in the import: {import_state.status}, "
              f"{import_state.processed_rows}/{import_state.total_rows} rows", flush=True)  # fmt: skip
        workers.append(_worker(url, "b"))
        wait_until(
            lambda: (j := job(ExportJob, export_id)).status == "running" and j.processed >= 500,
            timeout=90,
            what="worker B to be in the middle of the export",
            interval=0.05,
        )
        export_killed = _kill(workers[1])
        export_state = job(ExportJob, export_id)
        print(f"  killed worker B (pid {workers[1].pid}) in the export: {export_state.processed}/"
              f"{export_state.total} records", flush=True)  # fmt: skip
        workers.append(_worker(url, "c"))
        wait_until(
            lambda: (
                job(ImportJob, import_id).status in ("succeeded", "rejected", "failed")
                and job(ExportJob, export_id).finished
            ),
            timeout=240,
            what="worker C to finish both jobs (after their retry back-off)",
            interval=0.5,
        )
    finally:
        for worker in workers:
            stop_process(worker)

    close_old_connections()
    imported = ImportJob.objects.get(pk=import_id)
    exported = ExportJob.objects.get(pk=export_id)
    organizations = Organization.objects.filter(uscc__in=codes)
    created_events = AuditEvent.objects.filter(action="registry.org_created").count()
    completed_events = AuditEvent.objects.filter(action="registry.import_completed").count()
    export_events = AuditEvent.objects.filter(action="opendata.export_started").count()
    written = sum(_records_in(exported, str(entry["name"])) for entry in exported.files or [])
    tasks = {path: _task_rows(path) for path in (IMPORT_TASK, EXPORT_TASK)}
    histories = {
        path: [(row.status, row.exception_class_path.rsplit(".", 1)[-1] if row.status == "FAILED" else "")
               for row in rows]
        for path, rows in tasks.items()
    }  # fmt: skip

    def lost_then_done(path: str) -> bool:
        rows = tasks[path]
        return [r.status for r in rows] == ["FAILED", "SUCCESSFUL"] and rows[
            0
        ].exception_class_path == WORKER_LOST

    import_recover = (imported.finished_at - import_killed).total_seconds() if imported.finished_at else -1
    export_recover = (exported.finished_at - export_killed).total_seconds() if exported.finished_at else -1
    succeeded = int(imported.status == "succeeded") + int(exported.status == "succeeded")
    duplicates = (organizations.count() - organizations.values("uscc").distinct().count()) + max(
        0, created_events - args.rows
    ) + max(0, completed_events - 1) + max(0, export_events - 1)  # fmt: skip
    result.figures = {
        "jobs": 2,
        "completed": succeeded,
        "organizations": organizations.count(),
        "exported_records": written,
        "duplicates": duplicates,
        "import_recover_s": round(import_recover, 1),
        "export_recover_s": round(export_recover, 1),
    }
    result.checks = {
        "import succeeded once": imported.status == "succeeded"
        and imported.created_count == args.rows
        and organizations.count() == args.rows
        and created_events == args.rows
        and completed_events == 1,
        "export succeeded once": exported.status == "succeeded"
        and exported.processed == Record.objects.count() == written
        and export_events == 1,
        "no duplicates": duplicates == 0,
        "import task: WorkerLost, then success": lost_then_done(IMPORT_TASK),
        "export task: WorkerLost, then success": lost_then_done(EXPORT_TASK),
    }
    print(f"  task results: {histories}", flush=True)


def main(argv: list[str] | None = None) -> int:
    return drill_main(NAME, run, argv, _arguments)


if __name__ == "__main__":
    raise SystemExit(main())
