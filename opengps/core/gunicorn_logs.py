"""gunicorn's logger for production (``logger_class`` in deploy/gunicorn.conf.py): the access log
as JSON lines carrying the request id, and gunicorn's own error log in the same JSON shape as the
platform's records (`opengps.core.logs.JsonFormatter`).

The request id is the ``X-Request-ID`` response header `RequestIdMiddleware` sets, so an access
line, the application's records for that request and the audit events it wrote share one id.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from gunicorn.glogging import Logger

from opengps.core.logs import NO_REQUEST, JsonFormatter


def access_entry(
    *, status: int | str, headers: Any, environ: dict[str, Any], request_time: timedelta, sent: int | None
) -> dict[str, Any]:
    """One access-log entry (a plain dict: also what the tests read back)."""
    pairs = headers.items() if hasattr(headers, "items") else headers or []
    response_headers = {str(name).lower(): str(value) for name, value in pairs}
    code = str(status).split(None, 1)[0]
    return {
        # when the line was written, on the machine's clock (not the business clock, opengps.core.clock)
        "time": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": response_headers.get("x-request-id") or NO_REQUEST,
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "status": int(code) if code.isdigit() else code,
        "bytes": sent,
        "duration_ms": round(request_time.total_seconds() * 1000, 1),
        "remote_addr": environ.get("REMOTE_ADDR", ""),
        # the client as the balancer saw it (haproxy appends it; see deploy/haproxy.cfg)
        "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
    }


class JsonLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's standard logger with JSON lines for the access and error logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        entry = access_entry(
            status=resp.status,
            headers=resp.headers,
            environ=environ,
            request_time=request_time,
            sent=getattr(resp, "sent", None),
        )
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:  # a log line never fails a request
            logging.getLogger("gunicorn.error").exception("access log entry failed")
