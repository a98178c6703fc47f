"""Generate opengps/rules/data/holidays.json from the `chinesecalendar` package.

Usage: ``python scripts/gen_holidays.py [--check]``. Writes one entry per year the package covers
(statutory holidays with Chinese and English names, make-up working days 调休, and the source), so
the rules package needs no third-party import at run time and every shipped day is reviewable in git.
With ``--check`` it only reports whether the committed file is up to date (exit 1 if not).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar import constants

OUTPUT = Path(__file__).resolve().parent.parent / "opengps" / "rules" / "data" / "holidays.json"


def build() -> dict[str, Any]:
    """The holidays.json document for every year chinese_calendar covers."""
    package = f"chinesecalendar {version('chinesecalendar')}"
    chinese_by_english = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    years = sorted({day.year for day in constants.holidays} | {day.year for day in constants.workdays})
    document: dict[str, Any] = {
        "description": "中国法定节假日及调休上班日（国务院办公厅每年发布的部分节假日安排通知）",
        "generator": "scripts/gen_holidays.py",
        "package": package,
        "years": {},
    }
    for year in years:
        holidays = [
            {"date": day.isoformat(), "name_zh": chinese_by_english[name], "name_en": name}
            for day, name in sorted(constants.holidays.items())
            if day.year == year
        ]
        workdays = [day.isoformat() for day in sorted(constants.workdays) if day.year == year]
        document["years"][str(year)] = {
            "source": f"国务院办公厅关于{year}年部分节假日安排的通知（据 {package} 整理）",
            "holidays": holidays,
            "workdays": workdays,
        }
    # Sanity check: the package agrees with what we are about to write for every covered day.
    for year in years:
        entry = document["years"][str(year)]
        holiday_days = {item["date"] for item in entry["holidays"]}
        for day in _days_of(year):
            expected = chinese_calendar.is_workday(day)
            ours = day.isoformat() in entry["workdays"] or (
                day.weekday() < 5 and day.isoformat() not in holiday_days
            )
            if expected != ours:  # pragma: no cover - would mean chinese_calendar is inconsistent
                raise SystemExit(f"mismatch on {day}: package says workday={expected}")
    return document


def _days_of(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - start).days)]


def render(document: dict[str, Any]) -> str:
    """Readable, diff-friendly JSON: one holiday or make-up working day per line."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{"]
    for key in ("description", "generator", "package"):
        lines.append(f"  {dump(key)}: {dump(document[key])},")
    lines.append('  "years": {')
    year_items = list(document["years"].items())
    for index, (year, entry) in enumerate(year_items):
        lines.append(f"    {dump(year)}: {{")
        lines.append(f'      "source": {dump(entry["source"])},')
        lines.append('      "holidays": [')
        lines.extend(
            f"        {dump(item)}{',' if i < len(entry['holidays']) - 1 else ''}"
            for i, item in enumerate(entry["holidays"])
        )
        lines.append("      ],")
        lines.append(f'      "workdays": {dump(entry["workdays"])}')
        lines.append("    }" + ("," if index < len(year_items) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == document
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the committed file is current")
    args = parser.parse_args(argv)
    document = build()
    text = render(document)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date; run scripts/gen_holidays.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(document['years'])} years)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
