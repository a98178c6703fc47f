"""The opinion monitoring's facts for the assessment of an organization (`opengps.assessment.hooks`):
its alerts with their decisions, and the negative items naming it that raised none. Registered from
`apps.OpinionConfig.ready`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opengps.accounts.actors import MaybeActor
from opengps.accounts.permissions import has_role
from opengps.assessment.hooks import Fact
from opengps.opinion.models import Alert, Item, ItemTone, Match
from opengps.opinion.selectors import READERS
from opengps.registry.models import Organization


def _item_link(item: Item | None, *, officials: bool) -> str:
    if item is None:
        return ""
    if officials:
        return reverse("opinion:item", args=[item.pk])
    return item.url or ""


def opinion_facts(organizations: Sequence[Organization], *, viewer: MaybeActor) -> dict[int, list[Fact]]:
    """Alerts (social evaluation), newest first, and unalerted negative items. Officials who read the
    monitoring get links to its pages; others (the assessors) the item's original address."""
    officials = has_role(viewer, *READERS)
    ids = [o.pk for o in organizations]
    found: dict[int, list[Fact]] = defaultdict(list)
    alerts = (
        Alert.objects.filter(organization__in=ids)
        .select_related("decision")
        .prefetch_related("items")
        .order_by("-opened_at", "-pk")
    )
    alerted: set[tuple[int, int]] = set()
    for alert in alerts:
        items = list(alert.items.all())
        alerted.update((alert.organization_id, item.pk) for item in items)
        decision = getattr(alert, "decision", None)
        parts = [items[0].title] if items else []
        parts.append(_("共 %(n)s 条信息") % {"n": len(items)})
        if decision is not None:
            parts.append(_("处理决定：%(kind)s") % {"kind": decision.get_kind_display()})
        found[alert.organization_id].append(
            Fact(
                section="social",
                source=_("舆情监测"),
                label=_("舆情预警：%(topic)s（%(status)s）")
                % {"topic": alert.get_topic_display(), "status": alert.get_status_display()},
                on=timezone.localdate(alert.opened_at),
                url=reverse("opinion:alert", args=[alert.pk])
                if officials
                else _item_link(items[0] if items else None, officials=False),
                tone="bad" if alert.is_open else "warn",
                detail=" · ".join(parts),
                kind="opinion.alert",
            )
        )
    matches = (
        Match.objects.filter(organization__in=ids, item__tone=ItemTone.NEGATIVE)
        .select_related("item")
        .order_by("-item__fetched_at", "-pk")
    )
    for match in matches:
        item = match.item
        if (match.organization_id, item.pk) in alerted:
            continue
        found[match.organization_id].append(
            Fact(
                section="social",
                source=_("舆情监测"),
                label=_("负面舆情：%(topics)s") % {"topics": "、".join(item.topic_labels) or _("其他")},
                on=timezone.localdate(item.published_at or item.fetched_at),
                url=_item_link(item, officials=officials),
                tone="warn",
                detail=item.title,
                kind="opinion.item",
            )
        )
    return found
