"""Running the API in production: health, metrics, structured logs, request IDs.

- :mod:`server.ops.install` — ``install_ops(app)``: everything below, bound to one app;
- :mod:`server.ops.request_id` — the ``X-Request-ID`` of the request being served;
- :mod:`server.ops.tracking` — WSGI middleware: request ID in and out, latency, one log line
  per request; :mod:`server.ops.hooks` — what only Flask knows (route, user, conflicts);
- :mod:`server.ops.logs` — one JSON object per log line, for gunicorn and the app;
- :mod:`server.ops.metrics` — the Prometheus metrics; :mod:`server.ops.exposition` serves
  them at ``/metrics`` (every worker's, via :mod:`server.ops.multiproc`), with the
  waiting-room queue lengths read at scrape time (:mod:`server.ops.queue_gauge`);
- :mod:`server.ops.readiness` — Postgres, Redis and migration checks with short timeouts;
  :mod:`server.ops.health` serves them as ``/healthz`` and ``/readyz``;
- :mod:`server.ops.openapi_paths` — how those three endpoints appear in ``/openapi.json``.
- :mod:`server.ops.shutdown` — a stopping gevent worker closes idle keep-alive connections.

This package imports nothing at import time: gunicorn's master loads :mod:`server.ops.logs`
and :mod:`server.ops.multiproc` from its settings file, before any worker patched sockets.
"""
