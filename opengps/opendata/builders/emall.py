"""E-mall (电子卖场) releases. A direct-purchase order above the disclosure amount, once its supplier
confirmed it, is one contracting process of its own (``direct``, "电子卖场直购"); a 竞价 round, once
closed (awarded or failed), is one too (``selective``, "电子卖场竞价"), and the order its award placed
continues it (contract, delivery, acceptance, payment).

Secrecy before the close (O87 §28 by analogy): a round is read only once its status is closed, and
then only its own row (the number of quotes and the winning price it records at the close); the
`Quote` rows — sealed prices, who quoted — are never read here, so no losing price is published.

Each tender, award and contract links its public page (`opengps.emall.views_public`, on the public
address, text/html): the round's 成交公告 or 竞价失败公告, the order's 成交公告, which also shows the
dates of delivery, acceptance and payment the implementation documents carry.

Only what is public is read: the order's terms (the listing version bought, quantity, price,
amount), the parties, the dates of confirmation, delivery, acceptance and payment. Free texts the
purchaser or supplier wrote (the order's note, delivery and acceptance notes, the rating and its
comment, the payment voucher number) are never published: they may name service recipients.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from opengps.core import clock
from opengps.emall.models import BiddingRound, Order, OrderKind
from opengps.opendata import ocds
from opengps.opendata.builders.common import Parties, _day, _document, _moment, _release, ocid_prefix
from opengps.rules.emall_disclosure import DISCLOSED_ORDER_STATUSES, order_disclosed, round_disclosed

DIRECT_RATIONALE = "采购限额标准以下的服务，由采购人在电子卖场从在售商品中选定并直接购买（直购）"


def order_ocid(order: Order) -> str:
    """Prefix + the order number (DZMC-<year>-<serial>): each order is its own process."""
    return ocds.ocid(ocid_prefix(), order.reference)


BIDDING_RATIONALE = (
    "采购限额标准以下的服务，由电子卖场入驻该品目的供应商在截止前密封报价，最低有效报价成交（竞价）"
)
BIDDING_CRITERIA = "最低有效报价成交"


def round_ocid(bidding_round: BiddingRound) -> str:
    """Prefix + the round's number (DZJJ-<year>-<serial>): the round and the order it awarded."""
    return ocds.ocid(ocid_prefix(), bidding_round.reference)


def round_of(order: Order) -> BiddingRound | None:
    """The 竞价 round that placed `order`, if any."""
    if order.kind != OrderKind.BIDDING:
        return None
    return BiddingRound.objects.filter(order=order).first()


def round_public(bidding_round: BiddingRound) -> bool:
    """Whether the round is published: closed, awarded or failed (`round_disclosed`)."""
    return round_disclosed(outcome=bidding_round.status).value


def order_public(order: Order) -> bool:
    """Whether a direct-purchase order is published (`opengps.rules.emall_disclosure.order_disclosed`).
    Orders of 竞价 rounds are published with their round; framework call-offs are not yet mapped."""
    if order.kind != OrderKind.DIRECT:
        return False
    return order_disclosed(
        amount=order.amount, status=order.status, placed_on=clock.local_date(order.placed_at)
    ).value


def _order_page(order: Order) -> str:
    """The order's 成交公告 on the portal (`opengps.emall.views_public`), public with its release."""
    return reverse("emall:notice_order", args=[order.pk])


def _round_page(bidding_round: BiddingRound) -> str:
    """The closed round's 成交公告 (or 竞价失败公告), public from the close with its release."""
    return reverse("emall:notice_round", args=[bidding_round.pk])


def _notice(doc_id: str, document_type: str, title: str, path: str, published: str | None) -> dict[str, Any]:
    return _document(doc_id, document_type, title, path, published, "text/html")


def _item(
    description: str, code: str, name: str, quantity: Any, unit: str, price: Any = None
) -> dict[str, Any]:
    return {
        "id": "1",
        "description": description,
        "classification": ocds.compact(
            {"scheme": ocds.CLASSIFICATION_SCHEME, "id": code, "description": name}
        ),
        "quantity": ocds.amount(quantity),
        "unit": ocds.compact({"name": unit, "value": ocds.value(price)}),
    }


def _order_item(order: Order) -> dict[str, Any]:
    version = order.version
    return _item(
        version.title,
        order.item_code,
        order.listing.item.name,
        order.quantity,
        version.unit,
        order.unit_price,
    )


def _implementation(order: Order, buyer: dict[str, str], supplier: dict[str, str]) -> dict[str, Any]:
    """Delivery and acceptance as dated documents pointing to the order's notice, which shows their
    dates (never the notes), and the payment as a transaction."""
    documents = []
    if order.delivered_at is not None:
        documents.append(
            _notice(
                "delivery",
                "physicalProgressReport",
                "供应商报告服务已交付",
                _order_page(order),
                _moment(order.delivered_at),
            )
        )
    if order.accepted_at is not None:
        documents.append(
            _notice(
                "acceptance",
                "completionCertificate",
                "采购人履约验收合格",
                _order_page(order),
                _moment(order.accepted_at),
            )
        )
    transactions = []
    if order.paid_at is not None:
        transactions.append(
            {
                "id": f"{order.reference}-P1",
                "date": _moment(order.paid_at),
                "value": ocds.value(order.amount),
                "payer": buyer,
                "payee": supplier,
            }
        )
    return ocds.compact({"transactions": transactions, "documents": documents})


def _order(order: Order) -> Order:
    return Order.objects.select_related(
        "unit__region", "supplier__region", "version", "listing__item", "budget_line"
    ).get(pk=order.pk)


def _award(order: Order, supplier: dict[str, str], title: str, date: str | None, page: str) -> dict[str, Any]:
    """The order as its award; `page` is the notice naming the winner (the round's, or the order's own
    for a direct purchase)."""
    return ocds.compact(
        {
            "id": order.reference,
            "title": title,
            # the winner of a round may still decline its order or let it lapse: no contract then
            "status": "cancelled" if order.status in ("declined", "lapsed") else "active",
            "date": date,
            "value": ocds.value(order.amount),
            "suppliers": [supplier],
            "items": [_order_item(order)],
            "documents": [_notice("notice", "awardNotice", f"电子卖场成交公告：{title}", page, date)],
        }
    )


def _contract(order: Order, title: str, buyer: dict[str, str], supplier: dict[str, str]) -> dict[str, Any]:
    """The order as its contract: concluded by the supplier's confirmation, fulfilled once paid."""
    status = ocds.order_contract_status(order.status)
    description = f"电子卖场{order.get_kind_display()}订单；供应商确认即成立合同"
    if status == "terminated":
        description += f"；合同履行完毕（已验收并付款，{_moment(order.paid_at)}）"
    confirmed = order.confirmed_at
    return ocds.compact(
        {
            "id": order.reference,
            "awardID": order.reference,
            "title": title,
            "description": description,
            "status": status,
            "period": {"startDate": _day(clock.local_date(confirmed))} if confirmed else None,
            "value": ocds.value(order.amount),
            "items": [_order_item(order)],
            "dateSigned": _moment(confirmed),
            "documents": [
                _notice(
                    "notice",
                    "contractNotice",
                    f"电子卖场成交公告（订单 {order.reference}）：{title}",
                    _order_page(order),
                    _moment(confirmed),
                )
            ],
            "implementation": _implementation(order, buyer, supplier),
        }
    )


def build_order_release(order: Order, *, release_id: str, moment: datetime, tag: str) -> dict[str, Any]:
    """Everything public about a confirmed direct-purchase order now, as one release tagged `tag`."""
    order = _order(order)
    parties = Parties()
    buyer = parties.unit(order.unit, "buyer", "procuringEntity", "payer")
    supplier = parties.organization(order.supplier, "supplier", "payee")
    title = order.version.title
    release = _release(order_ocid(order), release_id, moment, tag)
    release["planning"] = {
        "budget": {"description": order.budget_line.name, "amount": ocds.value(order.amount)}
    }
    release["tender"] = {
        "id": order.reference,
        "title": title,
        "description": order.version.standard,
        "status": "complete",
        "procuringEntity": buyer,
        "items": [_order_item(order)],
        "value": ocds.value(order.amount),
        "procurementMethod": "direct",
        "procurementMethodDetails": ocds.EMALL_DIRECT,
        "procurementMethodRationale": DIRECT_RATIONALE,
        "mainProcurementCategory": order.category,
        "documents": [
            _notice(
                "notice",
                "tenderNotice",
                f"电子卖场直购成交公告：{title}",
                _order_page(order),
                _moment(order.confirmed_at),
            )
        ],
    }
    release["awards"] = [_award(order, supplier, title, _moment(order.confirmed_at), _order_page(order))]
    release["contracts"] = [_contract(order, title, buyer, supplier)]
    release["parties"] = parties.as_list()
    release["buyer"] = buyer
    return release


def _outcome_document(bidding_round: BiddingRound) -> dict[str, Any]:
    """Why a round failed and the lawful next steps, as recorded at the close (the rule's reasons),
    pointing to the round's 竞价失败公告, which shows them."""
    reasons = [str(r.get("message_zh", "")) for r in bidding_round.outcome or [] if isinstance(r, dict)]
    document = _notice(
        "outcome",
        "cancellationDetails",
        "竞价失败",
        _round_page(bidding_round),
        _moment(bidding_round.closed_at),
    )
    return ocds.compact({**document, "description": "；".join(reason for reason in reasons if reason)})


def _round_document(bidding_round: BiddingRound) -> dict[str, Any]:
    """The awarded round's 成交公告: the requirement as posted, the counts, the winner and its price."""
    return _notice(
        "notice",
        "tenderNotice",
        f"电子卖场竞价成交公告：{bidding_round.title}",
        _round_page(bidding_round),
        _moment(bidding_round.closed_at),
    )


def build_round_release(
    bidding_round: BiddingRound, *, release_id: str, moment: datetime, tag: str
) -> dict[str, Any]:
    """Everything public about a closed 竞价 round now (and the order it awarded), tagged `tag`.

    Raises ValueError for a round still open: nothing of it is public before the close."""
    bidding_round = BiddingRound.objects.select_related("unit__region", "item", "budget_line", "order").get(
        pk=bidding_round.pk
    )
    if not round_public(bidding_round):
        raise ValueError(f"{bidding_round.reference} is not closed: nothing of it is public yet")
    parties = Parties()
    order = _order(bidding_round.order) if bidding_round.order is not None else None
    contracted = order is not None and order.status in DISCLOSED_ORDER_STATUSES
    roles = ("buyer", "procuringEntity", "payer") if contracted else ("buyer", "procuringEntity")
    buyer = parties.unit(bidding_round.unit, *roles)
    awarded = bidding_round.status == "awarded"
    tender: dict[str, Any] = {
        "id": bidding_round.reference,
        "title": bidding_round.title,
        "description": bidding_round.standard,
        "status": "complete" if awarded else "unsuccessful",
        "procuringEntity": buyer,
        "items": [
            _item(
                bidding_round.title,
                bidding_round.item_code,
                bidding_round.item.name,
                bidding_round.quantity,
                bidding_round.measure_unit,
            )
        ],
        "value": ocds.value(bidding_round.ceiling),
        "procurementMethod": "selective",
        "procurementMethodDetails": ocds.EMALL_BIDDING,
        "procurementMethodRationale": BIDDING_RATIONALE,
        "mainProcurementCategory": bidding_round.category,
        "awardCriteria": "priceOnly",
        "awardCriteriaDetails": BIDDING_CRITERIA,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": _moment(bidding_round.opens_at),
            "endDate": _moment(bidding_round.closes_at),
        },
        "numberOfTenderers": bidding_round.quote_count,
    }
    tender["documents"] = [_round_document(bidding_round) if awarded else _outcome_document(bidding_round)]
    release = _release(round_ocid(bidding_round), release_id, moment, tag)
    release["planning"] = {
        "budget": {
            "description": bidding_round.budget_line.name,
            "amount": ocds.value(bidding_round.ceiling),
        }
    }
    release["tender"] = ocds.compact(tender)
    if awarded and order is not None:
        supplier_roles = ("supplier", "payee") if contracted else ("supplier",)
        supplier = parties.organization(order.supplier, *supplier_roles)
        release["awards"] = [
            _award(
                order,
                supplier,
                bidding_round.title,
                _moment(bidding_round.closed_at),
                _round_page(bidding_round),
            )
        ]
        if contracted:
            release["contracts"] = [_contract(order, bidding_round.title, buyer, supplier)]
    release["parties"] = parties.as_list()
    release["buyer"] = buyer
    return release
