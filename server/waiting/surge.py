"""Marking an event high-demand (``boxoffice surge``), and reading that setting cheaply.

Postgres holds the setting (``events.admission_per_minute`` and ``staff_admission_share``,
migration 0005); every worker keeps what it read for ``surge_cache_seconds``, so a seat map or
a hold costs no extra query, and a change reaches every worker within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from server.waiting.room import Surge, WaitingRoom

__all__ = [
    "DEFAULT_STAFF_SHARE",
    "MAX_STAFF_SHARE",
    "SurgeCache",
    "SurgeError",
    "UnknownEvent",
    "end_surge",
    "read_surge",
    "start_surge",
]

DEFAULT_STAFF_SHARE = 0.2
#: The public must keep some of the rate.
MAX_STAFF_SHARE = 0.9
#: Admissions per minute at most (a thousand a second).
MAX_RATE = 60_000


class SurgeError(ValueError):
    """A setting the waiting room cannot work with; the message says which."""


class UnknownEvent(LookupError):
    def __init__(self, event_id: int) -> None:
        super().__init__(f"There is no event with ID {event_id}.")
        self.event_id = event_id


_READ = text("SELECT admission_per_minute, staff_admission_share FROM events WHERE id = :id")


def read_surge(connection: Connection | Session, event_id: int) -> Surge | None:
    """The event's setting; None for an ordinary event; raises UnknownEvent."""
    row = connection.execute(_READ, {"id": event_id}).first()
    if row is None:
        raise UnknownEvent(event_id)
    if row.admission_per_minute is None:
        return None
    return Surge(event_id, int(row.admission_per_minute), float(row.staff_admission_share))


def start_surge(
    session: Session,
    event_id: int,
    per_minute: int,
    staff_share: float | None = None,
) -> Surge:
    """From now on the event's seat map and holds need an admission token; a second call
    changes the rate and keeps everyone's place. Without ``staff_share`` the event keeps
    the share it had (``DEFAULT_STAFF_SHARE`` at first)."""
    if not 1 <= per_minute <= MAX_RATE:
        raise SurgeError(f"the rate is 1 to {MAX_RATE} admissions a minute, not {per_minute}")
    if staff_share is not None and not 0 <= staff_share <= MAX_STAFF_SHARE:
        raise SurgeError(f"the staff share is 0 to {MAX_STAFF_SHARE}, not {staff_share:g}")
    share = None if staff_share is None else Decimal(str(round(staff_share, 2)))
    row = session.execute(
        text(
            "UPDATE events SET admission_per_minute = :rate, "
            "staff_admission_share = COALESCE(:share, staff_admission_share) "
            "WHERE id = :id RETURNING staff_admission_share"
        ),
        {"rate": per_minute, "share": share, "id": event_id},
    ).first()
    if row is None:
        session.rollback()
        raise UnknownEvent(event_id)
    session.commit()
    return Surge(event_id, per_minute, float(row.staff_admission_share))


def end_surge(session: Session, room: WaitingRoom | None, event_id: int) -> bool:
    """Open the event to everyone again; whoever waits is told so (their status says
    ``open``). Returns whether it was high-demand."""
    was = session.execute(
        text("SELECT admission_per_minute FROM events WHERE id = :id FOR UPDATE"),
        {"id": event_id},
    ).first()
    if was is None:
        session.rollback()
        raise UnknownEvent(event_id)
    session.execute(
        text("UPDATE events SET admission_per_minute = NULL WHERE id = :id"), {"id": event_id}
    )
    session.commit()
    if room is not None:
        room.close(event_id)
    return was.admission_per_minute is not None


class SurgeCache:
    """Per worker: each event's setting as read at most ``seconds`` ago. While one request
    reads it again, the others go on with the last reading rather than each asking
    Postgres (a thousand long-polls must not empty the connection pool)."""

    def __init__(
        self,
        load: Callable[[int], Surge | None],
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``load`` reads one event's setting (raising UnknownEvent)."""
        self._load = load
        self.seconds = seconds
        self._clock = clock
        self._known: dict[int, tuple[float, Surge | None]] = {}
        self._loading: set[int] = set()
        self._lock = threading.Lock()

    def get(self, event_id: int) -> Surge | None:
        now = self._clock()
        known = self._known.get(event_id)
        if known is not None and now - known[0] < self.seconds:
            return known[1]
        with self._lock:
            if known is not None and event_id in self._loading:
                return known[1]  # being read again right now: the last reading will do
            self._loading.add(event_id)
        try:
            surge = self._load(event_id)  # unknown events raise and are not remembered
        finally:
            with self._lock:
                self._loading.discard(event_id)
        with self._lock:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[event_id] = (now, surge)
        return surge

    def forget(self, event_id: int | None = None) -> None:
        """Read the setting again next time (after this process changed it)."""
        with self._lock:
            if event_id is None:
                self._known.clear()
            else:
                self._known.pop(event_id, None)
