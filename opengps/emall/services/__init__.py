"""Writes of the e-mall, each in one transaction with its audit event; status changes go through
`opengps.core.status.status_set` against the tables of `opengps.rules.emall`.

One module a stage: `entry` (supplier entry and item conditions), `listings` (listings, versions,
review, price flags), `orders` (direct purchase and the order's life), `bidding` (竞价 rounds,
sealed quotes, the close), `calloff` (定点 framework call-offs); `_common` holds what they
share. Every public name is re-exported here: callers import `opengps.emall.services`.
"""

from __future__ import annotations

from opengps.emall.services._common import is_operator, operator_exists
from opengps.emall.services.bidding import quote_submit, round_close, round_post, rounds_close_due
from opengps.emall.services.calloff import framework_covers, order_call_off
from opengps.emall.services.entry import (
    entry_apply,
    entry_decide,
    entry_reinstate,
    entry_suspend,
    item_requirement_set,
    supplier_organization,
)
from opengps.emall.services.listings import (
    Terms,
    flag_decide,
    listing_create,
    listing_reinstate,
    listing_review,
    listing_submit,
    listing_suspend,
    listing_terms,
    listing_version_create,
    price_check,
)
from opengps.emall.services.orders import (
    CATEGORY,
    budget_room,
    emall_committed,
    order_accept,
    order_confirm,
    order_decline,
    order_deliver,
    order_lapse,
    order_pay,
    order_place,
    order_rate,
    orders_lapse_due,
    year_total,
)

__all__ = [
    "CATEGORY",
    "Terms",
    "budget_room",
    "emall_committed",
    "entry_apply",
    "entry_decide",
    "entry_reinstate",
    "entry_suspend",
    "flag_decide",
    "framework_covers",
    "is_operator",
    "item_requirement_set",
    "listing_create",
    "listing_reinstate",
    "listing_review",
    "listing_submit",
    "listing_suspend",
    "listing_terms",
    "listing_version_create",
    "operator_exists",
    "order_accept",
    "order_call_off",
    "order_confirm",
    "order_decline",
    "order_deliver",
    "order_lapse",
    "order_pay",
    "order_place",
    "order_rate",
    "orders_lapse_due",
    "price_check",
    "quote_submit",
    "round_close",
    "round_post",
    "rounds_close_due",
    "supplier_organization",
    "year_total",
]
