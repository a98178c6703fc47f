"""Writes on the expert database and on draws, by stage; each one transaction with its audit event.

Registration keeps the database (`registration`); a draw screens the candidates (`screening`),
draws the committee (`draw`), records the experts' answers and substitutes (`attendance`), and
can be replayed and checked by anyone from its recorded inputs (`verify`). Callers import the
public names from here.
"""

from opengps.experts.matching import region_matches, specialty_matches
from opengps.experts.services._common import DRAW_ROLES
from opengps.experts.services.attendance import draw_member_recuse, draw_member_respond
from opengps.experts.services.draw import draw_create
from opengps.experts.services.registration import (
    DATABASE_MANAGERS,
    SELF_UPDATABLE,
    UPDATABLE,
    USCC_PATTERN,
    affiliation_add,
    expert_register,
    expert_update,
    id_number_hash,
    is_self,
    relation_declare,
)
from opengps.experts.services.screening import O87_47, Screening, screen_candidates
from opengps.experts.services.verify import DrawCheck, draw_replay, draw_verify

__all__ = [
    "DATABASE_MANAGERS",
    "DRAW_ROLES",
    "O87_47",
    "SELF_UPDATABLE",
    "UPDATABLE",
    "USCC_PATTERN",
    "DrawCheck",
    "Screening",
    "affiliation_add",
    "draw_create",
    "draw_member_recuse",
    "draw_member_respond",
    "draw_replay",
    "draw_verify",
    "expert_register",
    "expert_update",
    "id_number_hash",
    "is_self",
    "region_matches",
    "relation_declare",
    "screen_candidates",
    "specialty_matches",
]
