"""Issue 13: the transparency log catches deleted bids and audit events, and proves receipts offline.

Bids are made through the real services (their receipts become leaves in the bid's transaction),
a checkpoint is signed into a file, then an attacker with database access deletes rows the way
they would (ORM deletes, head rows moved back); `opengps audit verify --checkpoint FILE` must
fail. The offline verifier (scripts/verify_receipt.py) checks a receipt's inclusion proof and two
checkpoints' consistency proof from the published JSON alone.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from opengps.core import keys, merkle, transparency
from opengps.core.errors import Conflict
from opengps.core.models import (
    AuditChainHead,
    AuditEvent,
    TransparencyCheckpoint,
    TransparencyHead,
    TransparencyLeaf,
)
from opengps.demo.world import announce_times, bid_files
from opengps.procurement import services
from opengps.procurement.models import BidFile, BidSubmission, BidVersion, DocumentObtained

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
VERIFIER = ROOT / "scripts" / "verify_receipt.py"


@pytest.fixture
def checkpoint_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "published" / "checkpoints.jsonl"
    settings.OPENGPS_CHECKPOINT_FILE = path
    return path


@pytest.fixture
def bidding(purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]) -> dict[str, Any]:
    """An announced tender with three bid versions (two submissions and a modification)."""
    procurement = services.procurement_create(actor=purchaser, plan=make_plan(), documents="招标文件")
    issued, deadline = announce_times()
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    lot = procurement.lots.get(number=1)
    acks = []
    for user, price in zip(suppliers[:2], ("268000.00", "265000.00"), strict=True):
        services.documents_obtain(actor=user, procurement=procurement)
        acks.append(services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files()))
    acks.append(services.bid_modify(actor=suppliers[0], lot=lot, price_total="264000.00", files=bid_files()))
    return {"procurement": procurement, "lot": lot, "acks": acks, "suppliers": suppliers}


def _verify(*sources: Path | str) -> None:
    args: list[str] = []
    for source in sources:
        args += ["--checkpoint", str(source)]
    call_command("audit", "verify", *args)


def test_every_acknowledged_bid_version_is_a_leaf_in_its_transaction(bidding: dict[str, Any]) -> None:
    # given three acknowledged bid versions
    acks = bidding["acks"]
    # then each receipt's digest is a leaf, in order, and the leaves say nothing else
    leaves = list(TransparencyLeaf.objects.order_by("index").values_list("index", "leaf_hash"))
    assert leaves == [(i, transparency.leaf_hash_of(a.receipt.digest())) for i, a in enumerate(acks)]
    assert TransparencyHead.objects.get(pk=1).size == 3
    assert [f.name for f in TransparencyLeaf._meta.get_fields()] == ["index", "leaf_hash"]
    # and a refused bid (already submitted) leaves no leaf and no gap
    with pytest.raises(Conflict):
        services.bid_submit(
            actor=bidding["suppliers"][1], lot=bidding["lot"], price_total="1.00", files=bid_files()
        )
    assert TransparencyLeaf.objects.count() == 3 and TransparencyHead.objects.get(pk=1).size == 3


def test_an_intact_platform_verifies_against_its_checkpoints(
    bidding: dict[str, Any], checkpoint_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a checkpoint, one more bid version, and a second checkpoint
    first = transparency.checkpoint_create()
    services.bid_withdraw(actor=bidding["suppliers"][1], lot=bidding["lot"])
    second = transparency.checkpoint_create()
    # then both are in the append-only file, signed, and the later extends the earlier
    lines = checkpoint_file.read_text(encoding="utf-8").splitlines()
    assert [transparency.Checkpoint.from_dict(json.loads(line)) for line in lines] == [first, second]
    assert (first.tree_size, second.tree_size) == (3, 4)
    assert second.audit_seq >= first.audit_seq > 0 and first.signature_valid() and second.signature_valid()
    # and `audit verify` against the file (and the stored checkpoints) passes
    _verify(checkpoint_file)
    out = capsys.readouterr().out
    assert "4 leaves" in out and "consistent with 4 checkpoints" in out


def _delete_bid_version(ack: services.BidAck) -> None:
    """What an insider with database access does: the version, its files, its register row."""
    version = ack.version
    BidFile.objects.filter(version=version).delete()
    BidVersion.objects.filter(pk=version.pk).delete()
    submission = BidSubmission.objects.get(pk=ack.submission.pk)
    if not submission.versions.exists():
        BidSubmission.objects.filter(pk=submission.pk).delete()
        DocumentObtained.objects.filter(
            procurement_id=submission.procurement_id, organization_id=submission.organization_id
        ).delete()


def test_deleting_a_bid_version_is_caught(bidding: dict[str, Any], checkpoint_file: Path) -> None:
    # given a checkpoint covering three bid versions
    transparency.checkpoint_create()
    # when the second bid (version and register row) is deleted before the deadline
    _delete_bid_version(bidding["acks"][1])
    # then its leaf has no bid version any more
    with pytest.raises(CommandError, match="no stored receipt"):
        _verify(checkpoint_file)


def test_deleting_a_bid_version_and_its_leaf_is_caught(
    bidding: dict[str, Any], checkpoint_file: Path
) -> None:
    # given a checkpoint covering three bid versions
    transparency.checkpoint_create()
    # when the last bid version, its leaf and the log head are rolled back one step
    _delete_bid_version(bidding["acks"][2])
    TransparencyLeaf.objects.filter(index=2).delete()
    TransparencyHead.objects.filter(pk=1).update(size=2)
    TransparencyCheckpoint.objects.all().delete()  # and the stored checkpoints with it
    # then the published checkpoint shows the log is shorter than it was
    with pytest.raises(CommandError, match="fewer than the checkpoint"):
        _verify(checkpoint_file)
    # and a middle leaf deleted leaves a gap
    TransparencyLeaf.objects.filter(index=0).delete()
    with pytest.raises(CommandError, match="leaf index 0 is missing"):
        _verify()


def test_deleting_the_last_audit_event_and_moving_the_head_back_is_caught(
    bidding: dict[str, Any], checkpoint_file: Path
) -> None:
    # given a checkpoint that signs the audit chain's head
    checkpoint = transparency.checkpoint_create()
    last = AuditEvent.objects.get(seq=checkpoint.audit_seq)
    # when the last event is deleted, the head moved back, and the stored checkpoints removed
    AuditEvent.objects.filter(pk=last.pk).delete()
    AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq - 1, last_hash=last.prev_hash)
    TransparencyCheckpoint.objects.all().delete()
    # then the chain alone still looks intact …
    _verify()
    # … but not against the published checkpoint
    with pytest.raises(CommandError, match="audit chain ends at seq"):
        _verify(checkpoint_file)


def test_deleting_every_audit_event_and_resetting_the_head_is_caught(
    bidding: dict[str, Any], checkpoint_file: Path
) -> None:
    # given a published checkpoint
    transparency.checkpoint_create()
    # when every event is deleted and the head reset (the stored checkpoints too)
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    TransparencyCheckpoint.objects.all().delete()
    # then the published checkpoint catches it
    with pytest.raises(CommandError, match="audit chain ends at seq 0"):
        _verify(checkpoint_file)


def test_a_rewritten_event_under_a_recomputed_chain_is_caught(
    bidding: dict[str, Any], checkpoint_file: Path
) -> None:
    from opengps.core import audit

    # given a checkpoint, when the whole chain is rewritten consistently from the first event on
    checkpoint = transparency.checkpoint_create()
    prev = audit.GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq == 1:
            event.reason = "改写"
        event.prev_hash = prev
        event.hash = prev = audit.compute_hash(event)
        event.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    assert audit.verify_chain()[1] is None
    # then the head it signed differs
    with pytest.raises(CommandError, match=f"audit event seq {checkpoint.audit_seq} is missing or differs"):
        _verify(checkpoint_file)


def test_a_forged_or_altered_checkpoint_is_refused(bidding: dict[str, Any], checkpoint_file: Path) -> None:
    # given a genuine checkpoint and an altered copy claiming more leaves
    genuine = transparency.checkpoint_create()
    forged = checkpoint_file.parent / "forged.jsonl"
    data = genuine.to_dict()
    data["checkpoint"]["tree_size"] = 2
    forged.write_text(json.dumps(data) + "\n", encoding="utf-8")
    # then verification names the bad signature
    with pytest.raises(CommandError, match="signature invalid"):
        _verify(forged)


def test_signing_a_rewritten_log_is_refused(bidding: dict[str, Any], checkpoint_file: Path) -> None:
    transparency.checkpoint_create()
    TransparencyLeaf.objects.filter(index=2).update(leaf_hash="ab" * 32)
    with pytest.raises(Conflict) as refused:
        transparency.checkpoint_create()
    assert refused.value.code == "transparency.inconsistent"
    assert len(checkpoint_file.read_text(encoding="utf-8").splitlines()) == 1


def test_the_published_endpoints_are_what_verify_and_the_offline_verifier_read(
    bidding: dict[str, Any], checkpoint_file: Path, tmp_path: Path
) -> None:
    # given two checkpoints with a bid between them
    acks = bidding["acks"]
    transparency.checkpoint_create()
    services.bid_withdraw(actor=bidding["suppliers"][1], lot=bidding["lot"])
    transparency.checkpoint_create()
    public = Client()
    # when anyone downloads the published data
    listed = public.get("/api/v1/transparency/checkpoints")
    latest = public.get("/api/v1/transparency/checkpoints/latest").json()
    pem = public.get("/api/v1/transparency/public-key").json()["public_key_pem"]
    leaf = transparency.leaf_hash_of(acks[1].receipt.digest())
    proof = public.get(f"/api/v1/transparency/proof?leaf={leaf}").json()
    consistency = public.get("/api/v1/transparency/consistency?first=3&second=4").json()
    # then the list is what `audit verify --checkpoint URL` parses
    assert listed.status_code == 200
    assert transparency.checkpoints_parse(listed.content.decode()) == transparency.checkpoints_stored()
    assert proof["leaf_index"] == 1 and proof["tree_size"] == 4 == latest["checkpoint"]["tree_size"]
    # and the offline verifier (no Django) accepts the receipt's inclusion and the consistency
    files = {
        "receipt.json": json.loads(acks[1].receipt.to_json()),
        "proof.json": proof,
        "latest.json": latest,
        "consistency.json": consistency,
        "old.json": transparency.checkpoints_stored()[0].to_dict(),
    }
    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "platform.pem").write_text(pem, encoding="ascii")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [sys.executable, str(VERIFIER), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

    key = ["--public-key", "platform.pem"]
    included = run(
        "inclusion", "--receipt", "receipt.json", "--proof", "proof.json", "--checkpoint", "latest.json", *key
    )
    assert included.returncode == 0, included.stderr
    assert "leaf 1 of the log of 4 leaves" in included.stdout
    consistent = run(
        "consistency", "--old", "old.json", "--new", "latest.json", "--proof", "consistency.json", *key
    )
    assert consistent.returncode == 0, consistent.stderr
    # the checkpoint file itself serves as the checkpoint (its last line)
    from_file = run(
        "inclusion",
        "--receipt",
        "receipt.json",
        "--proof",
        "proof.json",
        "--checkpoint",
        str(checkpoint_file),
        *key,
    )
    assert from_file.returncode == 0, from_file.stderr
    # and a receipt altered by one character, or another receipt, fails
    altered = json.loads(acks[1].receipt.to_json())
    altered["receipt"]["received_at"] = altered["receipt"]["received_at"].replace("Z", "1Z")
    (tmp_path / "altered.json").write_text(json.dumps(altered), encoding="utf-8")
    assert run("inclusion", "--receipt", "altered.json", "--proof", "proof.json", *key).returncode == 1
    (tmp_path / "other.json").write_text(acks[0].receipt.to_json(), encoding="utf-8")
    assert run("inclusion", "--receipt", "other.json", "--proof", "proof.json", *key).returncode == 1
    # and consistency swapped (a shrinking log) fails
    swapped = run(
        "consistency", "--old", "latest.json", "--new", "old.json", "--proof", "consistency.json", *key
    )
    assert swapped.returncode == 1
    # and the verifier agrees with the leaf hash the platform computes
    assert run("leaf", "--receipt", "receipt.json").stdout.strip() == leaf


def test_the_offline_verifier_uses_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    assert roots - sys.stdlib_module_names == {"cryptography"}


def test_the_verifier_and_the_platform_agree_on_every_small_proof() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("verify_receipt", VERIFIER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(9)]
    for size in range(1, 10):
        top = merkle.root(leaves[:size])
        for index in range(size):
            assert module.verify_inclusion(
                index, size, leaves[index], merkle.inclusion_proof(index, leaves[:size]), top
            )
        for first in range(0, size + 1):
            old = merkle.root(leaves[:first])
            assert module.verify_consistency(
                first, size, old, top, merkle.consistency_proof(first, leaves[:size])
            )


def test_a_bidder_gets_the_leaf_index_and_proof_only_once_a_checkpoint_covers_it(
    bidding: dict[str, Any], checkpoint_file: Path
) -> None:
    # given a bidder's receipts before any checkpoint
    client = Client()
    client.force_login(bidding["suppliers"][0])
    version = bidding["acks"][0].version
    before = client.get(f"/api/v1/procurement/receipts/{version.pk}").json()["transparency"]
    page = client.get(f"/procurement/receipts/{version.pk}/").content.decode()
    # then the leaf hash is shown but not its index (the live size would count bids)
    assert before["leaf_hash"] == transparency.leaf_hash_of(bidding["acks"][0].receipt.digest())
    assert before["leaf_index"] is None and before["proof_url"] is None
    assert before["leaf_hash"] in page and "待下一个检查点" in page
    # and no proof is served for it yet, nor for any size not checkpointed
    public = Client()
    pending = public.get(f"/api/v1/transparency/proof?leaf={before['leaf_hash']}")
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "transparency.leaf_pending"
    assert public.get("/api/v1/transparency/consistency?first=0&second=3").status_code == 404
    # when the daily checkpoint is signed
    transparency.checkpoint_create()
    after = client.get(f"/api/v1/procurement/{bidding['procurement'].pk}/my-bids").json()
    leaf = after[0]["versions"][0]["transparency"]
    # then the receipt carries its index and where its proof is
    assert leaf["leaf_index"] == 0 and leaf["tree_size"] == 3
    proof = public.get(leaf["proof_url"]).json()
    assert merkle.verify_inclusion(
        index=0,
        tree_size=3,
        leaf=bytes.fromhex(leaf["leaf_hash"]),
        proof=[bytes.fromhex(p) for p in proof["audit_path"]],
        root_hash=bytes.fromhex(proof["checkpoint"]["checkpoint"]["root_hash"]),
    )
    assert proof["checkpoint"]["checkpoint"]["key_id"] == keys.public_key_id(keys.platform_public_key())
