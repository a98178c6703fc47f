"""The `opengps` command: a thin front to the platform's management commands.

Examples:
  opengps audit verify          recompute the audit hash chain and the transparency log, name the
                                first problem (--checkpoint FILE|URL: also against published checkpoints)
  opengps audit checkpoint      sign and publish the transparency log's tree head (the worker
                                does it nightly)
  opengps worker                run background tasks and the schedule (--once, --interval N,
                                --no-schedule, --schedule-only with a Redis backend's rqworkers)
  opengps rules list            every legal rule the platform applies
  opengps rules explain NAME    show a legal rule's value, citation and effective dates
  opengps rules explain deadlines.earliest_bid_deadline open_tender 2025-09-25
                                evaluate a rule function on arguments (name=value for keywords)
  opengps registry_import FILE --user NAME [--mode all_or_nothing|valid_only]
                                import social organizations from an Excel workbook
  opengps migrate               create or upgrade the database
  opengps demo                  load the demo data (idempotent) and print the logins
  opengps manage <command>      any Django management command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengps.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not args:
            return
        args = ["help"]
    elif args[0] == "manage":
        args = args[1:]
    execute_from_command_line(["opengps", *args])


if __name__ == "__main__":
    main()
