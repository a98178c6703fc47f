"""`opengps rules list|explain`: the legal rules the platform applies, with citations."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opengps.rules.base import RuleError, RuleInfo
from opengps.rules.catalog import all_rules, evaluate, find_rule


def _describe(rule: RuleInfo) -> list[str]:
    lines = [f"{rule.name}  {rule.title_zh} / {rule.title_en}"]
    if rule.summary_zh:
        lines.append(f"  {rule.summary_zh}")
    if rule.summary_en:
        lines.append(f"  {rule.summary_en}")
    for value in rule.values:
        tag = f" [{value.confidence}]" if value.confidence != "T" else ""
        lines.append(
            f"  自 {value.effective_from.isoformat()} 起 / from: {value.value}  — {value.citation}{tag}"
        )
    return lines


class Command(BaseCommand):
    help = (
        "Legal rules with their values, citations and effective dates. "
        "`rules list`; `rules explain NAME` describes a rule; "
        "`rules explain MODULE.FUNCTION ARG…` evaluates it, e.g. "
        "`rules explain deadlines.earliest_bid_deadline open_tender 2025-09-25`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list every rule")
        explain = sub.add_parser("explain", help="describe a rule, or evaluate a rule function on arguments")
        explain.add_argument("name", help="rule name (see `rules list`) or module.function")
        explain.add_argument(
            "values",
            metavar="ARG",
            nargs="*",
            help="arguments: dates as YYYY-MM-DD, amounts in yuan, method codes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "list":
                for rule in all_rules():
                    self.stdout.write(f"{rule.name}  {rule.title_zh} / {rule.title_en}")
                return
            name, values = options["name"], options["values"]
            if values:
                result = evaluate(name, values)
                shown = ", ".join(f"{k}={v}" for k, v in result.arguments.items())
                self.stdout.write(f"{result.function}({shown}) = {result.value}")
                if result.citation:
                    self.stdout.write(f"依据 / citation: {result.citation}")
                return
            try:
                rule = find_rule(name)
            except RuleError:
                matches = [r for r in all_rules() if r.name.startswith(name)]
                if not matches:
                    raise
                for match in matches:
                    self.stdout.write("\n".join(_describe(match)))
                return
            self.stdout.write("\n".join(_describe(rule)))
        except RuleError as exc:
            raise CommandError(f"{exc.code}: {exc.message_zh} / {exc.message_en}") from exc
