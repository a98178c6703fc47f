"""Transparency-log API (public, no login): signed checkpoints, inclusion and consistency proofs.

Everything here is platform-wide and only at checkpointed sizes (see `opengps.core.transparency`):
no endpoint tells the live number of leaves, and none names a procurement or a bidder.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from opengps.core import keys, merkle, transparency
from opengps.core.errors import NotFound
from opengps.core.inputs import DateTime

router = Router(tags=["transparency"])


class TransparencyCheckpointOut(Schema):
    checkpoint: dict[str, Any]
    signature: str


class TransparencyInclusionOut(Schema):
    leaf_index: int
    leaf_hash: str
    tree_size: int
    audit_path: list[str]
    checkpoint: TransparencyCheckpointOut


class TransparencyConsistencyOut(Schema):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]
    second_checkpoint: TransparencyCheckpointOut


class TransparencyKeyOut(Schema):
    public_key_pem: str
    key_id: str


class TransparencyCheckpointsQuery(Schema):
    since: DateTime | None = None


class TransparencyProofQuery(Schema):
    leaf: str
    tree_size: int | None = None


class TransparencyConsistencyQuery(Schema):
    first: int
    second: int


@router.get("/checkpoints", response=list[TransparencyCheckpointOut])
def checkpoints(request: HttpRequest, filters: Query[TransparencyCheckpointsQuery]) -> Any:
    """所有已签发的检查点 — every signed tree head, oldest first (``since`` an ISO time)."""
    return [c.to_dict() for c in transparency.checkpoints_stored(since=filters.since)]


@router.get("/checkpoints/latest", response=TransparencyCheckpointOut)
def checkpoint_latest(request: HttpRequest) -> Any:
    """最新检查点 — the latest signed tree head."""
    latest = transparency.checkpoint_latest()
    if latest is None:
        raise NotFound("transparency.no_checkpoint", _("尚未签发检查点"))
    return latest.to_dict()


@router.get("/public-key", response=TransparencyKeyOut)
def public_key(request: HttpRequest) -> Any:
    """检查点与回执的验证公钥 — the Ed25519 key that signs checkpoints and receipts."""
    return {
        "public_key_pem": keys.platform_public_key_pem(),
        "key_id": keys.public_key_id(keys.platform_public_key()),
    }


@router.get("/proof", response=TransparencyInclusionOut)
def inclusion_proof(request: HttpRequest, query: Query[TransparencyProofQuery]) -> Any:
    """包含证明 — the audit path of a leaf (by its hash, hex) in a checkpointed tree (latest by default)."""
    proof = transparency.inclusion_proof(leaf_hash=query.leaf, tree_size=query.tree_size)
    return {
        "leaf_index": proof.leaf_index,
        "leaf_hash": proof.leaf_hash,
        "tree_size": proof.checkpoint.tree_size,
        "audit_path": proof.audit_path,
        "checkpoint": proof.checkpoint.to_dict(),
    }


@router.get("/consistency", response=TransparencyConsistencyOut)
def consistency_proof(request: HttpRequest, query: Query[TransparencyConsistencyQuery]) -> Any:
    """一致性证明 — the RFC 9162 consistency proof between two checkpointed sizes (first may be 0)."""
    proof = transparency.consistency_proof(first=query.first, second=query.second)
    return {
        "first": query.first,
        "second": query.second,
        "first_root": proof.first.root_hash if proof.first else merkle.EMPTY_ROOT.hex(),
        "second_root": proof.second.root_hash,
        "proof": proof.proof,
        "second_checkpoint": proof.second.to_dict(),
    }
