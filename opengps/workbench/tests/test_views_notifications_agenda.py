"""The notification centre (every reminder, paged, mark read one or all) and the deadline calendar
(a month of the actor's dated items), through the views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.core import clock
from opengps.demo import world
from opengps.procurement.models import Procurement
from opengps.workbench import selectors, services
from opengps.workbench.models import Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar(next_year_calendar: None, fresh_registry_caches: None) -> None:
    """Deadlines count from today."""


@pytest.fixture
def soon(purchaser: Any, head: Any, make_plan: Callable[..., Any]) -> Procurement:
    """Announced with bids closing (and opening) a day from now; the daily run has reminded the
    unit's purchasers of it."""
    procurement = world.procurement_announced(
        purchaser=purchaser, plan=make_plan("open_tender"), ahead=timedelta(days=1)
    )
    services.reminders_sync()
    return procurement


def test_the_notification_centre_lists_marks_read_and_pages(
    soon: Procurement, purchaser: Any, head: Any, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(purchaser)
    url = reverse("workbench:reminders")
    # the top bar links to it with the count
    home = client.get("/").content.decode()
    assert f'class="badge reminder-count" href="{url}"' in home
    # the list: the reminder, its link, one unread
    with django_assert_max_num_queries(15):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "投标截止及开标临近" in html and soon.reference in html and "未读 1" in html
    assert f'href="/procurement/{soon.pk}/"' in html and "全部标为已读" in html
    mine = Reminder.objects.get(recipient=purchaser)
    # marking one read returns to the centre (its own `next`), never to another site
    response = client.post(reverse("workbench:reminder-read", args=[mine.pk]), {"next": url})
    assert response.status_code == 302 and response["Location"] == url
    mine.refresh_from_db()
    assert mine.read_at is not None
    html = client.get(url).content.decode()
    assert "未读 0" in html and "已读（" in html and "全部标为已读" not in html
    assert "暂无提醒" in client.get(url + "?unread=on").content.decode()
    # an outside `next` is ignored
    theirs = Reminder.objects.get(recipient=head)
    client.force_login(head)
    response = client.post(
        reverse("workbench:reminder-read", args=[theirs.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/#reminders"


def test_mark_all_read_is_a_post_with_csrf_and_touches_only_the_users_own(
    soon: Procurement, purchaser: Any, head: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(purchaser)
    target = reverse("workbench:reminders-read-all")
    assert client.get(target).status_code == 405
    assert client.post(target).status_code == 403  # no CSRF token
    assert Reminder.objects.filter(read_at__isnull=False).count() == 0
    client.get(reverse("workbench:reminders"))
    token = client.cookies["csrftoken"].value
    response = client.post(target, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == reverse("workbench:reminders")
    assert Reminder.objects.get(recipient=purchaser).read_at is not None
    assert Reminder.objects.get(recipient=head).read_at is None
    assert "已将 1 条提醒标为已读" in client.get(reverse("workbench:reminders")).content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "９", "99999999999"])
def test_a_bad_page_is_a_400_with_the_message(client: Client, purchaser: Any, page: str) -> None:
    client.force_login(purchaser)
    response = client.get(reverse("workbench:reminders"), {"page": page})
    assert response.status_code == 400
    assert "应为正整数" in response.content.decode()


def test_the_pages_of_a_long_list(purchaser: Any, head: Any, make_plan: Callable[..., Any]) -> None:
    for _n in range(3):
        world.procurement_announced(
            purchaser=purchaser, plan=make_plan("open_tender"), ahead=timedelta(days=1)
        )
    services.reminders_sync()
    listing = selectors.reminders_page(actor=purchaser, page_size=2)
    assert (listing.count, listing.num_pages, len(listing.rows), listing.unread) == (3, 2, 2, 3)
    last = selectors.reminders_page(actor=purchaser, page=9, page_size=2)
    assert (last.page, len(last.rows)) == (2, 1)


def test_the_calendar_shows_the_actors_openings_and_refuses_a_bad_month(
    soon: Procurement, purchaser: Any, make_user: Callable[..., Any], suppliers: list[Any]
) -> None:
    world.bid_place(supplier=suppliers[0], procurement=soon, price="268000")
    assert soon.bid_deadline is not None
    month = soon.bid_deadline.astimezone(clock.BEIJING).strftime("%Y-%m")
    url = reverse("workbench:agenda")
    client = Client()
    for user, sees in ((purchaser, True), (suppliers[0], True), (suppliers[1], False)):
        client.force_login(user)
        html = client.get(url, {"month": month}).content.decode()
        assert ("投标截止及开标" in html and f'href="/procurement/{soon.pk}/"' in html) is sees, user
    client.force_login(make_user("purchaser", unit="cs_civil"))
    assert soon.reference not in client.get(url, {"month": month}).content.decode()
    client.force_login(purchaser)
    page = client.get(url)
    assert page.status_code == 200 and "星期一" in page.content.decode()
    for bad in ("2026-13", "26-01", "abcd", "1999-01", "2026-1"):
        response = client.get(url, {"month": bad})
        html = response.content.decode()
        assert response.status_code == 400, bad
        assert "格式错误，应为 YYYY-MM" in html and 'class="errorlist"' in html
    assert Client().get(url).status_code == 302  # sign in first
