"""WSGI middleware around the Flask app: the request ID in and out, latency, a log line.

It sits outside Flask so that it sees every response — error pages, streams — and the
moment a streamed body really ends. Per request it:

- replaces ``X-Request-ID`` in the environ with the accepted or a new ID, so everything
  inside (the payment call too) reads the same one, and returns it on the response;
- observes the latency histogram once the response's headers are ready (a seat stream's
  lifetime is not a latency);
- logs one JSON line when the body is done (``duration_ms`` then includes streaming), with
  the route and user that :mod:`server.ops.hooks` left in the environ.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from contextvars import Token
from typing import TYPE_CHECKING, Any

from werkzeug.wsgi import ClosingIterator

from server.ops.metrics import REQUEST_LATENCY
from server.ops.request_id import HEADER, accepted_request_id, request_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["ROUTE_KEY", "UNMATCHED", "USER_KEY", "RequestTracking"]

log = logging.getLogger(__name__)

#: Environ keys :mod:`server.ops.hooks` fills in.
ROUTE_KEY = "boxoffice.ops.route"
USER_KEY = "boxoffice.ops.user"
#: The route label of a request that matched no URL rule (so a scan of random paths cannot
#: create a time series per path).
UNMATCHED = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_ENVIRON_HEADER = "HTTP_" + HEADER.upper().replace("-", "_")


class RequestTracking:
    """Wraps ``app.wsgi_app``."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        rid = accepted_request_id(environ.get(_ENVIRON_HEADER))
        environ[_ENVIRON_HEADER] = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        statuses: list[int] = []

        def tracked(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            statuses.append(int(status[:3]))
            kept = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            return start_response(status, [*kept, (HEADER, rid)], exc_info)

        try:
            body = self.app(environ, tracked)
        except BaseException:
            _reset(token)
            raise
        method = environ.get("REQUEST_METHOD", "")
        method = method if method in _METHODS else "OTHER"
        route = environ.get(ROUTE_KEY, UNMATCHED)
        status = statuses[-1] if statuses else 500
        REQUEST_LATENCY.labels(route, method, f"{status // 100}xx").observe(
            time.perf_counter() - started
        )

        def finished() -> None:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            fields = {
                "request_id": rid,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                "user": environ.get(USER_KEY),
            }
            log.info("%s %s %d", method, route, status, extra=fields)
            _reset(token)

        return ClosingIterator(body, [finished])


def _reset(token: Token[str | None]) -> None:
    try:
        request_id.reset(token)
    except ValueError:  # closed from another context than the one that served it
        request_id.set(None)
