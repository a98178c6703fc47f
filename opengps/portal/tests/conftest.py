"""Portal fixtures: the evaluation fixtures (plans with intentions, an opened procurement, a committee)."""

from __future__ import annotations

from opengps.evaluation.tests import conftest as evaluation_fixtures

_next_year_calendar = evaluation_fixtures._next_year_calendar
agency = evaluation_fixtures.agency
agency_unit = evaluation_fixtures.agency_unit
committee = evaluation_fixtures.committee
finance = evaluation_fixtures.finance
fresh_registry_caches = evaluation_fixtures.fresh_registry_caches
head = evaluation_fixtures.head
make_expert = evaluation_fixtures.make_expert
make_line = evaluation_fixtures.make_line
make_org = evaluation_fixtures.make_org
make_plan = evaluation_fixtures.make_plan
make_project = evaluation_fixtures.make_project
opened = evaluation_fixtures.opened
filing_day = evaluation_fixtures.filing_day
small_catalogue = evaluation_fixtures.small_catalogue
suppliers = evaluation_fixtures.suppliers
