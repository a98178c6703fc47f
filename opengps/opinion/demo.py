"""Opinion demo data, through the real services and the real feed parser (issue 21 §7, scaled down):
three monitored sources whose files (RSS, as the monitoring contractor delivers them) carry about
three hundred news-style items about the demo organizations over the last three months — built from
the shipped labelled sentences with an organization's name, some reposted — so that the desk, the
matches, the tones and (for organizations with a live contract, grant or listing) the alert queue
have content. Loading twice changes nothing."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from opengps.core import clock
from opengps.opinion import fetching, services
from opengps.opinion.models import Alert, Item, Source
from opengps.registry.models import Organization, OrgStatus
from opengps.rules.opinion_tone import TRAINING_FILE

logger = logging.getLogger(__name__)

SEED = 21
DATA = TRAINING_FILE
SOURCES = [
    ("湖南民生网（演示）", "news-a"),
    ("星城晚报网（演示）", "news-b"),
    ("社会组织舆情监测报送（演示）", "report"),
]
PER_SOURCE = 100
SUBJECTS = ("该机构", "该中心", "该协会", "该基金会", "该社工站", "该养老院", "该社会组织", "该商会")


def _sentences() -> list[str]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if line and not line.startswith("#")]


def _about(sentence: str, organization: Organization) -> str:
    """The sentence about `organization`: its name where the sentence says 该机构 and the like, else first."""
    for subject in SUBJECTS:
        if subject in sentence:
            return sentence.replace(subject, organization.name, 1)
    return f"{organization.name}：{sentence}"


def feed(entries: list[tuple[str, str, str, Any]]) -> str:
    """An RSS 2.0 document of (title, link, text, published) entries, as a monitoring file carries them."""
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(text)}</description><pubDate>{format_datetime(published)}</pubDate></item>"
        for title, link, text, published in entries
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>demo</title>'
    return f"{head}{items}</channel></rss>"


def load(context: Any) -> None:
    """Add the opinion demo set (idempotent: nothing is added once a source exists)."""
    actor = context.users.get("registrar")
    if actor is None or Source.objects.exists():
        _count(context)
        return
    organizations = list(Organization.objects.filter(status=OrgStatus.NORMAL).order_by("pk")[:40])
    if not organizations:
        logger.warning("opinion demo skipped: no organization registered")
        _count(context)
        return
    rng = random.Random(SEED)
    sentences = _sentences()
    now = clock.now()
    for name, slug in SOURCES:
        source = services.source_create(actor=actor, name=name, kind="import")
        entries = []
        for n in range(PER_SOURCE):
            organization = rng.choice(organizations)
            text = _about(rng.choice(sentences), organization)
            published = now - timedelta(days=rng.randint(0, 89), minutes=rng.randint(0, 1439))
            entries.append((text[:40], f"https://demo.invalid/{slug}/{n}", text, published))
        collected = services.items_collect(
            actor=actor, source=source, incoming=fetching.parse(feed(entries).encode())
        )
        logger.info(
            "opinion demo: %s new items from %s (%s reposts)", len(collected.new), name, collected.duplicates
        )
    _count(context)


def _count(context: Any) -> None:
    context.counts["opinion_sources"] = Source.objects.count()
    context.counts["opinion_items"] = Item.objects.count()
    context.counts["opinion_alerts"] = Alert.objects.count()
