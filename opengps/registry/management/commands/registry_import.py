"""`manage.py registry_import FILE --user NAME [--mode all_or_nothing|valid_only]`: import with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opengps.accounts.models import User
from opengps.core.errors import ServiceError
from opengps.registry import importing
from opengps.registry.models import ImportJob


class Command(BaseCommand):
    help = "导入社会组织 Excel 工作簿（.xlsx），逐行校验并打印进度和校验报告。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="登记管理机关用户的用户名（操作人）")
        parser.add_argument("--mode", choices=ImportJob.Mode.values, default=ImportJob.Mode.ALL_OR_NOTHING)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = User.objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"用户不存在：{options['user']}")
        try:
            with path.open("rb") as handle:
                job = importing.import_job_create(
                    actor=actor,
                    file=handle,
                    filename=path.name,
                    size=path.stat().st_size,
                    mode=options["mode"],
                    start=False,
                )
        except ServiceError as exc:
            raise CommandError(f"{exc.code}: {exc.text()}") from exc

        def progress(current: ImportJob) -> None:
            self.stdout.write(
                f"[{current.get_status_display()}] {current.processed_rows}/{current.total_rows} "
                f"({current.percent}%)"
            )

        job = importing.import_job_run(job.pk, on_progress=progress)
        for error in job.report.get("errors", []):
            self.stdout.write(f"第{error['row']}行 {error['column']}：{error['message']} [{error['code']}]")
        if job.report.get("failure"):
            self.stderr.write(str(job.report["failure"]))
        self.stdout.write(
            f"任务 #{job.pk} {job.get_status_display()}：新建 {job.created_count}，错误 {job.error_count}"
        )
        if job.status != ImportJob.Status.SUCCEEDED:
            raise CommandError(f"导入未完成（{job.get_status_display()}）")
