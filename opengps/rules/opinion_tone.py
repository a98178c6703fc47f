"""The trained half of the tone classifier (舆情倾向): a multinomial naive Bayes model over the
characters of a text (each counted once per text), in pure Python (no dependency).
`opengps.rules.opinion.tone_model` trains it on the shipped labelled sentences
`data/opinion_tone_train.tsv` at first use, with the lexicon's negated terms masked out.

Why this model: issue 21 §3 asks for the best offline classifier measured on a test set. On the
held-out set `opengps/opinion/data/tone_test.tsv` (300 sentences never used to train or tune) the
first slice's lexicon alone reached accuracy 0.637 and this model, combined with the lexicon
(`opengps.rules.opinion.classify`), 0.927. Binary counts, α = 0.1 and lexicon weight 1 were chosen by
5-fold cross-validation on the training file; characters rather than characters and bigrams
because they cross-validate as well (0.958 against 0.955) at a third of the cost (docs/opinion.md).
The model and its numbers are platform rules [U].
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

TRAINING_FILE = Path(__file__).resolve().parent / "data" / "opinion_tone_train.tsv"

LABELS = ("negative", "neutral", "positive")
"""The tones the model tells apart (the values of `opengps.rules.opinion.Tone`)."""

ALPHA = 0.1
"""Additive smoothing of the character counts [U]."""

_BREAK = re.compile(r"[\s\d０-９，。、；：“”‘’（）《》【】！？…—·,.;:!?()\[\]\"'%％]+")


def grams(text: str) -> set[str]:
    """The distinct characters of `text`, less punctuation, digits and space (the model's features)."""
    return set(_BREAK.sub("", text or ""))


@dataclass(frozen=True, slots=True)
class ToneModel:
    """Naive Bayes in log-odds form against the neutral label: per non-neutral label (`LABELS`
    order, neutral skipped) the log prior ratio and, for each character seen in training, its log
    likelihood ratio — two sums per text instead of three, the same ranking."""

    prior: tuple[float, ...]
    weights: tuple[Mapping[str, float], ...]
    documents: int

    def log_scores(self, text: str) -> dict[str, float]:
        """The log posterior odds of each label against neutral for `text` (neutral 0; unseen
        characters ignored): the label with the highest is the model's guess."""
        # grams(text) ∩ vocabulary, as no break character is in the vocabulary; filtered in C
        known = list(filter(self.weights[0].__contains__, set(text)))
        negative, positive = (
            prior + sum(map(table.__getitem__, known))
            for prior, table in zip(self.prior, self.weights, strict=True)
        )
        return {LABELS[0]: negative, LABELS[1]: 0.0, LABELS[2]: positive}


def train(rows: Iterable[tuple[str, str]], *, alpha: float = ALPHA) -> ToneModel:
    """A naive Bayes model from (label, text) rows; every label must occur."""
    counts = {label: Counter[str]() for label in LABELS}
    documents = Counter[str]()
    for label, text in rows:
        if label not in counts:
            raise ValueError(f"unknown tone label {label!r}")
        counts[label].update(grams(text))
        documents[label] += 1
    if any(documents[label] == 0 for label in LABELS):
        raise ValueError("every tone needs at least one training sentence")
    vocabulary = set().union(*counts.values())
    size = len(vocabulary)
    total = sum(documents.values())
    denominators = [sum(counts[label].values()) + alpha * size for label in LABELS]
    logs = [
        {gram: math.log((counts[label][gram] + alpha) / denominator) for gram in vocabulary}
        for label, denominator in zip(LABELS, denominators, strict=True)
    ]
    neutral = logs[1]
    weights = tuple({gram: row[gram] - neutral[gram] for gram in vocabulary} for row in (logs[0], logs[2]))
    priors = [math.log(documents[label] / total) for label in LABELS]
    prior = (priors[0] - priors[1], priors[2] - priors[1])
    return ToneModel(prior=prior, weights=weights, documents=total)


def read_rows(path: Path) -> list[tuple[str, str]]:
    """The (label, text) rows of a labelled file: tab-separated, `#` starts a comment line."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows
