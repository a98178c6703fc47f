"""The public page of transparency-log checkpoints: signed heads, Beijing time, no procurement data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from opengps.core import transparency

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_signed_checkpoints_newest_first(clock_at: Any, tmp_path: Any, settings: Any) -> None:
    # given two checkpoints signed an hour apart
    settings.OPENGPS_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    clock_at(datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    first = transparency.checkpoint_create()
    clock_at(datetime(2026, 6, 1, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    second = transparency.checkpoint_create()
    # when the public opens the page, without logging in
    page = Client().get("/portal/checkpoints/")
    # then both are listed, newest first, in Beijing time, with the links to the JSON and the key
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("2026-06-01 10:30:00") < body.index("2026-06-01 09:00:00")
    assert second.root_hash[:10] in body and first.audit_hash[:10] in body
    assert "/api/v1/transparency/checkpoints" in body and "/api/v1/transparency/public-key" in body
    # and the portal's front page and the open-data page lead there
    assert "/portal/checkpoints/" in Client().get("/portal/").content.decode()
    assert "/portal/checkpoints/" in Client().get("/opendata/").content.decode()


def test_the_page_says_when_nothing_is_signed_yet() -> None:
    page = Client().get("/portal/checkpoints/")
    assert page.status_code == 200 and "尚未签署检查点" in page.content.decode()
