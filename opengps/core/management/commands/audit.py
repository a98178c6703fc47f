"""`opengps audit verify`: recompute the audit hash chain and name the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opengps.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit chain tools. `audit verify` recomputes every event's SHA-256 and the links between them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the hash chain; exit 1 naming the first broken event")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            checked, broken = verify_chain()
            if broken is not None:
                raise CommandError(
                    f"审计链断裂 / audit chain broken at event seq={broken.seq} (id={broken.event_id}): "
                    f"{broken.problem}; {checked} events before it verified"
                )
            self.stdout.write(
                self.style.SUCCESS(f"审计链完整 / audit chain intact: {checked} events verified")
            )
