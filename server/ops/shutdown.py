"""A stopping gevent worker closes its idle keep-alive connections at once.

gunicorn's gevent worker waits, after SIGTERM, until every connection's greenlet is done or
the graceful timeout has passed. A request in flight finishes and then its connection
closes; but a connection that is merely kept alive between requests (load balancers and
HTTP clients keep them for a minute: ``--keep-alive 75``) sits waiting for a next request
that never comes, and holds the worker for the whole graceful timeout, then gets killed.

The wait for a next request is gunicorn's ``timeout_ctx()`` (a ``gevent.Timeout`` that ends
the connection quietly when it fires). Wrapping it lets the worker know which greenlets are
idle, and once the worker stops, each gets its own timeout thrown in: exactly what the
keep-alive timeout would do later, now. Call from ``post_worker_init``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["close_idle_connections_when_stopping"]

#: How often the watcher looks at ``worker.alive``, and then for connections gone idle.
_WATCH_SECONDS = 0.25


def close_idle_connections_when_stopping(worker: Any) -> None:
    """For gevent workers (the others need nothing: gthread drops idle connections itself)."""
    from gunicorn.workers.ggevent import GeventWorker

    if not isinstance(worker, GeventWorker):
        return
    import gevent  # type: ignore[import-untyped]

    waiting: dict[Any, Any] = {}  # greenlet -> the Timeout it waits for a request under
    keepalive_timeout = worker.timeout_ctx

    @contextmanager
    def waiting_for_request() -> Iterator[None]:
        timeout = keepalive_timeout()
        current = gevent.getcurrent()
        waiting[current] = timeout
        try:
            with timeout:
                yield
        finally:
            waiting.pop(current, None)

    worker.timeout_ctx = waiting_for_request

    def interrupt(greenlet: Any, timeout: Any) -> None:
        """Runs in the hub, as a firing timeout does; only if still waiting under it."""
        if waiting.get(greenlet) is timeout:
            greenlet.throw(timeout)

    def close_idle() -> None:
        while worker.alive:
            time.sleep(_WATCH_SECONDS)
        hub = gevent.get_hub()
        while True:  # until the worker exits: a connection may go idle after a first pass
            for greenlet, timeout in list(waiting.items()):
                hub.loop.run_callback(interrupt, greenlet, timeout)
            time.sleep(_WATCH_SECONDS)

    threading.Thread(target=close_idle, daemon=True, name="idle-closer").start()
