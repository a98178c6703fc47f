"""Residents' complaints feed the opinion monitoring (issue 23 item 2): a complaint filed about a service
becomes one negative item of the internal source 居民投诉, matched to the service's provider, in the
complaint's own transaction; filing it again (the same complaint) adds nothing; nothing personal is
copied — no tracking number, no photo, and phone and identity numbers in the text are masked."""

from __future__ import annotations

import pytest

from opengps.contracts.models import Contract
from opengps.core import masking
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.opinion import services
from opengps.opinion.models import Alert, AlertStatus, Item, ItemTone, Match, Source, SourceKind
from opengps.residents import services as residents
from opengps.residents.models import Feedback, FeedbackKind

pytestmark = pytest.mark.django_db

TEXT = "上门服务总是迟到，护理员态度差。我的电话13812345678，身份证430104199001011234，座机0731-88880001"


def _complain(contract: Contract, text: str = TEXT, kind: str = FeedbackKind.COMPLAINT) -> Feedback:
    return residents.feedback_file(source="contract", pk=contract.pk, kind=kind, text=text, client="10.0.0.9")


def test_a_complaint_becomes_one_negative_item_matched_to_the_provider(contract: Contract) -> None:
    # given a complaint filed by a resident
    complaint = _complain(contract)
    # then one item of the internal source, negative, about the contract's supplier
    item = Item.objects.get()
    assert item.origin == f"residents.feedback:{complaint.pk}"
    assert item.source.name == services.COMPLAINT_SOURCE and item.source.kind == SourceKind.PLATFORM
    assert item.source.created_by is None
    assert item.tone == ItemTone.NEGATIVE
    assert "service" in item.topic_list
    assert item.published_at == complaint.created_at
    match = Match.objects.get(item=item)
    assert match.organization_id == contract.supplier_id
    whole = f"{item.title}\n{item.text}"
    assert whole[match.start : match.end] == contract.supplier.name
    # and, the supplier being paid by a live contract, an open alert on service quality
    alert = Alert.objects.get(organization=contract.supplier, status=AlertStatus.OPEN)
    assert list(alert.items.all()) == [item] and alert.topic == "service"
    assert AuditEvent.objects.filter(action="opinion_item.collected", object_id=str(item.pk)).count() == 1


def test_the_same_complaint_again_adds_no_item(contract: Contract) -> None:
    # given a complaint already in the monitoring
    complaint = _complain(contract)
    first = Item.objects.get()
    # when it is handed over a second time
    again = services.item_from_complaint(
        origin=f"residents.feedback:{complaint.pk}",
        organization=contract.supplier,
        service=contract.title,
        text=complaint.text,
        filed_at=complaint.created_at,
    )
    # then the same item, one source, one match, one alert item, no new event
    assert again.pk == first.pk
    assert Item.objects.count() == 1 and Match.objects.count() == 1
    assert Source.objects.filter(name=services.COMPLAINT_SOURCE).count() == 1
    assert Alert.objects.get().items.count() == 1
    assert AuditEvent.objects.filter(action="opinion_item.collected").count() == 1


def test_a_second_complaint_is_a_second_item_of_the_same_source(contract: Contract) -> None:
    # given two residents complaining in the same words
    _complain(contract, "上门服务总是迟到")
    _complain(contract, "上门服务总是迟到")
    # then two items (two complaints, not a repost), one source, both on the one open alert
    assert Item.objects.count() == 2
    assert Source.objects.filter(kind=SourceKind.PLATFORM).count() == 1
    assert Alert.objects.get().items.count() == 2


def test_no_personal_data_reaches_the_item(contract: Contract) -> None:
    # given a complaint whose text has a mobile, an identity and a landline number
    complaint = _complain(contract)
    item = Item.objects.get()
    # then none of them, nor the tracking number, is in the item
    stored = f"{item.title} {item.text} {item.evidence} {item.origin}"
    for secret in ("13812345678", "430104199001011234", "88880001", complaint.tracking):
        assert secret not in stored
    assert item.text.count(masking.HIDDEN) == 3
    assert "上门服务总是迟到" in item.text
    assert item.url is None


def test_a_suggestion_or_a_rating_does_not_reach_the_monitoring(contract: Contract) -> None:
    _complain(contract, "建议周末也上门", kind=FeedbackKind.SUGGESTION)
    residents.feedback_rate(source="contract", pk=contract.pk, stars=1, text="很差", client="10.0.0.8")
    assert not Item.objects.exists()


def test_a_refused_complaint_leaves_no_item(contract: Contract) -> None:
    # a complaint refused before it is saved (empty text) leaves nothing behind in either app
    with pytest.raises(ServiceError) as refused:
        _complain(contract, "   ")
    assert refused.value.code == "residents.text_required"
    assert not Item.objects.exists() and not Feedback.objects.exists()
