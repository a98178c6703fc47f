"""Plausible Hunan social-organization names and valid USCC codes for demo and benchmark data.

Pure: no database access. The demo loader (`opengps.registry.demo`) feeds the specs to the
registry services; the benchmark generator (`benchmarks.generate`) bulk-inserts them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.cn import uscc as stdnum_uscc

from opengps.core.identifiers import DEMO_UNIT_ORG_CODE_PREFIX as DEMO_UNIT_ORG_CODE_PREFIX
from opengps.core.identifiers import USCC_LETTERS
from opengps.core.identifiers import is_valid_uscc as is_valid_uscc
from opengps.core.identifiers import make_unit_uscc as make_unit_uscc
from opengps.core.identifiers import org_code_check_char as org_code_check_char

# Registration-authority code 5 (民政) and the kind codes of GB 32100-2015 for the three legal forms.
USCC_AUTHORITY_CIVIL_AFFAIRS = "5"
KIND_CODES = {"social_group": "1", "social_service_agency": "2", "foundation": "3"}

# Organization codes given by civil-affairs authorities since 2016 begin with "MJ".
_ORG_CODE_SPACE = len(USCC_LETTERS) * 100_000
_ORG_CODE_STRIDE = 611_953  # coprime with _ORG_CODE_SPACE: serial -> code is a bijection


def make_uscc(*, kind_code: str, region_code: str, serial: int) -> str:
    """A valid 18-character USCC for a social organization, unique for each `serial`.

    Layout (GB 32100-2015): authority code 5, kind code, 6-digit region code of the
    registration authority, 9-character organization code (with its GB 11714 check character)
    and the final check character.
    """
    if kind_code not in {"1", "2", "3", "9"} or len(region_code) != 6 or not region_code.isdigit():
        raise ValueError("invalid kind or region code")
    n = (serial * _ORG_CODE_STRIDE) % _ORG_CODE_SPACE
    body = "MJ" + USCC_LETTERS[n // 100_000] + f"{n % 100_000:05d}"
    org_code = body + org_code_check_char(body)
    first17 = USCC_AUTHORITY_CIVIL_AFFAIRS + kind_code + region_code + org_code
    code = first17 + stdnum_uscc.calc_check_digit(first17)
    return str(stdnum_uscc.validate(code))


@dataclass(frozen=True)
class Place:
    """Where an organization is registered: a GB/T 2260 division and the name it prefixes."""

    code: str
    prefix: str  # e.g. 湖南省, 长沙市, 长沙市岳麓区, 浏阳市
    level: str  # province | prefecture | county
    prefecture_code: str  # the prefecture the place belongs to (430000 for the province)
    area_code: str  # telephone area code


# Telephone area codes by prefecture (株洲、湘潭 share 0731 with 长沙 since 2007).
AREA_CODES = {
    "430000": "0731",
    "430100": "0731",
    "430200": "0731",
    "430300": "0731",
    "430400": "0734",
    "430500": "0739",
    "430600": "0730",
    "430700": "0736",
    "430800": "0744",
    "430900": "0737",
    "431000": "0735",
    "431100": "0746",
    "431200": "0745",
    "431300": "0738",
    "433100": "0743",
}


def places_from_regions(rows: Iterable[tuple[str, str, str, str]]) -> list[Place]:
    """Places from (code, name, level, parent code) rows such as `accounts/data/hunan_regions.json`.

    County-level cities are named on their own (浏阳市, 吉首市), districts and counties after
    their prefecture (长沙市岳麓区).
    """
    rows = list(rows)
    names = {code: name for code, name, _, _ in rows}
    places: list[Place] = []
    for code, name, level, parent in rows:
        if level == "province":
            places.append(Place(code, name, level, code, AREA_CODES["430000"]))
        elif level == "prefecture":
            places.append(Place(code, name, level, code, AREA_CODES.get(code, "0731")))
        else:
            prefix = name if name.endswith("市") else names.get(parent, "") + name
            places.append(Place(code, prefix, level, parent, AREA_CODES.get(parent, "0731")))
    return places


# ---------------------------------------------------------------------------------------------
# Name parts. A field: (name in a 民非 name, name in a 社团 name, is an industry, business scope).
FIELDS: list[tuple[str, str, bool, str]] = [
    ("养老服务", "养老服务", True, "为老年人提供居家养老、日间照料、助餐助浴、康复护理等服务"),
    ("居家养老服务", "老龄事业", False, "为社区老年人提供上门照护、助餐、精神慰藉等居家养老服务"),
    ("助残服务", "助残", False, "为残疾人提供康复训练、辅助就业、托养照护和权益维护服务"),
    ("儿童关爱服务", "儿童福利", False, "为农村留守儿童、困境儿童提供关爱保护、课业辅导和心理支持"),
    ("青少年服务", "青少年发展", False, "开展青少年成长辅导、社会融入和违法犯罪预防服务"),
    ("社会工作服务", "社会工作", True, "运用社会工作专业方法开展个案、小组和社区服务"),
    ("社区服务", "社区发展", False, "开展社区治理、邻里互助和社区公益活动"),
    ("救灾救援", "应急救援", False, "开展应急救援、防灾减灾宣传培训和灾后重建服务"),
    ("心理咨询服务", "心理咨询", True, "提供心理健康教育、心理咨询与危机干预服务"),
    ("志愿服务", "志愿服务", False, "组织开展志愿服务活动，培训和管理志愿者"),
    ("环境保护", "生态环境保护", False, "开展生态环境保护宣传、湘江流域保护和垃圾分类推广"),
    ("家庭服务", "家庭服务", True, "开展家庭教育指导、婚姻家庭辅导和家政服务"),
    ("禁毒社会工作服务", "禁毒", False, "开展禁毒宣传、社区戒毒社区康复和帮扶服务"),
    ("妇女儿童发展服务", "妇女儿童发展", False, "维护妇女儿童合法权益，开展技能培训和发展支持项目"),
    ("乡村振兴服务", "乡村振兴", False, "开展农村公益服务、农技培训和乡村振兴帮扶项目"),
    ("健康促进", "健康教育", False, "开展健康教育、慢病管理宣传和群众健身指导"),
    ("法律援助服务", "法律服务", True, "为困难群众提供法律咨询、人民调解和法律援助服务"),
    ("文化体育服务", "群众文化", False, "组织群众性文化体育活动，开展全民健身和文艺培训"),
    ("民族文化传承", "民族文化", False, "开展少数民族传统文化保护、传承和交流活动"),
]

# Trade names (字号) for 民办非企业单位 and some foundations.
TRADE_NAMES = [
    "夕阳红",
    "阳光",
    "春晖",
    "爱心",
    "同心",
    "启明",
    "向日葵",
    "彩虹",
    "红枫",
    "湘江",
    "橙心",
    "乐龄",
    "心语",
    "馨家园",
    "康乐",
    "和美",
    "善行",
    "益路同行",
    "晨曦",
    "暖阳",
    "百合",
    "星光",
    "蒲公英",
    "携手",
    "知行",
    "映山红",
    "芙蓉",
    "潇湘",
    "岳麓",
    "福寿",
    "安康",
    "仁爱",
    "朝阳",
    "德孝",
    "一米阳光",
    "长青",
    "众益",
    "恒爱",
    "青松",
    "雨露",
    "德润",
    "惠民",
    "绿洲",
    "梦飞扬",
    "博爱",
    "湘情",
    "桃李",
    "明德",
    "金色年华",
    "乐善",
    "同行",
    "暖心",
    "微光",
    "溪流",
    "萤火虫",
    "为民",
    "新希望",
]

# 社会团体 forms; industries also get 行业协会 (an industry association, 行业协会商会).
GROUP_FORMS = ["协会", "促进会", "研究会", "联合会", "协会"]
# 民办非企业单位 (社会服务机构) forms.
AGENCY_FORMS = ["服务中心", "社会工作服务中心", "社工服务站", "服务社", "服务中心", "发展中心"]
FOUNDATION_FIELDS = [
    "慈善",
    "教育",
    "助学",
    "扶贫",
    "青少年发展",
    "老龄事业发展",
    "残疾人福利",
    "生态环保",
    "文化发展",
]
# Chambers of commerce of other provinces' businesspeople (异地商会), industry associations too.
CHAMBERS = ["浙江", "福建", "广东", "江西", "湖北", "四川", "温州", "潮汕"]

COMMUNITY_STREETS = [
    "城东街道",
    "城西街道",
    "桔园社区",
    "望月湖社区",
    "新河街道",
    "红旗社区",
    "东塘社区",
    "清水塘社区",
    "观沙岭街道",
    "洋湖街道",
    "金盆岭街道",
    "雨花亭街道",
    "建设路社区",
    "解放路社区",
    "五一村",
    "枫林村",
    "白沙社区",
    "河西社区",
    "向阳社区",
    "人民路社区",
    "黄花镇",
    "新民村",
    "荷花社区",
    "桃花岭社区",
]
# The five community kinds and names that fit each.
COMMUNITY_NAMES: dict[str, list[str]] = {
    "living": ["居家服务社", "便民服务队", "助餐服务社"],
    "charity": ["爱心公益服务社", "志愿服务队", "慈善互助会"],
    "mutual_aid": ["邻里互助会", "邻里守望互助社", "乡贤理事会"],
    "culture_sports": ["广场舞协会", "老年门球协会", "文艺队", "书画协会", "健身气功协会"],
    "rural_tech": ["种养技术服务协会", "果蔬种植技术协会", "稻虾共作技术服务社"],
}

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志文辉玲燕鹏飞兰凤斌琳雪慧婷云莉波宇浩峰"
ROADS = [
    "人民路",
    "解放路",
    "五一大道",
    "芙蓉路",
    "建设路",
    "新华路",
    "中山路",
    "桐梓坡路",
    "麓山路",
    "韶山路",
    "劳动路",
    "湘江路",
    "迎宾路",
    "红旗路",
    "光明路",
    "长江路",
    "育才路",
    "青年路",
    "东风路",
    "和平路",
]


@dataclass(frozen=True)
class OrgSpec:
    """Everything needed to register one organization."""

    serial: int
    name: str
    uscc: str
    org_type: str  # social_group | social_service_agency | foundation
    place: Place
    founded_on: date
    is_charity: bool
    is_industry_association: bool
    is_community_org: bool
    community_kind: str
    field: str  # the field (养老服务…) or "" for chambers and community orgs
    business_scope: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    address: str


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def seat(rng: random.Random, place: Place) -> str:
    """Where the address starts: provincial organizations sit in the capital."""
    if place.level == "province":
        return "长沙市" + rng.choice(["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区"])
    return place.prefix


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


_Composed = tuple[str, str, bool, bool, bool, str, str, str]


def _compose(rng: random.Random, place: Place, today: date) -> _Composed:
    """(name, org_type, charity, industry, community, community kind, field, scope) for one place."""
    roll = rng.random()
    if place.level == "county" and roll < 0.22:
        kind = rng.choice(list(COMMUNITY_NAMES))
        name = place.prefix + rng.choice(COMMUNITY_STREETS) + rng.choice(COMMUNITY_NAMES[kind])
        org_type = "social_group" if "协会" in name or "会" in name[-3:] else "social_service_agency"
        scope = (
            "在社区范围内开展"
            + {
                "living": "便民生活服务",
                "charity": "公益慈善活动",
                "mutual_aid": "邻里互助活动",
                "culture_sports": "群众性文体娱乐活动",
                "rural_tech": "农村生产技术服务",
            }[kind]
        )
        return name, org_type, kind == "charity" and rng.random() < 0.3, False, True, kind, "", scope
    foundation_share = 0.3 if place.level == "province" else (0.1 if place.level == "prefecture" else 0.0)
    if roll < foundation_share:
        field = rng.choice(FOUNDATION_FIELDS)
        trade = rng.choice(TRADE_NAMES) if rng.random() < 0.5 else ""
        name = f"{place.prefix}{trade}{field}基金会"
        scope = f"募集资金，资助{field}公益项目"
        return name, "foundation", True, False, False, "", field, scope
    field, group_field, is_industry, scope = rng.choice(FIELDS)
    if roll < foundation_share + 0.42:
        if rng.random() < 0.07 and place.level != "county":
            name = f"{place.prefix}{rng.choice(CHAMBERS)}商会"
            return name, "social_group", False, True, False, "", "", "服务会员企业，促进经贸交流与合作"
        industry = is_industry and rng.random() < 0.4
        name = f"{place.prefix}{group_field}{'行业协会' if industry else rng.choice(GROUP_FORMS)}"
        charity = field in {"志愿服务", "救灾救援"} and rng.random() < 0.3
        return name, "social_group", charity, industry, False, "", field, scope
    trade = rng.choice(TRADE_NAMES)
    form = rng.choice(AGENCY_FORMS)
    if form.startswith("社会工作") or form.startswith("社工"):
        base = field.removesuffix("社会工作服务").removesuffix("服务").removesuffix("社会工作")
        name = f"{place.prefix}{trade}{base}{form}"
    else:
        name = f"{place.prefix}{trade}{field.removesuffix('服务')}{form}"
    charity = rng.random() < 0.06
    return name, "social_service_agency", charity, False, False, "", field, scope


def generate_organizations(
    rng: random.Random,
    count: int,
    places: Sequence[Place],
    *,
    today: date,
    weights: Sequence[float] | None = None,
    serial_start: int = 1,
    taken: Iterable[str] = (),
) -> list[OrgSpec]:
    """`count` organizations with unique names (none in `taken`) and valid, unique USCCs over `places`."""
    specs: list[OrgSpec] = []
    names: set[str] = set(taken)
    serial = serial_start
    attempts = 0
    while len(specs) < count:
        place = rng.choices(places, weights=weights)[0] if weights else rng.choice(places)
        name, org_type, charity, industry, community, kind, field, scope = _compose(rng, place, today)
        if name in names or len(name) > 120:
            # A registry refuses a second organization of the same name: draw another one.
            attempts += 1
            if attempts > 50 * count + 1000:
                raise ValueError("name space exhausted: add places or name parts")
            continue
        names.add(name)
        earliest = date(2012, 1, 1) if community else date(1995, 1, 1)
        latest = min(date(2024, 12, 31), today - timedelta(days=180))
        founded = _random_date(rng, earliest, latest)
        # Older organizations are more common among the ones still registered.
        if not community and rng.random() < 0.3:
            founded = _random_date(rng, earliest, date(2012, 12, 31))
        person = person_name(rng)
        specs.append(
            OrgSpec(
                serial=serial,
                name=name,
                uscc=make_uscc(kind_code=KIND_CODES[org_type], region_code=place.code, serial=serial),
                org_type=org_type,
                place=place,
                founded_on=founded,
                is_charity=charity,
                is_industry_association=industry,
                is_community_org=community,
                community_kind=kind,
                field=field,
                business_scope=scope,
                legal_representative=person,
                contact_person=person_name(rng) if rng.random() < 0.6 else person,
                contact_phone=f"{place.area_code}-{rng.choice('2345678')}{rng.randrange(10**6, 10**7)}",
                address=f"{seat(rng, place)}{rng.choice(ROADS)}{rng.randrange(1, 600)}号",
            )
        )
        serial += 1
    return specs
