"""``GET /events/{eventID}/stream``: seat changes as Server-Sent Events; and the channel that
a request's seat changes are reported under (``X-Boxoffice-Channel``).

The route only checks the event, joins the process's reader of its stream
(:mod:`server.live.feeds`) and frames what arrives; it never touches the database after the
first check, so an open stream holds no connection from the pool.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
from flask import Blueprint, Response, current_app, request
from sqlalchemy import text

from server.api.problems import ApiProblem
from server.extensions import db
from server.live.changes import SeatChanges
from server.live.expiry import ensure_sweeping
from server.live.feeds import CatchUp, Feeds, Inbox, reload_message
from server.live.sse import CLOSING, HEARTBEAT, position, retry
from shared.models import CHANNEL_HEADER, Channel
from shared.problems import ProblemSlug

__all__ = ["blueprint", "request_channel", "seat_changes"]

blueprint = Blueprint("stream", __name__)

#: Seconds between heartbeat comments (``STREAM_HEARTBEAT_SECONDS``), well under the 60 s
#: after which proxies and load balancers commonly drop an idle connection.
HEARTBEAT_SECONDS = 15.0
#: How long a browser waits before reconnecting (``retry:``).
RETRY_MS = 2_000


def request_channel() -> Channel:
    """The channel the client says it is; absent or unknown means ``api`` (it is a label on
    the live stream, never a reason to refuse a booking)."""
    value = request.headers.get(CHANNEL_HEADER, "").strip().lower()
    try:
        return Channel(value)
    except ValueError:
        return Channel.API


def seat_changes() -> SeatChanges:
    """Where the booking service reports this request's seat changes."""
    return SeatChanges(current_app.extensions.get("boxoffice.changes"), request_channel())


@blueprint.before_app_request
def _sweep_expired_holds() -> None:
    ensure_sweeping(current_app._get_current_object())  # type: ignore[attr-defined]


@blueprint.get("/events/<id:event_id>/stream")
def seat_stream(event_id: int) -> Response:
    found = db.session.execute(text("SELECT 1 FROM events WHERE id = :id"), {"id": event_id})
    if found.first() is None:
        raise ApiProblem(
            404, ProblemSlug.NOT_FOUND, "No such event", f"There is no event with ID {event_id}."
        )
    feeds: Feeds | None = current_app.extensions.get("boxoffice.feeds")
    unavailable = ApiProblem(
        503,
        ProblemSlug.SERVICE_UNAVAILABLE,
        "Service Unavailable",
        "Live seat updates are unavailable right now; try again shortly.",
        headers={"Retry-After": "2"},
    )
    if feeds is None:
        raise unavailable
    try:
        inbox, catch_up = feeds.subscribe(event_id, request.headers.get("Last-Event-ID") or None)
    except redis.RedisError:
        raise unavailable from None
    heartbeat = float(current_app.config.get("STREAM_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))
    response = Response(
        _events(feeds, inbox, _opening(event_id, catch_up), heartbeat),
        mimetype="text/event-stream",
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each message on at once
    return response


def _opening(event_id: int, catch_up: CatchUp) -> bytes:
    """``retry``, then what was missed, or ``reload``, or just the position to resume from."""
    parts = [retry(RETRY_MS)]
    if catch_up.missed is None:
        parts.append(reload_message(event_id, catch_up.head).frame)
    else:
        parts.extend(message.frame for message in catch_up.missed)
        parts.append(position(catch_up.head))
    return b"".join(parts)


def _events(feeds: Feeds, inbox: Inbox, opening: bytes, heartbeat: float) -> Iterator[bytes]:
    """The response body: runs until the client goes away or the worker stops."""
    try:
        yield opening
        while True:
            taken = inbox.take(heartbeat)
            if taken.closed:
                yield CLOSING
                return
            parts = []
            if taken.skipped_to is not None:
                parts.append(reload_message(inbox.event_id, taken.skipped_to).frame)
            parts.extend(message.frame for message in taken.messages)
            yield b"".join(parts) if parts else HEARTBEAT
    finally:
        feeds.unsubscribe(inbox)
