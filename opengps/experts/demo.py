"""Experts demo data: ~60 experts across the catalogue's categories and Hunan's prefectures, and one draw.

Built through the services (each expert, tie and the draw has its audit event). The demo user
"expert" (孙立平) is linked to an expert in 养老服务. A few experts carry the stories the draw page
shows: a former director of a bidder, a relative of a bidder's legal representative, an expert
too old, one with too little experience, one suspended. Deterministic (fixed seed); loading
twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from opengps.accounts.models import Region
from opengps.core import clock
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.identity import make_id_number
from opengps.experts.models import Draw, Expert
from opengps.experts.services import (
    affiliation_add,
    draw_create,
    draw_member_respond,
    expert_register,
    expert_update,
    relation_declare,
)
from opengps.registry.models import Organization, OrgStatus

SEED = 20_260_305
COUNT = 60
DEMO_DRAW_REF = "HNZC-2026-DEMO-0001"

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = [
    "建华",
    "志强",
    "秀英",
    "海燕",
    "立新",
    "晓明",
    "文静",
    "国平",
    "丽娟",
    "红梅",
    "卫东",
    "春生",
    "玉兰",
    "德明",
    "小平",
    "振华",
    "桂英",
    "永红",
    "建国",
    "淑芬",
    "少华",
    "湘云",
    "湘平",
    "岳峰",
    "芙蓉",
    "新民",
    "朝阳",
    "思远",
    "慧敏",
    "长青",
]

# (specialty codes, title level, title name, employer) — what the database is made of.
PROFILES: list[tuple[list[str], str, str, str]] = [
    (["A04"], "full_senior", "教授", "湖南师范大学公共管理学院"),
    (["A04", "A09"], "senior", "高级社会工作师", "长沙民政职业技术学院"),
    (["A04"], "senior", "副主任医师", "湖南省老年医院"),
    (["A05", "A09"], "senior", "副教授", "湖南师范大学教育科学学院"),
    (["A06"], "senior", "副主任医师", "湖南省残疾人康复研究中心"),
    (["A08", "A20"], "senior", "副研究员", "湖南省社会科学院"),
    (["A09"], "intermediate", "社会工作师", "长沙市社会工作协会"),
    (["A11"], "full_senior", "主任医师", "中南大学湘雅公共卫生学院"),
    (["A13", "A14"], "senior", "副研究馆员", "湖南图书馆"),
    (["A20", "A22"], "senior", "副教授", "湘潭大学法学院"),
    (["B01"], "senior", "高级工程师", "湖南省信息中心"),
    (["B02"], "senior", "高级经济师", "湖南省财政科学研究所"),
    (["B03"], "senior", "高级会计师", "天职国际会计师事务所湖南分所"),
    (["B03"], "full_senior", "正高级会计师", "湖南财政经济学院"),
    (["B06", "B07"], "intermediate", "经济师", "湖南日报社"),
]

# Prefecture codes, Changsha weighted as the seat of most units.
REGIONS = ["430100"] * 6 + [
    "430200",
    "430300",
    "430400",
    "430500",
    "430600",
    "430700",
    "430800",
    "430900",
    "431000",
    "431100",
    "431200",
    "431300",
    "433100",
]


def _plan(rng: random.Random, today: date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    names: set[str] = {"孙立平"}
    for n in range(COUNT):
        specialties, level, title, employer = PROFILES[n % len(PROFILES)]
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in names:
                names.add(name)
                break
        born = date(rng.randint(1962, 1988), rng.randint(1, 12), rng.randint(1, 28))
        field_since = date(born.year + rng.randint(22, 26), 7, 1)
        rows.append(
            {
                "name": name,
                "born": born,
                "region": rng.choice(REGIONS),
                "specialties": list(specialties),
                "title_level": level,
                "title_name": title,
                "title_obtained_on": min(today, date(field_since.year + rng.randint(5, 12), 12, 1)),
                "field_since": field_since,
                "employer_name": employer,
            }
        )
    # Stories: the linked demo account, one too old, one too new at an intermediate title.
    rows[0].update(
        name="孙立平",
        born=date(1968, 4, 12),
        region="430100",
        specialties=["A04", "A09"],
        title_level="full_senior",
        title_name="教授",
        employer_name="中南大学社会学系",
        field_since=date(1992, 7, 1),
        title_obtained_on=date(2008, 12, 1),
    )
    rows[1].update(
        born=date(today.year - 69, 1, 15),
        specialties=["A04"],
        field_since=date(today.year - 46, 7, 1),
        title_obtained_on=date(today.year - 30, 12, 1),
    )
    rows[2].update(
        title_level="intermediate",
        title_name="社会工作师",
        specialties=["A04"],
        born=date(today.year - 30, 3, 3),
        field_since=date(today.year - 5, 7, 1),
        title_obtained_on=date(today.year - 2, 12, 1),
    )
    return rows


def load(context: Any) -> None:
    """Add the experts demo set (idempotent: skipped when the demo experts exist)."""
    finance = context.users["finance"]
    today = clock.today()
    rng = random.Random(SEED)
    with transaction.atomic():
        if not Expert.objects.filter(name="孙立平").exists():
            experts = []
            for n, row in enumerate(_plan(rng, today), start=1):
                experts.append(
                    expert_register(
                        actor=finance,
                        name=row["name"],
                        id_number=make_id_number(
                            region_code=row["region"], birth_date=row["born"], serial=100 + n
                        ),
                        phone=f"1397310{n:04d}",
                        title_level=row["title_level"],
                        title_name=row["title_name"],
                        title_obtained_on=row["title_obtained_on"],
                        field_since=row["field_since"],
                        region=Region.objects.get(pk=row["region"]),
                        specialties=row["specialties"],
                        employer_name=row["employer_name"],
                    )
                )
            expert_update(actor=finance, expert=experts[0], user=context.users["expert"])
            expert_update(
                actor=finance, expert=experts[3], status="suspended", reason="年度履职评价不合格，暂停一年"
            )
            _stories(finance, experts, today)
        _demo_draw(context, today)
    totals(context)


def totals(context: Any) -> None:
    """Counted after every app has loaded: later stages draw panels too (procurements, grants)."""
    context.counts["experts"] = Expert.objects.count()
    context.counts["expert_draws"] = Draw.objects.count()


def _bidders() -> list[Organization]:
    return list(
        Organization.objects.filter(status=OrgStatus.NORMAL, eligible=True)
        .exclude(legal_representative="")
        .order_by("uscc")[:3]
    )


def _stories(finance: Any, experts: list[Expert], today: date) -> None:
    bidders = _bidders()
    if not bidders:
        return
    first = bidders[0]
    a04 = [e for e in experts[4:] if "A04" in e.specialties]
    if len(a04) >= 2:
        affiliation_add(
            actor=finance,
            expert=a04[0],
            role="director",
            organization_uscc=first.uscc,
            organization_name=first.name,
            start=today - timedelta(days=6 * 365),
            end=today - timedelta(days=2 * 365),
        )
        relation_declare(
            actor=finance,
            expert=a04[1],
            person_name=first.legal_representative,
            relation="spouse",
            organization_uscc=first.uscc,
            organization_name=first.name,
        )


def _demo_draw(context: Any, today: date) -> None:
    if Draw.objects.filter(procurement_ref=DEMO_DRAW_REF).exists() or "agency" not in context.users:
        return
    bidders = _bidders()
    draw = draw_create(
        actor=context.users["agency"],
        procurement_ref=DEMO_DRAW_REF,
        title=f"{today.year}年湖南省居家和社区养老上门服务项目",
        purchaser_unit=context.units["hn_civil"],
        category="A04",
        method="open_tender",
        budget=Decimal("1800000.00"),
        needed=5,
        bidders=bidders_from_organizations(bidders),
    )
    members = list(draw.members.order_by("order"))
    draw_member_respond(
        actor=context.users["agency"], member=members[0], accept=True, no_conflict_confirmed=True
    )
    draw_member_respond(
        actor=context.users["agency"], member=members[1], accept=False, reason="评审当日出差在外"
    )
