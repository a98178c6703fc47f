#!/usr/bin/env python3
"""Verify OpenGPS bid receipts and transparency-log checkpoints offline, from published data only.

Needs Python 3.11+ and `cryptography` — nothing of the platform. Keep this file with your receipt.

  # my bid is in the log: receipt + inclusion proof (GET /api/v1/transparency/proof?leaf=…)
  python3 verify_receipt.py inclusion --receipt receipt.json --proof proof.json \\
      --public-key platform.pem [--checkpoint checkpoint.json]

  # the log only grew between two checkpoints (GET /api/v1/transparency/consistency?first=…&second=…)
  python3 verify_receipt.py consistency --old old.json --new new.json --proof consistency.json \\
      --public-key platform.pem

  # the leaf hash of a receipt (to ask for its proof)
  python3 verify_receipt.py leaf --receipt receipt.json

The public key is the platform's Ed25519 key (GET /api/v1/transparency/public-key or
/api/v1/procurement/receipts/public-key), obtained once and kept. A checkpoint file may be one
checkpoint (JSON) or the checkpoint file's JSON Lines (the last line is used).

Formats (all JSON canonicalised as sorted keys, no spaces, UTF-8):
  receipt      {"receipt": {..., "format": "opengps.seal.receipt/1"}, "signature": base64}
  leaf data    SHA-256(canonical(receipt["receipt"]))  (32 bytes)
  leaf hash    SHA-256(0x00 || leaf data)              (RFC 9162 §2.1.1)
  checkpoint   {"checkpoint": {"format": "opengps.transparency.checkpoint/1", "tree_size", "root_hash",
                "timestamp", "audit_seq", "audit_hash", "key_id"}, "signature": base64}
Exit status 0 when everything verifies, 1 otherwise (the reason is printed).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

RECEIPT_FORMAT = "opengps.seal.receipt/1"
CHECKPOINT_FORMAT = "opengps.transparency.checkpoint/1"


class Failed(Exception):
    """Verification failed; the message says why."""


# --- RFC 9162 -------------------------------------------------------------------------------------


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, old: bytes, new: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2 (plus: every tree extends the empty one; a tree extends only itself)."""
    if not 0 <= first <= second:
        return False
    if first == 0:
        return not proof and old == hashlib.sha256(b"").digest()
    if first == second:
        return not proof and old == new
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, old)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old and sr == new and sn == 0


# --- signed objects -------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise Failed("the public key is not an Ed25519 key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def check_signature(body: dict[str, Any], signature: str, key: Ed25519PublicKey, what: str) -> None:
    if body.get("key_id") != key_id(key):
        raise Failed(f"{what}: signed with another key (key_id {body.get('key_id')}, expected {key_id(key)})")
    try:
        key.verify(base64.b64decode(signature, validate=True), canonical(body))
    except (InvalidSignature, binascii.Error, ValueError):
        raise Failed(
            f"{what}: the platform signature does not verify (altered, or not the platform's)"
        ) from None


def read_json(path: Path) -> Any:
    text = path.read_text(encoding="utf-8").strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise Failed(f"{path}: empty") from None
        return json.loads(lines[-1])  # a checkpoint file: its last line


def checkpoint(data: Any, key: Ed25519PublicKey, what: str) -> dict[str, Any]:
    if isinstance(data, dict) and "second_checkpoint" in data:
        data = data["second_checkpoint"]
    try:
        body, signature = data["checkpoint"], data["signature"]
    except (KeyError, TypeError):
        raise Failed(f"{what}: not a checkpoint") from None
    if body.get("format") != CHECKPOINT_FORMAT:
        raise Failed(f"{what}: unknown format {body.get('format')!r}")
    check_signature(body, signature, key, what)
    return dict(body)


def receipt_leaf(data: Any) -> bytes:
    try:
        body = data["receipt"]
    except (KeyError, TypeError):
        raise Failed("not a receipt") from None
    if body.get("format") != RECEIPT_FORMAT:
        raise Failed(f"receipt: unknown format {body.get('format')!r}")
    return leaf_hash(hashlib.sha256(canonical(body)).digest())


def hexes(values: Sequence[str]) -> list[bytes]:
    try:
        out = [bytes.fromhex(v) for v in values]
    except (ValueError, TypeError):
        raise Failed("a proof hash is not hexadecimal") from None
    if any(len(v) != 32 for v in out):
        raise Failed("a proof hash is not 32 bytes")
    return out


# --- commands -------------------------------------------------------------------------------------


def cmd_leaf(args: argparse.Namespace) -> str:
    return receipt_leaf(read_json(args.receipt)).hex()


def cmd_inclusion(args: argparse.Namespace) -> str:
    key = load_public_key(args.public_key)
    receipt = read_json(args.receipt)
    check_signature(receipt.get("receipt", {}), receipt.get("signature", ""), key, "receipt")
    leaf = receipt_leaf(receipt)
    proof = read_json(args.proof)
    if proof.get("leaf_hash") not in (None, leaf.hex()):
        raise Failed("the proof is for another leaf than this receipt's")
    head = checkpoint(
        read_json(args.checkpoint) if args.checkpoint else proof.get("checkpoint"), key, "checkpoint"
    )
    size, index = int(head["tree_size"]), int(proof["leaf_index"])
    if int(proof.get("tree_size", size)) != size:
        raise Failed(f"the proof is for a tree of {proof.get('tree_size')} leaves, the checkpoint has {size}")
    if not verify_inclusion(index, size, leaf, hexes(proof["audit_path"]), bytes.fromhex(head["root_hash"])):
        raise Failed("the inclusion proof does not lead to the checkpoint's root")
    return f"OK: receipt is leaf {index} of the log of {size} leaves signed at {head['timestamp']}"


def cmd_consistency(args: argparse.Namespace) -> str:
    key = load_public_key(args.public_key)
    old = checkpoint(read_json(args.old), key, "old checkpoint")
    new = checkpoint(read_json(args.new), key, "new checkpoint")
    proof = read_json(args.proof)
    first, second = int(old["tree_size"]), int(new["tree_size"])
    if (int(proof.get("first", first)), int(proof.get("second", second))) != (first, second):
        raise Failed("the proof is for other tree sizes than these checkpoints'")
    if not verify_consistency(
        first, second, bytes.fromhex(old["root_hash"]), bytes.fromhex(new["root_hash"]), hexes(proof["proof"])
    ):
        raise Failed(f"the log of {second} leaves does not extend the log of {first} leaves")
    if int(new["audit_seq"]) < int(old["audit_seq"]):
        raise Failed("the newer checkpoint's audit chain is shorter than the older one's")
    return (
        f"OK: the log of {second} leaves ({new['timestamp']}) extends the log of {first} ({old['timestamp']})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    leaf = sub.add_parser("leaf", help="print a receipt's leaf hash")
    leaf.add_argument("--receipt", type=Path, required=True)
    inclusion = sub.add_parser("inclusion", help="a receipt is in the log under a signed checkpoint")
    inclusion.add_argument("--receipt", type=Path, required=True)
    inclusion.add_argument("--proof", type=Path, required=True)
    inclusion.add_argument("--public-key", type=Path, required=True)
    inclusion.add_argument("--checkpoint", type=Path)
    consistency = sub.add_parser("consistency", help="a newer checkpoint extends an older one")
    consistency.add_argument("--old", type=Path, required=True)
    consistency.add_argument("--new", type=Path, required=True)
    consistency.add_argument("--proof", type=Path, required=True)
    consistency.add_argument("--public-key", type=Path, required=True)
    args = parser.parse_args(argv)
    command = {"leaf": cmd_leaf, "inclusion": cmd_inclusion, "consistency": cmd_consistency}[args.command]
    try:
        print(command(args))
    except (Failed, OSError, ValueError, KeyError, TypeError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
