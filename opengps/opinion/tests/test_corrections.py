"""Reviewers correct an item's tone (issue 21 §3): the correction is kept with the classifier's tone,
the tone before and after, the reason and who corrected it, in an audit event; the corrections report
counts each corrected item once; the item page's form and the API do the same; refusals are data."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from opengps.accounts.models import User
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import Users
from opengps.opinion import selectors, services
from opengps.opinion.models import Item, Source, ToneCorrection

NEUTRAL_NEWS = "某社区服务中心召开年度工作会议，部署下一阶段工作。"


@pytest.fixture
def item(registrar: User, manual_source: Source, now: datetime) -> Item:
    collected = services.items_collect(
        actor=registrar,
        source=manual_source,
        incoming=[services.Incoming(title="会议", text=NEUTRAL_NEWS)],
    )
    return collected.new[0]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_correction_is_kept_audited_and_reported(registrar: User, item: Item, now: datetime) -> None:
    # given: the classifier read the item as neutral
    assert item.tone == "neutral"
    # when: a reviewer corrects it to negative, then to positive
    first = services.item_tone_correct(actor=registrar, item=item, tone="negative", note="实为投诉")
    second = services.item_tone_correct(actor=registrar, item=item, tone="positive", note="复核为表扬")
    # then: the item has the last tone; both corrections keep the classifier's tone and who decided
    item.refresh_from_db()
    assert item.tone == "positive"
    assert (first.classified, first.previous, first.tone) == ("neutral", "neutral", "negative")
    assert (second.classified, second.previous, second.tone) == ("neutral", "negative", "positive")
    assert second.corrected_by == registrar and second.corrected_at == now
    events = AuditEvent.objects.filter(action="opinion_item.tone_corrected", object_id=str(item.pk))
    assert [(e.old_values, e.new_values["tone"], e.reason) for e in events.order_by("seq")] == [
        ({"tone": "neutral"}, "negative", "实为投诉"),
        ({"tone": "negative"}, "positive", "复核为表扬"),
    ]
    # and the report counts the item once, from the classifier's tone to its tone now
    report = selectors.tone_corrections(actor=registrar)
    assert (report.items, report.corrected_items, report.pairs) == (1, 1, [("neutral", "positive", 1)])
    assert report.corrected_share == 1.0 and [c.pk for c in report.latest] == [second.pk, first.pk]


def test_refusals_change_nothing(registrar: User, make_user: Users, item: Item) -> None:
    with pytest.raises(ServiceError) as bad:
        services.item_tone_correct(actor=registrar, item=item, tone="angry", note="x")
    assert bad.value.code == "opinion.tone_invalid"
    with pytest.raises(ServiceError) as missing:
        services.item_tone_correct(actor=registrar, item=item, tone="negative", note="  ")
    assert missing.value.code == "opinion.reason_required"
    with pytest.raises(Conflict) as same:
        services.item_tone_correct(actor=registrar, item=item, tone="neutral", note="无变化")
    assert same.value.code == "opinion.tone_unchanged"
    with pytest.raises(PermissionDenied):
        services.item_tone_correct(
            actor=make_user("auditor", unit="audit"), item=item, tone="negative", note="x"
        )
    item.refresh_from_db()
    assert item.tone == "neutral" and not ToneCorrection.objects.exists()
    assert selectors.tone_corrections(actor=registrar).corrected_items == 0


def test_the_form_the_report_page_and_the_api(registrar: User, make_user: Users, item: Item) -> None:
    client = _client(registrar)
    url = f"/opinion/items/{item.pk}/tone/"
    assert "更正倾向" in client.get(f"/opinion/items/{item.pk}/").content.decode()
    # a correction without its reason: refused beside the field, nothing kept
    refused = client.post(url, {"tone": "negative", "note": ""})
    assert refused.status_code == 400 and "更正理由" in refused.content.decode()
    assert client.post(url, {"tone": "neutral", "note": "同上"}).status_code == 409
    done = client.post(url, {"tone": "negative", "note": "居民投诉，应为负面"})
    assert done.status_code == 302 and done["Location"] == f"/opinion/items/{item.pk}/"
    page = client.get(f"/opinion/items/{item.pk}/").content.decode()
    assert "居民投诉，应为负面" in page and "中性 → 负面" in page
    report = client.get("/opinion/corrections/").content.decode()
    assert item.title in report and "100.0%" in report
    # the API: one more correction, then the report
    posted = client.post(
        f"/api/v1/opinion/items/{item.pk}/tone",
        {"tone": "positive", "note": "复核"},
        content_type="application/json",
    )
    assert posted.status_code == 201 and posted.json()["classified"] == "neutral"
    body = client.get("/api/v1/opinion/corrections").json()
    assert body["corrected_items"] == 1 and body["pairs"] == [
        {"classified": "neutral", "tone": "positive", "items": 1}
    ]
    assert [row["tone"] for row in body["latest"]] == ["positive", "negative"]
    # an auditor reads the report but may not correct
    auditor = _client(make_user("auditor", unit="audit"))
    assert auditor.get("/opinion/corrections/").status_code == 200
    assert "更正倾向" not in auditor.get(f"/opinion/items/{item.pk}/").content.decode()
    assert auditor.post(url, {"tone": "neutral", "note": "x"}).status_code == 403
    assert (
        auditor.post(
            f"/api/v1/opinion/items/{item.pk}/tone",
            {"tone": "neutral", "note": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
