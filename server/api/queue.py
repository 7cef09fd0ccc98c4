"""The waiting room over HTTP: ``/events/{eventID}/queue`` (join, status with long-poll,
leave) and :func:`admission_required`, the gate on a high-demand event's seat map and holds.

The rules are in :mod:`server.waiting`; this parses, calls and maps. A status request with
``?wait=N`` keeps looking until the caller's place has changed enough to tell
(:mod:`server.waiting.polling`): with gevent workers a waiting request is a sleeping
greenlet, and each look also drives admissions. Nothing here touches Postgres except reading an event's surge setting, at most
once a second per worker, on a connection handed straight back.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from server.api.auth import current_user
from server.api.params import invalid_parameter, reject_unknown_params
from server.api.problems import ApiProblem
from server.auth import is_staff_token
from server.extensions import db
from server.waiting import (
    PassCheck,
    Placement,
    RoomStatus,
    Surge,
    SurgeCache,
    UnknownEvent,
    WaitingRoom,
    WaitingSettings,
    read_surge,
)
from server.waiting.polling import next_look_seconds, worth_telling
from shared.models import ADMISSION_HEADER, QueueLane, QueueState, QueueStatus
from shared.problems import ProblemSlug

__all__ = ["MAX_POSITION", "Waiting", "admission_required", "blueprint", "waiting"]

blueprint = Blueprint("queue", __name__)

_EXTENSION = "boxoffice.waiting"
_creating = threading.Lock()
_DIGITS = re.compile(r"[0-9]{1,9}")
#: The largest ``?position=`` a status request takes.
MAX_POSITION = 999_999_999


@dataclass(frozen=True, slots=True)
class Waiting:
    """One app's waiting room: the Redis side and this worker's view of surge settings."""

    room: WaitingRoom | None
    surges: SurgeCache
    settings: WaitingSettings


def _load_surge(event_id: int) -> Surge | None:
    with db.engine.connect() as connection:  # back to the pool at once, even mid long-poll
        return read_surge(connection, event_id)


def waiting(app: Flask | None = None) -> Waiting:
    """The app's waiting room, made on first use (no Redis: no room, and high-demand
    events answer 503)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found: Waiting | None = app.extensions.get(_EXTENSION)
    if found is not None:
        return found
    with _creating:
        found = app.extensions.get(_EXTENSION)
        if found is None:
            settings = WaitingSettings.from_config(app.config)
            client: redis.Redis | None = app.extensions.get("boxoffice.redis")
            room = WaitingRoom(client, app.config["REDIS_PREFIX"], settings) if client else None
            found = Waiting(room, SurgeCache(_load_surge, settings.surge_cache_seconds), settings)
            app.extensions[_EXTENSION] = found
    return found


def _unavailable() -> ApiProblem:
    return ApiProblem(
        503,
        ProblemSlug.SERVICE_UNAVAILABLE,
        "Service Unavailable",
        "The waiting room is unavailable right now; try again shortly.",
        headers={"Retry-After": "2"},
    )


def _room() -> WaitingRoom:
    room = waiting().room
    if room is None:
        raise _unavailable()
    return room


def _surge(event_id: int) -> Surge | None:
    """The event's setting (None: an ordinary event); 404 for an unknown event."""
    try:
        return waiting().surges.get(event_id)
    except UnknownEvent as unknown:
        raise ApiProblem(404, ProblemSlug.NOT_FOUND, "No such event", str(unknown)) from None


def _queue_path(event_id: int) -> str:
    return url_for("queue.queue_status", event_id=event_id)


# the gate -------------------------------------------------------------------------------------
_REFUSALS = {
    PassCheck.NONE: "Event {id} is in high demand: join its waiting room (POST {queue}) and "
    "send the admission token you are given in the X-Admission-Token header.",
    PassCheck.INVALID: "This admission token is not yours, or no longer current. Join the "
    "waiting room (POST {queue}) for your own.",
    PassCheck.EXPIRED: "Your admission ran out. Join the waiting room again (POST {queue}).",
}


def _admission_required(event_id: int, check: PassCheck) -> ApiProblem:
    queue = _queue_path(event_id)
    return ApiProblem(
        403,
        ProblemSlug.ADMISSION_REQUIRED,
        "Admission required",
        _REFUSALS[check].format(id=event_id, queue=queue),
        eventID=event_id,
        queueURL=queue,
    )


def _check_admission(event_id: int) -> None:
    """Let the request through if the event is ordinary or the caller's pass is good."""
    try:
        surge = waiting().surges.get(event_id)
    except UnknownEvent:
        return  # the route itself says 404
    if surge is None:
        return
    if not request.headers.get("Authorization"):
        raise _admission_required(event_id, PassCheck.NONE)
    user = current_user()
    try:
        check = _room().use_pass(event_id, user, request.headers.get(ADMISSION_HEADER))
    except redis.RedisError:
        raise _unavailable() from None
    if check is not PassCheck.OK:
        raise _admission_required(event_id, check)


View = Callable[..., Response]


def admission_required(view: View) -> View:
    """For routes with an ``event_id``: a high-demand event needs the caller's admission
    token (``X-Admission-Token``), else 403 ``admission-required`` saying where to queue.
    Put it above ``@idempotent``, so a refusal is never stored as a key's answer."""

    @functools.wraps(view)
    def gated(*args: Any, **kwargs: Any) -> Response:
        _check_admission(int(kwargs["event_id"]))
        return view(*args, **kwargs)

    return gated


# the queue ------------------------------------------------------------------------------------
def _wire(event_id: int, status: RoomStatus | None) -> QueueStatus:
    """``None``: the event is open to all."""
    path = _queue_path(event_id)
    if status is None:
        return QueueStatus(event_id=event_id, state=QueueState.OPEN, status_url=path)
    expires = datetime.fromtimestamp(status.expires_ms / 1000, UTC) if status.expires_ms else None
    return QueueStatus(
        event_id=event_id,
        state=QueueState(status.placement.value),
        lane=(QueueLane.STAFF if status.staff_lane else QueueLane.PUBLIC)
        if status.placement is Placement.WAITING
        else None,
        position=status.position,
        queue_length=status.queue_length,
        estimated_wait_seconds=status.estimated_wait_seconds,
        admission_token=status.token,
        expires_at=expires,
        status_url=path,
    )


def _answer(status: QueueStatus, code: int = 200) -> Response:
    response = jsonify(status.to_wire())
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    if code == 202:
        response.headers["Location"] = status.status_url
    return response


def _is_staff() -> bool:
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return is_staff_token(token, current_app.config["JWT_SECRET"])


@blueprint.post("/events/<id:event_id>/queue")
def join_queue(event_id: int) -> Response:
    """Join (or keep your place): 202 while waiting, 200 once admitted or if open to all."""
    reject_unknown_params(())
    user = current_user()
    surge = _surge(event_id)
    if surge is None:
        return _answer(_wire(event_id, None))
    try:
        status = _room().join(surge, user, staff=_is_staff())
    except redis.RedisError:
        raise _unavailable() from None
    waiting_now = status.placement is Placement.WAITING
    return _answer(_wire(event_id, status), 202 if waiting_now else 200)


def _whole_number(name: str, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not _DIGITS.fullmatch(raw) or int(raw) > high:
        raise invalid_parameter(name, f"must be a whole number from 0 to {high}")
    return int(raw)


@blueprint.get("/events/<id:event_id>/queue")
def queue_status(event_id: int) -> Response:
    """Your place; ``?wait=N`` answers once you have moved up from ``?position=`` (or from
    where you were when the request came) enough to tell, or after N seconds."""
    settings = waiting().settings
    reject_unknown_params(("wait", "position"))
    wait = _whole_number("wait", settings.queue_max_wait_seconds) or 0
    seen = _whole_number("position", MAX_POSITION)
    user = current_user()
    deadline = time.monotonic() + wait
    while True:
        surge = _surge(event_id)
        if surge is None:
            return _answer(_wire(event_id, None))
        try:
            status = _room().status(surge, user)
        except redis.RedisError:
            raise _unavailable() from None
        if seen is None:
            seen = status.position or 0
        remaining = deadline - time.monotonic()
        if remaining <= 0 or worth_telling(seen, status):
            return _answer(_wire(event_id, status))
        time.sleep(min(remaining, next_look_seconds(status, settings.queue_poll_seconds)))


@blueprint.delete("/events/<id:event_id>/queue")
def leave_queue(event_id: int) -> Response:
    """Give up your place (or your unused admission): the next in line moves up."""
    reject_unknown_params(())
    user = current_user()
    if _surge(event_id) is not None:
        try:
            _room().leave(event_id, user)
        except redis.RedisError:
            raise _unavailable() from None
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response
