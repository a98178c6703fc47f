"""Region.lineage: the region and the regions above it, which full names and service areas read."""

from __future__ import annotations

import itertools

import pytest

from opengps.accounts.models import Region

pytestmark = pytest.mark.django_db


def test_lineage_goes_from_the_region_up_to_its_province(regions: None) -> None:
    # given a county of the loaded division codes
    county = Region.objects.filter(level=Region.Level.COUNTY).select_related("parent__parent").first()
    assert county is not None and county.parent is not None
    # when
    chain = county.lineage()
    # then it starts at the county and ends at the province, each the parent of the one before
    assert chain[0] == county and chain[-1].level == Region.Level.PROVINCE
    assert all(above.pk == below.parent_id for below, above in itertools.pairwise(chain))
    assert county.full_name == "".join(r.name for r in reversed(chain))


def test_a_province_is_its_own_lineage(regions: None) -> None:
    province = Region.objects.get(level=Region.Level.PROVINCE, parent__isnull=True, code="430000")
    assert province.lineage() == [province]
    assert province.full_name == province.name
