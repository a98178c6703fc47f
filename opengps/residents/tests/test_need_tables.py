"""The residents' rule tables (`rules.residents.GRANT_NEEDS`, `STATION_NEEDS`) name the grants'
stored purpose areas and the capacity's public log domains: a renamed choice fails here, not as a
finder that silently lists nothing."""

from __future__ import annotations

from opengps.capacity import selectors as capacity
from opengps.grants.models import PurposeArea
from opengps.rules import residents as rules


def test_grant_needs_name_every_stored_purpose_area() -> None:
    assert set(rules.GRANT_NEEDS) == set(PurposeArea.values)


def test_station_needs_name_public_log_domains() -> None:
    domains = {key for key, _label in capacity.PUBLIC_DOMAINS}
    assert set(rules.STATION_NEEDS.values()) == domains
