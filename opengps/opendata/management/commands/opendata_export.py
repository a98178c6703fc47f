"""`manage.py opendata_export`: write the yearly bulk downloads with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opengps.opendata import services
from opengps.opendata.models import ExportJob

WIDTH = 40


class Command(BaseCommand):
    help = "生成开放数据批量下载文件（每年一个 zip：records.jsonl 与 releases.jsonl），显示进度。"

    def handle(self, *args: Any, **options: Any) -> None:
        job = services.export_job_create(actor=None, start=False)

        def progress(current: ExportJob) -> None:
            filled = WIDTH * current.percent // 100
            bar = "#" * filled + "." * (WIDTH - filled)
            self.stdout.write(
                f"\r[{bar}] {current.percent:3d}% {current.processed}/{current.total}", ending=""
            )
            self.stdout.flush()

        job = services.export_job_run(job.pk, on_progress=progress)
        self.stdout.write("")
        if job.status != ExportJob.Status.SUCCEEDED:
            raise CommandError(job.error or "导出失败")
        for entry in job.files:
            self.stdout.write(
                f"{entry['name']}: 记录 {entry['records']}，发布 {entry['releases']}，{entry['size']} 字节，"
                f"SHA-256 {entry['sha256']}"
            )
