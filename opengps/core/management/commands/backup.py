"""`opengps backup`: a consistent copy of the database in one file (pg_dump -Fc, or SQLite's backup API)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from argparse import RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter
from django.db import connection

from opengps.core import clock

RESTORE_HELP = """
Restore (PostgreSQL; the dump is pg_dump's custom format):
  into a new database:
    createdb -h HOST -U USER opengps_restored
    pg_restore --no-owner --exit-on-error -h HOST -U USER -d opengps_restored FILE
  over the existing database (stop the web and task workers first):
    pg_restore --clean --if-exists --no-owner --exit-on-error -h HOST -U USER -d opengps FILE
  then point DATABASE_URL at it and check the audit chain:  opengps audit verify
Restore (SQLite): stop the platform and copy FILE over the database file.

The dump holds the database only. Keep beside it, separately: the key-encryption key
(OPENGPS_SEAL_KEK or its file — without it sealed bids cannot be opened), the receipt key
(OPENGPS_RECEIPT_KEY or var/receipt_key) and MEDIA_ROOT (uploaded import workbooks, documents).
"""


class _Formatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = (
        "Back up the database to one file: PostgreSQL with `pg_dump -Fc` (a consistent snapshot, "
        "taken while the platform runs), SQLite with its online backup API. Default file "
        "var/backups/opengps-<UTC time>.dump (.sqlite3 for SQLite); an existing file is never "
        "overwritten.\n" + RESTORE_HELP
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _Formatter  # keeps the restore recipe's lines
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="the backup file to write (must not exist)")
        parser.add_argument(
            "--pg-dump",
            default=os.environ.get("OPENGPS_PG_DUMP", "pg_dump"),
            help="the pg_dump program (default: pg_dump on PATH, or OPENGPS_PG_DUMP)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        vendor = connection.vendor
        if vendor not in {"postgresql", "sqlite"}:
            raise CommandError(f"不支持的数据库 / unsupported database: {vendor}")
        suffix = ".dump" if vendor == "postgresql" else ".sqlite3"
        output: Path = options["output"] or (
            Path(settings.VAR_DIR) / "backups" / f"opengps-{clock.now():%Y%m%dT%H%M%SZ}{suffix}"
        )
        if output.exists():
            raise CommandError(f"备份文件已存在，不予覆盖 / {output} exists: choose another --output")
        output.parent.mkdir(parents=True, exist_ok=True)
        # written beside the target and renamed at the end: a failed backup never leaves a file
        # that looks like a good one
        partial = output.with_name(output.name + ".partial")
        try:
            if vendor == "postgresql":
                self._pg_dump(options["pg_dump"], partial)
            else:
                self._sqlite(partial)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        size = output.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"备份完成 / backup written: {output} ({size} bytes)"))

    def _pg_dump(self, program: str, path: Path) -> None:
        if shutil.which(program) is None:
            raise CommandError(f"找不到 pg_dump / {program} not found: install the PostgreSQL client")
        db = connection.settings_dict
        command = [program, "--format=custom", f"--file={path}", "--dbname", str(db["NAME"])]
        if db.get("HOST"):
            command += ["--host", str(db["HOST"])]
        if db.get("PORT"):
            command += ["--port", str(db["PORT"])]
        if db.get("USER"):
            command += ["--username", str(db["USER"])]
        env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")} if db.get("PASSWORD") else None
        done = subprocess.run(  # noqa: S603 — pg_dump with arguments from the settings, no shell
            [*command, "--no-password"], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise CommandError(f"pg_dump 失败 / pg_dump failed ({done.returncode}): {done.stderr.strip()}")

    def _sqlite(self, path: Path) -> None:
        if connection.in_atomic_block:
            # the backup would wait forever for this connection's own write lock
            raise CommandError("不能在事务中备份 / cannot back up from inside a transaction")
        connection.ensure_connection()
        source = connection.connection
        target = sqlite3.connect(path)
        try:
            # the online backup API: a consistent copy even while other connections write
            source.backup(target)
        finally:
            target.close()
