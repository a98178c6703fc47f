"""Grants fixtures: the world's funder with an approved 福彩公益金 budget line, audit firm,
organizations with ratings and listings and their members, and panel experts with accounts
(`opengps.demo.world`, 2023 round)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opengps.demo import world as builders


@pytest.fixture
def world(make_user: builders.Users) -> builders.GrantsWorld:
    return builders.grants_world_create(make_user)


@pytest.fixture
def make_round(world: builders.GrantsWorld) -> Callable[..., Any]:
    """`make_round(publish=True, **overrides)`: the 2023 round of the programme."""

    def make(**overrides: Any) -> Any:
        return builders.grant_round_create(world, **overrides)

    return make


@pytest.fixture
def make_org(world: builders.GrantsWorld, make_user: builders.Users) -> builders.GrantApplicants:
    """An organization (4A unless `rating` says otherwise) and a supplier member of it."""
    return builders.GrantApplicants(world, make_user)


@pytest.fixture
def panel_experts(world: builders.GrantsWorld, make_user: builders.Users) -> list[Any]:
    """Five qualified experts in 社会工作 (A09) with user accounts."""
    return builders.grant_panel_register(world, make_user)
