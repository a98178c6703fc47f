"""Public-opinion monitoring rules (舆情监测): the tone of a news item by a lexicon with negation
rules combined with a naive Bayes model trained on the shipped labelled sentences (`opinion_tone`),
its topics by lexicon, the fetch back-off of a failing source, and when a negative item becomes an
alert for review.

Source: seed 003 (湖南省民政厅《对省十四届人大二次会议第0258号建议的答复》, 2024年5月20日) 三之（五）
加强宣传引导 — the department has a third party monitor the province's social organizations' online
public opinion 24 hours a day (对全省社会组织网络舆情信息进行24小时监测), compiles numbered
opinion reports (已编辑舆情报告44期) and shares good practice with the industry departments
(将社会组织好的经验做法向相关行业管理部门共享、推介). The seed names no lexicon or threshold: the
word lists, weights and back-off numbers below are platform rules, marked [U] in their citation.

Nothing here decides anything about an organization: a tone is a signal that a person reviews
(issue 21: every alert is reviewed by a person with a recorded decision).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import ahocorasick  # type: ignore[import-not-found]  # a C extension without stubs

from opengps.rules.opinion_tone import TRAINING_FILE, ToneModel, read_rows, train
from opengps.rules.transitions import EntityTransitions, Transitions

SEED_MONITORING = "湖南省民政厅第0258号建议答复 三之（五）（舆情24小时监测）"
SEED_GOOD_PRACTICE = "湖南省民政厅第0258号建议答复 三之（五）（好的经验做法共享、推介）"
PLATFORM = "[U] 平台规则（舆情词表和权重，种子文件未规定）"
CITATION = f"{SEED_MONITORING}；{PLATFORM}"


class Tone(StrEnum):
    """The tone of an item (正面 / 中性 / 负面)."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Topic(StrEnum):
    """The topics the monitoring reports count (issue 21 §3)."""

    FEES = "fees"
    """违规收费."""
    SERVICE = "service"
    """服务质量."""
    SAFETY = "safety"
    """安全事故."""
    FUNDS = "funds"
    """资金使用."""
    HONOURS = "honours"
    """表彰."""
    PRACTICE = "practice"
    """好经验 (shared with the industry departments, seed 003 三之（五）)."""
    OTHER = "other"
    """None of the above (an alert's topic when the item names none)."""


NEGATIVE_TERMS: Mapping[str, int] = {
    "违规收费": 3,
    "乱收费": 3,
    "强制收费": 3,
    "额外收取": 2,
    "变相收费": 3,
    "索要": 2,
    "摊派": 2,
    "挪用": 3,
    "套取": 3,
    "骗取": 3,
    "虚报": 3,
    "侵占": 3,
    "截留": 3,
    "去向不明": 3,
    "诈骗": 3,
    "欺诈": 3,
    "造假": 3,
    "伪造": 3,
    "违规": 2,
    "违法": 2,
    "非法": 2,
    "涉嫌": 2,
    "立案": 2,
    "处罚": 2,
    "罚款": 2,
    "责令": 2,
    "吊销": 3,
    "异常名录": 3,
    "投诉": 2,
    "举报": 2,
    "曝光": 2,
    "质疑": 2,
    "不满": 2,
    "差评": 2,
    "维权": 2,
    "纠纷": 2,
    "敷衍": 2,
    "推诿": 2,
    "冷漠": 2,
    "态度恶劣": 3,
    "拖欠": 2,
    "克扣": 3,
    "失联": 2,
    "停摆": 2,
    "跑路": 3,
    "事故": 2,
    "受伤": 2,
    "身亡": 3,
    "死亡": 3,
    "坠楼": 3,
    "溺水": 3,
    "火灾": 3,
    "食物中毒": 3,
    "虐待": 3,
    "殴打": 3,
    "走失": 2,
    "隐患": 2,
    "失职": 2,
    "不到位": 1,
    "混乱": 2,
    "怨声": 2,
    "缩水": 2,
    "名不副实": 2,
    "被曝": 2,
    "曝出": 2,
    "反映": 1,
    "擅自": 2,
    "虚假": 2,
    "不合格": 2,
    "过期": 2,
    "代签": 2,
    "补填": 2,
    "失真": 2,
    "不符": 2,
    "撤销登记": 3,
    "冒领": 3,
    "退费": 1,
    "意见很大": 2,
    "担忧": 2,
    "堪忧": 2,
    "恶劣": 2,
    "体罚": 3,
    "骨折": 2,
    "划伤": 2,
    "擅离职守": 3,
    "爽约": 2,
    "转包": 2,
    "解除合同": 2,
    "走过场": 2,
    "未到账": 2,
    "迟迟": 1,
    "质量差": 2,
    "断供": 2,
    "小金库": 3,
    "账外": 3,
    "关联交易": 2,
    "挪作他用": 3,
    "无人管理": 2,
    "褥疮": 3,
    "转卖": 2,
    "牟利": 2,
    "未经培训": 2,
    "失修": 2,
    "没有任何": 1,
    "下降": 1,
    "严重": 1,
}
"""Words that make an item negative, with their weight [U]."""

POSITIVE_TERMS: Mapping[str, int] = {
    "表彰": 3,
    "荣获": 3,
    "获评": 3,
    "获奖": 3,
    "授予": 2,
    "先进": 2,
    "优秀": 2,
    "5A": 2,
    "典型": 2,
    "示范": 2,
    "好经验": 3,
    "经验做法": 3,
    "推介": 2,
    "点赞": 3,
    "好评": 3,
    "称赞": 3,
    "赞誉": 3,
    "感谢": 2,
    "锦旗": 3,
    "暖心": 2,
    "爱心": 1,
    "满意": 2,
    "受益": 2,
    "惠及": 2,
    "圆满": 2,
    "创新": 1,
    "口碑": 2,
    "认可": 2,
    "肯定": 1,
    "成效": 2,
    "帮扶下": 2,
    "帮助下": 2,
    "解决了": 2,
    "推广": 2,
    "挽救": 2,
    "谢谢": 2,
    "高度评价": 3,
    "欢迎": 1,
    "信心": 1,
}
"""Words that make an item positive, with their weight [U]."""

NEGATIONS: tuple[str, ...] = (
    "未发现",
    "没有",
    "未",
    "无",
    "杜绝",
    "防范",
    "避免",
    "防止",
    "严禁",
    "不存在",
    "并非",
)
"""A term right after one of these (within `NEGATION_REACH` characters) does not count: "未发现违规收费",
"防范安全事故" are not negative news [U]."""

NEGATION_REACH = 4

PREVENTIVE = ("防", "反")
"""Right before a term, 防/反 make it the subject of prevention ("防溺水宣传", "反诈骗讲座"), not news of
it — except 消防 ("消防隐患" is a hazard) [U]."""

TOPIC_TERMS: Mapping[Topic, tuple[str, ...]] = {
    Topic.FEES: ("收费", "乱收", "额外收取", "索要", "摊派", "押金", "费用"),
    Topic.SERVICE: (
        "服务质量",
        "服务态度",
        "态度",
        "敷衍",
        "推诿",
        "冷漠",
        "差评",
        "投诉",
        "不到位",
        "服务满意",
        "好评",
    ),
    Topic.SAFETY: (
        "事故",
        "受伤",
        "身亡",
        "死亡",
        "坠楼",
        "溺水",
        "火灾",
        "食物中毒",
        "隐患",
        "走失",
        "安全",
    ),
    Topic.FUNDS: (
        "资金",
        "挪用",
        "套取",
        "骗取",
        "虚报",
        "截留",
        "账目",
        "经费",
        "善款",
        "捐款",
        "补贴",
        "财务",
    ),
    Topic.HONOURS: ("表彰", "荣获", "获评", "获奖", "授予", "先进", "优秀", "5A", "锦旗"),
    Topic.PRACTICE: ("经验", "典型", "示范", "推介", "创新", "模式", "做法"),
}
"""Words that put an item under a topic [U]; an item may have several topics."""

_TOPIC_OF: Mapping[str, tuple[Topic, ...]] = {
    word: tuple(topic for topic, words in TOPIC_TERMS.items() if word in words)
    for words in TOPIC_TERMS.values()
    for word in words
}
"""Each topic word and the topics it puts an item under."""


@dataclass(frozen=True, slots=True)
class Classification:
    """The tone and topics of a text, with the lexicon words that weighed on the tone, the lexicon
    score (positive minus negative weights) and the citation."""

    tone: Tone
    topics: tuple[Topic, ...]
    evidence: tuple[str, ...]
    score: int
    citation: str = CITATION


LEXICON_WEIGHT = 1.0
"""How much one point of lexicon weight adds to the model's log score of its side [U]; chosen with
the model by cross-validation on the training sentences (`opinion_tone`)."""


def _negated(text: str, start: int) -> bool:
    window = text[max(0, start - NEGATION_REACH) : start]
    if window.endswith(PREVENTIVE) and not window.endswith("消防"):
        return True
    return any(word in window for word in NEGATIONS)


_AUTOMATA: dict[int, tuple[Mapping[str, Any], Any]] = {}


def _automaton(words: Mapping[str, Any]) -> Any:
    """One `pyahocorasick` automaton per word list (each word's value: the word), built at first use;
    the lists are module constants, kept with their automaton."""
    entry = _AUTOMATA.get(id(words))
    if entry is None or entry[0] is not words:
        automaton = ahocorasick.Automaton()
        for word in words:
            automaton.add_word(word, word)
        automaton.make_automaton()
        entry = _AUTOMATA[id(words)] = (words, automaton)
    return entry[1]


def _hits(text: str, terms: Mapping[str, int]) -> list[tuple[int, str]]:
    """Every occurrence (start, term) of `terms` in `text`, longest term first at each start; a
    shorter term inside a longer one already counted is skipped ("违规收费" counts once, not also "违规").
    All occurrences come from one pass of the automaton, then are kept longest first."""
    occurrences = [(end + 1 - len(term), term) for end, term in _automaton(terms).iter(text)]
    occurrences.sort(key=lambda hit: -len(hit[1]))
    found: list[tuple[int, str]] = []
    for start, term in occurrences:
        end = start + len(term)
        if not any(s <= start and end <= s + len(t) for s, t in found):
            found.append((start, term))
    return sorted(found)


def _weight(text: str, terms: Mapping[str, int]) -> tuple[int, list[str], list[tuple[int, int]]]:
    """The weight and the words of the `terms` in `text` not negated, and the spans of those negated."""
    total, words, negated = 0, [], []
    for start, term in _hits(text, terms):
        if _negated(text, start):
            negated.append((start, start + len(term)))
            continue
        total += terms[term]
        words.append(term)
    return total, words, negated


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span blanked out (commas, which the model does not read)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "，" * (end - start)
    return "".join(chars)


def model_text(text: str) -> str:
    """What the model reads: `text` with the lexicon's negated and preventive terms masked ("未发现违规
    收费", "防溺水宣传" carry no 违规收费 or 溺水 to the model either) [U]."""
    _n, _w, bad = _weight(text, NEGATIVE_TERMS)
    _p, _g, good = _weight(text, POSITIVE_TERMS)
    return _masked(text, bad + good) if bad or good else text


@cache
def tone_model() -> ToneModel:
    """The naive Bayes model trained on the shipped sentences (`opinion_tone.TRAINING_FILE`) as
    `model_text` masks them; trained once per process, in a fraction of a second."""
    return train((label, model_text(text)) for label, text in read_rows(TRAINING_FILE))


def lexicon_tone(score: int) -> Tone:
    """The tone a lexicon score alone gives: its sign, neutral at zero [U]."""
    return Tone.NEGATIVE if score < 0 else Tone.POSITIVE if score > 0 else Tone.NEUTRAL


def classify(text: str) -> Classification:
    """The tone and the topics (each whose words occur) of `text` [U]. The tone is the label with the
    highest naive Bayes log score (`tone_model`, reading `model_text`) after the lexicon score (the
    negative and positive words not negated) is added, `LEXICON_WEIGHT` per point, to its side;
    an empty text is neutral."""
    text = text or ""
    negative, bad, masked_bad = _weight(text, NEGATIVE_TERMS)
    positive, good, masked_good = _weight(text, POSITIVE_TERMS)
    score = positive - negative
    tone = Tone.NEUTRAL
    if text.strip():
        masked = masked_bad + masked_good
        scores = tone_model().log_scores(_masked(text, masked) if masked else text)
        scores[Tone.NEGATIVE] += LEXICON_WEIGHT * max(0, -score)
        scores[Tone.POSITIVE] += LEXICON_WEIGHT * max(0, score)
        tone = Tone(max(scores, key=scores.__getitem__))
    named = {topic for _end, word in _automaton(_TOPIC_OF).iter(text) for topic in _TOPIC_OF[word]}
    topics = tuple(topic for topic in TOPIC_TERMS if topic in named)
    return Classification(tone=tone, topics=topics, evidence=tuple(bad + good), score=score)


def alert_topic(topics: Iterable[str]) -> str:
    """The topic an item's alert is filed under: its first topic other than the positive ones, else
    `other` (one open alert per organization and topic bounds the volume, issue 21 §4)."""
    for topic in topics:
        if topic not in (Topic.HONOURS, Topic.PRACTICE):
            return topic
    return Topic.OTHER


def raises_alert(tone: str, *, live_ties: int) -> bool:
    """Whether an item about an organization is put to a reviewer: a negative item about an
    organization paid with public money (a live contract, a grant, an e-mall listing or a pending
    application), issue 21 §4 [U]. It never lists anyone: a person decides."""
    return tone == Tone.NEGATIVE and live_ties > 0


BACKOFF_CAP_MINUTES = 24 * 60
"""The longest wait between the attempts of a failing source: one day [U]."""


def next_fetch_minutes(*, interval: int, failures: int) -> int:
    """Minutes until a source is fetched again: its interval after a success; after `failures`
    consecutive failures the interval doubled per failure, at most one day [U]."""
    if interval < 1:
        raise ValueError("interval must be at least one minute")
    if failures <= 0:
        return interval
    return int(min(interval * 2**failures, max(interval, BACKOFF_CAP_MINUTES)))


# ---------------------------------------------------------------------------------------------
# Status table

ALERT: Transitions = {
    "open": frozenset({"decided"}),
    "decided": frozenset(),
}
"""舆情预警: raised open, later items on the same organization and topic attach to it, and the
reviewer's one decision closes it for good; a new item afterwards raises a new alert [U]."""

TABLES = EntityTransitions({"opinion_alert": ALERT})

can_transition = TABLES.can_transition
check_transition = TABLES.check_transition
