"""Entering next year's holiday notice by pasting it, and the rollover warning until someone does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.checks import WARNING, run_checks
from django.db import OperationalError
from django.test import Client

from opengps.core import calendar_sync, checks
from opengps.core.models import AuditEvent, HolidayYear
from opengps.rules import calendar
from opengps.workbench.services import holiday_year_register

BEIJING = ZoneInfo("Asia/Shanghai")
NOTICES = Path(__file__).resolve().parents[2] / "rules" / "tests" / "data"

# A notice for a year nobody can know yet, in the State Council's wording (weekdays are 2027's).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕9号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
三、中秋节：9月15日（周三）放假1天，不调休。
四、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
"""
HOLIDAYS_2027 = [
    *(f"2027-01-0{d}" for d in (1, 2, 3)),
    *(f"2027-02-{d:02}" for d in range(5, 13)),
    "2027-09-15",
    *(f"2027-10-0{d}" for d in range(1, 8)),
]
WORKDAYS_2027 = ["2027-02-14", "2027-02-20", "2027-09-26", "2027-10-09"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_calendar() -> Iterator[None]:
    calendar.reset_to_shipped()
    yield
    calendar.reset_to_shipped()


def _at(year: int, month: int, day: int) -> Any:
    return time_machine.travel(datetime(year, month, day, 10, tzinfo=BEIJING), tick=False)


# --- entering a notice --------------------------------------------------------------------------


def test_admin_pastes_a_notice_checks_its_calendar_and_confirms(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    admin = make_user("admin", unit=None)
    client.force_login(admin)
    assert 2027 not in calendar.known_years()
    assert 'name="text"' in client.get("/calendar/notice/").content.decode()
    # when the notice is pasted
    preview = client.post("/calendar/notice/", {"text": NOTICE_2027, "year": ""})
    # then its calendar is shown for confirmation, and nothing is stored yet
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "核对 2027 年节假日安排" in html
    assert "2027-02-05 星期五 — 2027-02-12 星期五" in html
    assert "2027-02-14 星期日" in html and "2027-10-09 星期六" in html
    assert '<span class="badge info">02-20 班</span>' in html  # the week grid
    assert 'title="春节">02-08 休</span>' in html
    assert 'action="/calendar/notice/confirm/"' in html
    assert not HolidayYear.objects.exists()
    # when confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/calendar/notice/confirm/", {"text": NOTICE_2027, "year": ""})
    # then it is stored, audited and in force
    assert response.status_code == 302 and response["Location"] == "/calendar/notice/"
    row = HolidayYear.objects.get(year=2027)
    assert row.holidays == HOLIDAYS_2027 and row.workdays == WORKDAYS_2027
    assert row.source == "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕9号）"
    assert row.entered_by == admin
    event = AuditEvent.objects.get(action="calendar.year_registered")
    assert event.actor_id == admin.pk and event.object_id == str(row.pk)
    assert event.old_values == {}
    assert event.new_values == {"holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027, "source": row.source}
    assert 2027 in calendar.known_years()
    assert calendar.is_working_day(date(2027, 2, 20)) is True  # a Saturday worked
    assert calendar.is_working_day(date(2027, 2, 8)) is False  # a Monday of the Spring Festival
    listing = client.get("/calendar/notice/").content.decode()
    assert "已录入 2027 年节假日安排：19 天法定节假日、4 个调休上班日" in listing
    assert "国办发明电〔2026〕9号" in listing


def test_a_notice_for_a_year_already_in_force_says_what_it_replaces(client: Client, make_user: Any) -> None:
    admin = make_user("admin", unit=None)
    client.force_login(admin)
    shipped = client.post("/calendar/notice/", {"text": (NOTICES / "holiday_notice_2026.txt").read_text()})
    assert "平台自带 2026 年的安排，确认后以录入的通知为准" in shipped.content.decode()
    holiday_year_register(actor=admin, year=2027, holidays=["2027-01-01"], workdays=[], source="初录")
    entered = client.post("/calendar/notice/", {"text": NOTICE_2027})
    assert "2027 年已录入过通知（初录），确认后将被替换" in entered.content.decode()


def test_an_unreadable_line_is_named_beside_the_field_and_nothing_is_stored(
    client: Client, make_user: Any
) -> None:
    # given a notice whose Spring Festival line is garbled
    client.force_login(make_user("admin", unit=None))
    bad_line = "二、春节：2月5日（周五）到12日（周五）放假调休，共8天。"
    text = NOTICE_2027.replace(NOTICE_2027.splitlines()[6], bad_line)
    for url in ("/calendar/notice/", "/calendar/notice/confirm/"):
        # when
        response = client.post(url, {"text": text})
        # then
        html = response.content.decode()
        assert response.status_code == 400
        assert 'aria-invalid="true" aria-describedby="err-text"' in html
        error = html.split('id="err-text"')[1].split("</p>")[0]
        assert "第 7 行" in error and bad_line in error
        assert "二、春节：2月5日（周五）到12日" in html.split("</textarea>")[0]  # the text is kept
    assert not HolidayYear.objects.exists()
    assert not AuditEvent.objects.filter(action="calendar.year_registered").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  "}, "请粘贴国务院办公厅通知的全文"),
        ({"text": NOTICE_2027, "year": "27"}, "年度应为四位数字"),
        ({"text": NOTICE_2027, "year": "2028"}, "通知标题是 2027 年的节假日安排，不是 2028 年的"),
        (
            {"text": "元旦：2027年12月31日至2028年1月2日放假，共3天。", "year": "2028"},
            "通知中的日期 2027-12-31 不属于 2028 年",
        ),
    ],
    ids=["empty", "bad-year", "title-disagrees", "date-in-another-year"],
)
def test_other_refusals_are_shown_on_the_form(
    client: Client, make_user: Any, data: dict[str, str], message: str
) -> None:
    client.force_login(make_user("admin", unit=None))
    response = client.post("/calendar/notice/", data)
    assert response.status_code == 400 and message in response.content.decode()


def test_only_administrators_enter_notices(client: Client, make_user: Any) -> None:
    # anonymous visitors are sent to log in
    assert "/accounts/login/" in client.get("/calendar/notice/")["Location"]
    # a finance official may not
    client.force_login(make_user("finance", unit="finance"))
    assert client.get("/calendar/notice/").status_code == 403
    assert client.post("/calendar/notice/", {"text": NOTICE_2027}).status_code == 403
    assert client.post("/calendar/notice/confirm/", {"text": NOTICE_2027}).status_code == 403
    assert not HolidayYear.objects.exists()


def test_the_admin_sites_holiday_list_links_the_paste_page(client: Client, make_user: Any) -> None:
    admin = make_user("admin", unit=None)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    assert 'href="/calendar/notice/"' in client.get("/admin/core/holidayyear/").content.decode()


# --- the rollover warning -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "refused_from"),
    [
        (date(2026, 9, 30), None),
        (date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
        (date(2027, 3, 1), date(2027, 1, 1)),  # still not entered: refused already
        (date(2025, 11, 1), None),  # 2026 is shipped
    ],
)
def test_the_first_refused_date(today: date, refused_from: date | None) -> None:
    assert calendar_sync.holiday_notice_missing(today) == refused_from


def test_finance_and_admins_see_the_missing_notice_on_their_home_page_from_october(
    client: Client, make_user: Any
) -> None:
    finance = make_user("finance", unit="finance")
    admin = make_user("admin", unit=None)
    warning = "尚未录入国务院办公厅关于 2027 年部分节假日安排的通知：自 2027-01-01 起"
    client.force_login(finance)
    with _at(2026, 9, 30):
        assert warning not in client.get("/").content.decode()
    with _at(2026, 10, 8):
        html = client.get("/").content.decode()
    assert warning in html and "请平台管理员在通知发布后录入" in html
    assert 'href="/calendar/notice/"' not in html
    client.force_login(admin)
    with _at(2026, 10, 8):
        html = client.get("/").content.decode()
    assert warning in html and 'href="/calendar/notice/"' in html
    client.force_login(make_user("purchaser"))
    with _at(2026, 10, 8):
        assert warning not in client.get("/").content.decode()


def test_the_warning_goes_once_the_notice_is_entered(client: Client, make_user: Any) -> None:
    admin = make_user("admin", unit=None)
    holiday_year_register(actor=admin, year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="x")
    calendar_sync._last_loaded = 0.0  # another worker entered it: the next request reloads
    client.force_login(make_user("finance", unit="finance"))
    with _at(2026, 10, 8):
        assert "尚未录入" not in client.get("/").content.decode()


def test_the_system_check_warns_from_october(monkeypatch: pytest.MonkeyPatch) -> None:
    with _at(2026, 9, 30):
        assert [m for m in run_checks() if m.id == "opengps.W001"] == []
    with _at(2026, 10, 8):
        (warning,) = [m for m in run_checks() if m.id == "opengps.W001"]
    assert warning.level == WARNING
    assert "2027年部分节假日安排" in warning.msg and "2027-01-01" in warning.msg
    assert "/calendar/notice/" in (warning.hint or "")

    # before migrate the table is missing: the check still answers, from the shipped years
    def no_table() -> int:
        raise OperationalError("no such table: core_holidayyear")

    monkeypatch.setattr(calendar_sync, "load_stored_years", no_table)
    with _at(2026, 10, 8):
        assert [m.id for m in checks.holiday_notice_check()] == ["opengps.W001"]


def test_the_system_check_reads_the_stored_notices(make_user: Any) -> None:
    admin = make_user("admin", unit=None)
    holiday_year_register(actor=admin, year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="x")
    calendar.reset_to_shipped()  # this process has not loaded it yet
    with _at(2026, 10, 8):
        assert checks.holiday_notice_check() == []


def test_the_page_and_the_line_error_in_english(client: Client, make_user: Any) -> None:
    client.force_login(make_user("admin", unit=None))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "Check the 2027 holiday schedule"
        in client.post("/calendar/notice/", {"text": NOTICE_2027}).content.decode()
    )
    bad = client.post("/calendar/notice/", {"text": NOTICE_2027.replace("至12日", "到12日")}).content.decode()
    assert "Line 7 (“二、春节：2月5日（农历除夕、周五）到12日" in bad
