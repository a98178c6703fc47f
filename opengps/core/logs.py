"""Log records as JSON lines (``OPENGPS_LOG_FORMAT=json``) and the request id on every record.

`RequestIdFilter` sits on the handler, so every record that reaches it — the platform's, Django's,
a library's — carries ``request_id``: the id `RequestIdMiddleware` gave the request being served
(the ``X-Request-ID`` the response carries), or ``-`` outside a request (the task worker, commands).
`JsonFormatter` writes one JSON object per line: time (UTC), level, logger, message, request id,
process, any ``extra=`` fields, and the traceback of an exception. Chinese stays readable.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from opengps.core.request_context import current_request_id

NO_REQUEST = "-"
"""The request id of a record logged outside any request."""

# Not written as extra fields: the standard attributes, and the HttpRequest Django's records carry
# (its id is `request_id`, its path is in the message).
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "request"}


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (one given with ``extra=`` is kept).

    Django logs a 4xx response (``django.request``: "Not Found" …) after the middleware has
    returned, so the id then comes from the request the record carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", "") or NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, for a log collector (journald → Loki, Elasticsearch …)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id() or NO_REQUEST,
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


LOG_FORMATS = ("plain", "json")


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: one console handler (stderr) in `log_format`, the request id on every
    record either way."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"OPENGPS_LOG_FORMAT={log_format!r} is not one of {', '.join(LOG_FORMATS)}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "opengps.core.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "opengps.core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]}
        },
        "root": {"handlers": ["console"], "level": level},
        # axes logs every failure and lockout at WARNING (with the username and address masked).
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }
