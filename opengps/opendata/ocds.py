"""OCDS 1.1 vocabulary: how our methods, statuses, parties and amounts map onto the standard.

Pure functions over plain values (no database): the release builders call them, tests table-test
them. Codelists are OCDS 1.1.5's (``/work/shared/ocds-1.1.5/codelists``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from opengps.rules.procedures import METHOD_NAMES_ZH, Method
from opengps.rules.procurement_flow import AwardBasis, SupplierSource

BEIJING = ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"
USCC_SCHEME = "CN-USCI"
"""org-id.guide scheme of the 统一社会信用代码 (Unified Social Credit Identifier)."""
VERSION = "1.1"
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json",
)
"""Extensions whose fields the releases use (compatible with OCDS 1.1): bids (statistics, details),
lots and enquiries (询问 and their answers, ``tender.enquiries``) at their v1.1.5 tags; techniques
(``tender.techniques.hasFrameworkAgreement`` of a framework agreement, O110) at the URL the
extension registry gives it — it has no tagged version."""
MERGE_RULES_FILE = Path(__file__).resolve().parent / "data" / "merge_rules.json"

NEGOTIATED_METHODS = frozenset(
    {Method.competitive_negotiation, Method.competitive_consultation, Method.request_for_quotation}
)
"""Methods whose suppliers are invited after being found (O74 §12): ``selective`` or ``limited``."""

BASE_METHOD: Mapping[Method, str] = {
    Method.open_tender: "open",
    Method.invited_tender: "selective",
    Method.competitive_negotiation: "limited",
    Method.competitive_consultation: "limited",
    Method.request_for_quotation: "limited",
    Method.single_source: "direct",
    Method.framework_agreement: "open",
}
"""RULES.md §2 "OCDS mapping". A framework agreement's first stage is a public solicitation open to
any supplier (O110 §3, §27), hence ``open``; its name stays in ``procurementMethodDetails``."""


def procurement_method(method: Method | str, supplier_source: SupplierSource | str | None = None) -> str:
    """The OCDS ``procurementMethod`` of a method (RULES.md §2); pass the procedure's
    `supplier_source`.

    竞争性谈判, 竞争性磋商 and 询价 find their suppliers in one of three ways (O74 §12; 财库〔2014〕214号
    §6): a public announcement, a random draw from the supplier database, or written recommendation
    by the purchaser and the experts. Only the suppliers so found and judged qualified are invited to
    negotiate or quote, so they are never ``open`` (OCDS: "all interested suppliers may submit a
    tender"). From a public announcement they are ``selective`` ("only qualified suppliers are invited
    to submit a tender", as OCDS publishers map the EU's negotiated procedures with a prior call);
    from the database or recommendations, ``limited`` ("the procuring entity contacts a number of
    suppliers of its choice"). The Chinese name stays in ``procurementMethodDetails``.
    """
    parsed = Method(method)
    base = BASE_METHOD.get(parsed, "limited")
    if parsed in NEGOTIATED_METHODS and supplier_source == SupplierSource.public:
        return "selective"
    return base


AWARD_CRITERIA: Mapping[AwardBasis, str] = {
    AwardBasis.lowest_price: "priceOnly",
    AwardBasis.framework_price_first: "priceOnly",
    AwardBasis.comprehensive: "ratedCriteria",
    AwardBasis.negotiated_price: "singleBidOnly",
}
"""Award basis → OCDS ``tender.awardCriteria`` (awardCriteria codelist). 最后报价最低 and the framework's
price-first entry are ``priceOnly``; 综合评分法 is ``ratedCriteria``; a price negotiated with the one
supplier is ``singleBidOnly``. 综合评分法或最低评标价法 is left out: which one applies is stated only
in the procurement documents, so only ``awardCriteriaDetails`` (the Chinese) is published."""

CLASSIFICATION_SCHEME = "CN-GPSC"
"""Scheme of ``items.classification``: the codes of the platform's 政府购买服务指导性目录 (the
guidance catalogue of purchasable services, its published versions). Not in the open
itemClassificationScheme codelist, so it is documented on ``/opendata/``."""
DOCUMENTED_OPEN_CODES: Mapping[str, frozenset[str]] = {
    "scheme": frozenset({CLASSIFICATION_SCHEME}),
}
"""Values of open codelists that are not in the OCDS codelists, by field name, each documented on
``/opendata/`` (OCDS allows them: the codelist is open)."""


def award_criteria(basis: AwardBasis | str) -> str | None:
    """The awardCriteria code of an award basis, or None where the basis does not determine one."""
    return AWARD_CRITERIA.get(AwardBasis(basis))


def procurement_method_details(method: Method | str) -> str:
    """The Chinese name of the method, kept in ``procurementMethodDetails`` (RULES.md §2)."""
    return METHOD_NAMES_ZH[Method(method)]


TENDER_STATUS: Mapping[str, str] = {
    "draft": "planned",
    "notice": "active",
    "announced": "active",
    "opened": "active",
    "evaluating": "active",
    "evaluated": "active",
    "suspended": "active",
    "awarded": "complete",
    "failed": "unsuccessful",
    "retendered": "unsuccessful",
    "method_change_requested": "unsuccessful",
    "method_changed": "unsuccessful",
    "cancelled": "cancelled",
}
"""Procurement status → OCDS ``tender.status`` (tenderStatus codelist)."""

CONTRACT_STATUS: Mapping[str, str] = {
    "draft": "pending",
    "signed": "active",
    "published": "active",
    "completed": "terminated",
    "terminated": "terminated",
}
"""Contract status → OCDS ``contracts.status``: OCDS "terminated" covers completion and early end."""


EMALL_DIRECT = "电子卖场直购"
"""``procurementMethodDetails`` of an e-mall direct purchase (``procurementMethod`` ``direct``: the
purchaser chose one supplier's listing, no competition)."""
EMALL_BIDDING = "电子卖场竞价"
"""``procurementMethodDetails`` of an e-mall 竞价 round (``procurementMethod`` ``selective``: only the
suppliers entered in the e-mall under the item may quote, OCDS "only qualified suppliers are invited
to submit a tender")."""

ORDER_CONTRACT_STATUS: Mapping[str, str] = {
    "confirmed": "active",
    "delivered": "active",
    "accepted": "active",
    "paid": "terminated",
    "rated": "terminated",
}
"""E-mall order status → OCDS ``contracts.status``: the supplier's confirmation concludes the
contract (active); once paid it is fulfilled on both sides (terminated, "completed" in the
description). Placed, declined and lapsed orders are never published."""


def order_contract_status(status: str) -> str:
    return ORDER_CONTRACT_STATUS.get(status, "active")


def tender_status(status: str) -> str:
    return TENDER_STATUS.get(status, "active")


def contract_status(status: str) -> str:
    return CONTRACT_STATUS.get(status, "active")


def amount(value: Decimal | None) -> int | float | None:
    """A yuan amount as a JSON number.

    Amounts are below 10¹² with two decimals (≤ 14 significant digits), so the shortest float repr
    prints exactly the stored decimal: no rounding reaches the published number.
    """
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def value(value: Decimal | None) -> dict[str, Any] | None:
    number = amount(value)
    return None if number is None else {"amount": number, "currency": CURRENCY}


def date_text(moment: datetime) -> str:
    """An RFC 3339 date-time in Beijing time, to the second (release dates sort as text)."""
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def party_id_for_uscc(uscc: str) -> str:
    return f"{USCC_SCHEME}-{uscc}"


def identifier(uscc: str, legal_name: str) -> dict[str, str]:
    return {"scheme": USCC_SCHEME, "id": uscc, "legalName": legal_name}


def ocid(prefix: str, local_id: str) -> str:
    """``prefix`` + local identifier, with exactly one hyphen between them."""
    return f"{prefix.rstrip('-')}-{local_id}"


def dumps(data: Any) -> str:
    """Compact JSON with Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None, "" or an empty list/dict (OCDS omits unknown fields)."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def load_merge_rules(path: Path = MERGE_RULES_FILE) -> dict[tuple[str, ...], str]:
    """The merge rules generated by scripts/gen_ocds_merge_rules.py, as `ocdsmerge` expects them."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return {tuple(key.split(".")): rule for key, rule in document["rules"].items()}
