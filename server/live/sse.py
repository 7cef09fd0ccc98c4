"""The ``text/event-stream`` framing of seat changes (the WHATWG Server-Sent Events format)."""

from __future__ import annotations

import re

import orjson

from shared.models import SeatChange

__all__ = ["CLOSING", "HEARTBEAT", "frame", "position", "retry", "stream_order"]

#: A comment line: clients ignore it, proxies see traffic and keep the connection open.
HEARTBEAT = b": keep-alive\n\n"
#: The last thing a stream says when its worker stops: reconnect (another worker answers).
CLOSING = b": server stopping; reconnect with Last-Event-ID\n\n"

_STREAM_ID = re.compile(r"([0-9]{1,20})-([0-9]{1,20})")


def stream_order(stream_id: str | None) -> tuple[int, int] | None:
    """A Redis Stream ID (``<ms>-<seq>``) as something to compare; None if it is not one."""
    match = _STREAM_ID.fullmatch(stream_id or "")
    if match is None:
        return None
    ms, seq = int(match[1]), int(match[2])
    return (ms, seq) if ms < 2**64 and seq < 2**64 else None


def frame(change: SeatChange) -> bytes:
    """One message: ``id`` (what to resume after), ``event`` (the kind) and the JSON."""
    data = orjson.dumps(change.to_wire())
    return b"id: %s\nevent: %s\ndata: %s\n\n" % (change.id.encode(), change.kind.encode(), data)


def position(stream_id: str) -> bytes:
    """An ``id`` with no data: sets the client's Last-Event-ID without an event (so a client
    that has seen nothing yet still resumes from here)."""
    return b"id: %s\n\n" % stream_id.encode()


def retry(milliseconds: int) -> bytes:
    """How long a browser's EventSource waits before reconnecting."""
    return b"retry: %d\n\n" % milliseconds
