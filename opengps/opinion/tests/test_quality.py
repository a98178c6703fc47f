"""The figures docs/opinion.md and README.md report, asserted against floors so that a regression
fails: precision, recall and F1 per tone and the accuracy of `opengps.rules.opinion.classify` on the
shipped held-out test set (never used to train or tune), and of organization matching on a 200-item
set with known organizations."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from opengps.accounts.models import User
from opengps.demo.world import Organizations
from opengps.opinion import services
from opengps.opinion.models import Item, Match
from opengps.rules.opinion import classify, lexicon_tone
from opengps.rules.opinion_tone import TRAINING_FILE, read_rows

TEST_SET = Path(__file__).resolve().parent.parent / "data" / "tone_test.tsv"
TONES = ("negative", "neutral", "positive")


def scores(pairs: Counter[tuple[str, str]]) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 per tone of (label, guess) counts."""
    result = {}
    for tone in TONES:
        hits = pairs[(tone, tone)]
        predicted = sum(count for (_label, guess), count in pairs.items() if guess == tone)
        actual = sum(count for (label, _guess), count in pairs.items() if label == tone)
        precision = hits / predicted if predicted else 0.0
        recall = hits / actual
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[tone] = (precision, recall, f1)
    return result


def accuracy(pairs: Counter[tuple[str, str]]) -> float:
    return sum(count for (label, guess), count in pairs.items() if label == guess) / sum(pairs.values())


def test_the_test_set_is_large_balanced_and_held_out() -> None:
    rows = read_rows(TEST_SET)
    assert Counter(label for label, _text in rows) == {"negative": 100, "neutral": 100, "positive": 100}
    assert len({text for _label, text in rows}) == 300  # no sentence twice
    training = {text for _label, text in read_rows(TRAINING_FILE)}
    assert not training & {text for _label, text in rows}  # none of them trained on


# Floors a little under the figures measured on the held-out set (docs/opinion.md, README.md):
# (precision, recall, F1) per tone — measured 负面 0.868/0.990/0.925, 中性 0.978/0.880/0.926,
# 正面 0.948/0.910/0.929 — and the accuracy, measured 0.927.
FLOORS = {"negative": (0.84, 0.96, 0.90), "neutral": (0.95, 0.85, 0.90), "positive": (0.92, 0.88, 0.90)}
ACCURACY_FLOOR = 0.90


def test_tone_figures_on_the_held_out_set_hold_their_floor() -> None:
    pairs = Counter((label, classify(text).tone.value) for label, text in read_rows(TEST_SET))
    measured = scores(pairs)
    print({tone: tuple(round(x, 3) for x in figures) for tone, figures in measured.items()}, accuracy(pairs))
    for tone, floor in FLOORS.items():
        assert all(value >= least for value, least in zip(measured[tone], floor, strict=True)), (
            tone,
            measured,
        )
    assert accuracy(pairs) >= ACCURACY_FLOOR


def test_the_combined_classifier_beats_the_lexicon_alone() -> None:
    # the first slice's lexicon alone: 0.637 on the same set; the classifier must stay well above it
    rows = read_rows(TEST_SET)
    combined = Counter((label, classify(text).tone.value) for label, text in rows)
    lexicon = Counter((label, lexicon_tone(classify(text).score).value) for label, text in rows)
    assert accuracy(combined) >= accuracy(lexicon) + 0.2


# --- matching: 200 items with known organizations ----------------------------------------------

TEMPLATES = [
    "{a}近日开展社区走访活动，为辖区老人提供健康咨询。",
    "记者从{a}获悉，该机构将于下月启动新的服务项目。",
    "{a}与{b}签订合作协议，共同推进社区治理。",
    "据居民反映，{a}的服务时间调整为每周一至周五。",
    "区民政局组织{a}、{b}等机构负责人召开座谈会。",
    "本地一家养老机构开展消防演练，社区居民积极参与。",
]
FILLER = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
    "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
)


def test_matching_precision_and_recall_on_200_items(
    registrar: User, make_org: Organizations, manual_source: object
) -> None:
    # given: organizations whose names nest ("…中心1" inside "…中心12"), one with a short name, and
    # the same name registered in two counties
    orgs = {n: make_org(serial=n) for n in (1, 2, 3, 12, 13)}  # 长沙市阳光养老服务中心<n>
    twin_a = make_org(serial=20, name="爱心社工服务中心", region="430104")
    twin_b = make_org(serial=21, name="爱心社工服务中心", region="430321")
    services.org_name_add(actor=registrar, organization=orgs[2], name="阳光二中心", kind="short")
    mentions: list[tuple[str, int | None]] = [(org.name, org.pk) for org in orgs.values()]
    mentions += [
        ("阳光二中心", orgs[2].pk),
        ("岳麓区爱心社工服务中心", twin_a.pk),
        ("湘潭县爱心社工服务中心", twin_b.pk),
    ]
    mentions += [("爱心社工服务中心", None)]  # no region named: must stay unmatched
    rng = random.Random(21)
    expected: dict[str, set[int]] = {}
    incoming = []
    for n in range(200):
        template = TEMPLATES[n % len(TEMPLATES)]
        (a, a_pk), (b, b_pk) = rng.sample(mentions, 2)
        filler = "".join(rng.choice(FILLER) for _ in range(40))
        text = f"第{n}条：" + template.format(a=a, b=b) + filler
        incoming.append(services.Incoming(title=f"测试新闻{n}", text=text, url=f"http://news.example/m{n}"))
        named = [pk for slot, pk in (("{a}", a_pk), ("{b}", b_pk)) if slot in template]
        expected[f"http://news.example/m{n}"] = {pk for pk in named if pk is not None}
    # when: the items are collected
    collected = services.items_collect(actor=registrar, source=manual_source, incoming=incoming)  # type: ignore[arg-type]
    # then: precision and recall of (item, organization) pairs hold their floor
    assert len(collected.new) == 200
    found = {(url, org) for url, org in Match.objects.values_list("item__url", "organization_id")}
    truth = {(url, org) for url, orgs_ in expected.items() for org in orgs_}
    true_positive = len(found & truth)
    precision, recall = true_positive / len(found), true_positive / len(truth)
    print(f"matching: {len(truth)} pairs, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.99 and recall >= 0.97, (precision, recall, sorted(found ^ truth)[:5])
    # and the nested name never matches the shorter one
    nested = Item.objects.filter(text__contains=orgs[12].name)
    assert nested.exists()
    assert (
        not Match.objects.filter(item__in=nested, organization=orgs[1])
        .exclude(item__text__regex=f"{orgs[1].name}(?!2)")
        .exists()
    )
