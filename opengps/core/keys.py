"""Platform key material: the sealing KEK's custody (one provider interface) and the signing key.

Two keys belong to the platform as a whole:

* the **key-encryption key (KEK)** that wraps every procurement's bid-sealing data key
  (`opengps.procurement.sealing`). Whoever holds it *and* a copy of the database can open sealed
  bids before the deadline, so where it lives is a deployment decision, made by
  ``OPENGPS_KEK_PROVIDER`` (see `kek_provider` and docs/security.md);
* the **Ed25519 signing key** that signs bid receipts and the transparency log's checkpoints
  (``OPENGPS_RECEIPT_KEY``, base64 of the 32-byte seed, or ``var/receipt_key``).

A provider only hands out 32 bytes; it never logs, prints or caches them outside the process's
memory. A hardware module (PKCS#11) or a cloud KMS plugs in as one more `KekProvider` whose
``load`` unwraps a stored KEK blob inside the module — not shipped, because a provider that only
pretends to be an HSM gives false assurance.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from opengps.core.errors import ServiceError

KEY_BYTES = 32
KEK_ENV = "OPENGPS_SEAL_KEK"
KEK_FILE_ENV = "OPENGPS_SEAL_KEK_FILE"
RECEIPT_KEY_ENV = "OPENGPS_RECEIPT_KEY"
PROVIDERS = ("env", "file", "development")

MISSING_RECEIPT_KEY_HELP = """OPENGPS_RECEIPT_KEY is not set, and OPENGPS_DEBUG is off (production).
It is the Ed25519 seed that signs bid receipts and transparency-log checkpoints: every node must sign
with the same key, and a published checkpoint is checked against its public key for years, so a key
made on first use in one node's var/ would split the platform's signatures. Make one once with
    python3 -c 'import base64,secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())'
and give it to every process (systemd EnvironmentFile / secret store); keep a copy offline.
未设置 OPENGPS_RECEIPT_KEY 且未开启调试模式（生产环境）：请生成一个固定的签名密钥并提供给所有节点。"""

MISSING_PROVIDER_HELP = """OPENGPS_KEK_PROVIDER is not set, and OPENGPS_DEBUG is off (production).
The key-encryption key (KEK) wraps every procurement's bid-sealing key: anyone holding it and a
copy of the database can open sealed bids before the deadline. Choose where it lives:

    OPENGPS_KEK_PROVIDER=file  OPENGPS_SEAL_KEK_FILE=/run/secrets/opengps_seal_kek   (mode 0400/0600)
    OPENGPS_KEK_PROVIDER=env   OPENGPS_SEAL_KEK=<base64 of 32 random bytes>

Make a key once with
    python3 -c 'import base64,secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())'
and back it up in the secret store: losing it loses every bid sealed and not yet opened.
See docs/security.md (threat model).
未配置主密钥来源 OPENGPS_KEK_PROVIDER（生产环境）：
请使用 file（挂载的密钥文件）或 env，详见 docs/security.md。"""


class KeyMaterialError(ServiceError):
    """A key is present but unusable (wrong length, not base64, a file others can read).

    Code ``seal.key_invalid``; the message names the source, never the value."""

    status = 500


class KekProvider(Protocol):
    """Where the platform KEK comes from. `load` returns its 32 bytes or raises.

    A PKCS#11 or KMS provider would keep a KEK blob wrapped by the module's own key and return
    the unwrapped bytes from `load` (or, better, keep the KEK inside the module and unwrap each
    procurement's data key there); register it in `kek_provider` under a new name.
    """

    @property
    def name(self) -> str:
        """``env``, ``file``, ``development`` — or the name of a provider plugged in."""
        ...

    def describe(self) -> str:
        """Where the key comes from, for operators (never the key)."""
        ...

    def load(self) -> bytes: ...


def decode_key(text: str, source: str) -> bytes:
    """32 bytes from base64 `text`; the error names `source` but never echoes the value."""
    try:
        value = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        value = b""
    if len(value) != KEY_BYTES:
        # never echo the value: it may be a real key pasted into the wrong variable
        raise KeyMaterialError("seal.key_invalid", f"{source} 应为 base64 编码的 {KEY_BYTES} 字节密钥")
    return value


def read_secret_file(path: Path) -> bytes:
    """The key in an existing secret file, refused when group or others may read it."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise KeyMaterialError("seal.key_invalid", f"无法读取密钥文件 {path}") from None
    if mode & 0o077:
        raise KeyMaterialError("seal.key_invalid", f"密钥文件 {path} 的权限过宽（{mode:o}），应为 400 或 600")
    return decode_key(text, str(path))


def read_or_create_secret_file(path: Path) -> bytes:
    """32 random bytes kept base64 in `path`, created 0600 (development and tests only).

    Written to a private temporary file and hard-linked into place, so a second process starting
    at the same moment reads either nothing (and links its own) or the complete key — never a
    half-written one — and the key is never readable by others, not even briefly.
    """
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii"))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return read_secret_file(path)


def _development_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


@dataclass(frozen=True)
class EnvKekProvider:
    """``OPENGPS_SEAL_KEK`` (base64): simple, but the key sits in the process environment."""

    name: str = "env"

    def describe(self) -> str:
        return f"环境变量 {KEK_ENV}"

    def load(self) -> bytes:
        text = os.environ.get(KEK_ENV, "")
        if not text:
            raise ImproperlyConfigured(f"OPENGPS_KEK_PROVIDER=env needs {KEK_ENV} (base64 of 32 bytes)")
        return decode_key(text, KEK_ENV)


@dataclass(frozen=True)
class FileKekProvider:
    """A secret file mounted by the orchestrator (``OPENGPS_SEAL_KEK_FILE``); never created here."""

    path: Path
    name: str = "file"

    def describe(self) -> str:
        return f"密钥文件 {self.path}"

    def load(self) -> bytes:
        if not self.path.is_file():
            raise ImproperlyConfigured(
                f"OPENGPS_KEK_PROVIDER=file: the secret file {self.path} ({KEK_FILE_ENV}) does not exist"
            )
        return read_secret_file(self.path)


@dataclass(frozen=True)
class DevelopmentKekProvider:
    """``var/seal_kek``, generated on first use: development and tests only, never production."""

    directory: Path
    name: str = "development"

    def describe(self) -> str:
        return f"开发密钥文件 {self.directory / 'seal_kek'}"

    def load(self) -> bytes:
        if not _development_allowed():
            raise ImproperlyConfigured(
                "OPENGPS_KEK_PROVIDER=development keeps the KEK in var/seal_kek beside the database; "
                "it is refused with OPENGPS_DEBUG off.\n" + MISSING_PROVIDER_HELP
            )
        return read_or_create_secret_file(self.directory / "seal_kek")


def kek_provider() -> KekProvider:
    """The configured provider (``OPENGPS_KEK_PROVIDER``); raises ImproperlyConfigured if none fits.

    Unset: development and the tests use ``env`` when ``OPENGPS_SEAL_KEK`` is set, else
    ``development``; production must choose one.
    """
    name = str(getattr(settings, "OPENGPS_KEK_PROVIDER", "") or "").strip().lower()
    if not name:
        if not _development_allowed():
            raise ImproperlyConfigured(MISSING_PROVIDER_HELP)
        name = "env" if os.environ.get(KEK_ENV) else "development"
    if name == "env":
        return EnvKekProvider()
    if name == "file":
        configured = str(getattr(settings, "OPENGPS_SEAL_KEK_FILE", "") or "")
        if not configured:
            raise ImproperlyConfigured(
                f"OPENGPS_KEK_PROVIDER=file needs {KEK_FILE_ENV} (the secret file's path)"
            )
        return FileKekProvider(Path(configured))
    if name == "development":
        return DevelopmentKekProvider(Path(settings.VAR_DIR))
    raise ImproperlyConfigured(
        f"OPENGPS_KEK_PROVIDER={name!r} is not one of {', '.join(PROVIDERS)} (see docs/security.md)"
    )


# --- the platform signing key ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def platform_signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key that signs receipts and checkpoints (``OPENGPS_RECEIPT_KEY`` or var/receipt_key)."""
    text = os.environ.get(RECEIPT_KEY_ENV)
    if not text and not _development_allowed():
        raise ImproperlyConfigured(MISSING_RECEIPT_KEY_HELP)
    seed = (
        decode_key(text, RECEIPT_KEY_ENV)
        if text
        else read_or_create_secret_file(Path(settings.VAR_DIR) / "receipt_key")
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def platform_public_key() -> Ed25519PublicKey:
    return platform_signing_key().public_key()


def public_key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical_json(value: object) -> str:
    """The text a signature covers: canonical JSON (sorted keys, no spaces, Chinese kept as UTF-8)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sign_text(signing_key: Ed25519PrivateKey, text: str) -> str:
    """The Ed25519 signature of `text` (its UTF-8 bytes), base64."""
    return base64.b64encode(signing_key.sign(text.encode("utf-8"))).decode("ascii")


def signature_valid(public_key: Ed25519PublicKey, *, key_id: str, signature: str, text: str) -> bool:
    """Whether `signature` (base64, `sign_text`) over `text` was made with the private half of
    `public_key`, and `key_id` names that key (`public_key_id`)."""
    if key_id != public_key_id(public_key):
        return False
    try:
        public_key.verify(base64.b64decode(signature, validate=True), text.encode("utf-8"))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def platform_public_key_pem() -> str:
    """The verification key (SubjectPublicKeyInfo PEM) suppliers and auditors download and keep."""
    pem = platform_public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


def load_public_key(pem: str | bytes) -> Ed25519PublicKey | None:
    """An Ed25519 public key from PEM, or None if it is not one."""
    try:
        loaded = serialization.load_pem_public_key(pem.encode("ascii") if isinstance(pem, str) else pem)
    except (ValueError, TypeError):
        return None
    return loaded if isinstance(loaded, Ed25519PublicKey) else None
