"""RSS 2.0 and Atom 1.0 feeds of each kind of public notice (django.contrib.syndication)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _

from opengps.core.errors import NotFound
from opengps.portal import selectors
from opengps.portal.selectors import Kind, NoticeItem

FEED_SIZE = 50


class NoticeRssFeed(Feed[NoticeItem, Kind]):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, kind: str) -> Kind:
        try:
            return selectors.kind_or_404(kind)
        except NotFound:
            raise Http404(kind) from None

    def title(self, obj: Kind) -> str:
        return _("%(kind)s · 湖南省政府购买服务信息公开") % {"kind": obj.label}

    def link(self, obj: Kind) -> str:
        return reverse("portal:kind", args=[obj.key])

    def description(self, obj: Kind) -> str:
        return _("最新发布的%(kind)s") % {"kind": obj.label}

    def items(self, obj: Kind) -> list[NoticeItem]:
        return selectors.latest(obj.key, FEED_SIZE)

    def item_title(self, item: NoticeItem) -> str:
        return item.title

    def item_description(self, item: NoticeItem) -> str:
        return " · ".join(part for part in (item.unit, item.summary) if part)

    def item_link(self, item: NoticeItem) -> str:
        return item.url

    def item_guid(self, item: NoticeItem) -> str:
        return item.url

    def item_pubdate(self, item: NoticeItem) -> datetime | None:
        when: Any = item.when
        if isinstance(when, datetime):
            return when
        if isinstance(when, date):
            return timezone.make_aware(datetime.combine(when, time.min))
        return None

    def item_author_name(self, item: NoticeItem) -> str:
        return item.unit


class NoticeAtomFeed(NoticeRssFeed):
    feed_type = Atom1Feed
    subtitle = NoticeRssFeed.description
