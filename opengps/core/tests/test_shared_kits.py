"""The shared kits in core: one visible row or NotFound, the API error shape outside a route, and
the signed canonical JSON the transparency log and the bid receipts both use."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import RequestFactory

from opengps.accounts.models import Region
from opengps.core import keys
from opengps.core.errors import NotFound, one_or_not_found
from opengps.core.middleware import api_error_response, is_api_request


@pytest.mark.django_db
def test_one_or_not_found_gives_the_visible_row_and_refuses_the_rest(regions: None) -> None:
    # given a scoped queryset (a stand-in for "what the actor may see")
    visible = Region.objects.filter(level="province")
    hidden = Region.objects.exclude(level="province").first()
    assert hidden is not None
    province = visible.first()
    assert province is not None
    # when / then: the visible row comes back, a hidden one is refused like a missing one
    assert one_or_not_found(visible, province.pk, "test.not_found") == province
    with pytest.raises(NotFound) as refused:
        one_or_not_found(visible, hidden.pk, "test.not_found")
    assert refused.value.code == "test.not_found"


def test_api_error_response_is_the_error_shape_with_chinese_readable() -> None:
    response = api_error_response("request.too_large", "请求内容过大", 413, params={"limit": 1})
    assert response.status_code == 413
    body: dict[str, Any] = json.loads(response.content)
    assert body == {"error": {"code": "request.too_large", "message": "请求内容过大", "params": {"limit": 1}}}
    assert "请求内容过大".encode() in response.content


def test_is_api_request_by_path() -> None:
    factory = RequestFactory()
    assert is_api_request(factory.get("/api/v1/emall/listings"))
    assert not is_api_request(factory.get("/emall/"))


def test_signed_canonical_json_verifies_and_a_change_or_another_key_does_not() -> None:
    # given a payload signed as its canonical JSON
    key = Ed25519PrivateKey.generate()
    key_id = keys.public_key_id(key.public_key())
    text = keys.canonical_json({"b": 1, "a": "中文"})
    assert text == '{"a":"中文","b":1}'
    signature = keys.sign_text(key, text)
    # then it verifies with that key, and nothing else does
    assert keys.signature_valid(key.public_key(), key_id=key_id, signature=signature, text=text)
    assert not keys.signature_valid(key.public_key(), key_id=key_id, signature=signature, text=text + " ")
    other = Ed25519PrivateKey.generate().public_key()
    assert not keys.signature_valid(other, key_id=key_id, signature=signature, text=text)
    assert not keys.signature_valid(key.public_key(), key_id=key_id, signature="not base64!", text=text)
