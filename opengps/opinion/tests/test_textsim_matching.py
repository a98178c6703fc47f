"""The pure parts: simhash near-duplicates, and matching names to organizations (longest match
wins, same names resolved by region or left unmatched, evidence spans)."""

from __future__ import annotations

import pytest

from opengps.opinion import textsim
from opengps.opinion.matching import Matcher, Name, resolve

STORY = "长沙市岳麓区某养老服务中心被家属投诉违规收费，区民政局已介入调查，要求机构说明情况并退还多收费用。"


def test_a_repost_with_a_changed_byline_is_near_the_original() -> None:
    # given: the same story reposted with punctuation and a byline changed
    repost = "【转载】" + STORY.replace("，", ",") + "（来源：某网）"
    # then: a few bits apart; an unrelated story is far
    assert textsim.hamming(textsim.simhash(STORY), textsim.simhash(repost)) <= textsim.NEAR
    other = "省社会组织孵化基地举办项目设计培训，二十家入驻机构参加，培训内容包括预算编制和成效评估。"
    assert textsim.hamming(textsim.simhash(STORY), textsim.simhash(other)) > 10


def test_simhash_edges() -> None:
    assert textsim.simhash("") == 0 and textsim.simhash("，。") == 0
    assert textsim.simhash("好") == textsim.simhash("好")  # shorter than a shingle
    assert not textsim.comparable("很短的一句") and textsim.comparable(STORY)


@pytest.mark.parametrize("value", [0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1])
def test_signed_round_trip(value: int) -> None:
    stored = textsim.signed(value)
    assert -(1 << 63) <= stored < 1 << 63 and textsim.unsigned(stored) == value


def test_bands_cover_the_hash() -> None:
    value = 0x1234_5678_9ABC_DEF0
    assert textsim.bands(value) == (0xDEF0, 0x9ABC, 0x5678, 0x1234)


NAMES = [
    Name("长沙市阳光养老服务中心", 1, "430104", "full"),
    Name("长沙市阳光养老服务中心岳麓分中心", 2, "430104", "full"),
    Name("阳光养老", 1, "430104", "short"),
    Name("爱心社工服务中心", 3, "430104", "full"),
    Name("爱心社工服务中心", 4, "430321", "full"),
    Name("老牌子", 5, "430104", "former"),  # shorter than MIN_NAME: never searched
]
REGIONS = [("430104", "岳麓区"), ("430321", "湘潭县"), ("430100", "长沙市"), ("439999", "")]


def test_the_longest_name_wins() -> None:
    matcher = Matcher(NAMES, REGIONS)
    text = "记者走访了长沙市阳光养老服务中心岳麓分中心。"
    found = matcher.find(text)
    assert [(f.organization, f.name, f.start, f.end) for f in found] == [(2, NAMES[1].text, 5, 21)]
    assert found[0].evidence(text, reach=2) == "走访了【长沙市阳光养老服务中心岳麓分中心】。"[1:]


def test_each_organization_once_with_its_first_mention_and_short_names() -> None:
    matcher = Matcher([*NAMES, NAMES[0]], REGIONS)  # the same name twice for one organization
    found = matcher.find("阳光养老今天开放，长沙市阳光养老服务中心表示欢迎。阳光养老")
    assert [(f.organization, f.via, f.start) for f in found] == [(1, "short", 0)]


def test_a_shared_name_is_resolved_by_the_region_named_or_the_source() -> None:
    matcher = Matcher(NAMES, REGIONS)
    assert [f.organization for f in matcher.find("湘潭县爱心社工服务中心开展活动")] == [4]
    assert [f.organization for f in matcher.find("爱心社工服务中心开展活动", region="430104")] == [3]
    assert matcher.find("爱心社工服务中心开展活动") == []  # ambiguous: no match rather than a wrong one
    assert matcher.find("长沙市岳麓区和湘潭县的爱心社工服务中心") == []  # both named, still ambiguous


def test_empty_matcher_and_text() -> None:
    assert Matcher([], REGIONS).find("长沙市阳光养老服务中心") == []
    assert Matcher(NAMES).find("") == []


@pytest.mark.parametrize(
    ("named", "region", "expected"),
    [
        ({"430100"}, "", 3),  # 长沙市 covers only org 3
        ({"430000"}, "430321", 4),  # the province covers both; the source's county decides
        ({"430000"}, "430000", None),  # and a provincial source does not
        (set(), "", None),
        ({"430104", "430100"}, "", 3),
        ({"430104", "430321"}, "", None),  # two counties named: ambiguous
        ({"430100", "430321"}, "", 4),  # the county beats the city
    ],
)
def test_resolve(named: set[str], region: str, expected: int | None) -> None:
    chosen = resolve([NAMES[3], NAMES[4]], named, region)
    assert (chosen.organization if chosen else None) == expected
