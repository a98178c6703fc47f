"""`opengps backup`: one file holding a consistent copy of the database, never over an existing file."""

from __future__ import annotations

import sqlite3
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.backends.sqlite3._functions import (  # type: ignore[import-untyped]
    register as register_sqlite_functions,
)

from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the backup reads committed data, as in production
def test_sqlite_backup_is_a_database_holding_the_data(tmp_path: Path, make_user: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup path (the PostgreSQL one is tested below)")
    # given an audited write
    make_user("registration")
    events = AuditEvent.objects.count()
    assert events > 0
    out = tmp_path / "nightly" / "opengps.sqlite3"
    # when the database is backed up
    stdout = StringIO()
    call_command("backup", "--output", str(out), stdout=stdout)
    # then the file is a SQLite database with the same audit chain, and nothing partial is left
    assert str(out) in stdout.getvalue()
    copy = sqlite3.connect(out)
    # the schema's CHECK constraints use Django's SQL functions (REGEXP, django_date_extract …), which
    # Django registers on its own connections: register the same ones on this plain connection
    register_sqlite_functions(copy)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM core_auditevent").fetchone() == (events,)
        assert copy.execute("SELECT count(*) FROM accounts_user").fetchone()[0] >= 1
    finally:
        copy.close()
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "kept.dump"
    out.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", "--output", str(out))
    assert out.read_bytes() == b"yesterday's backup"


def test_the_help_documents_the_restore() -> None:
    from opengps.core.management.commands.backup import Command

    text = Command().create_parser("opengps", "backup").format_help()
    assert "pg_restore --clean --if-exists" in text
    assert "createdb" in text and "OPENGPS_SEAL_KEK" in text


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_with_pg_restore(tmp_path: Path, make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs a PostgreSQL database (runs with DATABASE_URL=postgres://…)")
    # given an audited write, committed
    make_user("registration")
    events = AuditEvent.objects.count()
    out = tmp_path / "opengps.dump"
    # when the database is backed up
    call_command("backup", "--output", str(out), stdout=StringIO())
    # then pg_restore reads it and finds the audit events' data in it
    assert out.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run(  # noqa: S603 — pg_restore on PATH with fixed arguments
        ["pg_restore", "--list", str(out)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    assert "TABLE DATA public core_auditevent" in listing.stdout
    data = subprocess.run(  # noqa: S603 — as above
        ["pg_restore", "--data-only", "--table=core_auditevent", "--file=-", str(out)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    rows = data.stdout.split("COPY public.core_auditevent", 1)[1].split("\n\\.", 1)[0].strip().splitlines()
    assert len(rows) - 1 == events  # the COPY line's tail, then one line per event
