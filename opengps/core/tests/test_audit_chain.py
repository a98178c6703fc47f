"""The audit hash chain: appends link up, any tampering is found and named."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from opengps.core import audit
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit.record(
                    actor=None,
                    action="test.changed",
                    obj=("test.thing", str(i)),
                    old={"amount": None},
                    new={"amount": audit.to_jsonable(i)},
                    reason=f"第{i}次",
                )
            )
    return events


def test_chain_links_each_event_to_the_previous() -> None:
    # given / when
    events = _append(3)
    # then
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    checked, broken = audit.verify_chain()
    assert (checked, broken) == (3, None)


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(actor=None, action="x", obj=("t", "1"))


def test_float_values_are_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        audit.to_jsonable(1.5)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "test.forged"),
        ("reason", "改过的原因"),
        ("new_values", '{"amount": "999"}'),
        ("object_id", "42"),
        ("actor_label", "someone-else"),
    ],
)
def test_changing_any_column_of_any_row_breaks_verify_and_names_the_row(column: str, value: str) -> None:
    # given
    events = _append(5)
    victim = events[2]
    # when: a raw UPDATE, as an attacker with database access would do
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608
    # then
    checked, broken = audit.verify_chain()
    assert broken is not None and broken.seq == victim.seq
    assert checked == 2
    with pytest.raises(CommandError, match=f"seq={victim.seq}"):
        call_command("audit", "verify")


def test_deleting_the_last_row_is_detected_by_the_chain_head() -> None:
    events = _append(3)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    _, broken = audit.verify_chain()
    assert broken is not None and "chain head" in broken.problem


def test_deleting_a_middle_row_is_detected() -> None:
    events = _append(4)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    _, broken = audit.verify_chain()
    assert broken is not None and broken.seq == 3 and "missing sequence" in broken.problem


def test_rewriting_a_row_with_a_recomputed_hash_breaks_the_next_link() -> None:
    events = _append(3)
    forged = AuditEvent.objects.get(pk=events[0].pk)
    forged.reason = "篡改"
    forged.hash = audit.compute_hash(forged)
    forged.save()
    _, broken = audit.verify_chain()
    assert broken is not None and broken.seq == 2 and "prev_hash" in broken.problem


def test_verify_command_reports_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _append(2)
    call_command("audit", "verify")
    assert "2 events verified" in capsys.readouterr().out


def test_diff_keeps_only_changed_fields() -> None:
    old, new = audit.diff({"a": 1, "b": "x"}, {"a": 1, "b": "y"})
    assert (old, new) == ({"b": "x"}, {"b": "y"})


def test_record_many_continues_the_same_chain() -> None:
    first = _append(1)[0]
    with transaction.atomic():
        batch = audit.record_many(
            actor=None,
            action="test.bulk",
            changes=[(("test.thing", str(i)), None, {"n": i}) for i in range(3)],
        )
    assert [e.seq for e in batch] == [2, 3, 4]
    assert batch[0].prev_hash == first.hash
    assert audit.verify_chain() == (4, None)
    with transaction.atomic():
        assert audit.record_many(actor=None, action="test.none", changes=[]) == []
