"""`opengps stats refresh`: rebuild the statistics' summary tables now (the worker does it nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opengps.stats.services import summaries_refresh


class Command(BaseCommand):
    help = "Statistics: `refresh` rebuilds the summary tables the dashboards read (one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args: Any, **options: Any) -> None:
        refresh = summaries_refresh(actor=None)
        self.stdout.write(
            f"stats: {refresh.facts} facts, {refresh.summaries} summary rows "
            f"({(refresh.finished_at - refresh.started_at).total_seconds():.1f} s)"
        )
