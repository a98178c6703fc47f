"""Experts, the drawn committee and the announced award."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final

from opengps.accounts.models import Region, User
from opengps.demo.world.people import Users
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award
from opengps.experts.identity import make_id_number
from opengps.experts.models import Draw, Expert
from opengps.experts.services import draw_create, draw_member_respond, expert_register
from opengps.procurement.models import BidReadout, Procurement

# ---------------------------------------------------------------------------------------------
# Experts, committee, award


class Experts:
    """`experts(**overrides)` registers the next expert: qualified (高级, born 1975) in 养老服务 (A04),
    Changsha, unless overridden (`actor` too: by default the finance department)."""

    def __init__(self, finance: User) -> None:
        self.finance = finance
        self.count = 0

    def __call__(
        self, *, birth_date: date = date(1975, 5, 1), region: str = "430104", **overrides: Any
    ) -> Expert:
        self.count += 1
        n = self.count
        actor = overrides.pop("actor", self.finance)
        values: dict[str, Any] = {
            "name": f"专家{n:03d}",
            "id_number": make_id_number(region_code="430102", birth_date=birth_date, serial=n),
            "phone": f"1380731{n:04d}",
            "title_level": "senior",
            "title_obtained_on": date(2010, 1, 1),
            "field_since": date(1998, 7, 1),
            "region": Region.objects.get(pk=region),
            "specialties": ["A04"],
        }
        values.update(overrides)
        return expert_register(actor=actor, **values)


def committee_draw(
    *,
    procurement: Procurement,
    purchaser: User,
    experts: Experts,
    users: Users,
    pool: int = 7,
    needed: int = 5,
) -> Draw:
    """A draw of `needed` experts (out of a pool of `pool` with accounts) for `procurement`, all
    accepted; the draw carries `.users`, the members' accounts in member order."""
    for _n in range(pool):
        experts(user=users("expert", unit=None))
    draw = draw_create(
        actor=purchaser,
        procurement_ref=procurement.reference,
        title=procurement.title,
        purchaser_unit=procurement.purchaser,
        category="A04",
        method="open_tender",
        budget=procurement.budget,
        needed=needed,
        bidders=[],
    )
    members = []
    for member in draw.members.order_by("order"):
        assert member.expert.user is not None
        draw_member_respond(actor=member.expert.user, member=member, accept=True, no_conflict_confirmed=True)
        members.append(member.expert.user)
    draw.users = members  # type: ignore[attr-defined]
    return draw


FACTORS: Final = (
    evaluation_services.FactorInput("tech", "服务方案", Decimal("50")),
    evaluation_services.FactorInput("team", "人员配备", Decimal("20")),
)


def award_announced(
    purchaser: User, procurement: Procurement, committee: Draw, *, announce: bool = True
) -> Award:
    """Evaluate `procurement` (every member scores the cheapest bid best), confirm and announce."""
    members: list[User] = committee.users  # type: ignore[attr-defined]
    evaluation = evaluation_services.evaluation_start(
        actor=purchaser, procurement=procurement, draw=committee, factors=list(FACTORS), price_weight="0.30"
    )
    bids = list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))
    for user in members:
        evaluation_services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    for bid in bids:
        evaluation_services.review_record(
            actor=members[0],
            evaluation=evaluation,
            readout=bid,
            kind="qualification",
            requirement="具有独立承担民事责任的能力",
            passed=True,
        )
    for user in members:
        evaluation_services.scores_submit(
            actor=user,
            evaluation=evaluation,
            scores={bid.pk: {"tech": str(45 - 3 * b), "team": str(18 - b)} for b, bid in enumerate(bids)},
        )
    evaluation_services.evaluation_report_build(actor=members[0], evaluation=evaluation)
    for user in members:
        evaluation_services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    award = Award.objects.get(evaluation=evaluation)
    evaluation_services.award_confirm(actor=purchaser, award=award)
    if announce:
        evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    award.refresh_from_db()
    return award
