"""One JSON object per log line: what log shippers parse without a grok pattern.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``pid`` and,
while a request is served, ``request_id``; the request log line adds ``method``, ``route``,
``status``, ``duration_ms`` and ``user`` (a keyed hash, never the ID itself). Request bodies
are never logged, so card details cannot end up here.

gunicorn applies :data:`GUNICORN_LOGCONFIG` (``logconfig_dict`` in
:mod:`server.live.gunicorn_conf`) in its master, so its own lines and every worker's are JSON.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

from server.ops.request_id import current_request_id

__all__ = ["GUNICORN_LOGCONFIG", "REQUEST_FIELDS", "JsonFormatter"]

#: Attributes of a record (passed with ``extra=``) that become fields of their own.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms", "user")


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON; newlines in messages stay escaped."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


#: gunicorn's ``logconfig_dict``: everything to stderr as JSON through the root logger.
#: gunicorn's access log is off: the app logs each request itself, with its route and ID.
GUNICORN_LOGCONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "server.ops.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        # Seven lines per worker at start saying which Alembic plugins loaded.
        "alembic.runtime.plugins": {"level": "WARNING"},
    },
}
