"""Sealed bids: round trip, binding to the bid, the deadline gate, receipts, and keys that never print."""

from __future__ import annotations

import base64
import copy
import dataclasses
import logging
import pickle
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from opengps.core.clock import BEIJING
from opengps.procurement import sealing
from opengps.procurement.sealing import (
    DataKey,
    KeyEncryptionKey,
    Receipt,
    SealedBlob,
    SealError,
    WrappedKey,
    bid_aad,
    open_blob,
    procurement_key_create,
    receipt_issue,
    receipt_verify,
    seal,
    unwrap_for_opening,
)

DEADLINE = datetime(2026, 4, 20, 9, 30, tzinfo=BEIJING)
AAD = bid_aad(procurement_id="HNZC-2026-0001", lot_id="1", supplier_uscc="52430100MJ0000001X", version=1)
BID = "投标报价：人民币壹佰贰拾万元整（¥1,200,000.00）".encode()


@pytest.fixture
def kek() -> KeyEncryptionKey:
    return KeyEncryptionKey.generate()


@pytest.fixture
def wrapped(kek: KeyEncryptionKey) -> WrappedKey:
    return procurement_key_create("HNZC-2026-0001", kek=kek)


def _open_now(wrapped: WrappedKey, kek: KeyEncryptionKey) -> DataKey:
    return unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE, kek=kek)


def test_round_trip(kek: KeyEncryptionKey, wrapped: WrappedKey) -> None:
    # given a bid sealed under the procurement key
    blob = seal(wrapped, BID, AAD, kek=kek)
    assert BID not in blob.to_bytes()
    # when stored and loaded, and opened at the deadline
    stored = SealedBlob.from_bytes(blob.to_bytes())
    reloaded = WrappedKey.from_text(wrapped.to_text(), procurement_id="HNZC-2026-0001")
    # then the plaintext comes back
    assert open_blob(_open_now(reloaded, kek), stored, AAD) == BID
    # and each seal uses a fresh nonce
    assert seal(wrapped, BID, AAD, kek=kek).nonce != blob.nonce


@pytest.mark.parametrize(
    "other",
    [
        {"procurement_id": "HNZC-2026-0002"},
        {"lot_id": "2"},
        {"supplier_uscc": "52430100MJ0000002X"},
        {"version": 2},
    ],
    ids=["procurement", "lot", "supplier", "version"],
)
def test_wrong_associated_data_fails(
    kek: KeyEncryptionKey, wrapped: WrappedKey, other: dict[str, object]
) -> None:
    blob = seal(wrapped, BID, AAD, kek=kek)
    fields: dict[str, object] = {
        "procurement_id": "HNZC-2026-0001",
        "lot_id": "1",
        "supplier_uscc": "52430100MJ0000001X",
        "version": 1,
        **other,
    }
    with pytest.raises(SealError) as exc:
        open_blob(_open_now(wrapped, kek), blob, bid_aad(**fields))  # type: ignore[arg-type]
    assert exc.value.code == "seal.open_failed"


def test_a_blob_of_another_procurement_does_not_open_even_with_the_same_aad(kek: KeyEncryptionKey) -> None:
    first = procurement_key_create("HNZC-2026-0001", kek=kek)
    second = procurement_key_create("HNZC-2026-0002", kek=kek)
    with pytest.raises(SealError):
        open_blob(_open_now(second, kek), seal(first, BID, AAD, kek=kek), AAD)


@pytest.mark.parametrize("position", [0, 5, -1])
def test_tampered_ciphertext_fails(kek: KeyEncryptionKey, wrapped: WrappedKey, position: int) -> None:
    blob = seal(wrapped, BID, AAD, kek=kek)
    flipped = bytearray(blob.ciphertext)
    flipped[position] ^= 0x01
    with pytest.raises(SealError) as exc:
        open_blob(_open_now(wrapped, kek), SealedBlob(blob.nonce, bytes(flipped)), AAD)
    assert exc.value.code == "seal.open_failed"
    with pytest.raises(SealError):
        open_blob(_open_now(wrapped, kek), SealedBlob(bytes(12), blob.ciphertext), AAD)


def test_unwrap_is_refused_one_microsecond_before_the_deadline(
    kek: KeyEncryptionKey, wrapped: WrappedKey
) -> None:
    with pytest.raises(SealError) as exc:
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE - timedelta(microseconds=1), kek=kek)
    assert exc.value.code == "seal.before_deadline" and exc.value.status == 409
    # the same instant in another time zone is not "before"
    assert unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE.astimezone(ZoneInfo("UTC")), kek=kek)
    with pytest.raises(SealError) as exc:
        unwrap_for_opening(wrapped, deadline=DEADLINE.replace(tzinfo=None), now=DEADLINE, kek=kek)
    assert exc.value.code == "seal.input_invalid"


def test_a_wrapped_key_is_bound_to_its_procurement_and_kek(
    kek: KeyEncryptionKey, wrapped: WrappedKey
) -> None:
    moved = WrappedKey.from_text(wrapped.to_text(), procurement_id="HNZC-2026-0002")
    with pytest.raises(SealError) as exc:
        _open_now(moved, kek)
    assert exc.value.code == "seal.unwrap_failed"
    with pytest.raises(SealError):
        _open_now(wrapped, KeyEncryptionKey.generate())
    with pytest.raises(SealError):
        seal(moved, BID, AAD, kek=kek)
    with pytest.raises(SealError):
        WrappedKey.from_text("garbage", procurement_id="X")


# ---------------------------------------------------------------------------------------------
# Receipts


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _receipt(signing_key: Ed25519PrivateKey) -> Receipt:
    return receipt_issue(
        procurement_id="HNZC-2026-0001",
        lot_id="1",
        supplier_uscc="52430100MJ0000001X",
        received_at=datetime(2026, 4, 18, 16, 5, 7, 123456, tzinfo=BEIJING),
        sealed_sha256="ab" * 32,
        signing_key=signing_key,
    )


def test_a_receipt_verifies_offline_with_only_the_public_pem(signing_key: Ed25519PrivateKey) -> None:
    receipt = _receipt(signing_key)
    pem = (
        signing_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    downloaded = Receipt.from_json(receipt.to_json())
    assert receipt_verify(downloaded, pem) and receipt_verify(downloaded, signing_key.public_key())
    assert downloaded.received_at == "2026-04-18T08:05:07.123456Z"
    assert downloaded.canonical() == (
        '{"format":"opengps.seal.receipt/1","key_id":"' + receipt.key_id + '","lot_id":"1",'
        '"procurement_id":"HNZC-2026-0001","received_at":"2026-04-18T08:05:07.123456Z",'
        '"sealed_sha256":"' + "ab" * 32 + '","supplier_uscc":"52430100MJ0000001X"}'
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("procurement_id", "HNZC-2026-0002"),
        ("lot_id", "2"),
        ("supplier_uscc", "52430100MJ0000002X"),
        ("received_at", "2026-04-18T08:05:07.123457Z"),
        ("sealed_sha256", "ab" * 31 + "ac"),
        ("key_id", "0" * 16),
        ("signature", base64.b64encode(bytes(64)).decode()),
        ("signature", "not base64!"),
    ],
)
def test_a_receipt_fails_after_any_field_changes(
    signing_key: Ed25519PrivateKey, name: str, value: str
) -> None:
    receipt = _receipt(signing_key)
    assert not receipt_verify(dataclasses.replace(receipt, **{name: value}), signing_key.public_key())


def test_a_receipt_fails_under_another_key(signing_key: Ed25519PrivateKey) -> None:
    assert not receipt_verify(_receipt(signing_key), Ed25519PrivateKey.generate().public_key())
    assert not receipt_verify(
        _receipt(signing_key), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    )


def test_receipts_hash_the_stored_sealed_bytes(
    kek: KeyEncryptionKey, wrapped: WrappedKey, signing_key: Ed25519PrivateKey
) -> None:
    blob = seal(wrapped, BID, AAD, kek=kek)
    receipt = receipt_issue(
        procurement_id="HNZC-2026-0001",
        lot_id="1",
        supplier_uscc="52430100MJ0000001X",
        received_at=DEADLINE - timedelta(hours=1),
        sealed_sha256=blob.sha256(),
        signing_key=signing_key,
    )
    assert receipt.sealed_sha256 == SealedBlob.from_bytes(blob.to_bytes()).sha256()
    with pytest.raises(SealError):
        receipt_issue(
            procurement_id="P",
            lot_id="1",
            supplier_uscc="S",
            received_at=DEADLINE,
            sealed_sha256="AB" * 32,
            signing_key=signing_key,
        )
    with pytest.raises(SealError):
        receipt_issue(
            procurement_id="P",
            lot_id="1",
            supplier_uscc="S",
            received_at=DEADLINE.replace(tzinfo=None),
            sealed_sha256="ab" * 32,
            signing_key=signing_key,
        )


# ---------------------------------------------------------------------------------------------
# Keys never printed, platform keys from the environment or var/


def test_keys_never_show_their_bytes(
    kek: KeyEncryptionKey, wrapped: WrappedKey, caplog: pytest.LogCaptureFixture
) -> None:
    data_key = _open_now(wrapped, kek)
    secrets_as_text = {raw.hex() for raw in (kek._value, data_key._value)} | {
        base64.b64encode(raw).decode() for raw in (kek._value, data_key._value)
    }
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("opengps.test").info("keys %s %r %s %r", kek, kek, data_key, [data_key, wrapped])
    shown = caplog.text + repr(kek) + str(data_key) + repr(wrapped) + f"{kek!s}{data_key!r}"
    assert "****" in shown
    assert not any(secret in shown for secret in secrets_as_text)
    assert wrapped.to_text() not in repr(wrapped)
    for key in (kek, data_key):
        with pytest.raises(TypeError):
            pickle.dumps(key)
        with pytest.raises(TypeError):
            copy.copy(key)


def test_platform_keys_are_generated_into_var_with_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.delenv(sealing.KEK_ENV, raising=False)
    monkeypatch.delenv(sealing.RECEIPT_KEY_ENV, raising=False)
    settings.VAR_DIR = tmp_path
    sealing.platform_kek.cache_clear()
    sealing._platform_signing_key.cache_clear()
    try:
        first = sealing.platform_kek()
        assert stat.S_IMODE((tmp_path / "seal_kek").stat().st_mode) == 0o600
        sealing.platform_kek.cache_clear()
        assert sealing.platform_kek().fingerprint() == first.fingerprint()  # read back, not regenerated
        pem = sealing.platform_public_key_pem()
        assert pem.startswith("-----BEGIN PUBLIC KEY-----")
        assert stat.S_IMODE((tmp_path / "receipt_key").stat().st_mode) == 0o600
        receipt = receipt_issue(
            procurement_id="P", lot_id="1", supplier_uscc="S", received_at=DEADLINE, sealed_sha256="ab" * 32
        )
        assert receipt_verify(receipt, pem)
        # a key file others can read is refused
        (tmp_path / "seal_kek").chmod(0o644)
        sealing.platform_kek.cache_clear()
        with pytest.raises(SealError) as exc:
            sealing.platform_kek()
        assert exc.value.code == "seal.key_invalid"
    finally:
        sealing.platform_kek.cache_clear()
        sealing._platform_signing_key.cache_clear()


def test_platform_kek_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = bytes(range(32))
    monkeypatch.setenv(sealing.KEK_ENV, base64.b64encode(raw).decode())
    sealing.platform_kek.cache_clear()
    try:
        assert sealing.platform_kek()._value == raw
        wrapped = procurement_key_create("P-1")
        assert (
            open_blob(
                unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE), seal(wrapped, b"x", b""), b""
            )
            == b"x"
        )
        secret_looking = base64.b64encode(b"k" * 31).decode()
        monkeypatch.setenv(sealing.KEK_ENV, secret_looking)
        sealing.platform_kek.cache_clear()
        with pytest.raises(SealError) as exc:
            sealing.platform_kek()
        assert secret_looking not in str(exc.value) and "OPENGPS_SEAL_KEK" in str(exc.value)
    finally:
        sealing.platform_kek.cache_clear()
