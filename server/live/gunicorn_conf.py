"""gunicorn settings file of ``boxoffice serve`` (``--config python:server.live.gunicorn_conf``).

An open SSE stream never ends by itself, so a stopping worker would wait out the whole
graceful timeout for each. gunicorn has no hook for SIGTERM in a worker, only ``alive``
turning false; a small thread watches it and ends the worker's streams at once (clients
reconnect with Last-Event-ID to another worker and lose nothing); idle keep-alive
connections are closed too (:mod:`server.ops.shutdown`).

Only the JSON log settings (standard library) are imported at module level: gunicorn's
master reads this file, and psycopg must first be imported after a gevent worker has
patched the sockets.
"""

from __future__ import annotations

from typing import Any

# JSON log lines for gunicorn and the app (standard library and orjson only).
from server.ops.logs import GUNICORN_LOGCONFIG as logconfig_dict

__all__ = ["child_exit", "logconfig_dict", "post_worker_init"]

#: How often the watcher looks at ``worker.alive``.
_WATCH_SECONDS = 0.25


def child_exit(server: Any, worker: Any) -> None:
    """Runs in the master when a worker has exited: its metric files' bookkeeping."""
    from server.ops.multiproc import worker_exited

    worker_exited(worker.pid)


def post_worker_init(worker: Any) -> None:
    """Runs in each worker once the app is loaded (after gevent patched the sockets)."""
    import threading
    import time

    def end_streams_when_stopping() -> None:
        while worker.alive:
            time.sleep(_WATCH_SECONDS)
        feeds = getattr(worker.wsgi, "extensions", {}).get("boxoffice.feeds")
        if feeds is not None:
            feeds.close_all()

    threading.Thread(target=end_streams_when_stopping, daemon=True, name="stream-closer").start()
    from server.ops.shutdown import close_idle_connections_when_stopping

    close_idle_connections_when_stopping(worker)
