"""The sealed envelope of a bid version: its manifest and files sealed at submission, opened at the opening.

Each part is sealed with the procurement's data key and bound (as AEAD associated data) to the
procurement, lot, supplier, version and its place in the envelope, so no part can be moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from opengps.core.keys import canonical_json
from opengps.procurement import sealing
from opengps.procurement.errors import Code
from opengps.procurement.models import BidVersion, Lot, Procurement
from opengps.procurement.uploads import CheckedFile
from opengps.registry.models import Organization


def part_aad(base: bytes, part: str) -> bytes:
    """The associated data of one part (``manifest`` or ``file/<n>``) of a version's envelope."""
    return base + b"\x00" + part.encode("ascii")


@dataclass(frozen=True)
class Sealed:
    """A sealed manifest and the sealed files with their digests, in manifest order."""

    manifest: sealing.SealedBlob
    files: list[tuple[sealing.SealedBlob, str]]


def seal(
    wrapped: sealing.WrappedKey,
    base_aad: bytes,
    manifest: dict[str, Any],
    files: Sequence[tuple[str, CheckedFile]],
) -> Sealed:
    """Seal each file, then the manifest listing them (part, name, type, size, sealed digest)."""
    sealed_files: list[tuple[sealing.SealedBlob, str]] = []
    entries = []
    for position, (part, checked) in enumerate(files, start=1):
        blob = sealing.seal(wrapped, checked.content, part_aad(base_aad, f"file/{position}"))
        digest = blob.sha256()
        sealed_files.append((blob, digest))
        entries.append(
            {
                "position": position,
                "part": part,
                "name": checked.name,
                "type": checked.kind,
                "size": len(checked.content),
                "sealed_sha256": digest,
            }
        )
    body = {**manifest, "files": entries}
    text = canonical_json(body).encode("utf-8")
    return Sealed(sealing.seal(wrapped, text, part_aad(base_aad, "manifest")), sealed_files)


def open_version(
    key: sealing.DataKey, procurement: Procurement, lot: Lot, org: Organization, version: BidVersion
) -> dict[str, Any]:
    """The version's manifest, every file checked against it and opened; each entry gains the
    plaintext's digest. A mismatch raises `sealing.SealError`."""
    base_aad = sealing.bid_aad(
        procurement_id=procurement.reference,
        lot_id=str(lot.number),
        supplier_uscc=org.uscc,
        version=version.number,
    )
    blob = sealing.SealedBlob.from_bytes(bytes(version.sealed_manifest))
    if blob.sha256() != version.sealed_sha256:
        raise sealing.SealError(Code.SEAL_OPEN_FAILED)
    manifest: dict[str, Any] = json.loads(sealing.open_blob(key, blob, part_aad(base_aad, "manifest")))
    stored = {f.position: f for f in version.files.all()}
    for entry in manifest.get("files", []):
        file = stored.get(entry["position"])
        if file is None or file.sealed_sha256 != entry["sealed_sha256"]:
            raise sealing.SealError(Code.SEAL_OPEN_FAILED, "投标文件与密封清单不符")
        file_blob = sealing.SealedBlob.from_bytes(bytes(file.sealed))
        if file_blob.sha256() != entry["sealed_sha256"]:
            raise sealing.SealError(Code.SEAL_OPEN_FAILED, "投标文件摘要不符")
        plaintext = sealing.open_blob(
            key, file_blob, part_aad(base_aad, f"file/{entry['position']}")
        )  # verifies the tag
        # the plaintext digest exists only from the opening on: identical documents (red flag)
        entry["sha256"] = hashlib.sha256(plaintext).hexdigest()
    return manifest
