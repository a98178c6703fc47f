"""Replaying a draw: anyone can recompute it from its recorded public inputs and check every link."""

from __future__ import annotations

from dataclasses import dataclass

from opengps.core.models import AuditEvent
from opengps.experts import drawing
from opengps.experts.events import Event
from opengps.experts.models import Draw


def draw_replay(draw: Draw) -> list[int]:
    """Recompute the draw from its recorded public inputs and pool snapshot: the expert ids in
    order, as many as the draw has members (selected, then substitutes). Must equal the record."""
    seed = drawing.seed_for(dict(draw.inputs))
    return drawing.draw_order(seed, draw.pool)[: draw.members.count()]


@dataclass(frozen=True)
class DrawCheck:
    """What an auditor re-running a draw finds."""

    seed_matches: bool
    """The stored seed is the SHA-256 of the stored inputs."""
    inputs_match: bool
    """The inputs agree with the draw's own procurement number, time and chain head."""
    chain_head_found: bool
    """The chain head in the inputs is the `prev_hash` of the draw's own audit event."""
    replayed: list[int]
    recorded: list[int]

    @property
    def selection_matches(self) -> bool:
        return self.replayed == self.recorded

    @property
    def ok(self) -> bool:
        return self.seed_matches and self.inputs_match and self.chain_head_found and self.selection_matches


def draw_verify(draw: Draw) -> DrawCheck:
    """Replay `draw` and check every link: inputs → seed → order → recorded members; and that the
    chain head in the inputs is where the draw's audit event sits in the chain."""
    inputs = dict(draw.inputs)
    expected = drawing.draw_inputs(
        procurement_ref=draw.procurement_ref, drawn_at=draw.drawn_at, audit_chain_head=draw.audit_chain_head
    )
    event = AuditEvent.objects.filter(
        action=Event.DRAW_CREATED, object_type="experts.draw", object_id=str(draw.pk)
    ).first()
    recorded = list(draw.members.order_by("order").values_list("expert_id", flat=True))
    return DrawCheck(
        seed_matches=drawing.seed_for(inputs) == draw.seed,
        inputs_match=inputs == expected,
        chain_head_found=event is not None and event.prev_hash == inputs.get("audit_chain_head"),
        replayed=draw_replay(draw),
        recorded=recorded,
    )
