"""gunicorn settings of an OpenGPS web node, run by deploy/systemd/opengps-web@.service as
`gunicorn --config deploy/gunicorn.conf.py opengps.wsgi` (the instance name is the port).

The node is stateless — sessions, the sign-in throttle (django-axes), rate limits, locks and tasks
live in the database — so any number of them serve behind deploy/haproxy.cfg. Logs are JSON lines
on stdout (access) and stderr (everything else), each carrying the request id; journald keeps them.
Settings come from the environment (/etc/opengps/env, see deploy/env.example):

  OPENGPS_WEB_HOST     address to listen on, default 127.0.0.1 (the balancer's side of the node)
  OPENGPS_WEB_PORT     port, default 8000 (the unit sets it from its instance name)
  OPENGPS_WEB_WORKERS  worker processes, default 2 per CPU
  OPENGPS_WEB_TIMEOUT  seconds a request may take (a 100 MB bid upload on a slow line), default 300
  OPENGPS_LOG_FORMAT   json (the default here) or plain
  PROMETHEUS_MULTIPROC_DIR  where the workers keep their metrics so that /metrics sums them all,
                       default /run/opengps-web-<port>/metrics (emptied when the node starts)
"""

import os
import shutil
from pathlib import Path
from typing import Any

from opengps.core.gunicorn_logs import JsonLogger

# Production logs are JSON: set before the workers load Django, whose settings read it too.
os.environ.setdefault("OPENGPS_LOG_FORMAT", "json")

# Metrics of every worker in one scrape: prometheus_client's multiprocess mode, set before any
# worker imports it. The folder is the node's own and starts empty (stale files would add counts
# of workers long gone); a worker that exits is marked dead so its live gauges drop out.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", f"/run/opengps-web-{os.environ.get('OPENGPS_WEB_PORT', '8000')}/metrics"
)
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)  # --print-config too


def on_starting(server: Any) -> None:
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


wsgi_app = "opengps.wsgi:application"
bind = f"{os.environ.get('OPENGPS_WEB_HOST', '127.0.0.1')}:{os.environ.get('OPENGPS_WEB_PORT', '8000')}"
proc_name = "opengps-web"

# Sync workers: requests are CPU- and database-bound; the balancer absorbs slow clients' headers
# (timeout http-request) and queues requests when every worker is busy (maxconn per server).
worker_class = "sync"
workers = int(os.environ.get("OPENGPS_WEB_WORKERS", "0")) or 2 * (os.cpu_count() or 1)
timeout = int(os.environ.get("OPENGPS_WEB_TIMEOUT", "300"))
graceful_timeout = 30  # SIGTERM or a reload (SIGHUP) lets running requests finish this long
max_requests = 2000  # recycle workers now and then (memory), staggered
max_requests_jitter = 200
# Large request bodies are refused by the platform (OPENGPS_MAX_REQUEST_BYTES, 413), not here.
limit_request_line = 8190
# No control socket (gunicorn ≥ 25 makes one in $HOME, which several nodes on a host would share and
# the unit keeps read-only): systemd controls the node — reload is SIGHUP, see the unit.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
if os.environ["OPENGPS_LOG_FORMAT"] == "json":
    logger_class = JsonLogger
else:
    access_log_format = (
        '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" '
        "forwarded_for=%({x-forwarded-for}i)s request_id=%({x-request-id}o)s"
    )
