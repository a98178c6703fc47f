"""PDF documents: the announcement is public once announced; the opening minutes never exist before
the deadline for any role, and afterwards only for officials, supervisors and the bidders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import announce_times, bid_files
from opengps.procurement import documents, selectors, services

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _is_pdf(response: Any) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"] == "application/pdf"
        and response.content.startswith(b"%PDF")
        and "filename=" in response["Content-Disposition"]
    )


@pytest.fixture
def announced(purchaser: Any, agency: Any, make_plan: Callable[..., Any], suppliers: list[Any]) -> Any:
    plan = make_plan("open_tender")
    procurement = services.procurement_create(
        actor=purchaser, plan=plan, documents="招标文件", agency=agency.unit
    )
    issued, deadline = announce_times()
    return services.procurement_announce(
        actor=agency, procurement=procurement, bid_deadline=deadline, opening_place="长沙市开标室", now=issued
    )


def test_rendering_is_a4_chinese_pdf_with_the_announcement_text(announced: Any) -> None:
    document = documents.announcement(
        procurement=announced,
        lots=selectors.lots_of(announced),
        clarifications=[],
        award_basis="综合评分法",
    )
    text = "\n".join(documents.texts(document.story))
    assert document.title == "采购公告"
    assert announced.title in text and announced.reference in text
    assert "湖南省采购代理中心" in text and "长沙市开标室" in text and "综合评分法" in text
    # the deadline is shown in Beijing time with its legal basis
    assert documents.local(announced.bid_deadline) in text and announced.deadline_citation in text
    pdf = documents.render(document, invariant=True)
    assert (
        pdf.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf
    )
    # the CJK font is embedded (a subset of Noto Serif SC), no longer the non-embedded STSong-Light
    assert b"+NotoSerifSC-Regular" in pdf and b"/FontFile2" in pdf and b"STSong-Light" not in pdf
    assert pdf == documents.render(document, invariant=True)


def test_announcement_pdf_is_public_once_announced_only(
    purchaser: Any, make_plan: Callable[..., Any], announced: Any
) -> None:
    draft = services.procurement_create(actor=purchaser, plan=make_plan("open_tender"), documents="招标文件")
    assert _is_pdf(_client(None).get(f"/procurement/{announced.pk}/notice.pdf"))
    assert (
        "announcement-" in _client(None).get(f"/procurement/{announced.pk}/notice.pdf")["Content-Disposition"]
    )
    for user in (None, purchaser):
        assert _client(user).get(f"/procurement/{draft.pk}/notice.pdf").status_code == 404
    page = _client(None).get(f"/procurement/{announced.pk}/notice/").content.decode()
    assert f"/procurement/{announced.pk}/notice.pdf" in page


def test_opening_minutes_pdf_is_404_for_every_role_before_the_deadline_and_after_it_only_for_the_allowed(
    announced: Any,
    purchaser: Any,
    agency: Any,
    finance: Any,
    auditor: Any,
    admin_user: Any,
    suppliers: list[Any],
    clock_at: Callable[..., None],
) -> None:
    lot = announced.lots.get(number=1)
    bidders, outsider = suppliers[:3], suppliers[4]
    for user, price in zip(bidders, ["268000", "275000", "290000"], strict=True):
        services.documents_obtain(actor=user, procurement=announced)
        services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files())
    roles = [None, purchaser, agency, finance, auditor, admin_user, outsider, *bidders]
    url = f"/procurement/{announced.pk}/opening.pdf"
    # before the deadline: nothing for anyone, bidders included
    assert {_client(user).get(url).status_code for user in roles} == {404}
    before = _client(agency).get(f"/procurement/{announced.pk}/").content.decode()
    assert "opening.pdf" not in before
    assert f"/evaluation/{announced.pk}/" not in before and f"/challenges/{announced.pk}/" not in before
    # after the opening
    announced.refresh_from_db()
    services.procurement_open(
        actor=agency, procurement=announced, now=announced.bid_deadline + timedelta(minutes=1)
    )
    announced.refresh_from_db()
    later = announced.bid_deadline + timedelta(minutes=2)
    clock_at(later)  # the wall clock past the deadline too
    for user in (purchaser, agency, finance, auditor, admin_user, bidders[0]):
        assert _is_pdf(_client(user).get(url)), user
    for user in (None, outsider):
        assert _client(user).get(url).status_code in {302, 404}
    after = _client(agency).get(f"/procurement/{announced.pk}/").content.decode()
    assert url in after
    # the page leads on to the evaluation and to challenges once there is an opening
    assert f"/evaluation/{announced.pk}/" in after and f"/challenges/{announced.pk}/" in after
    opening = selectors.opening_of(actor=agency, procurement=announced)
    assert opening is not None
    record, readouts = opening
    text = "\n".join(
        documents.texts(
            documents.opening_minutes(procurement=announced, record=record, readouts=readouts).story
        )
    )
    assert all(u.organization.name in text for u in bidders) and "268,000.00" in text
    assert record.citation in text and documents.local(record.opened_at) in text
