"""The form of a 定点 call-off (框架协议定点采购) on a listing's page: the agreement among those of the
purchaser's unit open to this listing, then what a direct purchase asks (quantity, budget line,
service place). Fields are named as `order_call_off` names them, so a refusal lands beside its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.emall import selectors_calloff
from opengps.emall.forms import BuyForm
from opengps.emall.models import Listing
from opengps.evaluation.models import FrameworkShortlist


class AgreementChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An agreement, labelled with its project, lot, rule and the listing supplier's agreement price."""

    def __init__(self, *args: Any, prices: dict[int, Any] | None = None, **kwargs: Any) -> None:
        self.prices = prices or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        procurement = obj.evaluation.procurement
        return str(
            _("%(reference)s %(title)s · 第 %(lot)s 包 · %(rule)s · 协议价格 %(price)s 元")
            % {
                "reference": procurement.reference,
                "title": procurement.title,
                "lot": obj.lot.number,
                "rule": obj.get_second_stage_display(),
                "price": f"{self.prices.get(obj.pk, 0):,.2f}",
            }
        )


class CallOffForm(BuyForm):
    action = "calloff"
    field_order = ["shortlist", "quantity", "budget_line", "service_region", "note"]
    shortlist = AgreementChoice(label=_("框架协议"), queryset=FrameworkShortlist.objects.none())

    def __init__(self, *args: Any, actor: Any = None, listing: Listing | None = None, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        offers = selectors_calloff.offers_for_listing(actor, listing) if listing is not None else []
        field: Any = self.fields["shortlist"]
        field.queryset = FrameworkShortlist.objects.filter(
            pk__in=[o.shortlist.pk for o in offers]
        ).select_related("evaluation__procurement", "lot")
        field.prices = {o.shortlist.pk: o.price for o in offers}
        if len(offers) == 1:
            field.initial = offers[0].shortlist.pk
        self.offers = offers
