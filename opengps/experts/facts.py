"""Plain facts for `opengps.rules.committee` built from experts, units and registry organizations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opengps.accounts.models import Unit
from opengps.experts.models import Expert, ExpertAffiliation, TitleLevel
from opengps.registry.models import Organization
from opengps.rules.committee import Affiliation, BidderFacts, ExpertFacts, Relation, Relative, Role, Title

_TITLES: dict[str, Title] = {
    TitleLevel.INTERMEDIATE: "intermediate",
    TitleLevel.SENIOR: "senior",
    TitleLevel.FULL_SENIOR: "senior",
}


_ROLES: dict[str, Role] = {
    "employee": "employee",
    "director": "director",
    "supervisor": "supervisor",
    "controlling_shareholder": "controlling_shareholder",
    "actual_controller": "actual_controller",
}
_RELATIONS: dict[str, Relation] = {
    "spouse": "spouse",
    "lineal": "lineal",
    "collateral": "collateral",
    "close_in_law": "close_in_law",
    "other": "other",
}


def unit_identifier(unit: Unit) -> str:
    """How a government unit is named in conflict checks: its USCC, else ``unit:<id>``."""
    return unit.uscc or f"unit:{unit.pk}"


def affiliation_identifier(affiliation: ExpertAffiliation) -> str:
    return (
        unit_identifier(affiliation.unit) if affiliation.unit is not None else affiliation.organization_uscc
    )


def employer_identifier(expert: Expert) -> str | None:
    if expert.employer_unit is not None:
        return unit_identifier(expert.employer_unit)
    return expert.employer_uscc or None


def expert_facts(expert: Expert) -> ExpertFacts:
    """The rules' view of `expert`. Expects `affiliations` (with `unit`) and `relations` prefetched
    for lists; works without, at one query each."""
    affiliations = tuple(
        Affiliation(affiliation_identifier(a), _ROLES[a.role], a.start, a.end)
        for a in expert.affiliations.all()
    )
    relatives = tuple(
        Relative(r.person_name.strip(), _RELATIONS[r.relation], r.generations) for r in expert.relations.all()
    )
    return ExpertFacts(
        expert_id=str(expert.pk),
        employer=employer_identifier(expert),
        affiliations=affiliations,
        relatives=relatives,
        birth_date=expert.birth_date,
        title=_TITLES.get(expert.title_level, "none"),
        field_since=expert.field_since,
    )


def bidders_from_organizations(
    organizations: Iterable[Organization], *, principals: Mapping[str, str] | None = None
) -> list[BidderFacts]:
    """Bidder facts from registry organizations: USCC, name, legal representative; `principals`
    maps a USCC to the 负责人 declared in the bid when there is no legal representative."""
    principals = principals or {}
    return [
        BidderFacts(
            bidder_id=org.uscc,
            name=org.name,
            legal_representative=org.legal_representative.strip() or None,
            principal=principals.get(org.uscc),
        )
        for org in organizations
    ]


def bidder_json(bidder: BidderFacts) -> dict[str, str | None]:
    return {
        "bidder_id": bidder.bidder_id,
        "name": bidder.name,
        "legal_representative": bidder.legal_representative,
        "principal": bidder.principal,
    }
