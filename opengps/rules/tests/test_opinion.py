"""Opinion rules: the lexicon's score, evidence and tone of a sentence (weights, negation, overlapping
terms), the topics, what the model reads (negated terms masked), the naive Bayes model itself, the
tone of clear sentences, an alert's topic, when a negative item is put to a reviewer, and the fetch
back-off.

Expected lexicon tones are worked out by hand from the word lists' weights in each row; the measured
precision and recall of `classify` on the shipped held-out set are asserted in `opengps/opinion/tests`."""

from __future__ import annotations

import pytest

from opengps.rules import opinion, opinion_tone
from opengps.rules.base import RuleError
from opengps.rules.opinion import Tone, Topic


@pytest.mark.parametrize(
    ("text", "tone", "topics", "evidence"),
    [
        (
            "某养老服务中心被曝违规收费，老人家属投诉",
            Tone.NEGATIVE,
            (Topic.FEES, Topic.SERVICE),
            ("被曝", "违规收费", "投诉"),
        ),
        ("某协会荣获全省先进社会组织表彰", Tone.POSITIVE, (Topic.HONOURS,), ("荣获", "先进", "表彰")),
        ("市民政局召开社会组织年检工作会议", Tone.NEUTRAL, (), ()),
        ("", Tone.NEUTRAL, (), ()),
        ("经检查未发现违规收费问题", Tone.NEUTRAL, (Topic.FEES,), ()),  # negated: not negative
        ("中心开展消防演练，防范安全事故", Tone.NEUTRAL, (Topic.SAFETY,), ()),
        (
            "机构获评5A，但也收到一起投诉",
            Tone.POSITIVE,
            (Topic.SERVICE, Topic.HONOURS),
            ("投诉", "获评", "5A"),
        ),
        ("服务获得好评，同时被投诉", Tone.POSITIVE, (Topic.SERVICE,), ("投诉", "好评")),  # 3 against 2
        ("项目资金被挪用，群众点赞干部", Tone.NEUTRAL, (Topic.FUNDS,), ("挪用", "点赞")),  # 3 against 3
        ("违规违规", Tone.NEGATIVE, (), ("违规", "违规")),
    ],
)
def test_lexicon(text: str, tone: Tone, topics: tuple[Topic, ...], evidence: tuple[str, ...]) -> None:
    result = opinion.classify(text)
    assert (opinion.lexicon_tone(result.score), result.topics, result.evidence) == (tone, topics, evidence)
    assert result.citation == opinion.CITATION and "0258" in result.citation


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("记者调查发现，某养老院护理员多次打骂失能老人，家属已向警方报案。", Tone.NEGATIVE),
        ("某基金会被曝将善款挪作他用，捐赠人要求公开账目。", Tone.NEGATIVE),
        ("市民政局召开社会组织年检工作会议，部署下一阶段工作。", Tone.NEUTRAL),
        ("某协会荣获全省先进社会组织表彰，会员单位纷纷点赞。", Tone.POSITIVE),
        ("", Tone.NEUTRAL),
        ("   ", Tone.NEUTRAL),
    ],
)
def test_classify_tone_of_clear_sentences(text: str, tone: Tone) -> None:
    assert opinion.classify(text).tone == tone


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("经检查未发现违规收费问题", "经检查未发现，，，，问题"),  # negated: the model does not see it
        ("社工站开展防溺水宣传", "社工站开展防，，宣传"),  # prevention
        ("某中心被曝违规收费", "某中心被曝违规收费"),  # nothing negated: unchanged
    ],
)
def test_model_text_masks_negated_terms(text: str, read: str) -> None:
    assert opinion.model_text(text) == read


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("社工站开展防溺水宣传", Tone.NEUTRAL),  # 防 right before: prevention, not news of it
        ("社区组织反诈骗讲座", Tone.NEUTRAL),
        ("电线老化暴露出消防隐患", Tone.NEGATIVE),  # 消防隐患 is a hazard
    ],
)
def test_prevention_is_not_negative_news(text: str, tone: Tone) -> None:
    assert opinion.lexicon_tone(opinion.classify(text).score) == tone


def test_classify_counts_an_overlapping_term_once() -> None:
    # "违规收费" (3) covers "违规" (2) and "收费" is no term: the score is −3, not −5
    assert opinion.classify("违规收费").score == -3


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        ((Topic.HONOURS, Topic.FEES), Topic.FEES),
        ((Topic.SAFETY, Topic.FUNDS), Topic.SAFETY),
        ((Topic.PRACTICE,), Topic.OTHER),
        ((), Topic.OTHER),
    ],
)
def test_alert_topic(topics: tuple[str, ...], expected: str) -> None:
    assert opinion.alert_topic(topics) == expected


@pytest.mark.parametrize(
    ("tone", "ties", "expected"),
    [
        (Tone.NEGATIVE, 1, True),
        (Tone.NEGATIVE, 0, False),
        (Tone.POSITIVE, 3, False),
        (Tone.NEUTRAL, 3, False),
    ],
)
def test_raises_alert(tone: str, ties: int, expected: bool) -> None:
    assert opinion.raises_alert(tone, live_ties=ties) is expected


@pytest.mark.parametrize(
    ("interval", "failures", "minutes"),
    [
        (10, 0, 10),
        (10, -1, 10),
        (10, 1, 20),
        (10, 3, 80),
        (10, 8, 1440),  # 2560 capped at a day
        (10, 500, 1440),
        (2000, 1, 2000),  # an interval longer than the cap is never shortened
    ],
)
def test_next_fetch_minutes(interval: int, failures: int, minutes: int) -> None:
    assert opinion.next_fetch_minutes(interval=interval, failures=failures) == minutes


def test_next_fetch_minutes_refuses_a_zero_interval() -> None:
    with pytest.raises(ValueError, match="at least one minute"):
        opinion.next_fetch_minutes(interval=0, failures=0)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("open", "decided", True),
        ("decided", "open", False),
        ("decided", "decided", False),
        ("open", "open", False),
    ],
)
def test_alert_table(current: str, target: str, allowed: bool) -> None:
    assert opinion.can_transition("opinion_alert", current, target) is allowed
    if not allowed:
        with pytest.raises(RuleError) as caught:
            opinion.check_transition("opinion_alert", current, target)
        assert caught.value.code == "workflow.transition_not_allowed"


def test_grams_are_the_characters_less_punctuation_digits_and_space() -> None:
    assert opinion_tone.grams("违规，收费 2元。") == {"违", "规", "收", "费", "元"}
    assert opinion_tone.grams("") == set()


def test_model_learns_from_its_rows_and_reads_unseen_text_as_its_prior() -> None:
    # given: one sentence per tone
    model = opinion_tone.train(
        [("negative", "违规"), ("neutral", "会议"), ("positive", "表彰"), ("neutral", "通知")]
    )
    # then: each word goes to its tone, and a text with no known n-gram gets the prior (neutral: 2 of 4)
    assert model.documents == 4
    for text, label in (("违规", "negative"), ("会议", "neutral"), ("表彰", "positive"), ("某某", "neutral")):
        scores = model.log_scores(text)
        assert max(scores, key=scores.__getitem__) == label


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("bad", "某句")], "unknown tone label"),
        ([("negative", "违规"), ("neutral", "会议")], "every tone"),
    ],
)
def test_model_refuses_bad_training_rows(rows: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        opinion_tone.train(rows)


def test_shipped_training_file_is_balanced_and_read_in_full() -> None:
    rows = opinion_tone.read_rows(opinion_tone.TRAINING_FILE)
    counts = {label: sum(1 for tone, _text in rows if tone == label) for label in opinion_tone.LABELS}
    assert sum(counts.values()) == 377 and min(counts.values()) >= 120
    assert opinion.tone_model().documents == 377
