"""`opengps audit verify|checkpoint|backfill`: the audit chain and the transparency log."""

from __future__ import annotations

from typing import Any
from urllib.error import URLError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opengps.core import transparency
from opengps.core.audit import verify_chain
from opengps.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Audit chain and transparency log. `audit verify` recomputes every event's SHA-256, the links "
        "between them and the transparency log, against every stored checkpoint (and --checkpoint "
        "FILE|URL); `audit checkpoint` signs and publishes the current tree head (run daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="recompute the hash chain and the log; exit 1 naming the first problem"
        )
        verify.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE|URL",
            help="also check against the checkpoints in this file (JSON Lines) or http(s) URL; repeatable",
        )
        sub.add_parser(
            "checkpoint",
            help="sign the log's size and root with the audit chain's head; store, append to "
            "OPENGPS_CHECKPOINT_FILE and publish (run once a day)",
        )
        sub.add_parser("backfill", help="append leaves for stored receipts made before the log existed")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "checkpoint":
            self._checkpoint()
        elif action == "backfill":
            self._backfill()
        else:
            self._verify(options["checkpoint"])

    def _checkpoint(self) -> None:
        try:
            checkpoint = transparency.checkpoint_create()
        except ServiceError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(checkpoint.to_line())

    def _backfill(self) -> None:
        appended = transparency.leaf_backfill(list(transparency.registered_digests()))
        self.stdout.write(self.style.SUCCESS(f"透明日志补录 / leaves appended: {appended}"))

    def _verify(self, sources: list[str]) -> None:
        extra: list[transparency.Checkpoint] = []
        for source in sources:
            try:
                extra.extend(transparency.checkpoints_load(source))
            except (OSError, URLError, UnicodeDecodeError, transparency.CheckpointInvalid) as exc:
                raise CommandError(f"无法读取检查点 / cannot read checkpoints from {source}: {exc}") from None
        checked, broken = verify_chain()
        report = transparency.verify_log(extra)
        problems = list(report.problems)
        if broken is not None:
            problems.insert(
                0,
                f"audit chain broken at event seq={broken.seq} (id={broken.event_id}): {broken.problem}; "
                f"{checked} events before it verified",
            )
        if problems:
            raise CommandError(
                "审计链或透明日志不完整 / audit chain or transparency log broken:\n  " + "\n  ".join(problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整 / audit chain intact: {checked} events verified; "
                f"透明日志完整 / transparency log intact: {report.leaves} leaves, "
                f"consistent with {report.checkpoints} checkpoints"
            )
        )
