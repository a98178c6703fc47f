"""Demo and benchmark data: valid codes, unique names, an idempotent demo load with an intact audit chain."""

from __future__ import annotations

import json
import random
from datetime import date

from stdnum.cn import uscc as stdnum_uscc

from opengps.accounts.services import REGIONS_FILE
from opengps.registry import demo_names


def _places() -> list[demo_names.Place]:
    rows = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    return demo_names.places_from_regions((r["code"], r["name"], r["level"], r["parent"]) for r in rows)


def test_org_code_check_char_matches_a_published_code() -> None:
    # given the organization code inside the USCC 91110000600037341L (python-stdnum's example)
    # then the GB 11714 check character computed from its body is the one printed
    assert demo_names.org_code_check_char("60003734") == "1"
    assert demo_names.is_valid_uscc("91110000600037341L")
    assert not demo_names.is_valid_uscc("91110000600037342L")


def test_generated_codes_are_valid_and_names_unique() -> None:
    # given a province-scale draw
    specs = demo_names.generate_organizations(random.Random(1), 3000, _places(), today=date(2026, 11, 22))

    # then every code passes both check characters, and no code or name repeats
    assert all(demo_names.is_valid_uscc(s.uscc) and stdnum_uscc.is_valid(s.uscc) for s in specs)
    assert len({s.uscc for s in specs}) == len({s.name for s in specs}) == 3000
    kinds = {s.uscc[1] for s in specs}
    assert kinds == {"1", "2", "3"}
    assert all(s.uscc[0] == "5" and s.uscc[2:8] == s.place.code for s in specs)
    assert all(s.founded_on.year >= 1995 for s in specs)


def test_generation_is_reproducible() -> None:
    places = _places()
    first = demo_names.generate_organizations(random.Random(7), 50, places, today=date(2026, 11, 22))
    again = demo_names.generate_organizations(random.Random(7), 50, places, today=date(2026, 11, 22))
    assert first == again
