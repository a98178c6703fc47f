"""Social workers' personal data and the programmes that grow organizations: the identity number is
stored whole but leaves only masked, except to the registration authority of the worker's region,
and each such read is audited; incubation bases from subsidy to a graduate that registered; a
community organization filed, then registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from opengps.accounts.models import Region, User
from opengps.capacity import selectors, services
from opengps.capacity.models import CommunityFiling, Incubatee, SocialWorker, Township
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def test_a_workers_identity_number_is_shown_masked_and_read_whole_only_with_an_audit(
    today: date,
    registrar: User,
    cs_registrar: User,
    finance: User,
    make_user: Callable[..., User],
    make_worker: Any,
    townships: dict[str, Township],
    operator: Organization,
) -> None:
    # given a registered worker posted at a station
    worker = make_worker(7)
    full = SocialWorker.objects.values_list("id_number", flat=True).get(pk=worker.pk)
    assert worker.id_number_masked == full[:6] + "********" + full[-4:]
    station = services.station_open(
        actor=cs_registrar,
        township=townships["430104001"],
        name="岳麓街道社工站",
        operator=operator,
        opened_on=D("2026-01-05"),
    )
    services.posting_add(actor=cs_registrar, worker=worker, station=station, starts_on=D("2026-01-05"))
    # then no audit event carries the full number
    assert not AuditEvent.objects.filter(new_values__icontains=full).exists()
    assert (
        AuditEvent.objects.get(action="capacity_worker.registered").new_values["id_number"]
        == worker.id_number_masked
    )

    # when finance, a purchaser or an administrator asks for the full number, it is refused
    admin = make_user("admin", unit=None)
    for actor in (finance, make_user("purchaser"), admin):
        with pytest.raises(ServiceError) as caught:
            services.worker_id_number_read(actor=actor, worker=worker)
        assert caught.value.code == "capacity.worker_id_denied"
    assert not AuditEvent.objects.filter(action="capacity_worker.id_read").exists()

    # when the Changsha registration authority reads it, it gets it, and the read is on the record
    assert services.worker_id_number_read(actor=cs_registrar, worker=worker, purpose="核对资格") == full
    read = AuditEvent.objects.get(action="capacity_worker.id_read")
    assert (read.actor_id, read.object_id, read.reason) == (cs_registrar.pk, str(worker.pk), "核对资格")
    assert full not in str(read.new_values)

    # and the station page loads its workers without the full number at all
    page = selectors.station_page(actor=finance, pk=station.pk)
    posted = page.postings[0].worker
    assert posted.id_number_masked == worker.id_number_masked
    assert "id_number" in posted.get_deferred_fields()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"id_number": "430104199001010001"}, "capacity.id_number_invalid"),  # check digit is 0
        ({"id_number": "430104209901010002"}, "capacity.id_number_invalid"),  # born in the future
        ({"id_number": "12345"}, "capacity.id_number_invalid"),
        ({"level": "expert"}, "capacity.level_invalid"),
        ({"level": "intermediate", "certificate_no": ""}, "capacity.certificate_required"),
        ({"level": "none", "certificate_no": "ZS1"}, "capacity.certificate_required"),
        ({"level": "assistant", "certified_year": 1999}, "capacity.certificate_required"),
        ({"name": "  "}, "capacity.name_required"),
    ],
)
def test_a_bad_worker_is_refused(make_worker: Any, changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ServiceError) as caught:
        make_worker(1, **changes)
    assert caught.value.code == code
    assert not SocialWorker.objects.exists()


def test_a_worker_is_registered_once(make_worker: Any) -> None:
    make_worker(1)
    with pytest.raises(ServiceError) as caught:
        make_worker(1, name="另一个名字")
    assert caught.value.code == "capacity.worker_duplicate"


def test_a_base_from_subsidy_to_a_graduate_that_registered(
    today: date, registrar: User, cs_registrar: User, operator: Organization, make_org: Any
) -> None:
    # given a city base with its yearly subsidies
    base = services.base_create(
        actor=cs_registrar,
        name="长沙市社会组织孵化基地",
        level="prefecture",
        region=Region.objects.get(pk="430100"),
        operator=operator,
        opened_on=D("2016-09-01"),
        services="培育孵化、人员培训、公益创投、信息服务",
    )
    for year, amount in ((2024, "500000"), (2025, "450000.50")):
        services.subsidy_allocate(
            actor=cs_registrar, base=base, year=year, amount=amount, purpose="场地与培训"
        )
    assert sum(s.amount for s in base.subsidies.all()) == Decimal("950000.50")
    for bad in ("0", "-1", "1.001", "abc"):
        with pytest.raises(ServiceError) as caught:
            services.subsidy_allocate(actor=cs_registrar, base=base, year=2026, amount=bad)
        assert caught.value.code == "capacity.subsidy_invalid"
    with pytest.raises(ServiceError) as twice:
        services.subsidy_allocate(actor=cs_registrar, base=base, year=2025, amount="1")
    assert twice.value.code == "capacity.subsidy_exists"

    # when a group not yet registered enters, registers, and graduates
    with pytest.raises(ServiceError) as unnamed:
        services.incubatee_enter(actor=cs_registrar, base=base, entered_on=D("2025-03-01"))
    assert unnamed.value.code == "capacity.incubatee_unnamed"
    group = services.incubatee_enter(
        actor=cs_registrar, base=base, entered_on=D("2025-03-01"), group_name="麓山助老志愿队"
    )
    with pytest.raises(ServiceError) as early:
        services.incubatee_graduate(actor=cs_registrar, incubatee=group, graduated_on=D("2025-02-28"))
    assert early.value.code == "capacity.graduation_before_entry"
    registered = make_org(name="长沙市麓山助老服务中心", founded_on=D("2025-10-10"))
    graduate = services.incubatee_graduate(
        actor=cs_registrar, incubatee=group, graduated_on=D("2025-12-31"), organization=registered
    )

    # then the graduate is linked to the registry, each step audited
    assert graduate.organization == registered and graduate.graduated_on == D("2025-12-31")
    event = AuditEvent.objects.get(action="capacity_incubatee.graduated")
    assert event.new_values == {"graduated_on": "2025-12-31", "organization": registered.uscc}
    assert AuditEvent.objects.filter(action="capacity_subsidy.allocated", object_id=str(base.pk)).count() == 2
    with pytest.raises(ServiceError) as again:
        services.incubatee_graduate(actor=cs_registrar, incubatee=group, graduated_on=D("2026-01-31"))
    assert again.value.code == "capacity.graduated"
    # and the database refuses a graduation before entry written around the service
    with pytest.raises(IntegrityError), transaction.atomic():
        Incubatee.objects.create(
            base=base, group_name="x", entered_on=D("2025-05-01"), graduated_on=D("2025-04-30")
        )


def test_a_community_organization_filed_then_registered(
    today: date, cs_registrar: User, townships: dict[str, Township], make_org: Any
) -> None:
    township = townships["430104001"]
    filing = services.filing_create(
        actor=cs_registrar,
        township=township,
        name="岳麓街道邻里议事会",
        kind="consultation",
        responsible_person="李芳",
        filed_on=D("2025-04-01"),
        community="桃子湖社区",
    )
    with pytest.raises(ServiceError) as same:
        services.filing_create(
            actor=cs_registrar,
            township=township,
            name="岳麓街道邻里议事会",
            kind="service",
            responsible_person="王强",
            filed_on=D("2025-05-01"),
        )
    assert same.value.code == "capacity.filing_exists"
    for changes, code in (
        ({"kind": "living"}, "capacity.kind_invalid"),
        ({"responsible_person": ""}, "capacity.person_required"),
    ):
        values: dict[str, Any] = {
            "name": "另一个组织",
            "kind": "hub",
            "responsible_person": "赵六",
            "filed_on": D("2025-05-01"),
            **changes,
        }
        with pytest.raises(ServiceError) as caught:
            services.filing_create(actor=cs_registrar, township=township, **values)
        assert caught.value.code == code

    too_early = make_org(name="岳麓街道邻里议事会（早）", founded_on=D("2025-03-01"))
    with pytest.raises(ServiceError) as before:
        services.filing_register(actor=cs_registrar, filing=filing, organization=too_early)
    assert before.value.code == "capacity.registered_before_filing"
    organization = make_org(name="长沙市岳麓区邻里议事促进会", founded_on=D("2026-02-01"))
    registered = services.filing_register(actor=cs_registrar, filing=filing, organization=organization)
    assert (registered.organization, registered.registered_on) == (organization, D("2026-02-01"))
    assert CommunityFiling.objects.get(organization=organization).name == "岳麓街道邻里议事会"
    with pytest.raises(ServiceError) as twice:
        services.filing_register(actor=cs_registrar, filing=registered, organization=organization)
    assert twice.value.code == "capacity.filing_registered"
    assert [
        e.action for e in AuditEvent.objects.filter(object_type="capacity.communityfiling").order_by("seq")
    ] == [
        "capacity_filing.created",
        "capacity_filing.registered",
    ]
