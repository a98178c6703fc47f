"""The platform-wide transparency log: receipt leaves, signed checkpoints, proofs and verification.

Why a separate log: before the opening nobody may learn how many bids a procurement has, so a
bid cannot become an audit event when it is made — yet deleting one must not go unnoticed. Every
acknowledged bid version's receipt digest (`sealing.Receipt.digest`) is appended, in the bid's
own transaction, as a leaf of one Merkle tree for the whole platform (RFC 9162, `merkle`). A leaf
carries only that digest's leaf hash: no procurement, bidder or time.

Checkpoints (`checkpoint_create`, daily) sign the tree's size and root together with the audit
chain's head (seq and hash) with the platform's receipt key, are stored, appended to the
checkpoint file (``OPENGPS_CHECKPOINT_FILE``) and published (`/api/v1/transparency/…`). From then
on, deleting a bid version (its leaf is missing or the tree's root changes), the last audit events
(the chain is shorter than the checkpoint) or everything (same) is caught by `verify_log` /
`opengps audit verify --checkpoint FILE|URL`, and a supplier proves offline, with its receipt, an
inclusion proof and a checkpoint, that its bid is in the log (``scripts/verify_receipt.py``).

What is public is platform-wide and only at checkpoints: the number of leaves and the root. The
live size is never served — proofs are only given between checkpointed sizes, and a bidder sees
its leaf's index only once a checkpoint covers it — so nobody can count the bids of one
procurement by watching the log grow around it.

Ordering: the bid path appends through `leaf_append`, which increments the `TransparencyHead`
row and inserts the leaf (one statement on PostgreSQL). The row lock is held until commit, so
indexes are gap-free and commit in order: the committed leaves are always the prefix 0 … size-1,
and a rolled-back bid gives its index back.
"""

from __future__ import annotations

import dataclasses
import json
import os
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from opengps.core import clock, keys, merkle, metrics, tasks
from opengps.core.audit import GENESIS_HASH
from opengps.core.errors import Conflict, NotFound, ServiceError
from opengps.core.models import (
    AuditChainHead,
    AuditEvent,
    TransparencyCheckpoint,
    TransparencyHead,
    TransparencyLeaf,
)

CHECKPOINT_FORMAT = "opengps.transparency.checkpoint/1"
_HEX = set("0123456789abcdef")

LeafSource = Callable[[], Iterable[str]]
"""Yields the receipt digest (hex) of every stored record that must have a leaf."""
_leaf_sources: dict[str, LeafSource] = {}


def register_leaf_source(name: str, source: LeafSource) -> None:
    """Declare a kind of record that must be in the log (procurement registers its bid versions).

    The hook keeps the layers: core verifies the log without importing the apps that feed it.
    Registered once, in an app's ``ready()``; registering a name again replaces it.
    """
    _leaf_sources[name] = source


def registered_digests() -> Iterator[str]:
    """Every receipt digest the registered sources say must be in the log."""
    for source in _leaf_sources.values():
        yield from source()


def _is_hex64(value: str) -> bool:
    return len(value) == 64 and set(value) <= _HEX


def leaf_hash_of(receipt_digest: str) -> str:
    """The leaf hash (hex) of a receipt digest: SHA-256(0x00 || digest bytes)."""
    return merkle.leaf_hash(bytes.fromhex(receipt_digest)).hex()


# --- appending (the bid path) ----------------------------------------------------------------------


def leaf_append(*, receipt_digest: str) -> datetime | None:
    """Append the leaf of `receipt_digest` in the caller's transaction (must be inside one).

    Call it as late as possible in the transaction: from here to commit the log head stays locked
    for every other writer on the platform. On PostgreSQL returns the database clock read after
    the leaf was written (``clock_timestamp()`` in the same statement), so a caller that must
    judge a deadline after its last write needs no further round trip; elsewhere None.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("leaf_append() must run inside the transaction that stores the receipt")
    leaf = leaf_hash_of(receipt_digest)
    transaction.on_commit(metrics.BID_ACTS.inc)  # the receipt is acknowledged when this commits
    head = TransparencyHead._meta.db_table
    leaves = TransparencyLeaf._meta.db_table
    upsert = (
        f'INSERT INTO "{head}" (id, size) VALUES (1, 1) '  # noqa: S608 — table names from model metadata
        f'ON CONFLICT (id) DO UPDATE SET size = "{head}".size + 1 RETURNING size'
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # one round trip: the bid path's cost is counted at the deadline burst
            cursor.execute(
                f'WITH head AS ({upsert}) INSERT INTO "{leaves}" ("index", leaf_hash) '  # noqa: S608
                "SELECT size - 1, %s FROM head RETURNING clock_timestamp()",
                [leaf],
            )
            row = cursor.fetchone()
            assert row is not None
            clock: datetime = row[0]
            return clock
        else:
            cursor.execute(upsert)
            row = cursor.fetchone()
            assert row is not None
            cursor.execute(
                f'INSERT INTO "{leaves}" ("index", leaf_hash) VALUES (%s, %s)',  # noqa: S608
                [int(row[0]) - 1, leaf],
            )
    return None


def leaf_backfill(receipt_digests: Iterable[str]) -> int:
    """Append leaves for stored receipts that have none (records made before the log existed).

    Returns how many were appended. Run by `opengps audit backfill`; a leaf already present is
    skipped, so running it twice appends nothing.
    """
    appended = 0
    with transaction.atomic():
        TransparencyHead.objects.select_for_update().get_or_create(pk=1)
        present = set(TransparencyLeaf.objects.values_list("leaf_hash", flat=True))
        for digest in receipt_digests:
            if leaf_hash_of(digest) not in present:
                leaf_append(receipt_digest=digest)
                present.add(leaf_hash_of(digest))
                appended += 1
    return appended


# --- checkpoints ----------------------------------------------------------------------------------


class CheckpointInvalid(ValueError):
    """A checkpoint text that does not parse as one."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head (see the module docstring). ``timestamp`` is UTC ``…Z``."""

    tree_size: int
    root_hash: str
    timestamp: str
    audit_seq: int
    audit_hash: str
    key_id: str
    signature: str = field(default="", compare=False)

    def payload(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
            "audit_seq": self.audit_seq,
            "audit_hash": self.audit_hash,
            "key_id": self.key_id,
        }

    def canonical(self) -> str:
        """The signed text: canonical JSON (sorted keys, no spaces, UTF-8)."""
        return keys.canonical_json(self.payload())

    def to_dict(self) -> dict[str, Any]:
        return {"checkpoint": self.payload(), "signature": self.signature}

    def to_line(self) -> str:
        return keys.canonical_json(self.to_dict())

    def signature_valid(self, public_key: Ed25519PublicKey | None = None) -> bool:
        return keys.signature_valid(
            public_key or keys.platform_public_key(),
            key_id=self.key_id,
            signature=self.signature,
            text=self.canonical(),
        )

    @classmethod
    def from_dict(cls, data: Any) -> Checkpoint:
        try:
            body = data["checkpoint"]
            if body["format"] != CHECKPOINT_FORMAT:
                raise ValueError("format")
            checkpoint = cls(
                tree_size=int(body["tree_size"]),
                root_hash=str(body["root_hash"]),
                timestamp=str(body["timestamp"]),
                audit_seq=int(body["audit_seq"]),
                audit_hash=str(body["audit_hash"]),
                key_id=str(body["key_id"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointInvalid(f"not a checkpoint: {exc}") from None
        if (
            checkpoint.tree_size < 0
            or checkpoint.audit_seq < 0
            or not _is_hex64(checkpoint.root_hash)
            or not _is_hex64(checkpoint.audit_hash)
        ):
            raise CheckpointInvalid("checkpoint fields out of range")
        return checkpoint

    @classmethod
    def from_row(cls, row: TransparencyCheckpoint) -> Checkpoint:
        return cls(
            tree_size=row.tree_size,
            root_hash=row.root_hash,
            timestamp=_utc_text(row.issued_at),
            audit_seq=row.audit_seq,
            audit_hash=row.audit_hash,
            key_id=row.key_id,
            signature=row.signature,
        )


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _leaf_hashes(limit: int | None = None) -> list[bytes]:
    """The log's leaf hashes in index order (the first `limit`); refuses a log with a gap."""
    rows = TransparencyLeaf.objects.order_by("index").values_list("index", "leaf_hash")
    if limit is not None:
        rows = rows.filter(index__lt=limit)
    leaves: list[bytes] = []
    for position, (index, leaf) in enumerate(rows.iterator(chunk_size=5000)):
        if index != position:
            raise Conflict(
                "transparency.log_broken",
                _("透明日志缺少第 %(index)s 个叶（记录被删除？）") % {"index": position},
            )
        leaves.append(bytes.fromhex(leaf))
    return leaves


def _audit_head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)


def checkpoint_create(*, now: datetime | None = None) -> Checkpoint:
    """Sign, store, append to the checkpoint file and return the current tree head.

    Refuses (``transparency.inconsistent``) to sign a log or an audit chain that does not extend
    the previous checkpoint: a rewritten history gets no fresh signature. Run daily by the
    scheduler (`checkpoint_task`, ``OPENGPS_SCHEDULE``), once at the end of `make demo`, and by
    hand with `opengps audit checkpoint`.
    """
    with transaction.atomic():
        leaves = _leaf_hashes()
        audit_seq, audit_hash = _audit_head()
        previous = TransparencyCheckpoint.objects.order_by("-issued_at", "-id").first()
        if previous is not None:
            problems = _checkpoint_problems(
                Checkpoint.from_row(previous), leaves, audit_seq, keys.platform_public_key()
            )
            if problems:
                raise Conflict(
                    "transparency.inconsistent",
                    _("日志或审计链与上一检查点不一致，拒绝签发：%(problem)s") % {"problem": problems[0]},
                )
        signing_key = keys.platform_signing_key()
        moment = now or clock.now()
        unsigned = Checkpoint(
            tree_size=len(leaves),
            root_hash=merkle.root(leaves).hex(),
            timestamp=_utc_text(moment),
            audit_seq=audit_seq,
            audit_hash=audit_hash,
            key_id=keys.public_key_id(signing_key.public_key()),
        )
        signature = keys.sign_text(signing_key, unsigned.canonical())
        checkpoint = dataclasses.replace(unsigned, signature=signature)
        TransparencyCheckpoint.objects.create(
            tree_size=checkpoint.tree_size,
            root_hash=checkpoint.root_hash,
            issued_at=datetime.strptime(checkpoint.timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            audit_seq=audit_seq,
            audit_hash=audit_hash,
            key_id=checkpoint.key_id,
            signature=signature,
        )
        # Inside the transaction: if the file cannot be written the checkpoint is not stored either.
        # A line written for a transaction that then fails to commit still states a true tree head.
        append_to_file(checkpoint, Path(settings.OPENGPS_CHECKPOINT_FILE))
    return checkpoint


def append_to_file(checkpoint: Checkpoint, path: Path) -> None:
    """One JSON line, opened in append mode and flushed to disk (the file is never rewritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(checkpoint.to_line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def checkpoints_stored(*, since: datetime | None = None) -> list[Checkpoint]:
    rows = TransparencyCheckpoint.objects.order_by("issued_at", "id")
    if since is not None:
        rows = rows.filter(issued_at__gte=since)
    return [Checkpoint.from_row(row) for row in rows]


def checkpoint_latest() -> Checkpoint | None:
    row = TransparencyCheckpoint.objects.order_by("-issued_at", "-id").first()
    return Checkpoint.from_row(row) if row else None


def checkpoints_parse(text: str) -> list[Checkpoint]:
    """Checkpoints from a file's or an endpoint's text: JSON Lines, a JSON list, or one object."""
    text = text.strip()
    if not text:
        return []
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        return [Checkpoint.from_dict(item) for item in whole]
    if isinstance(whole, dict):
        return [Checkpoint.from_dict(whole)]
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_dict(json.loads(line)))
        except (json.JSONDecodeError, CheckpointInvalid) as exc:
            raise CheckpointInvalid(f"line {number}: {exc}") from None
    return found


def checkpoints_load(source: str, *, timeout: float = 30) -> list[Checkpoint]:
    """Checkpoints from a file path or an http(s) URL (e.g. …/api/v1/transparency/checkpoints)."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=timeout) as response:  # noqa: S310 — scheme checked
            return checkpoints_parse(response.read().decode("utf-8"))
    if "://" in source:
        raise CheckpointInvalid(f"only files and http(s) URLs are supported, not {source!r}")
    return checkpoints_parse(Path(source).read_text(encoding="utf-8"))


# --- proofs (public) ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _checkpointed_leaves(tree_size: int, root_hash: str) -> tuple[bytes, ...]:
    """The first `tree_size` leaves, cached per checkpoint (keyed by its root, so never stale)."""
    leaves = _leaf_hashes(tree_size)
    if len(leaves) != tree_size or merkle.root(leaves).hex() != root_hash:
        _checkpointed_leaves.cache_clear()
        raise Conflict("transparency.log_broken", _("透明日志与已发布的检查点不一致"))
    return tuple(leaves)


def _checkpoint_of_size(tree_size: int) -> Checkpoint:
    row = TransparencyCheckpoint.objects.filter(tree_size=tree_size).order_by("-issued_at", "-id").first()
    if row is None:
        raise NotFound(
            "transparency.size_not_checkpointed",
            _("只提供已发布检查点之间的证明：没有叶数为 %(size)s 的检查点") % {"size": tree_size},
            field="tree_size",
        )
    return Checkpoint.from_row(row)


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    leaf_hash: str
    audit_path: list[str]
    checkpoint: Checkpoint


def inclusion_proof(*, leaf_hash: str, tree_size: int | None = None) -> InclusionProof:
    """The audit path of a leaf (by its hash) in a checkpointed tree (the latest by default)."""
    leaf_hash = leaf_hash.strip().lower()
    if not _is_hex64(leaf_hash):
        raise ServiceError("transparency.leaf_invalid", _("叶哈希应为 64 位十六进制"), field="leaf")
    checkpoint = _checkpoint_of_size(tree_size) if tree_size is not None else checkpoint_latest()
    index = TransparencyLeaf.objects.filter(leaf_hash=leaf_hash).values_list("index", flat=True).first()
    if index is None:
        raise NotFound("transparency.leaf_not_found", _("透明日志中没有该叶"), field="leaf")
    if checkpoint is None or index >= checkpoint.tree_size:
        raise Conflict(
            "transparency.leaf_pending",
            _("该叶尚未被检查点覆盖，将在下一个检查点（每日）后提供包含证明"),
            field="leaf",
        )
    leaves = _checkpointed_leaves(checkpoint.tree_size, checkpoint.root_hash)
    path = [p.hex() for p in merkle.inclusion_proof(index, leaves)]
    return InclusionProof(leaf_index=index, leaf_hash=leaf_hash, audit_path=path, checkpoint=checkpoint)


@dataclass(frozen=True)
class ConsistencyProof:
    first: Checkpoint | None
    second: Checkpoint
    proof: list[str]


def consistency_proof(*, first: int, second: int) -> ConsistencyProof:
    """The RFC 9162 consistency proof between two checkpointed sizes (first may be 0)."""
    if not 0 <= first <= second:
        raise ServiceError("transparency.size_invalid", _("应满足 0 ≤ first ≤ second"), field="first")
    later = _checkpoint_of_size(second)
    earlier = _checkpoint_of_size(first) if first else None
    leaves = _checkpointed_leaves(later.tree_size, later.root_hash)
    proof = [p.hex() for p in merkle.consistency_proof(first, leaves)]
    return ConsistencyProof(first=earlier, second=later, proof=proof)


@dataclass(frozen=True)
class LeafStatus:
    """What a bidder sees about one of its receipts' leaves: the index only once checkpointed."""

    leaf_hash: str
    leaf_index: int | None
    tree_size: int | None

    @property
    def pending(self) -> bool:
        return self.leaf_index is None


def leaf_status(receipt_digests: Sequence[str]) -> dict[str, LeafStatus]:
    """Each receipt digest's leaf status (two queries however many receipts)."""
    hashes = {digest: leaf_hash_of(digest) for digest in receipt_digests}
    latest = checkpoint_latest()
    covered = latest.tree_size if latest else 0
    indexes = dict(
        TransparencyLeaf.objects.filter(leaf_hash__in=list(hashes.values()), index__lt=covered).values_list(
            "leaf_hash", "index"
        )
    )
    return {
        digest: LeafStatus(
            leaf_hash=leaf,
            leaf_index=indexes.get(leaf),
            tree_size=covered if leaf in indexes else None,
        )
        for digest, leaf in hashes.items()
    }


def leaf_pending(receipt_digest: str) -> LeafStatus:
    """The status of a leaf just appended (no query: no checkpoint covers it yet)."""
    return LeafStatus(leaf_hash=leaf_hash_of(receipt_digest), leaf_index=None, tree_size=None)


# --- verification --------------------------------------------------------------------------------


def _checkpoint_problems(
    checkpoint: Checkpoint,
    leaves: Sequence[bytes],
    audit_seq: int,
    public_key: Ed25519PublicKey,
    *,
    root: bytes | None = None,
    audit_hashes: dict[int, str] | None = None,
) -> list[str]:
    """What is wrong with the log and chain as against one checkpoint (empty: consistent)."""
    label = (
        f"checkpoint {checkpoint.timestamp} (size {checkpoint.tree_size}, audit seq {checkpoint.audit_seq})"
    )
    problems = []
    if not checkpoint.signature_valid(public_key):
        problems.append(f"{label}: signature invalid (not signed by the platform key, or altered)")
    if checkpoint.tree_size > len(leaves):
        problems.append(f"{label}: the log has {len(leaves)} leaves, fewer than the checkpoint's")
    else:
        computed = root if root is not None else merkle.root(leaves[: checkpoint.tree_size])
        if computed.hex() != checkpoint.root_hash:
            problems.append(f"{label}: the log's first {checkpoint.tree_size} leaves differ (root mismatch)")
    if checkpoint.audit_seq > audit_seq:
        problems.append(f"{label}: the audit chain ends at seq {audit_seq}, shorter than the checkpoint's")
    elif checkpoint.audit_seq > 0:
        if audit_hashes is None:
            stored = (
                AuditEvent.objects.filter(seq=checkpoint.audit_seq).values_list("hash", flat=True).first()
            )
        else:
            stored = audit_hashes.get(checkpoint.audit_seq)
        if stored != checkpoint.audit_hash:
            problems.append(f"{label}: audit event seq {checkpoint.audit_seq} is missing or differs")
    return problems


@dataclass
class LogReport:
    """The outcome of `verify_log`: leaves checked, checkpoints checked, problems (empty: intact)."""

    leaves: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)


def verify_log(extra_checkpoints: Iterable[Checkpoint] = ()) -> LogReport:
    """Check the log: no gaps; every registered record has its leaf and every leaf its record;
    and the log and the audit chain extend every stored checkpoint and every one in
    `extra_checkpoints` (a published file or URL)."""
    report = LogReport()
    rows = list(TransparencyLeaf.objects.order_by("index").values_list("index", "leaf_hash"))
    leaves: list[bytes] = []
    for position, (index, leaf) in enumerate(rows):
        if index != position:
            report.problems.append(f"transparency log: leaf index {position} is missing (next is {index})")
            break
        leaves.append(bytes.fromhex(leaf))
    report.leaves = len(leaves)
    head_size = TransparencyHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    if head_size != len(rows):
        report.problems.append(
            f"transparency log: the head says {head_size} leaves, the table holds {len(rows)}"
        )
    stored = Counter(leaf for _index, leaf in rows)
    expected: Counter[str] = Counter()
    expected.update(leaf_hash_of(digest) for digest in registered_digests())
    missing = expected - stored
    orphans = stored - expected
    if missing:
        report.problems.append(
            f"transparency log: {sum(missing.values())} stored receipt(s) have no leaf (leaves deleted?)"
        )
    if orphans:
        positions = sorted(index for index, leaf in rows if leaf in orphans)[:10]
        report.problems.append(
            f"transparency log: {sum(orphans.values())} leaf/leaves have no stored receipt "
            f"(records deleted or altered?), at index {positions}"
        )
    checkpoints = [*checkpoints_stored(), *extra_checkpoints]
    report.checkpoints = len(checkpoints)
    if not checkpoints:
        return report
    audit_seq, _audit_hash = _audit_head()
    audit_hashes = dict(
        AuditEvent.objects.filter(seq__in={c.audit_seq for c in checkpoints}).values_list("seq", "hash")
    )
    sizes = [c.tree_size for c in checkpoints if c.tree_size <= len(leaves)]
    roots = merkle.roots_at(leaves, sizes)
    public_key = keys.platform_public_key()
    for checkpoint in checkpoints:
        report.problems.extend(
            _checkpoint_problems(
                checkpoint,
                leaves,
                audit_seq,
                public_key,
                root=roots.get(checkpoint.tree_size),
                audit_hashes=audit_hashes,
            )
        )
    return report


@tasks.background(attempts=3, timeout=600, backoff=300)
def checkpoint_task() -> str:
    """The daily signed tree head (scheduled as ``transparency.checkpoint``); returns its root hash."""
    return checkpoint_create().root_hash
