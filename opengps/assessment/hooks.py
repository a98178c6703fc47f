"""Declared hook through which later apps (the opinion monitoring, the residents' feedback) tell an
assessment what they know about an organization, without the assessment importing them: the layers
run … → assessment → opinion, residents → …, never back (pyproject's import-linter contract).

A provider answers "the facts about these organizations" for the assessor's page and the API; it
is registered once from its app's `AppConfig.ready`. Facts inform the assessor and never change a
score. The earlier stages' facts (performance, grants, the registry's credit records) are read by
`opengps.assessment.facts` directly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from opengps.accounts.actors import MaybeActor
from opengps.registry.models import Organization


@dataclass(frozen=True)
class Fact:
    """One record the platform holds about an organization, as the assessor reads it: labels, never
    codes; the day it happened; a link to the record the viewer can open ("" when none)."""

    section: str
    """The indicator section it informs (`opengps.assessment.models.Section`: "social", "performance"…)."""
    source: str
    """Where the platform holds it, a label ("舆情监测", "居民评价和投诉")."""
    label: str
    """What it is ("舆情预警：违规收费（待研判）")."""
    on: date | None
    url: str = ""
    tone: str = "info"
    """The badge tone of the design system: "ok", "info", "warn" or "bad"."""
    detail: str = ""
    kind: str = ""
    """A stable name of the kind of record for API clients ("opinion.alert"); never shown on screen."""


class FactProvider(Protocol):
    """The facts about each of `organizations` (keyed by organization id) that `viewer` may read,
    in a constant number of queries however many organizations and records there are."""

    def __call__(
        self, organizations: Sequence[Organization], *, viewer: MaybeActor
    ) -> Mapping[int, Sequence[Fact]]: ...


_providers: list[FactProvider] = []


def register_facts(provider: FactProvider) -> None:
    """Add a provider (from its app's `ready()`); registering the same one again changes nothing."""
    if provider not in _providers:
        _providers.append(provider)


def provided_facts(organizations: Sequence[Organization], *, viewer: MaybeActor) -> dict[int, list[Fact]]:
    """Every registered provider's facts about `organizations`, by organization id, in
    registration order; organizations outside `organizations` are dropped whatever a provider says."""
    wanted = {org.pk for org in organizations}
    found: dict[int, list[Fact]] = defaultdict(list)
    if not wanted:
        return found
    for provider in _providers:
        for org_id, facts in provider(organizations, viewer=viewer).items():
            if org_id in wanted:
                found[org_id].extend(facts)
    return found
