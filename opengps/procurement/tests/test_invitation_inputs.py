"""The invited tender's draw of suppliers takes the expert draw's public inputs under its own format."""

from __future__ import annotations

from datetime import UTC, datetime

from opengps.experts import drawing
from opengps.procurement.services import INVITATION_FORMAT, invitation_inputs


def test_the_invited_tenders_draw_has_the_same_inputs_under_its_own_format() -> None:
    # given the same reference, time and chain head
    drawn_at = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    # when both kinds of draw take their inputs
    invited = invitation_inputs(procurement_ref="HN-2026-001", drawn_at=drawn_at, audit_chain_head="ab" * 32)
    experts = drawing.draw_inputs(
        procurement_ref="HN-2026-001", drawn_at=drawn_at, audit_chain_head="ab" * 32
    )
    # then only the format differs, and so the seeds do
    assert invited == {**experts, "format": INVITATION_FORMAT}
    assert invited["drawn_at"] == "2026-03-01T01:30:00.000000Z"
    assert experts["format"] == drawing.DRAW_FORMAT
    assert drawing.seed_for(invited) != drawing.seed_for(experts)
