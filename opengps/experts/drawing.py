"""The random draw as pure functions: public inputs → seed → a fixed order over the eligible pool.

Anyone holding a draw's recorded inputs and pool snapshot can recompute its result with only
the standard library (an auditor needs no access to the platform's code paths or database):

1. ``inputs`` = ``{"format": "opengps.experts.draw/1", "procurement_ref": …, "drawn_at": …,
   "audit_chain_head": …}`` where ``drawn_at`` is the draw time in UTC,
   ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, and ``audit_chain_head`` the hash of the last audit event
   before the draw (64 hex digits; all zeros when the chain is empty).
2. ``canonical`` = ``json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
   encoded as UTF-8; ``seed`` = lowercase hex SHA-256 of ``canonical``.
3. Each eligible expert id ``i`` (a decimal integer) gets the key
   ``SHA-256((seed + ":" + str(i)).encode("ascii"))`` (hex); the order is the ids sorted by
   (key, id). The first N are selected; substitutes for declines continue down the same order.

The audit chain head makes the seed unknowable before the draw (it changes with every event),
and the draw's own audit event directly follows that head, so the input can be checked against
the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from opengps.core.keys import canonical_json

DRAW_FORMAT = "opengps.experts.draw/1"


def utc_text(moment: datetime) -> str:
    """An aware datetime as the canonical UTC text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the draw time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def draw_inputs(
    *, procurement_ref: str, drawn_at: datetime, audit_chain_head: str, draw_format: str = DRAW_FORMAT
) -> dict[str, str]:
    """The public inputs of a draw, exactly as hashed into the seed; `draw_format` names the kind of draw
    (an expert committee by default; the invited tender's draw of suppliers names its own)."""
    if len(audit_chain_head) != 64 or any(c not in "0123456789abcdef" for c in audit_chain_head):
        raise ValueError("audit_chain_head must be 64 lowercase hex digits")
    return {
        "format": draw_format,
        "procurement_ref": procurement_ref,
        "drawn_at": utc_text(drawn_at),
        "audit_chain_head": audit_chain_head,
    }


def seed_for(inputs: dict[str, str]) -> str:
    """The seed: hex SHA-256 of the canonical JSON of `inputs`."""
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


def draw_key(seed: str, expert_id: int) -> str:
    """The sort key of one expert in a draw: hex SHA-256 of ``f"{seed}:{expert_id}"``."""
    return hashlib.sha256(f"{seed}:{expert_id}".encode("ascii")).hexdigest()


def draw_order(seed: str, pool: Iterable[int]) -> list[int]:
    """Every id of `pool` in draw order; independent of the order `pool` is given in."""
    ids = sorted(set(pool))
    return sorted(ids, key=lambda expert_id: (draw_key(seed, expert_id), expert_id))


def draw_first(seed: str, pool: Sequence[int], count: int) -> list[int]:
    """The first `count` ids in draw order (fewer if the pool is smaller)."""
    return draw_order(seed, pool)[: max(count, 0)]
