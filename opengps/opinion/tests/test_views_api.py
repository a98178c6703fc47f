"""The pages and the API: the desk with its filters, an item with its evidence, the alert queue, a
decision posted through the form (a refusal beside its field, 400) and through the API; other roles
are refused with their status, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from opengps.accounts.models import User
from opengps.contracts.models import Contract
from opengps.demo.world import Users
from opengps.opinion import services
from opengps.opinion.models import Alert, AlertStatus, Item, Source

NEGATIVE = "{name}被家长投诉违规收费，区教育局已介入调查。"


@pytest.fixture
def manual(registrar: User) -> Source:
    return services.source_create(actor=registrar, name="人工录入", kind="manual")


@pytest.fixture
def alert(registrar: User, contract: Contract, manual: Source) -> Alert:
    text = NEGATIVE.format(name=contract.supplier.name)
    services.items_collect(
        actor=registrar, source=manual, incoming=[services.Incoming(title=text[:24], text=text)]
    )
    return Alert.objects.get()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_desk_item_and_queue_pages(registrar: User, alert: Alert) -> None:
    client = _client(registrar)
    item = Item.objects.get()
    desk = client.get("/opinion/", {"tone": "negative", "topic": "fees", "matched": "yes"})
    assert desk.status_code == 200 and item.title in desk.content.decode()
    assert item.title not in client.get("/opinion/", {"tone": "positive"}).content.decode()
    assert item.title not in client.get("/opinion/", {"matched": "no"}).content.decode()
    page = client.get(f"/opinion/items/{item.pk}/").content.decode()
    assert "负面" in page and f"【{alert.organization.name}】" in page
    queue = client.get("/opinion/alerts/").content.decode()
    assert alert.organization.name in queue and "违规收费" in queue
    assert client.get(f"/opinion/alerts/{alert.pk}/").status_code == 200
    assert client.get("/opinion/items/999999/").status_code == 404


def test_a_decision_through_the_form(registrar: User, alert: Alert) -> None:
    client = _client(registrar)
    url = f"/opinion/alerts/{alert.pk}/decide/"
    # a listing decision without its document: refused beside the field, nothing changed
    refused = client.post(url, {"kind": "propose_listing", "note": "经核实存在违规收费"})
    assert refused.status_code == 400 and "决定文书号" in refused.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    # a decision to ask for an explanation
    done = client.post(url, {"kind": "explain", "note": "请机构书面说明收费情况"})
    assert done.status_code == 302 and done["Location"] == f"/opinion/alerts/{alert.pk}/"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DECIDED and alert.decision.decided_by == registrar
    assert "要求组织说明情况" in client.get(f"/opinion/alerts/{alert.pk}/").content.decode()


def test_the_api(registrar: User, alert: Alert) -> None:
    client = _client(registrar)
    items = client.get("/api/v1/opinion/items", {"tone": "negative"}).json()
    assert [row["topics"] for row in items] == [["fees", "service"]]
    assert items[0]["matches"][0]["organization"] == alert.organization_id
    one = client.get(f"/api/v1/opinion/items/{items[0]['id']}").json()
    assert "违规收费" in one["text"] and one["tone_label"] == "负面"
    queue = client.get("/api/v1/opinion/alerts").json()
    assert [row["id"] for row in queue] == [alert.pk]
    bad = client.post(
        f"/api/v1/opinion/alerts/{alert.pk}/decision",
        {"kind": "explain", "note": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "opinion.note_required"
    decided = client.post(
        f"/api/v1/opinion/alerts/{alert.pk}/decision",
        {"kind": "propose_listing", "note": "逾期未整改", "decision_document": "湘民异〔2027〕2号"},
        content_type="application/json",
    )
    assert decided.status_code == 201
    body = decided.json()
    assert body["status"] == "decided" and body["decision"] == "propose_listing" and body["listing"]
    again = client.post(
        f"/api/v1/opinion/alerts/{alert.pk}/decision",
        {"kind": "explain", "note": "再次"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_other_roles_are_refused(make_user: Users, alert: Alert) -> None:
    supplier = _client(make_user("supplier", unit=None, organization=alert.organization))
    assert supplier.get("/opinion/").status_code == 403
    assert supplier.get("/api/v1/opinion/items").status_code == 403
    assert supplier.post(
        f"/opinion/alerts/{alert.pk}/decide/", {"kind": "explain", "note": "x"}
    ).status_code in (403, 404)
    auditor = _client(make_user("auditor", unit="audit"))
    assert auditor.get("/opinion/alerts/").status_code == 200
    refused = auditor.post(f"/opinion/alerts/{alert.pk}/decide/", {"kind": "explain", "note": "x"})
    assert refused.status_code == 403
