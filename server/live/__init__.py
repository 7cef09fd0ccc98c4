"""Live seat updates: seat changes written to a Redis Stream per event, served as SSE.

- :mod:`server.live.changes` — what the booking service reports (held, released, booked,
  extended), each written to the event's stream by one atomic script;
- :mod:`server.live.expiry` — a sweeper that turns holds whose time ran out into ``expired``;
- :mod:`server.live.feeds` — each worker's readers of those streams, replay after a
  reconnect, and the inboxes of open SSE responses;
- :mod:`server.live.sse` — the ``text/event-stream`` framing;
- :mod:`server.live.gunicorn_conf` — lets open streams end when a gunicorn worker stops.

This package imports nothing at import time: gunicorn's master loads ``gunicorn_conf`` from
it, and psycopg must not be imported before a gevent worker has patched the sockets.
"""
