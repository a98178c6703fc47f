"""E-mall fixtures on the world's (`opengps.demo.fixtures`): a fixed today, an operator, and an
entered supplier whose listings are built through the real services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.demo.world import TODAY
from opengps.emall import services
from opengps.emall.models import Listing


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> date:
    clock_at(TODAY)
    return TODAY


@pytest.fixture
def operator(make_user: Callable[..., Any]) -> Any:
    return make_user("emall_operator", unit="finance")


@pytest.fixture
def org(make_org: Callable[..., Any]) -> Any:
    return make_org()


@pytest.fixture
def supplier(make_user: Callable[..., Any], org: Any) -> Any:
    return make_user("supplier", unit=None, organization=org)


def enter(
    supplier: Any, operator: Any, catalogue: Any, codes: tuple[str, ...] = ("A0401", "A0402", "B0201")
) -> Any:
    entry = services.entry_apply(
        actor=supplier,
        items=list(catalogue.items.filter(code__in=codes)),
        contact_person="张伟",
        contact_phone="0731-88880000",
        statement="养老服务",
    )
    return services.entry_decide(actor=operator, entry=entry, approve=True)


@pytest.fixture
def entered(supplier: Any, operator: Any, small_catalogue: Any) -> Any:
    return enter(supplier, operator, small_catalogue)


def terms(price: str = "300", *, unit: str = "户·月", regions: list[str] | None = None, **extra: Any) -> Any:
    return services.listing_terms(
        title=extra.pop("title", "居家养老上门服务（助餐助洁）"),
        standard=extra.pop("standard", "每户每月上门8次，含助餐、助洁，服务记录可追溯"),
        unit=unit,
        unit_price=price,
        regions=[Region.objects.get(pk=code) for code in (regions or ["430000"])],
        response_days=extra.pop("response_days", 3),
        qualifications=extra.pop("qualifications", "持证养老护理员"),
    )


@pytest.fixture
def make_listing(supplier: Any, operator: Any, entered: Any, small_catalogue: Any) -> Callable[..., Listing]:
    def make(
        price: str = "300", *, item: str = "A0401", live: bool = True, by: Any = None, **extra: Any
    ) -> Listing:
        actor = by or supplier
        listing = services.listing_create(
            actor=actor, item=small_catalogue.items.get(code=item), terms=terms(price, **extra)
        )
        services.listing_submit(actor=actor, listing=listing)
        if live:
            services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
        listing.refresh_from_db()
        return listing

    return make


@pytest.fixture
def make_bidder(
    make_org: Callable[..., Any], make_user: Callable[..., Any], operator: Any, small_catalogue: Any
) -> Callable[..., Any]:
    """`make_bidder(price="300")`: a supplier member of a new organization entered for A0401, A0402
    and B0201 with a live A0401 listing serving Hunan (all through the services)."""

    def make(price: str = "300", **org: Any) -> Any:
        member = make_user("supplier", unit=None, organization=make_org(**org))
        enter(member, operator, small_catalogue)
        listing = services.listing_create(
            actor=member, item=small_catalogue.items.get(code="A0401"), terms=terms(price)
        )
        services.listing_submit(actor=member, listing=listing)
        services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
        return member

    return make
