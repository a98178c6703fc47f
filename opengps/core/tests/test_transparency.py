"""The transparency log's own mechanics: appends, checkpoints, the file, loading and the command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from opengps.core import merkle, transparency
from opengps.core.errors import Conflict, NotFound, ServiceError
from opengps.core.models import TransparencyCheckpoint, TransparencyHead, TransparencyLeaf

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_file(settings: Any, tmp_path: Path) -> Path:
    settings.OPENGPS_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    return Path(settings.OPENGPS_CHECKPOINT_FILE)


def _digest(n: int) -> str:
    return hashlib.sha256(f"receipt {n}".encode()).hexdigest()


def test_an_append_on_postgresql_returns_the_database_clock_read_after_the_leaf_is_written() -> None:
    # The bid path judges its deadline on this clock instead of a further round trip.
    from django.db import connection

    with transaction.atomic():
        clock = transparency.leaf_append(receipt_digest=_digest(11))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            later = cursor.fetchone()[0]
        assert clock is not None and clock.tzinfo is not None and clock <= later
    else:
        assert clock is None  # SQLite: the caller reads the clock itself
    assert TransparencyLeaf.objects.filter(leaf_hash=transparency.leaf_hash_of(_digest(11))).exists()


def test_appends_are_gap_free_and_roll_back_with_their_transaction() -> None:
    # given two committed appends and one whose transaction fails
    for n in range(2):
        with transaction.atomic():
            transparency.leaf_append(receipt_digest=_digest(n))
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        transparency.leaf_append(receipt_digest=_digest(2))
        raise RuntimeError("boom")
    with transaction.atomic():
        transparency.leaf_append(receipt_digest=_digest(3))
    # then the indexes run 0, 1, 2 and the head agrees
    assert list(TransparencyLeaf.objects.values_list("index", "leaf_hash")) == [
        (0, transparency.leaf_hash_of(_digest(0))),
        (1, transparency.leaf_hash_of(_digest(1))),
        (2, transparency.leaf_hash_of(_digest(3))),
    ]
    assert TransparencyHead.objects.get(pk=1).size == 3
    assert transparency.leaf_hash_of(_digest(0)) == merkle.leaf_hash(bytes.fromhex(_digest(0))).hex()


def test_the_command_signs_an_empty_log_and_appends_each_checkpoint_to_the_file(
    checkpoint_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an empty log, when the daily command runs twice
    call_command("audit", "checkpoint")
    call_command("audit", "checkpoint")
    # then each run printed and appended one signed line, never rewriting the file
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    stored = [json.loads(line) for line in checkpoint_file.read_text(encoding="utf-8").splitlines()]
    assert printed == stored and len(stored) == 2
    first = transparency.Checkpoint.from_dict(stored[0])
    assert first.tree_size == 0 and first.root_hash == merkle.EMPTY_ROOT.hex() and first.signature_valid()
    assert TransparencyCheckpoint.objects.count() == 2


def test_checkpoints_load_from_json_lines_a_list_or_one_object(checkpoint_file: Path, tmp_path: Path) -> None:
    checkpoint = transparency.checkpoint_create()
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([checkpoint.to_dict()]), encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(checkpoint.to_dict()), encoding="utf-8")
    for source in (checkpoint_file, as_list, single):
        assert transparency.checkpoints_load(str(source)) == [checkpoint]
    with pytest.raises(transparency.CheckpointInvalid, match="only files and http"):
        transparency.checkpoints_load("ftp://example.org/checkpoints")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(checkpoint.to_line() + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("audit", "verify", "--checkpoint", str(broken))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "missing.jsonl"))


def test_a_leaf_without_a_stored_receipt_is_reported(checkpoint_file: Path) -> None:
    with transaction.atomic():
        transparency.leaf_append(receipt_digest=_digest(7))
    report = transparency.verify_log()
    assert report.leaves == 1
    assert any("no stored receipt" in problem for problem in report.problems)


def test_backfill_appends_what_is_missing_once() -> None:
    assert transparency.leaf_backfill([_digest(1), _digest(2)]) == 2
    assert transparency.leaf_backfill([_digest(1), _digest(2), _digest(3)]) == 1
    assert list(TransparencyLeaf.objects.values_list("index", flat=True)) == [0, 1, 2]


def test_proofs_are_only_given_for_checkpointed_sizes(checkpoint_file: Path) -> None:
    for n in range(5):
        with transaction.atomic():
            transparency.leaf_append(receipt_digest=_digest(n))
    transparency.checkpoint_create()
    with transaction.atomic():
        transparency.leaf_append(receipt_digest=_digest(9))
    proof = transparency.consistency_proof(first=0, second=5)
    assert proof.proof == [] and proof.second.tree_size == 5
    with pytest.raises(NotFound):
        transparency.consistency_proof(first=5, second=6)  # the live size is not served
    with pytest.raises(Conflict):
        transparency.inclusion_proof(leaf_hash=transparency.leaf_hash_of(_digest(9)))
    with pytest.raises(ServiceError):
        transparency.inclusion_proof(leaf_hash="not-hex")
    included = transparency.inclusion_proof(leaf_hash=transparency.leaf_hash_of(_digest(3)))
    assert included.leaf_index == 3 and len(included.audit_path) == 3
