"""Residents' pages: the finder lists the live service for a county and need (and refuses a bad
county or need beside the field, 400); a rating and a complaint from the service page give a
tracking number; the lookup shows the status; the purchaser answers from the inbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from opengps.residents.models import Feedback, FeedbackStatus

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_finder_lists_the_service_delivered_in_the_county(client: Client, contract: Any) -> None:
    page = client.get("/residents/", {"county": "430104", "need": "elderly"})
    assert page.status_code == 200
    text = page.content.decode()
    assert contract.title in text and contract.supplier.name in text
    assert f"/residents/services/contract/{contract.pk}/" in text
    assert "residents/residents.css" in text
    assert "style=" not in text.split("<main", 1)[-1]  # no inline CSS (CSP)


def test_finder_other_need_finds_nothing(client: Client, contract: Any) -> None:
    page = client.get("/residents/", {"county": "430104", "need": "disability"})
    assert page.status_code == 200
    assert contract.title not in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"county": "999999", "need": "elderly"},
        {"county": "430104", "need": "pets"},
        {"county": "430000", "need": ""},
    ],
)
def test_finder_bad_input_is_400_beside_the_field(
    client: Client, regions: None, query: dict[str, str]
) -> None:
    page = client.get("/residents/", query)
    assert page.status_code == 400
    assert 'class="errorlist"' in page.content.decode()


def test_finder_blank_page(client: Client, regions: None) -> None:
    assert client.get("/residents/").status_code == 200


def test_rate_and_track(client: Client, contract: Any) -> None:
    page = client.get(f"/residents/services/contract/{contract.pk}/")
    assert page.status_code == 200
    done = client.post(f"/residents/services/contract/{contract.pk}/rate", {"stars": "4"}, follow=True)
    assert done.status_code == 200
    item = Feedback.objects.get()
    assert item.tracking in done.content.decode() and not item.verified
    # typed with spaces and in lower case
    typed = " ".join(re.findall("....", item.tracking.lower()))
    found = client.get("/residents/track/", {"tracking": typed})
    assert found.status_code == 200 and "未核实" in found.content.decode()


def test_rate_refusals_are_shown_beside_the_field(client: Client, contract: Any) -> None:
    url = f"/residents/services/contract/{contract.pk}/rate"
    assert client.post(url, {"stars": "9"}).status_code == 400
    refused = client.post(url, {"stars": "4", "code": "ABCDEFGH"})
    assert refused.status_code == 400
    assert "评价码不能使用" in refused.content.decode()
    assert client.post("/residents/services/contract/99999/rate", {"stars": "4"}).status_code == 404
    assert client.get("/residents/services/grant/1/").status_code == 404
    assert Feedback.objects.count() == 0


def test_track_unknown_number_is_404_beside_the_field(client: Client, regions: None) -> None:
    page = client.get("/residents/track/", {"tracking": "AAAA-BBBB-CCCC"})
    assert page.status_code == 404
    assert "没有找到这个查询编号" in page.content.decode()


def test_complaint_answered_from_the_inbox(
    client: Client, purchaser: Any, finance: Any, contract: Any
) -> None:
    # given
    url = f"/residents/services/contract/{contract.pk}/file"
    assert client.post(url, {"kind": "complaint", "text": ""}).status_code == 400
    client.post(url, {"kind": "complaint", "text": "服务人员迟到"})
    item = Feedback.objects.get()
    staff = login(purchaser)
    inbox = staff.get("/residents/inbox/")
    assert inbox.status_code == 200 and "服务人员迟到" in inbox.content.decode()
    # when
    assert staff.post(f"/residents/inbox/{item.pk}/answer", {"answer": ""}).status_code == 400
    assert login(finance).post(f"/residents/inbox/{item.pk}/answer", {"answer": "好"}).status_code == 404
    answered = staff.post(f"/residents/inbox/{item.pk}/answer", {"answer": "已约谈服务机构"})
    # then
    assert answered.status_code == 302
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ANSWERED
    shown = client.get("/residents/track/", {"tracking": item.tracking}).content.decode()
    assert "已约谈服务机构" in shown


def test_api_finder_and_feedback(client: Client, contract: Any) -> None:
    found = client.get("/api/v1/residents/services", {"county": "430104", "need": "elderly"})
    assert found.status_code == 200
    assert [s["id"] for s in found.json()] == [contract.pk]
    bad = client.get("/api/v1/residents/services", {"county": "430104", "need": "pets"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "residents.need_invalid"
    posted = client.post(
        f"/api/v1/residents/services/contract/{contract.pk}/file",
        {"kind": "suggestion", "text": "希望周末也有"},
        content_type="application/json",
    )
    assert posted.status_code == 200 and posted.json()["status"] == "open"
    tracking = posted.json()["tracking"]
    assert client.get(f"/api/v1/residents/feedback/{tracking}").json()["kind_label"]
    assert client.get("/api/v1/residents/feedback/NOPE").status_code == 404


def test_manifest_worker_and_offline_page(client: Client, regions: None) -> None:
    # the manifest installs the residents' pages, in the visitor's language
    manifest = client.get("/residents/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == data["scope"] == "/residents/" and data["name"] == "政府为您买的服务"
    assert data["icons"][0]["src"].endswith(".svg")
    # the worker is served from /residents/ (its scope), never cached stale, listing the offline page
    worker = client.get("/residents/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    body = worker.content.decode()
    assert '["/residents/offline/", "/static/css/opengps.css"' in body
    assert '"^/residents/services/(contract|order)/[0-9]+/$"' in body and "var KEEP = 10;" in body
    offline = client.get("/residents/offline/")
    assert offline.status_code == 200 and "现在没有网络" in offline.content.decode()
    # every resident page links the manifest and loads the script from our own origin (CSP)
    page = client.get("/residents/").content.decode()
    assert 'rel="manifest" href="/residents/manifest.webmanifest"' in page
    assert 'data-worker="/residents/sw.js"' in page


def test_resident_pages_use_the_phones_font_and_officials_pages_the_sites(
    client: Client, contract: Any, purchaser: Any
) -> None:
    # the site's Noto stylesheets (≈ 100 KB each, and their slices) would take a resident page past
    # its 200 KB budget (tests/browser/test_residents_weight_browser.py): phones have a CJK font
    public = [
        "/residents/",
        f"/residents/services/contract/{contract.pk}/",
        "/residents/track/",
        "/residents/offline/",
        "/residents/services/contract/999999/",
    ]
    for url in public:
        page = client.get(url).content.decode()
        assert "residents/residents.css" in page and "fonts/noto-" not in page, url
    inbox = login(purchaser).get("/residents/inbox/").content.decode()
    assert "fonts/noto-sans-sc/400.css" in inbox and "fonts/noto-serif-sc/700.css" in inbox
