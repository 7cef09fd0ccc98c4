"""Routes for venues and events: parse the request, call the catalog, map its errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis
from flask import Blueprint, Response, current_app, jsonify

from server.api.caching import (
    catalog_response,
    etag_matches,
    not_modified,
    seat_status_response,
)
from server.api.params import (
    invalid_parameter,
    parse_date_param,
    parse_limit,
    reject_unknown_params,
    text_param,
)
from server.api.problems import problem_response
from server.api.queue import admission_required
from server.booking.holds import HoldStore
from server.catalog import queries, seats
from server.catalog.cache import DETAIL_SECONDS, SEARCH_SECONDS, catalog_cache, digest
from server.catalog.cursors import CursorError, CursorSigner
from server.catalog.queries import EventFilter, NotFoundError
from server.extensions import db
from shared.problems import ProblemSlug

__all__ = ["blueprint"]

log = logging.getLogger(__name__)

blueprint = Blueprint("catalog", __name__)

_PAGE_PARAMS = ("nextCursor", "limit")
_DATE_PARAMS = ("startDate", "endDate")
_VIEWS = ("full", "summary")


def _signer() -> CursorSigner:
    return CursorSigner(current_app.config["SECRET_KEY"])


def _cursor() -> str | None:
    return text_param("nextCursor", max_length=1000)


def _date_range() -> tuple[datetime | None, datetime | None]:
    start = parse_date_param("startDate")
    end = parse_date_param("endDate", end_of_day=True)
    if start and end and end <= start:
        raise invalid_parameter("endDate", "must be after startDate")
    return start, end


@blueprint.errorhandler(NotFoundError)
def _not_found(error: NotFoundError) -> Response:
    return problem_response(404, ProblemSlug.NOT_FOUND, f"No such {error.kind}", str(error))


@blueprint.errorhandler(CursorError)
def _bad_cursor(error: CursorError) -> Response:
    return problem_response(
        400,
        ProblemSlug.INVALID_CURSOR,
        "Invalid cursor",
        f"nextCursor: {error}",
        errors=[{"parameter": "nextCursor", "message": str(error)}],
    )


@blueprint.get("/venues")
def list_venues() -> Response:
    reject_unknown_params(_PAGE_PARAMS)
    page = queries.list_venues(db.session(), _signer(), limit=parse_limit(), cursor=_cursor())
    return catalog_response(page.to_wire())


def _cached(kind: str, key: str, seconds: int, build: Callable[[], Any]) -> bytes:
    """``build()`` as JSON, from the catalog cache when it has it (never seat status)."""

    def encode() -> bytes:
        return current_app.json.dumps(build()).encode()

    cache = catalog_cache()
    return encode() if cache is None else cache.fetch(kind, key, seconds, encode)


@blueprint.get("/venues/<id:venue_id>")
def get_venue(venue_id: int) -> Response:
    reject_unknown_params(())
    return catalog_response(
        _cached(
            "venue",
            str(venue_id),
            DETAIL_SECONDS,
            lambda: queries.get_venue(db.session(), venue_id).to_wire(),
        )
    )


@blueprint.get("/venues/<id:venue_id>/events")
def venue_events(venue_id: int) -> Response:
    reject_unknown_params(_PAGE_PARAMS + _DATE_PARAMS)
    start, end = _date_range()
    wanted = EventFilter(start=start, end=end, venue_id=venue_id)
    return catalog_response(_search_page(wanted, parse_limit(), _cursor()))


@blueprint.get("/events")
def search_events() -> Response:
    reject_unknown_params(("searchQuery", *_PAGE_PARAMS, *_DATE_PARAMS))
    search = text_param("searchQuery")
    start, end = _date_range()
    wanted = EventFilter(search=search, start=start, end=end)
    return catalog_response(_search_page(wanted, parse_limit(), _cursor()))


def _search_page(wanted: EventFilter, limit: int, cursor: str | None) -> bytes:
    """A page of events, cached briefly: a hot on-sale's searches repeat thousands of times."""

    def page() -> dict[str, Any]:
        if wanted.venue_id is not None and not queries.venue_exists(db.session(), wanted.venue_id):
            raise NotFoundError("venue", wanted.venue_id)
        found = queries.search_events(
            db.session(), _signer(), wanted, now=datetime.now(UTC), limit=limit, cursor=cursor
        )
        return found.to_wire()

    key = digest(wanted.fingerprint(), limit, cursor)
    return _cached("events", key, SEARCH_SECONDS, page)


@blueprint.get("/events/<id:event_id>")
@admission_required
def get_event(event_id: int) -> Response:
    reject_unknown_params(("view",))
    view = text_param("view") or "full"
    if view not in _VIEWS:
        raise invalid_parameter("view", f"must be one of {', '.join(_VIEWS)}, got {view!r}")
    facts = _event_facts(event_id)
    event = seats.load_event_seats(db.session(), event_id, _held_tickets(event_id), facts)
    # Back to the pool before the body is built: an arena's is 2.6 MB of CPU work, and under
    # an on-sale's load a greenlet that waits its turn for the CPU while holding a connection
    # left others without one (pool timeouts).
    db.session.close()
    etag = f"{event.etag}-{view}"
    if etag_matches(etag):
        return not_modified(etag)
    if view == "summary":
        response = jsonify(event.summary())
    else:
        response = Response(event.full_json(), mimetype="application/json")
    return seat_status_response(response, etag)


def _event_facts(event_id: int) -> seats.EventFacts:
    """The event and its venue from the catalog cache; the seats' states are never cached."""
    cache = catalog_cache()
    if cache is None:
        return seats.event_facts(db.session(), event_id)
    cached = cache.fetch(
        "event",
        str(event_id),
        DETAIL_SECONDS,
        lambda: seats.event_facts(db.session(), event_id).to_json(),
    )
    return seats.EventFacts.from_json(cached)


@blueprint.get("/events/<id:event_id>/venues")
def event_venues(event_id: int) -> Response:
    reject_unknown_params(())
    showings = queries.event_showings(db.session(), event_id, now=datetime.now(UTC))
    return catalog_response(showings.to_wire(), cache_control="no-cache")


def _held_tickets(event_id: int) -> set[int]:
    """Seats held right now, from Redis; if Redis is down the catalog still answers."""
    holds: HoldStore | None = current_app.extensions.get("boxoffice.holds")
    if holds is None:
        return set()
    try:
        return holds.held_tickets(event_id, now_ms=int(time.time() * 1000))
    except redis.RedisError as error:
        log.warning("seat holds unavailable for event %s: %s", event_id, error)
        return set()
