"""The e-mall's one-action URLs (`opengps.core.views.one_action`): POST only, 404 outside the actor's
scope, a refusal beside its field with its own status, success back to the page with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.emall.models import Listing, ListingStatus

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_operator_suspends_and_reinstates_a_listing(
    operator: Any, make_listing: Callable[..., Listing]
) -> None:
    # given a live listing
    listing = make_listing("300")
    desk = login(operator)
    # when the operator suspends it with a reason, then reinstates it
    suspended = desk.post(f"/emall/listings/{listing.pk}/suspend", {"reason": "价格异常待核实"})
    # then each answers with the listing's page and a message saying what was done
    assert suspended.status_code == 302 and suspended["Location"] == f"/emall/listings/{listing.pk}/"
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    reinstated = desk.post(f"/emall/listings/{listing.pk}/reinstate", {"note": "已核实"}, follow=True)
    assert "商品已恢复上架" in reinstated.content.decode()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE


def test_a_refusal_shows_beside_its_field_with_its_status(
    supplier: Any, operator: Any, make_listing: Callable[..., Listing]
) -> None:
    # given a live listing
    listing = make_listing("300")
    # when its supplier (not the operator) tries to suspend it
    page = login(supplier).post(f"/emall/listings/{listing.pk}/suspend", {"reason": "自行下架"})
    # then the listing's page comes back with the refusal's status, in Chinese, no code shown
    assert page.status_code == 403
    text = page.content.decode()
    assert "emall." not in text
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE
    # and a blank reason from the operator is a 400 beside the field, nothing changed
    blank = login(operator).post(f"/emall/listings/{listing.pk}/suspend", {"reason": ""})
    assert blank.status_code == 400
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE


def test_outside_the_scope_is_a_404_and_only_post_is_allowed(
    operator: Any, purchaser: Any, make_listing: Callable[..., Listing]
) -> None:
    draft = make_listing("300", live=False)
    # a draft listing is not the purchaser's to see, so not to act on
    assert login(purchaser).post(f"/emall/listings/{draft.pk}/submit").status_code == 404
    # rows that are not on the review desk
    desk = login(operator)
    assert desk.post("/emall/operator/entries/999999/decide", {"approve": "1"}).status_code == 404
    assert desk.post("/emall/operator/versions/999999/review", {"approve": "1"}).status_code == 404
    assert desk.post("/emall/operator/flags/999999/decide", {"uphold": "0", "note": "x"}).status_code == 404
    # the review desk's rows are the operator's only
    version = draft.versions.get()
    outsider = login(purchaser).post(f"/emall/operator/versions/{version.pk}/review", {"approve": "1"})
    assert outsider.status_code == 404
    # a GET of an action URL is not an action
    assert desk.get(f"/emall/operator/versions/{version.pk}/review").status_code == 405
    # a bad decision is a 400 on the desk, the version still pending
    assert desk.post(f"/emall/operator/versions/{version.pk}/review", {"approve": "x"}).status_code == 400
    draft.refresh_from_db()
    assert draft.status != ListingStatus.LIVE
