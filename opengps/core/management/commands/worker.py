"""`opengps worker`: run background tasks and the periodic schedule (database task backend).

Each round: reclaim the tasks of workers that died (their next attempt is enqueued), enqueue the
periodic work whose period has no run yet (exactly once per period across all workers), then run
every ready task; sleep `--interval` seconds when there was nothing to do. SIGTERM/SIGINT finish
the running task and stop; a second signal stops at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from opengps.core import tasks

logger = logging.getLogger("opengps.worker")


class Command(BaseCommand):
    help = "Run background tasks (imports, exports, red flags …) and the periodic schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to sleep when idle (default 1)"
        )
        parser.add_argument(
            "--once", action="store_true", help="one round (reclaim, schedule, run what is ready), then exit"
        )
        parser.add_argument("--no-schedule", action="store_true", help="do not enqueue periodic work")
        parser.add_argument(
            "--schedule-only",
            action="store_true",
            help="only enqueue periodic work (beside rqworker on Redis)",
        )
        parser.add_argument(
            "--worker-id", default="", help="unique id of this worker (default host:pid:random)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule_only"]:
            self.schedule_loop(options)
            return
        if not tasks._same_database():
            raise CommandError(
                "opengps worker runs the database task backend; with OPENGPS_TASKS_REDIS_URL run "
                "`opengps manage rqworker default --with-scheduler` and `opengps worker --schedule-only`"
            )
        worker_id = options["worker_id"] or tasks.worker_id()
        self.running, self.busy = True, False

        def stop(signum: int, frame: FrameType | None) -> None:
            if not self.running or not self.busy:
                sys.exit(0)
            logger.warning("%s: finishing the running task, then stopping", signal.strsignal(signum))
            self.running = False

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)
        logger.info("worker %s started", worker_id)
        while self.running:
            close_old_connections()
            tasks.reclaim_lost()
            if not options["no_schedule"]:
                started = tasks.tick()
                if started:
                    logger.info("scheduled: %s", ", ".join(started))
            ran = 0
            while self.running:
                self.busy = True
                done = tasks.run_ready(worker=worker_id, limit=1)
                self.busy = False
                if not done:
                    break
                ran += done
                close_old_connections()
            if options["once"]:
                break
            if not ran:
                time.sleep(options["interval"])

    def schedule_loop(self, options: dict[str, Any]) -> None:
        while True:
            close_old_connections()
            started = tasks.tick()
            if started:
                logger.info("scheduled: %s", ", ".join(started))
            if options["once"]:
                return
            time.sleep(max(options["interval"], 1.0))
