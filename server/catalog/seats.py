"""An event with the exact status of every seat, in full or summarised per section.

A 50,000-seat event is a 7 MB document, and building it from 50,000 database rows took a
quarter of a second. A ticket's seat, section, row, category and price never change once the
event exists, so each worker keeps every ticket's JSON text up to its status, per event, and a
request only fetches what does change — which seats are booked (Postgres) and held (Redis) —
and joins strings. The same two sets give a cheap ETag, checked before any body is built.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from server.catalog.queries import NotFoundError, performers_of
from shared.models import EventInfo, PriceCategoryPrice, SectionAvailability

__all__ = ["EventFacts", "EventSeats", "event_facts", "load_event_seats", "seat_ranges"]

#: Events whose seat texts each worker keeps (a stadium's are ~6 MB).
_CACHED_EVENTS = 12


@dataclass(frozen=True, slots=True)
class _SeatTexts:
    """What never changes about an event's tickets, in seat-map order."""

    ids: tuple[int, ...]
    #: ``{"ticketID":…,"price":"…","ticketStatus":"`` — the status and ``"}`` follow.
    fragments: tuple[str, ...]
    sections: tuple[str, ...]
    rows: tuple[str | None, ...]
    labels: tuple[str, ...]


class _SeatTextCache:
    """A small LRU keyed by (event, creation time), so a recreated event is never confused."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, datetime], _SeatTexts] = OrderedDict()

    def get(self, session: Session, event_id: int, created_at: datetime) -> _SeatTexts:
        key = (event_id, created_at)
        with self._lock:
            if (found := self._entries.get(key)) is not None:
                self._entries.move_to_end(key)
                return found
        loaded = _load_seat_texts(session, event_id)
        with self._lock:
            self._entries[key] = loaded
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return loaded


_cache = _SeatTextCache(_CACHED_EVENTS)


def _load_seat_texts(session: Session, event_id: int) -> _SeatTexts:
    rows = session.execute(
        text(
            "SELECT id, seat_id, seat_number, section, row, category, price "
            "FROM tickets WHERE event_id = :id ORDER BY id"
        ),
        {"id": event_id},
    ).all()
    fragments = []
    for ticket_id, seat_id, number, section, row, category, price in rows:
        fixed = orjson.dumps(
            {
                "ticketID": ticket_id,
                "seatID": seat_id,
                "seatNumber": number,
                "section": section,
                "row": row,
                "category": category,
                "price": str(price),
            }
        ).decode()
        fragments.append(fixed[:-1] + ',"ticketStatus":"')
    return _SeatTexts(
        ids=tuple(r[0] for r in rows),
        fragments=tuple(fragments),
        sections=tuple(r[3] for r in rows),
        rows=tuple(r[4] for r in rows),
        labels=tuple(r[2] for r in rows),
    )


@dataclass(frozen=True, slots=True)
class EventSeats:
    """An event, its venue and where every seat stands right now."""

    event: EventInfo
    venue: dict[str, Any]
    seats: _SeatTexts
    booked: frozenset[int]
    held: frozenset[int]
    etag: str

    def status(self, ticket_id: int) -> str:
        """Postgres decides BOOKED; a Redis hold turns an available seat RESERVED."""
        if ticket_id in self.booked:
            return "BOOKED"
        return "RESERVED" if ticket_id in self.held else "AVAILABLE"

    @property
    def tickets_available(self) -> int:
        return len(self.seats.ids) - len(self.booked) - len(self.held - self.booked)

    def full_json(self) -> bytes:
        """``GET /events/{id}``: the event, its venue and every ticket with its status."""
        status = self.status
        tickets = ",".join(
            f'{fragment}{status(ticket_id)}"}}'
            for ticket_id, fragment in zip(self.seats.ids, self.seats.fragments, strict=True)
        )
        venue = orjson.dumps({**self.venue, "ticketsAvailable": self.tickets_available})
        event = orjson.dumps(self.event.to_wire())
        return b'{"event":%b,"venue":%b,"tickets":[%b]}' % (event, venue, tickets.encode())

    def summary(self) -> dict[str, Any]:
        """``?view=summary``: counts and seat ranges per section, no ticket list."""
        arrangement = self.venue["seatingArrangement"]
        names = {s["id"]: s.get("name", s["id"]) for s in arrangement.get("sections", [])}
        names.update(
            {a["id"]: a.get("name", a["id"]) for a in arrangement.get("generalAdmission", [])}
        )
        by_section: dict[str, dict[str, list[tuple[str | None, str]]]] = {}
        seats = self.seats
        for ticket_id, section, row, label in zip(
            seats.ids, seats.sections, seats.rows, seats.labels, strict=True
        ):
            statuses = by_section.get(section)
            if statuses is None:
                statuses = by_section[section] = {"AVAILABLE": [], "RESERVED": [], "BOOKED": []}
            statuses[self.status(ticket_id)].append((row, label))
        sections = [
            SectionAvailability(
                section=section,
                name=names.get(section, section),
                available=len(statuses["AVAILABLE"]),
                reserved=len(statuses["RESERVED"]),
                booked=len(statuses["BOOKED"]),
                available_seats=seat_ranges(statuses["AVAILABLE"]),
                reserved_seats=seat_ranges(statuses["RESERVED"]),
                booked_seats=seat_ranges(statuses["BOOKED"]),
            ).to_wire()
            for section, statuses in by_section.items()
        ]
        venue = {**self.venue, "ticketsAvailable": self.tickets_available}
        return {"event": self.event.to_wire(), "venue": venue, "sections": sections}


@dataclass(frozen=True, slots=True)
class EventFacts:
    """Everything about an event but its seats' states: the same until the catalog changes,
    so the API keeps it in the catalog cache (two queries fewer per seat map)."""

    event: EventInfo
    venue: dict[str, Any]
    created_at: datetime
    #: The event's and its venue's last change, for the ETag.
    version: str

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "event": self.event.to_wire(),
                "venue": self.venue,
                "createdAt": self.created_at.isoformat(),
                "version": self.version,
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> EventFacts:
        loaded = orjson.loads(data)
        return cls(
            event=EventInfo.model_validate(loaded["event"]),
            venue=loaded["venue"],
            created_at=datetime.fromisoformat(loaded["createdAt"]),
            version=loaded["version"],
        )


def event_facts(session: Session, event_id: int) -> EventFacts:
    """The event and its venue, from Postgres."""
    row = session.execute(
        text(
            """
            SELECT e.id, e.title, e.description, e.start_time, e.end_time, e.prices,
                   e.created_at, e.updated_at, v.updated_at AS venue_updated_at,
                   v.id AS venue_id, v.title AS venue_title, v.location, v.seating_capacity,
                   v.seating_arrangement
            FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.id = :id
            """
        ),
        {"id": event_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError("event", event_id)
    return EventFacts(
        event=_event_info(session, row),
        venue={
            "venueID": row.venue_id,
            "title": row.venue_title,
            "location": row.location,
            "seatingCapacity": row.seating_capacity,
            "seatingArrangement": row.seating_arrangement,
        },
        created_at=row.created_at,
        version=f"{row.id}|{row.updated_at}|{row.venue_updated_at}|",
    )


def load_event_seats(
    session: Session, event_id: int, held: Collection[int] = (), facts: EventFacts | None = None
) -> EventSeats:
    """The event with its seat states; ``held`` are the ticket IDs Redis holds right now.

    ``facts`` (from :func:`event_facts`, maybe cached) spare their queries; seat states are
    always read afresh.
    """
    facts = facts or event_facts(session, event_id)
    booked = frozenset(
        session.execute(
            text("SELECT id FROM tickets WHERE event_id = :id AND status = 'BOOKED'"),
            {"id": event_id},
        ).scalars()
    )
    seats = _cache.get(session, event_id, facts.created_at)
    held_here = frozenset(held) & frozenset(seats.ids) if held else frozenset()
    return EventSeats(
        event=facts.event,
        venue=facts.venue,
        seats=seats,
        booked=booked,
        held=held_here,
        etag=_etag(facts.version, booked, held_here),
    )


def _event_info(session: Session, row: Any) -> EventInfo:
    names = {c["id"]: c["name"] for c in row.seating_arrangement.get("priceCategories", [])}
    order = list(names)
    prices = sorted(
        (
            PriceCategoryPrice(category=c, name=names.get(c, c), price=Decimal(p))
            for c, p in row.prices.items()
        ),
        key=lambda p: order.index(p.category) if p.category in order else len(order),
    )
    return EventInfo(
        event_id=row.id,
        title=row.title,
        description=row.description,
        start_time=row.start_time,
        end_time=row.end_time,
        performers=performers_of(session, [row.id]).get(row.id, []),
        prices=prices,
    )


def _etag(version: str, booked: frozenset[int], held: frozenset[int]) -> str:
    """Changes whenever the event, its venue, or any seat's state changes."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(version.encode())
    for group in (booked, held):
        digest.update(b"|" + b",".join(str(t).encode() for t in sorted(group)))
    return digest.hexdigest()


def seat_ranges(labels: Iterable[tuple[str | None, str]]) -> str:
    """Compress (row, seat) pairs in seat-map order into ``A1-14,B3``; GA places lose the row.

    Consecutive numbers in one row make a run; a label such as ``12A`` stands on its own.
    """
    runs: list[tuple[str, int | None, int | None, str]] = []  # (row, first, last, odd label)
    for row, label in labels:
        prefix = row or ""
        if not label.isdigit():
            runs.append((prefix, None, None, label))
            continue
        number = int(label)
        if runs:
            last_row, first, last, _ = runs[-1]
            if last_row == prefix and last is not None and last + 1 == number:
                runs[-1] = (prefix, first, number, "")
                continue
        runs.append((prefix, number, number, ""))
    return ",".join(
        f"{row}{odd}" if first is None
        else f"{row}{first}" if first == last
        else f"{row}{first}-{last}"
        for row, first, last, odd in runs
    )  # fmt: skip
