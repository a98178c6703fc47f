"""Sealed bids: per-procurement data keys under the platform key, AES-GCM blobs, signed receipts.

Key hierarchy
-------------
* **Platform key-encryption key (KEK)** — 32 random bytes from the configured provider
  (``OPENGPS_KEK_PROVIDER``: ``env`` reads ``OPENGPS_SEAL_KEK`` (base64), ``file`` a mounted secret
  file, ``development`` generates ``var/seal_kek`` (mode 0600) and is refused with DEBUG off; see
  `opengps.core.keys` and docs/security.md). Losing it loses every sealed bid not yet opened:
  production keeps it in a secret store and backs it up there.
* **Data key** — 32 random bytes per procurement, made at announcement (`procurement_key_create`)
  and stored only wrapped: AES-256-GCM under the KEK with associated data
  ``"opengps.seal.wrap/1" NUL procurement_id``, so a wrapped key moved to another procurement does
  not unwrap. `unwrap_for_opening` is the only public way to the data key, and refuses before the
  bid deadline (`seal` uses it internally to encrypt and never returns it).
* **Blobs** — AES-256-GCM under the data key, a fresh 96-bit random nonce each, associated data
  ``"opengps.seal.blob/1" NUL procurement_id NUL aad``; callers pass `bid_aad(...)` (procurement,
  lot, supplier, version), so swapping blobs between bids, lots or versions fails to decrypt.

Receipts
--------
An Ed25519 platform key (``OPENGPS_RECEIPT_KEY``, base64 of the 32-byte private seed; or
``var/receipt_key``) signs the UTF-8 bytes of the canonical JSON of ::

    {"format": "opengps.seal.receipt/1", "key_id": <16 hex>, "lot_id": …, "procurement_id": …,
     "received_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC), "sealed_sha256": <64 hex>,
     "supplier_uscc": …}

with keys sorted, no spaces, ``ensure_ascii=False``. ``key_id`` is the first 16 hex digits of the
SHA-256 of the raw 32-byte public key. The SHA-256 of that canonical text (`Receipt.digest`) is
appended, in the bid's transaction, as a leaf of the platform's transparency log
(`opengps.core.transparency`), whose signed checkpoints let the supplier prove the bid is kept.
A supplier verifies offline with the public key from `platform_public_key_pem()` (any Ed25519
library: rebuild the canonical text, check the base64 signature).
``sealed_sha256`` is the SHA-256 of `SealedBlob.to_bytes()`.

Key objects never show their bytes: their ``repr``/``str`` are masked and they refuse pickling.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from opengps.core import keys
from opengps.core.errors import ServiceError
from opengps.procurement.errors import Code

KEY_BYTES = 32
NONCE_BYTES = 12
WRAP_AAD = b"opengps.seal.wrap/1\x00"
BLOB_AAD = b"opengps.seal.blob/1\x00"
BLOB_MAGIC = b"OGS1"
WRAPPED_PREFIX = "ogsk1"
RECEIPT_FORMAT = "opengps.seal.receipt/1"
KEK_ENV = keys.KEK_ENV
RECEIPT_KEY_ENV = keys.RECEIPT_KEY_ENV
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SealError(ServiceError):
    """Sealing refused or failed; nothing is revealed. Codes: ``seal.before_deadline``,
    ``seal.open_failed``, ``seal.unwrap_failed``, ``seal.key_invalid``, ``seal.input_invalid``."""

    status = 409


# ---------------------------------------------------------------------------------------------
# Secret holders


class _Secret:
    """Bytes that never print: masked repr/str, no pickling, no equality leaks via repr."""

    __slots__ = ("_value",)
    label = "secret"

    def __init__(self, value: bytes) -> None:
        if len(value) != KEY_BYTES:
            raise SealError(Code.SEAL_KEY_INVALID, params={"label": self.label, "bytes": KEY_BYTES})
        self._value = bytes(value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ****>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError(f"{type(self).__name__} must not be pickled or copied out of memory")

    def fingerprint(self) -> str:
        """16 hex digits identifying the key (SHA-256 of a label and the key; reveals nothing)."""
        return hashlib.sha256(b"opengps.seal.fingerprint\x00" + self._value).hexdigest()[:16]


class KeyEncryptionKey(_Secret):
    """The platform key that wraps every procurement's data key."""

    __slots__ = ()
    label = "KEK"

    @classmethod
    def generate(cls) -> KeyEncryptionKey:
        return cls(secrets.token_bytes(KEY_BYTES))


class DataKey(_Secret):
    """A procurement's data key, unwrapped — only ever by `unwrap_for_opening` (or inside `seal`)."""

    __slots__ = ("procurement_id",)
    label = "data key"

    def __init__(self, value: bytes, procurement_id: str) -> None:
        super().__init__(value)
        self.procurement_id = procurement_id

    def __repr__(self) -> str:
        return f"<DataKey {self.procurement_id} ****>"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key encrypted under the KEK, bound to its procurement; safe to store in the database."""

    procurement_id: str
    kek_id: str
    nonce: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)

    def to_text(self) -> str:
        """``ogsk1.<kek_id>.<nonce b64url>.<ciphertext b64url>`` (the procurement id is stored beside it)."""
        return ".".join((WRAPPED_PREFIX, self.kek_id, _b64e(self.nonce), _b64e(self.ciphertext)))

    @classmethod
    def from_text(cls, text: str, *, procurement_id: str) -> WrappedKey:
        try:
            prefix, kek_id, nonce, ciphertext = text.split(".")
            if prefix != WRAPPED_PREFIX:
                raise ValueError(prefix)
            return cls(procurement_id, kek_id, _b64d(nonce), _b64d(ciphertext))
        except (ValueError, binascii.Error):
            raise SealError(Code.SEAL_INPUT_INVALID, "封存密钥格式无效") from None


@dataclass(frozen=True, slots=True)
class SealedBlob:
    """An encrypted bid file or price: nonce and AES-GCM ciphertext (with its 16-byte tag)."""

    nonce: bytes
    ciphertext: bytes = field(repr=False)

    def to_bytes(self) -> bytes:
        """``b"OGS1" + nonce (12) + ciphertext``: the stored form, and what receipts hash."""
        return BLOB_MAGIC + self.nonce + self.ciphertext

    @classmethod
    def from_bytes(cls, data: bytes) -> SealedBlob:
        if not data.startswith(BLOB_MAGIC) or len(data) < len(BLOB_MAGIC) + NONCE_BYTES + 16:
            raise SealError(Code.SEAL_INPUT_INVALID, "密封文件格式无效")
        body = data[len(BLOB_MAGIC) :]
        return cls(body[:NONCE_BYTES], body[NONCE_BYTES:])

    def sha256(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---------------------------------------------------------------------------------------------
# Loading the platform keys


@lru_cache(maxsize=1)
def platform_kek() -> KeyEncryptionKey:
    """The platform KEK from the configured provider (`opengps.core.keys.kek_provider`), loaded
    once per process. Raises ImproperlyConfigured when production names no provider."""
    try:
        return KeyEncryptionKey(keys.kek_provider().load())
    except keys.KeyMaterialError as exc:
        raise SealError(exc.code, exc.message) from None


_platform_signing_key = keys.platform_signing_key
platform_public_key = keys.platform_public_key
platform_public_key_pem = keys.platform_public_key_pem


# ---------------------------------------------------------------------------------------------
# Data keys and blobs


def _wrap_aad(procurement_id: str) -> bytes:
    return WRAP_AAD + procurement_id.encode("utf-8")


def _check_id(value: str, name: str) -> str:
    if not value or "\x00" in value or len(value) > 200:
        raise SealError(Code.SEAL_INPUT_INVALID, f"{name} 无效")
    return value


def procurement_key_create(procurement_id: str, *, kek: KeyEncryptionKey | None = None) -> WrappedKey:
    """A fresh data key for a procurement (at announcement), returned only wrapped under the KEK."""
    _check_id(procurement_id, "procurement_id")
    kek = kek or platform_kek()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(kek._value).encrypt(nonce, secrets.token_bytes(KEY_BYTES), _wrap_aad(procurement_id))
    return WrappedKey(procurement_id, kek.fingerprint(), nonce, ciphertext)


def _unwrap(wrapped: WrappedKey, kek: KeyEncryptionKey | None) -> DataKey:
    kek = kek or platform_kek()
    if wrapped.kek_id != kek.fingerprint():
        raise SealError(Code.SEAL_UNWRAP_FAILED)
    try:
        value = AESGCM(kek._value).decrypt(
            wrapped.nonce, wrapped.ciphertext, _wrap_aad(wrapped.procurement_id)
        )
    except InvalidTag:
        raise SealError(Code.SEAL_UNWRAP_FAILED, "封存密钥无法解开（已被篡改或不属于该项目）") from None
    return DataKey(value, wrapped.procurement_id)


def _blob_aad(procurement_id: str, aad: bytes) -> bytes:
    return BLOB_AAD + procurement_id.encode("utf-8") + b"\x00" + aad


def bid_aad(*, procurement_id: str, lot_id: str, supplier_uscc: str, version: int) -> bytes:
    """The associated data of one bid part: canonical JSON of whose bid, for which lot, which version."""
    return keys.canonical_json(
        {
            "procurement_id": procurement_id,
            "lot_id": lot_id,
            "supplier_uscc": supplier_uscc,
            "version": version,
        }
    ).encode("utf-8")


def seal(
    procurement_key_wrapped: WrappedKey, plaintext: bytes, aad: bytes, *, kek: KeyEncryptionKey | None = None
) -> SealedBlob:
    """Encrypt `plaintext` under the procurement's data key, bound to `aad` and the procurement.

    Suppliers seal before the deadline, so the data key is unwrapped here, used once and dropped;
    it is never returned.
    """
    key = _unwrap(procurement_key_wrapped, kek)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(key._value).encrypt(nonce, plaintext, _blob_aad(key.procurement_id, aad))
    return SealedBlob(nonce, ciphertext)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise SealError(Code.SEAL_INPUT_INVALID, f"{name} 必须带时区")
    return moment


def unwrap_for_opening(
    wrapped: WrappedKey, *, deadline: datetime, now: datetime, kek: KeyEncryptionKey | None = None
) -> DataKey:
    """The procurement's data key, for the opening step only: refused while `now` < `deadline`.

    Both times must be timezone-aware. The caller passes the server clock (`clock.now()`);
    the opening service is the one caller, and it audits each call.
    """
    if _aware(now, "now") < _aware(deadline, "deadline"):
        raise SealError(
            Code.SEAL_BEFORE_DEADLINE, params={"deadline": deadline.isoformat(), "now": now.isoformat()}
        )
    return _unwrap(wrapped, kek)


def open_blob(data_key: DataKey, blob: SealedBlob, aad: bytes) -> bytes:
    """Decrypt a blob sealed for `data_key`'s procurement with the same `aad`; any change fails."""
    try:
        return AESGCM(data_key._value).decrypt(
            blob.nonce, blob.ciphertext, _blob_aad(data_key.procurement_id, aad)
        )
    except InvalidTag:
        raise SealError(Code.SEAL_OPEN_FAILED, "密封文件无法解密（内容被篡改，或不属于该投标）") from None


# ---------------------------------------------------------------------------------------------
# Receipts


_public_key_id = keys.public_key_id


@dataclass(frozen=True, slots=True)
class Receipt:
    """A signed acknowledgement of a sealed submission (see the module docstring for the format)."""

    procurement_id: str
    lot_id: str
    supplier_uscc: str
    received_at: str
    """UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    sealed_sha256: str
    key_id: str
    signature: str
    """base64 of the Ed25519 signature over `canonical()`."""

    def payload(self) -> dict[str, str]:
        return {
            "format": RECEIPT_FORMAT,
            "key_id": self.key_id,
            "lot_id": self.lot_id,
            "procurement_id": self.procurement_id,
            "received_at": self.received_at,
            "sealed_sha256": self.sealed_sha256,
            "supplier_uscc": self.supplier_uscc,
        }

    def canonical(self) -> str:
        return keys.canonical_json(self.payload())

    def digest(self) -> str:
        """Hex SHA-256 of `canonical()`: the receipt's leaf data in the transparency log.

        Reveals nothing without the receipt (the content hash in it is of random-nonce ciphertext).
        """
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        """``{"receipt": payload, "signature": "…"}`` — what the supplier downloads."""
        return json.dumps(
            {"receipt": self.payload(), "signature": self.signature}, ensure_ascii=False, indent=2
        )

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        try:
            data: dict[str, Any] = json.loads(text)
            body = data["receipt"]
            if body.get("format") != RECEIPT_FORMAT:
                raise ValueError("format")
            return cls(
                procurement_id=str(body["procurement_id"]),
                lot_id=str(body["lot_id"]),
                supplier_uscc=str(body["supplier_uscc"]),
                received_at=str(body["received_at"]),
                sealed_sha256=str(body["sealed_sha256"]),
                key_id=str(body["key_id"]),
                signature=str(data["signature"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SealError(Code.SEAL_INPUT_INVALID, "回执格式无效") from None


def receipt_issue(
    *,
    procurement_id: str,
    lot_id: str,
    supplier_uscc: str,
    received_at: datetime,
    sealed_sha256: str,
    signing_key: Ed25519PrivateKey | None = None,
) -> Receipt:
    """Sign a receipt: server time of receipt, the sealed content's SHA-256, whose bid for what."""
    _check_id(procurement_id, "procurement_id")
    _check_id(lot_id, "lot_id")
    _check_id(supplier_uscc, "supplier_uscc")
    if not _HEX64.fullmatch(sealed_sha256):
        raise SealError(Code.SEAL_INPUT_INVALID)
    key = signing_key or _platform_signing_key()
    unsigned = Receipt(
        procurement_id=procurement_id,
        lot_id=lot_id,
        supplier_uscc=supplier_uscc,
        received_at=_aware(received_at, "received_at").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        sealed_sha256=sealed_sha256,
        key_id=_public_key_id(key.public_key()),
        signature="",
    )
    signature = keys.sign_text(key, unsigned.canonical())
    return Receipt(
        **{**{f: getattr(unsigned, f) for f in unsigned.__dataclass_fields__}, "signature": signature}
    )


def receipt_verify(receipt: Receipt, public_key: Ed25519PublicKey | str | bytes) -> bool:
    """Whether `receipt` was signed by the holder of `public_key` (an object or PEM) and is unchanged."""
    if not isinstance(public_key, Ed25519PublicKey):
        loaded = keys.load_public_key(public_key)
        if loaded is None:
            return False
        public_key = loaded
    return keys.signature_valid(
        public_key, key_id=receipt.key_id, signature=receipt.signature, text=receipt.canonical()
    )
