"""Capacity demo data, built through the real services (issue 20 §8, scaled to two counties): every
township of 岳麓区 and 湘潭县 (demo codes in the 9-digit form, not the official list), a station in
all but one township per county (one of them suspended), 120 social workers posted there, monthly
service logs from each station's opening to last month (at most twelve), three incubation bases
with three years of subsidies and their cohorts, and 40 filed community organizations, a few of
them (up to three) registered since; then service points, trainings, showcase events and the filings'
support and activities (`demo_growth`). Loading twice changes nothing."""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from typing import Any

from opengps.accounts.models import Region, User
from opengps.capacity import demo_growth, services
from opengps.capacity.models import (
    CommunityFiling,
    FilingKind,
    IncubationBase,
    ServiceLog,
    SocialWorker,
    Station,
    Township,
)
from opengps.core import clock
from opengps.experts.identity import make_id_number
from opengps.registry.models import Organization, OrgStatus, OrgType

logger = logging.getLogger(__name__)

SEED = 20
COUNTIES: dict[str, list[tuple[str, str]]] = {
    "430104": [
        ("橘子洲街道", "street"),
        ("岳麓街道", "street"),
        ("望岳街道", "street"),
        ("望月湖街道", "street"),
        ("银盆岭街道", "street"),
        ("观沙岭街道", "street"),
        ("西湖街道", "street"),
        ("咸嘉湖街道", "street"),
        ("望城坡街道", "street"),
        ("梅溪湖街道", "street"),
        ("麓谷街道", "street"),
        ("坪塘街道", "street"),
        ("含浦街道", "street"),
        ("天顶街道", "street"),
        ("洋湖街道", "street"),
        ("学士街道", "street"),
        ("莲花镇", "town"),
        ("雨敞坪镇", "town"),
    ],
    "430321": [
        ("易俗河镇", "town"),
        ("谭家山镇", "town"),
        ("中路铺镇", "town"),
        ("茶恩寺镇", "town"),
        ("河口镇", "town"),
        ("射埠镇", "town"),
        ("花石镇", "town"),
        ("青山桥镇", "town"),
        ("石鼓镇", "town"),
        ("云湖桥镇", "town"),
        ("石潭镇", "town"),
        ("杨嘉桥镇", "town"),
        ("乌石镇", "town"),
        ("白石镇", "town"),
        ("分水乡", "township"),
        ("排头乡", "township"),
    ],
}
"""The demo's townships by county: names as the counties use them, codes numbered here (demo only)."""
WORKERS = 120
FILINGS = 40
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞")
LEVELS = ("intermediate", "assistant", "assistant", "none", "none", "senior", "intermediate", "assistant")
"""Drawn in turn: about six in ten workers hold a qualification."""


def _townships(actor: User) -> list[Township]:
    made = []
    for county_code, rows in COUNTIES.items():
        county = Region.objects.get(pk=county_code)
        for n, (name, kind) in enumerate(rows, start=1):
            code = f"{county_code}{(100 if kind != 'street' else 0) + n:03d}"
            made.append(services.township_create(actor=actor, code=code, name=name, kind=kind, county=county))
    return made


def _operators() -> list[Organization]:
    return list(
        Organization.objects.filter(
            status=OrgStatus.NORMAL,
            org_type=OrgType.SOCIAL_SERVICE_AGENCY,
            region__code__regex=r"^430(1|3)",
        ).order_by("pk")[:8]
    )


def _stations(
    actor: User, townships: list[Township], operators: list[Organization], today: date
) -> list[Station]:
    """A station in every township but the last of each county; openings spread over two years."""
    stations = []
    last = {county: [t for t in townships if t.county_id == county][-1].code for county in COUNTIES}
    for n, township in enumerate(townships):
        if township.code in last.values():
            continue
        opened = date(today.year - 2, 1, 1) + timedelta(days=23 * n)
        stations.append(
            services.station_open(
                actor=actor,
                township=township,
                name=f"{township.name}社会工作服务站",
                operator=operators[n % len(operators)],
                opened_on=min(opened, today),
                address=f"{township.name}便民服务中心二楼",
                opening_hours="周一至周五 8:30-12:00，14:30-17:30",
                phone=f"0731-88{n:06d}",
            )
        )
    services.station_suspend(actor=actor, station=stations[3], reason="运营机构合同期满，更换中")
    return stations


def _workers(actor: User, stations: list[Station], rng: random.Random) -> int:
    for n in range(WORKERS):
        station = stations[n % len(stations)]
        level = LEVELS[n % len(LEVELS)]
        certified = level != "none"
        worker = services.worker_register(
            actor=actor,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else ""),
            id_number=make_id_number(
                region_code=station.township.county_id,
                birth_date=date(1975 + n % 25, 1 + n % 12, 1 + n % 28),
                serial=n,
            ),
            region=station.township.county,
            level=level,
            certificate_no=f"GD{2015 + n % 8}{n:06d}" if certified else "",
            certified_year=2015 + n % 8 if certified else None,
            employer=station.operator,
        )
        services.posting_add(actor=actor, worker=worker, station=station, starts_on=station.opened_on)
    return WORKERS


def _logs(actor: User, stations: list[Station], today: date, rng: random.Random) -> int:
    entered = 0
    this_month = today.replace(day=1)
    for station in stations:
        month = max(station.opened_on.replace(day=1), (this_month - timedelta(days=365)).replace(day=1))
        while month < this_month:
            services.service_log_enter(
                actor=actor,
                station=station,
                month=month,
                elderly=rng.randint(20, 80),
                children=rng.randint(5, 40),
                assistance=rng.randint(5, 30),
                community=rng.randint(2, 20),
                other=rng.randint(0, 6),
                people_served=rng.randint(30, 90),
            )
            entered += 1
            month = (month + timedelta(days=32)).replace(day=1)
    return entered


def _bases(actor: User, operators: list[Organization], today: date) -> int:
    specs = (
        ("湖南省社会组织孵化基地", "province", "430000"),
        ("长沙市社会组织孵化基地", "prefecture", "430100"),
        ("湘潭县社会组织孵化基地", "county", "430321"),
    )
    graduates = list(Organization.objects.filter(status=OrgStatus.NORMAL).order_by("-founded_on", "pk")[:6])
    for n, (name, level, region) in enumerate(specs):
        base = services.base_create(
            actor=actor,
            name=name,
            level=level,
            region=Region.objects.get(pk=region),
            operator=operators[n % len(operators)],
            opened_on=date(2016 + n, 9, 1),
            services="培育孵化、人员培训、公益创投、信息服务",
        )
        for year in range(today.year - 3, today.year):
            services.subsidy_allocate(
                actor=actor,
                base=base,
                year=year,
                amount=f"{(3 - n) * 200000 + 50000 * (year % 3)}",
                purpose="场地运营与能力建设",
            )
        for k in range(4):
            entered = date(today.year - 2, 3 + 3 * k, 1)
            incubatee = services.incubatee_enter(
                actor=actor,
                base=base,
                entered_on=entered,
                group_name=f"{name.replace('社会组织孵化基地', '')}第{k + 1}期入驻团队",
            )
            if k < 2:
                services.incubatee_graduate(
                    actor=actor,
                    incubatee=incubatee,
                    graduated_on=entered + timedelta(days=300),
                    organization=graduates.pop(0) if graduates else None,
                )
    return len(specs)


def _registered(actor: User, filings: list[CommunityFiling], today: date) -> int:
    """Link the first filings to organizations registered after them (when the registry has some)."""
    candidates = Organization.objects.filter(
        status=OrgStatus.NORMAL, founded_on__gte=date(today.year - 1, 1, 1), community_filing__isnull=True
    ).order_by("pk")[:3]
    linked = 0
    for filing, organization in zip(filings, candidates, strict=False):
        services.filing_register(actor=actor, filing=filing, organization=organization)
        linked += 1
    return linked


def _filings(actor: User, townships: list[Township], today: date) -> list[CommunityFiling]:
    kinds = list(FilingKind)
    names = (
        "邻里议事会",
        "平安巡防队",
        "志愿服务队",
        "广场舞协会",
        "社会组织联合会",
        "老年协会",
        "读书会",
        "调解会",
    )
    filings = []
    for n in range(FILINGS):
        township = townships[n % len(townships)]
        filing = services.filing_create(
            actor=actor,
            township=township,
            name=f"{township.name}{names[n % len(names)]}",
            kind=kinds[n % len(kinds)],
            responsible_person=SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
            filed_on=date(today.year - 2, 1 + n % 12, 1 + n % 28),
            community=f"第{n % 5 + 1}社区",
            activity_area=f"{township.name}辖区",
        )
        filings.append(filing)
    return filings


def _count(context: Any) -> None:
    """The set's figures read back from the database, so a second load reports what the first did."""
    context.counts["townships"] = Township.objects.count()
    context.counts["stations"] = Station.objects.count()
    context.counts["social_workers"] = SocialWorker.objects.count()
    context.counts["service_logs"] = ServiceLog.objects.count()
    context.counts["incubation_bases"] = IncubationBase.objects.count()
    context.counts["community_filings"] = CommunityFiling.objects.count()
    context.counts["community_filings_registered"] = CommunityFiling.objects.filter(
        organization__isnull=False
    ).count()
    demo_growth.count(context)


def load(context: Any) -> None:
    """Add the capacity demo set (idempotent: nothing is added once townships exist)."""
    actor = context.users.get("registrar")
    if actor is None or Township.objects.exists():
        _count(context)
        return
    operators = _operators()
    if not operators:
        logger.warning("capacity demo skipped: no social service agency registered in Changsha or Xiangtan")
        _count(context)
        return
    today = clock.today()
    rng = random.Random(SEED)
    townships = _townships(actor)
    stations = _stations(actor, townships, operators, today)
    _workers(actor, stations, rng)
    _logs(actor, stations, today, rng)
    _bases(actor, operators, today)
    filings = _filings(actor, townships, today)
    _registered(actor, filings, today)
    demo_growth.load(actor, stations, filings, today)
    _count(context)
