"""The oversight pages' gate (`opengps.accounts.gates.role_page`): a visitor signs in first, a user
without a reading role gets the 403 page, a reader gets the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_oversight_pages_send_visitors_to_sign_in_and_refuse_other_roles(
    purchaser: Any, finance_user: Any
) -> None:
    # given each oversight page
    for url in (reverse("oversight:index"), reverse("oversight:thresholds")):
        # when a visitor opens it, then the sign-in page, coming back here
        anonymous = Client().get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"] == f"{reverse('accounts:login')}?next={url}"
        # when a purchaser opens it, then the 403 page
        client = Client()
        client.force_login(purchaser)
        assert client.get(url).status_code == 403
        # when a finance official opens it, then the page
        client.force_login(finance_user)
        assert client.get(url).status_code == 200
