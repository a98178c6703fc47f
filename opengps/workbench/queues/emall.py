"""The queues of the e-mall operator (电子卖场运营机构): supplier entries, listing versions and price
flags waiting for its decision (`emall.selectors`, scoped to the operator), each decided on the
operator's review desk (`emall:operator`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts.actors import Actor
from opengps.emall.models import EntryStatus, FlagStatus
from opengps.emall.selectors import entries_for_review, flags_open, versions_pending
from opengps.workbench.queues._base import Context, Found, QueueItem, _bounded, _day, money


def _entries(actor: Actor, ctx: Context, limit: int) -> Found:
    """Supplier entries waiting for review, the earliest application first."""
    qs = entries_for_review(actor).filter(status=EntryStatus.PENDING).order_by("applied_at", "pk")
    rows, count = _bounded(qs, limit)
    return [
        QueueItem(
            state=_("入驻待审核"),
            title=e.organization.name,
            action=_("审核"),
            url=reverse("emall:operator"),
            note=_("申请于 %(day)s，入驻品目：%(items)s")
            % {"day": _day(e.applied_at), "items": "、".join(item.name for item in e.items.all())},
        )
        for e in rows
    ], count


def _listing_versions(actor: Actor, ctx: Context, limit: int) -> Found:
    """Listing versions submitted for review (a listing's first terms or a change of its live ones),
    the earliest first; a version the price rules flagged says so."""
    rows, count = _bounded(versions_pending(actor).order_by("created_at", "pk"), limit)
    items = []
    for v in rows:
        flagged = any(f.status == FlagStatus.OPEN for f in v.price_flags.all())
        live = v.listing.live_version
        price = _("单价 %(price)s 元/%(unit)s") % {"price": money(v.unit_price), "unit": v.unit}
        if live is not None:
            price += _("（现行 %(price)s 元）") % {"price": money(live.unit_price)}
        items.append(
            QueueItem(
                state=_("商品待审核（价格异常提示）") if flagged else _("商品待审核"),
                title=_("%(org)s「%(title)s」第 %(number)s 版")
                % {"org": v.listing.organization.name, "title": v.title, "number": v.number},
                action=_("审核"),
                url=reverse("emall:operator"),
                note=price + _("，提交于 %(day)s") % {"day": _day(v.created_at)},
            )
        )
    return items, count


def _price_flags(actor: Actor, ctx: Context, limit: int) -> Found:
    """Open price-outlier flags, the earliest first: the price rules' message beside each."""
    rows, count = _bounded(flags_open(actor).order_by("created_at", "pk"), limit)
    return [
        QueueItem(
            state=_("价格异常待处理"),
            title=_("%(org)s「%(title)s」第 %(number)s 版")
            % {
                "org": f.version.listing.organization.name,
                "title": f.version.title,
                "number": f.version.number,
            },
            action=_("处理"),
            url=reverse("emall:operator"),
            note=f.message,
        )
        for f in rows
    ], count
