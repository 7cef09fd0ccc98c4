"""Read side of the catalog: venue lists, event search, a venue's events, a show's dates.

Plain functions over a SQLAlchemy session that return wire models; no Flask in here. Pages use
keyset cursors, so walking every page returns every match exactly once even while events are
added, and search is Postgres full-text search over a GIN-indexed tsvector, never a LIKE scan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from server.catalog.cursors import CursorSigner
from shared.models import (
    EventPage,
    EventSummary,
    PerformerRef,
    Showing,
    ShowingList,
    VenueDetail,
    VenuePage,
    VenueRef,
    VenueSummary,
)

__all__ = [
    "EventFilter",
    "NotFoundError",
    "event_showings",
    "get_venue",
    "list_venues",
    "performers_of",
    "search_events",
]


class NotFoundError(LookupError):
    """No such venue or event."""

    def __init__(self, kind: str, identifier: object) -> None:
        super().__init__(f"There is no {kind} with ID {identifier}.")
        self.kind = kind
        self.identifier = identifier


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What a client asked for; ``not_before`` defaults to now and is frozen into the cursor."""

    search: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    venue_id: int | None = None

    def fingerprint(self) -> dict[str, Any]:
        return {
            "search": self.search,
            "start": self.start,
            "end": self.end,
            "venue": self.venue_id,
        }


def list_venues(
    session: Session, signer: CursorSigner, *, limit: int, cursor: str | None
) -> VenuePage:
    """Partner venues by title."""
    query = {"list": "venues"}
    after: tuple[str, int] | None = None
    if cursor:
        state = signer.load(cursor, query)
        after = (str(state["title"]), int(state["id"]))
    rows = session.execute(
        text(
            """
            SELECT id, title, location, seating_capacity FROM venues
            WHERE CAST(:after_title AS text) IS NULL
               OR (title, id) > (CAST(:after_title AS text), CAST(:after_id AS bigint))
            ORDER BY title, id
            LIMIT :limit
            """
        ),
        {
            "after_title": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit + 1,
        },
    ).all()
    venues = [
        VenueSummary(
            venue_id=r.id, title=r.title, location=r.location, seating_capacity=r.seating_capacity
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = signer.dump(query, {"title": last.title, "id": last.id})
    return VenuePage(venues=venues, next_cursor=next_cursor, limit=limit)


def get_venue(session: Session, venue_id: int) -> VenueDetail:
    """One venue with its seating arrangement."""
    row = session.execute(
        text(
            "SELECT id, title, location, seating_capacity, seating_arrangement "
            "FROM venues WHERE id = :id"
        ),
        {"id": venue_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError("venue", venue_id)
    return VenueDetail(
        venue_id=row.id,
        title=row.title,
        location=row.location,
        seating_capacity=row.seating_capacity,
        seating_arrangement=row.seating_arrangement,
    )


def venue_exists(session: Session, venue_id: int) -> bool:
    return (
        session.execute(text("SELECT 1 FROM venues WHERE id = :id"), {"id": venue_id}).first()
        is not None
    )


def performers_of(session: Session, event_ids: Sequence[int]) -> dict[int, list[PerformerRef]]:
    """Performers of several events in billing order, in one query."""
    found: dict[int, list[PerformerRef]] = defaultdict(list)
    if not event_ids:
        return found
    rows = session.execute(
        text(
            """
            SELECT ep.event_id, p.id, p.name FROM event_performers ep
            JOIN performers p ON p.id = ep.performer_id
            WHERE ep.event_id = ANY(:ids)
            ORDER BY ep.event_id, ep.billing, p.name
            """
        ),
        {"ids": list(event_ids)},
    )
    for event_id, performer_id, name in rows:
        found[event_id].append(PerformerRef(performer_id=performer_id, name=name))
    return found


_EVENT_COLUMNS = """
    e.id, e.title, e.description, e.start_time, e.end_time,
    v.id AS venue_id, v.title AS venue_title, v.location AS venue_location
"""


#: A last word ending in ``*`` (not inside quotes) is a prefix: ``orch*`` finds "Orchestra".
_PREFIX_WORD = re.compile(r"(?:^|\s)([^\W_]+)\*$")


def split_prefix(search: str) -> tuple[str, str | None]:
    """The search without its last word and that word as a ``to_tsquery`` prefix (``orch:*``)
    when it ends in ``*``, for search as you type; else the search unchanged and None."""
    found = _PREFIX_WORD.search(search.rstrip())
    if found is None or search.count('"') % 2:
        return search, None
    return search[: found.start(1)], f"{found.group(1)}:*"


def search_events(
    session: Session,
    signer: CursorSigner,
    wanted: EventFilter,
    *,
    now: datetime,
    limit: int,
    cursor: str | None,
) -> EventPage:
    """Events matching ``wanted``, ranked when searching, else by start time.

    Ranking is in tiers: events whose title or performers match every word come first, then
    events that match through the venue or description; soonest first within a tier. Each
    tier is one index scan that stops at the page size, however common the words are.
    Without a start date only events that have not ended are listed; the moment of the first
    page is kept in the cursor so later pages use the same bound.
    """
    query = wanted.fingerprint()
    state: dict[str, Any] = signer.load(cursor, query) if cursor else {}
    not_ended_at = datetime.fromisoformat(state["now"]) if "now" in state else now
    params: dict[str, Any] = {
        "start": wanted.start,
        "end": wanted.end,
        "not_ended_at": not_ended_at,
        "venue_id": wanted.venue_id,
        "q": wanted.search,
    }
    # Only the filters asked for: "x IS NULL OR …" would spoil the planner's estimates.
    filters = ["e.start_time >= :start" if wanted.start else "e.end_time > :not_ended_at"]
    if wanted.end:
        filters.append("e.start_time < :end")
    if wanted.venue_id is not None:
        filters.append("e.venue_id = :venue_id")
    tiers = (
        ["e.title_vector @@ query", "e.search_vector @@ query AND NOT e.title_vector @@ query"]
        if wanted.search
        else ["TRUE"]
    )
    first_tier = int(state.get("tier", 0))
    # Searching, each tier first looks a month ahead, then a year, then without bound: the
    # first rows of a short window are the first rows overall, and a month of a common word's
    # matches is cheap to sort where all of them (thousands) is not.
    windows = (timedelta(days=31), timedelta(days=366), None) if wanted.search else (None,)
    rows: list[Any] = []
    for tier in range(first_tier, len(tiers)):
        where = [tiers[tier], *filters]
        tier_params = dict(params, limit=limit + 1 - len(rows))
        base = wanted.start or not_ended_at
        if state and tier == first_tier:
            where.append("(e.start_time, e.id) > (:after_start, :after_id)")
            base = datetime.fromisoformat(state["start"])
            tier_params.update(after_start=base, after_id=int(state["id"]))
        source = "events e JOIN venues v ON v.id = e.venue_id"
        if wanted.search:
            words, prefix = split_prefix(wanted.search)
            tier_params.update(q=words, prefix=prefix)
            source += (
                ", tsquery_and(websearch_to_tsquery('english', :q), to_tsquery('english', :prefix))"
                " AS query"
                if prefix
                else ", websearch_to_tsquery('english', :q) AS query"
            )
        for window in windows:
            bounded = list(where)
            if window is not None:
                bounded.append("e.start_time < :window_end")
                tier_params["window_end"] = base + window
            sql = f"""
                SELECT {_EVENT_COLUMNS}, {tier} AS tier FROM {source}
                WHERE {" AND ".join(bounded)}
                ORDER BY e.start_time, e.id
                LIMIT :limit
            """  # only fixed fragments are formatted in; every value is a bound parameter
            found = session.execute(text(sql), tier_params).all()
            if window is None or len(found) >= tier_params["limit"]:
                break
            if wanted.end is not None and base + window >= wanted.end:
                break  # the window already covers the whole range asked for
        rows.extend(found)
        if len(rows) > limit:
            break
    page = rows[:limit]
    performers = performers_of(session, [r.id for r in page])
    events = [
        EventSummary(
            event_id=r.id,
            title=r.title,
            description=r.description,
            start_time=r.start_time,
            end_time=r.end_time,
            venue=VenueRef(venue_id=r.venue_id, title=r.venue_title, location=r.venue_location),
            performers=performers.get(r.id, []),
        )
        for r in page
    ]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        position = {
            "tier": last.tier,
            "start": last.start_time.isoformat(),
            "id": last.id,
            "now": not_ended_at.isoformat(),
        }
        next_cursor = signer.dump(query, position)
    return EventPage(events=events, next_cursor=next_cursor, limit=limit)


def event_showings(session: Session, event_id: int, *, now: datetime) -> ShowingList:
    """Every venue and time where the show of ``event_id`` plays, with seats left at each."""
    show = session.execute(
        text("SELECT title, show_key FROM events WHERE id = :id"), {"id": event_id}
    ).one_or_none()
    if show is None:
        raise NotFoundError("event", event_id)
    rows = session.execute(
        text(
            f"""
            SELECT {_EVENT_COLUMNS},
                   (SELECT count(*) FROM tickets t
                    WHERE t.event_id = e.id AND t.status = 'AVAILABLE') AS available
            FROM events e JOIN venues v ON v.id = e.venue_id
            WHERE e.show_key = :show_key AND (e.end_time > :now OR e.id = :id)
            ORDER BY e.start_time, e.id
            """
        ),
        {"show_key": show.show_key, "now": now, "id": event_id},
    ).all()
    return ShowingList(
        event_id=event_id,
        title=show.title,
        showings=[
            Showing(
                event_id=r.id,
                start_time=r.start_time,
                end_time=r.end_time,
                venue=VenueRef(venue_id=r.venue_id, title=r.venue_title, location=r.venue_location),
                tickets_available=r.available,
            )
            for r in rows
        ],
    )
