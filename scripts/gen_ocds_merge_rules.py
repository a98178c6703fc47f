"""Generate opengps/opendata/data/merge_rules.json from the OCDS 1.1.5 release schema.

Usage: ``python scripts/gen_ocds_merge_rules.py [--schema PATH] [--check]``. Reads the official
release schema (default ``/work/shared/ocds-1.1.5/release-schema.json``, i.e. ``shared/ocds-1.1.5``
beside the repository), derives the merge rules with the reference library (`ocdsmerge`) and writes
them as data, so compiling records needs neither the schema nor the network at run time. With
``--check`` it only reports whether the committed file is up to date (exit 1 if not).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ocdsmerge.rules import get_merge_rules

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "opengps" / "opendata" / "data" / "merge_rules.json"
SCHEMA = ROOT.parent / "shared" / "ocds-1.1.5" / "release-schema.json"


def build(schema_path: Path) -> dict[str, Any]:
    """The merge_rules.json document: each rule keyed by its field path joined with dots."""
    raw = schema_path.read_bytes()
    schema = json.loads(raw)
    rules = get_merge_rules(schema)
    return {
        "description": "OCDS 1.1.5 合并规则（ocdsmerge 由官方发布模式生成）",
        "generator": "scripts/gen_ocds_merge_rules.py",
        "package": f"ocdsmerge {version('ocdsmerge')}",
        "schema": schema.get("id", ""),
        "schema_sha256": hashlib.sha256(raw).hexdigest(),
        "rules": {".".join(path): rule for path, rule in sorted(rules.items())},
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=SCHEMA, help="path of release-schema.json")
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    if not args.schema.is_file():
        print(f"release schema not found: {args.schema}", file=sys.stderr)
        return 2
    text = render(build(args.schema))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date; run scripts/gen_ocds_merge_rules.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(json.loads(text)['rules'])} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
