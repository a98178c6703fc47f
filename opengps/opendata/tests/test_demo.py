"""The demo loads procurements through the services; the hooks publish their releases as it goes."""

from __future__ import annotations

import json

import pytest
from django.db.models import Q

from opengps.core.demo import load_demo
from opengps.opendata import builders, services
from opengps.opendata.models import Record, Release
from opengps.opendata.tests.conftest import schema_errors
from opengps.procurement.models import OpeningRecord, Procurement

pytestmark = pytest.mark.django_db


def test_demo_data_is_published_as_valid_releases_without_early_bids() -> None:
    # when the demo is loaded
    load_demo(organizations=40)
    # then every published procurement has releases, each valid against the official schema
    published = Procurement.objects.filter(
        Q(announced_at__isnull=False) | Q(notice_published_on__isnull=False)
    )
    assert published.exists()
    ocids = set(Release.objects.order_by().values_list("ocid", flat=True).distinct())
    opened = set(OpeningRecord.objects.values_list("procurement_id", flat=True))
    for procurement in published:
        ocid = builders.procurement_ocid(procurement)
        assert ocid in ocids, procurement.reference
        for release in Release.objects.filter(ocid=ocid):
            data = json.loads(release.payload)
            assert not schema_errors("release", data), release.release_id
            if procurement.pk not in opened:
                assert "bids" not in data and "tenderers" not in data["tender"]
    assert Record.objects.count() == len(ocids)
    # and every cached compiled release equals a fresh merge by the reference library
    assert services.records_verify() == []
