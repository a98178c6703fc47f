"""Registry demo data: ~300 Hunan social organizations with their histories, built through the services.

Every organization, rating, annual report, credit listing and status change goes through
`opengps.registry.services`, so each has its audit event. A few named organizations carry the
stories the screens show (a 4A supplier, an expired grade, a listing promoted after two years, a
serious listing removed, a revoked grade, a deregistration); the rest are generated
deterministically by `opengps.registry.demo_names`. Dates are relative to the day of loading.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from opengps.accounts.demo import demo_account_create, demo_unit
from opengps.accounts.models import Region, Role, Unit, User
from opengps.core import clock
from opengps.registry import demo_names, derived, services
from opengps.registry.demo_names import OrgSpec, Place
from opengps.registry.models import (
    AnnualReport,
    CreditListing,
    CreditListKind,
    Organization,
    OrgStatus,
    Rating,
)
from opengps.rules.eligibility import add_months, add_years, latest_report_due

SEED = 20_260_101

# Civil-affairs bureaus the core demo does not create: every prefecture, and one county-level
# bureau in each prefecture. (key, name, region code, parent key)
EXTRA_AUTHORITIES: list[tuple[str, str, str, str]] = [
    ("xt_civil", "湘潭市民政局", "430300", "hn_civil"),
    ("sy_civil", "邵阳市民政局", "430500", "hn_civil"),
    ("cd_civil", "常德市民政局", "430700", "hn_civil"),
    ("zjj_civil", "张家界市民政局", "430800", "hn_civil"),
    ("yiy_civil", "益阳市民政局", "430900", "hn_civil"),
    ("cz_civil", "郴州市民政局", "431000", "hn_civil"),
    ("yz_civil", "永州市民政局", "431100", "hn_civil"),
    ("hh_civil", "怀化市民政局", "431200", "hn_civil"),
    ("ld_civil", "娄底市民政局", "431300", "hn_civil"),
    ("fr_civil", "长沙市芙蓉区民政局", "430102", "cs_civil"),
    ("ht_civil", "株洲市荷塘区民政局", "430202", "zz_civil"),
    ("yh_civil", "湘潭市雨湖区民政局", "430302", "xt_civil"),
    ("lyang_civil", "耒阳市民政局", "430481", "hy_civil"),
    ("sd_civil", "邵东市民政局", "430582", "sy_civil"),
    ("yyl_civil", "岳阳市岳阳楼区民政局", "430602", "yy_civil"),
    ("wl_civil", "常德市武陵区民政局", "430702", "cd_civil"),
    ("yd_civil", "张家界市永定区民政局", "430802", "zjj_civil"),
    ("hs_civil", "益阳市赫山区民政局", "430903", "yiy_civil"),
    ("bh_civil", "郴州市北湖区民政局", "431002", "cz_civil"),
    ("lst_civil", "永州市冷水滩区民政局", "431103", "yz_civil"),
    ("hc_civil", "怀化市鹤城区民政局", "431202", "hh_civil"),
    ("lx_civil", "娄底市娄星区民政局", "431302", "ld_civil"),
    ("js_civil", "吉首市民政局", "433101", "xx_civil"),
]

# Supplier accounts: (username, display name, showcase key of their organization).
SUPPLIERS: list[tuple[str, str, str]] = [
    ("supplier", "张丽（夕阳红养老服务中心）", "xiyanghong"),
    ("supplier_zz", "罗敏（阳光儿童关爱服务中心）", "yangguang"),
    ("supplier_listed", "彭军（暖心居家养老服务中心）", "nuanxin"),
]


@dataclass(frozen=True)
class Showcase:
    """A named organization whose history the demo tells on purpose."""

    key: str
    name: str
    org_type: str
    region: str
    field: str
    founded_years_ago: float
    ratings: tuple[tuple[int, int], ...] = ()  # (level, months ago)
    is_charity: bool = False
    is_industry_association: bool = False
    business_scope: str = ""


SHOWCASE: list[Showcase] = [
    Showcase(
        "xiyanghong",
        "长沙市岳麓区夕阳红养老服务中心",
        "social_service_agency",
        "430104",
        "养老服务",
        14.5,
        ratings=((3, 89), (4, 29)),
        business_scope="为老年人提供居家养老、日间照料、助餐助浴、康复护理等服务",
    ),
    Showcase(
        "sw_assoc",
        "湖南省社会工作协会",
        "social_group",
        "430000",
        "社会工作",
        17.7,
        ratings=((5, 36),),
        is_industry_association=True,
        business_scope="社会工作行业自律、专业培训、标准制定与交流合作",
    ),
    Showcase(
        "yangguang",
        "株洲市荷塘区阳光儿童关爱服务中心",
        "social_service_agency",
        "430202",
        "儿童关爱服务",
        11.3,
        ratings=((3, 50),),
        business_scope="为农村留守儿童、困境儿童提供关爱保护、课业辅导和心理支持",
    ),
    Showcase(
        "minzu",
        "湘西土家族苗族自治州民族文化促进会",
        "social_group",
        "433100",
        "民族文化",
        20.1,
        ratings=((2, 100),),
        business_scope="开展少数民族传统文化保护、传承和交流活动",
    ),
    Showcase(
        "cishan",
        "湖南省慈善基金会",
        "foundation",
        "430000",
        "慈善",
        27.9,
        ratings=((4, 56),),
        is_charity=True,
        business_scope="募集善款，开展扶贫济困、助学助医、灾害救助等慈善项目",
    ),
    Showcase(
        "nuanxin",
        "长沙市芙蓉区暖心居家养老服务中心",
        "social_service_agency",
        "430102",
        "居家养老服务",
        9.4,
        business_scope="为社区老年人提供上门照护、助餐、精神慰藉等居家养老服务",
    ),
    Showcase(
        "qiming",
        "耒阳市启明社会工作服务中心",
        "social_service_agency",
        "430481",
        "社会工作服务",
        8.2,
        business_scope="运用社会工作专业方法开展个案、小组和社区服务",
    ),
    Showcase(
        "caihong",
        "岳阳市岳阳楼区彩虹助残服务中心",
        "social_service_agency",
        "430602",
        "助残服务",
        12.6,
        business_scope="为残疾人提供康复训练、辅助就业、托养照护和权益维护服务",
    ),
    Showcase(
        "tongxin",
        "常德市武陵区同心青少年服务中心",
        "social_service_agency",
        "430702",
        "青少年服务",
        10.8,
        ratings=((3, 49),),
        business_scope="开展青少年成长辅导、社会融入和违法犯罪预防服务",
    ),
    Showcase(
        "hongfeng",
        "郴州市北湖区红枫养老服务中心",
        "social_service_agency",
        "431002",
        "养老服务",
        13.2,
        business_scope="为老年人提供居家养老、日间照料、助餐助浴、康复护理等服务",
    ),
]


@dataclass
class _Loader:
    context: Any
    today: date
    rng: random.Random
    authorities: dict[str, Unit] = field(default_factory=dict)  # region code -> bureau
    units_by_id: dict[int, Unit] = field(default_factory=dict)
    changsha_units: set[int] = field(default_factory=set)
    registrar: Any = None
    registrar_cs: Any = None
    orgs: dict[str, Organization] = field(default_factory=dict)  # showcase key -> organization

    # -- setting ----------------------------------------------------------------------------

    def ensure_authorities(self) -> None:
        units = self.context.units
        for serial, (key, name, region, parent) in enumerate(EXTRA_AUTHORITIES, 101):
            units[key] = demo_unit(
                name=name,
                kind=Unit.Kind.CIVIL_AFFAIRS,
                region=region,
                parent=units.get(parent),
                serial=serial,
            )
        for unit in units.values():
            self.units_by_id[unit.pk] = unit
            if unit.kind == Unit.Kind.CIVIL_AFFAIRS:
                self.authorities[unit.region_id] = unit
        children: dict[int | None, list[int]] = {}
        for unit in units.values():
            children.setdefault(unit.parent_id, []).append(unit.pk)
        frontier = [units["cs_civil"].pk]
        while frontier:
            pk = frontier.pop()
            self.changsha_units.add(pk)
            frontier += children.get(pk, [])
        users = self.context.users
        self.registrar = users.get("registrar") or User.objects.get(username="registrar")
        self.registrar_cs = users.get("registrar_cs") or User.objects.get(username="registrar_cs")

    def places(self) -> tuple[list[Place], list[float]]:
        """The registration places (one per bureau) and how many organizations each tends to have."""
        rows = Region.objects.filter(Q(code__in=self.authorities) | Q(level=Region.Level.PREFECTURE))
        regions = rows.values_list("code", "name", "level", "parent_id")
        places = [p for p in demo_names.places_from_regions(regions) if p.code in self.authorities]
        places.sort(key=lambda p: p.code)
        weights = []
        for place in places:
            base = {"province": 40.0, "prefecture": 9.0}.get(place.level, 6.0)
            if place.prefecture_code == "430100":
                base *= 2.5  # 长沙 registers the most
            weights.append(base)
        return places, weights

    def actor_for(self, authority_id: int) -> Any:
        return self.registrar_cs if authority_id in self.changsha_units else self.registrar

    # -- one organization -------------------------------------------------------------------

    def create(self, spec: OrgSpec) -> Organization:
        authority = self.authorities[spec.place.code]
        return services.organization_create(
            actor=self.actor_for(authority.pk),
            name=spec.name,
            uscc=spec.uscc,
            org_type=spec.org_type,
            region=spec.place.code,
            founded_on=spec.founded_on,
            registration_authority=authority,
            business_scope=spec.business_scope,
            legal_representative=spec.legal_representative,
            contact_person=spec.contact_person,
            contact_phone=spec.contact_phone,
            address=spec.address,
            is_charity=spec.is_charity,
            is_industry_association=spec.is_industry_association,
            is_community_org=spec.is_community_org,
            community_kind=spec.community_kind,
        )

    def actor_of(self, org: Organization) -> Any:
        return self.actor_for(org.registration_authority_id)

    def rate(self, org: Organization, level: int, awarded_on: date) -> Rating:
        return services.rating_record(
            actor=self.actor_of(org),
            organization=org,
            level=level,
            awarded_on=awarded_on,
            decision_no=f"湘民社评〔{awarded_on.year}〕{self.rng.randrange(2, 40)}号",
        )

    def reports(self, org: Organization, *, years: int = 2, skip_latest: bool = False) -> int:
        """Annual reports for the last `years` due years, filed in time (the latest one maybe not)."""
        due_year, due_date, _ = latest_report_due(org.org_type, self.today)  # type: ignore[arg-type]
        count = 0
        for year in range(max(org.founded_on.year, due_year - years + 1), due_year + 1):
            if year == due_year and skip_latest:
                continue
            deadline = due_date.replace(year=year + 1)
            window = (deadline - date(year + 1, 1, 5)).days
            submitted = max(deadline - timedelta(days=self.rng.randrange(0, window)), org.founded_on)
            outcome = self.rng.choices(
                [AnnualReport.Result.QUALIFIED, AnnualReport.Result.BASIC, AnnualReport.Result.FAILED],
                weights=[88, 10, 2],
            )[0]
            if year == due_year and self.rng.random() < 0.4:
                outcome = AnnualReport.Result.SUBMITTED  # not reviewed yet
            services.annual_report_record(
                actor=self.actor_of(org),
                organization=org,
                year=year,
                submitted_on=submitted,
                result=outcome,
            )
            count += 1
        return count

    def enlist(self, org: Organization, kind: str, reason: str, listed_on: date) -> CreditListing:
        """Put `org` on a credit list by a decision of its registration authority."""
        word = {CreditListKind.ABNORMAL: "异", CreditListKind.SERIOUS: "失信"}.get(CreditListKind(kind), "")
        document = f"{self.abbreviation(org)}民{word}决〔{listed_on.year}〕{self.rng.randrange(1, 60)}号"
        return services.credit_list(
            actor=self.actor_of(org),
            organization=org,
            kind=kind,
            reason=reason,
            listed_on=listed_on,
            decision_document=document,
        )

    def abbreviation(self, org: Organization) -> str:
        """湘 for the province, else the bureau's first character (长民异决〔2026〕3号)."""
        unit = self.units_by_id[org.registration_authority_id]
        return "湘" if unit.region_id == "430000" else unit.name[0]

    def delist(self, org: Organization, listing: CreditListing, removed_on: date, reason: str) -> None:
        services.credit_delist(
            actor=self.actor_of(org),
            listing=listing,
            removed_on=removed_on,
            reason=reason,
            document=f"{self.abbreviation(org)}民移决〔{removed_on.year}〕{self.rng.randrange(1, 60)}号",
        )

    # -- the data set -----------------------------------------------------------------------

    def showcase_specs(self, places: dict[str, Place]) -> list[tuple[Showcase, OrgSpec]]:
        out = []
        for serial, item in enumerate(SHOWCASE, start=1):
            place = places[item.region]
            person = demo_names.person_name(self.rng)
            founded = self.today - timedelta(days=int(item.founded_years_ago * 365.25))
            spec = OrgSpec(
                serial=serial,
                name=item.name,
                place=place,
                org_type=item.org_type,
                founded_on=founded,
                uscc=demo_names.make_uscc(
                    kind_code=demo_names.KIND_CODES[item.org_type], region_code=place.code, serial=serial
                ),
                is_charity=item.is_charity,
                is_industry_association=item.is_industry_association,
                is_community_org=False,
                community_kind="",
                field=item.field,
                business_scope=item.business_scope,
                legal_representative=person,
                contact_person=person,
                contact_phone=f"{place.area_code}-8{self.rng.randrange(1_000_000, 9_999_999)}",
                address=f"{demo_names.seat(self.rng, place)}{self.rng.choice(demo_names.ROADS)}"
                f"{self.rng.randrange(1, 400)}号",
            )
            out.append((item, spec))
        return out

    def months_ago(self, months: int) -> date:
        return add_months(self.today, -months)

    def showcase_stories(self, specs: list[tuple[Showcase, OrgSpec]]) -> None:
        for item, spec in specs:
            org = self.create(spec)
            self.orgs[item.key] = org
            for level, months in item.ratings:
                self.rate(org, level, self.months_ago(months))
            self.reports(org, years=3, skip_latest=item.key == "nuanxin")
        today = self.today
        # 暖心: missed the latest annual report and was put on the 活动异常名录 a month after the deadline.
        _, due, _ = latest_report_due("social_service_agency", today)
        self.enlist(
            self.orgs["nuanxin"],
            CreditListKind.ABNORMAL,
            "annual_report_missing",
            min(today, due + timedelta(days=35)),
        )
        # 启明: unreachable at its address for over two years — now on the serious list (derived, M60).
        self.enlist(
            self.orgs["qiming"],
            CreditListKind.ABNORMAL,
            "unreachable",
            add_years(today, -2) - timedelta(days=130),
        )
        # 彩虹: fined, on the serious list, removed after two clean years.
        caihong = self.orgs["caihong"]
        listing = self.enlist(caihong, CreditListKind.SERIOUS, "fine_50000_plus", self.months_ago(55))
        cleared = add_months(listing.listed_on, 26)
        self.delist(caihong, listing, cleared, "列入满2年且未再受到行政处罚，予以移出")
        # 同心: fined ≥5万 recently — serious list, and its 3A grade revoked.
        tongxin = self.orgs["tongxin"]
        self.enlist(tongxin, CreditListKind.SERIOUS, "fine_50000_plus", today - timedelta(days=80))
        services.rating_revoke(
            actor=self.actor_of(tongxin),
            rating=tongxin.ratings.get(),
            revoked_on=today - timedelta(days=70),
            reason="列入严重违法失信名单，撤销评估等级",
        )
        # 红枫: dissolved by its council and deregistered.
        services.organization_change_status(
            actor=self.actor_of(self.orgs["hongfeng"]),
            organization=self.orgs["hongfeng"],
            status=OrgStatus.DEREGISTERED,
            on_date=today - timedelta(days=120),
            reason="经理事会决议自行解散，清算完毕，办理注销登记",
        )

    def generated_stories(self, specs: list[OrgSpec]) -> None:
        rng, today = self.rng, self.today
        missing: list[Organization] = []
        created: list[Organization] = []
        for spec in specs:
            org = self.create(spec)
            created.append(org)
            eligible_from = add_years(spec.founded_on, 2)
            if eligible_from < today - timedelta(days=60) and rng.random() < 0.4:
                start = max(eligible_from, add_years(today, -7))
                awarded = start + timedelta(days=rng.randrange(max(1, (today - start).days - 30)))
                level = rng.choices([1, 2, 3, 4, 5], weights=[8, 17, 42, 25, 8])[0]
                earlier = add_years(awarded, -5)
                if earlier >= eligible_from and rng.random() < 0.25:
                    self.rate(org, max(1, level - rng.randrange(0, 2)), earlier)
                self.rate(org, level, awarded)
            skip = rng.random() < 0.04
            self.reports(org, skip_latest=skip)
            due_year = latest_report_due(org.org_type, today)[0]  # type: ignore[arg-type]
            if skip and org.founded_on < date(due_year, 1, 1):
                missing.append(org)
        # Half of those missing the latest report are already on the 活动异常名录.
        for org in missing[::2]:
            _, due, _ = latest_report_due(org.org_type, today)  # type: ignore[arg-type]
            self.enlist(
                org,
                CreditListKind.ABNORMAL,
                "annual_report_missing",
                min(today, due + timedelta(days=rng.randrange(20, 60))),
            )
        pool = [o for o in created if o not in missing and o.founded_on < add_years(today, -4)]
        rng.shuffle(pool)
        # Listed in earlier years, rectified and removed.
        for org in pool[:4]:
            listed = add_months(today, -rng.randrange(14, 40))
            listing = self.enlist(org, CreditListKind.ABNORMAL, "annual_report_missing", listed)
            removed = listed + timedelta(days=rng.randrange(40, 150))
            self.delist(org, listing, removed, "已补报年度工作报告，经核实予以移出")
        # Unreachable at the registered address, recently.
        for org in pool[4:6]:
            listed = today - timedelta(days=rng.randrange(30, 200))
            self.enlist(org, CreditListKind.ABNORMAL, "unreachable", listed)
        # A judgment defaulter (checked in procurement under 财库〔2016〕125号).
        for org in pool[6:7]:
            self.enlist(
                org,
                CreditListKind.JUDGMENT_DEFAULTER,
                "被人民法院依法纳入失信被执行人名单",
                today - timedelta(days=rng.randrange(60, 300)),
            )
        # A few dissolved organizations.
        for org in pool[7:10]:
            services.organization_change_status(
                actor=self.actor_of(org),
                organization=org,
                status=OrgStatus.DEREGISTERED,
                on_date=today - timedelta(days=rng.randrange(30, 900)),
                reason="经会员（代表）大会决议解散，清算完毕，办理注销登记",
            )

    def suppliers(self) -> None:
        for username, display, key in SUPPLIERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                org = self.orgs.get(key) or Organization.objects.get(name=_showcase(key).name)
                user = demo_account_create(username, Role.SUPPLIER, display, organization=org)
            self.context.users[username] = user


def _showcase(key: str) -> Showcase:
    return next(item for item in SHOWCASE if item.key == key)


@contextmanager
def _one_refresh_at_the_end() -> Iterator[None]:
    """Recompute the cached eligibility columns once per organization instead of after every write.

    Each registry service refreshes `derived` for the organization it touched; the refresh reads
    only recorded facts, so doing it once after the organization's last write gives the same rows
    (and the same audit events) at a fraction of the cost. Single-threaded demo loading only.
    """
    touched: set[int] = set()
    real_refresh = derived.refresh

    def collect(organization_ids: Iterable[int], on_date: date | None = None) -> int:
        ids = list(organization_ids)
        touched.update(ids)
        return len(ids)

    derived.refresh = collect
    try:
        yield
    finally:
        derived.refresh = real_refresh
    real_refresh(sorted(touched))


def load(context: Any) -> None:
    """Add the registry demo set to `context` (idempotent: existing organizations are kept as they are)."""
    loader = _Loader(context=context, today=clock.today(), rng=random.Random(SEED))
    with transaction.atomic(), _one_refresh_at_the_end():
        loader.ensure_authorities()
        places, weights = loader.places()
        by_code = {p.code: p for p in places}
        showcase = loader.showcase_specs(by_code)
        if not Organization.objects.filter(uscc=showcase[0][1].uscc).exists():
            loader.showcase_stories(showcase)
            count = max(0, context.organizations - len(showcase))
            specs = demo_names.generate_organizations(
                loader.rng,
                count,
                places,
                today=loader.today,
                weights=weights,
                serial_start=len(showcase) + 1,
                taken=[item.name for item in SHOWCASE],
            )
            loader.generated_stories(specs)
        loader.suppliers()
    context.counts["organizations"] = Organization.objects.count()
    context.counts["ratings"] = Rating.objects.count()
    context.counts["annual_reports"] = AnnualReport.objects.count()
    context.counts["credit_listings"] = CreditListing.objects.count()
