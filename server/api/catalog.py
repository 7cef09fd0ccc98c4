"""Routes for venues and events: parse the request, call the catalog, map its errors."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

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
from server.booking.holds import HoldStore
from server.catalog import queries, seats
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


@blueprint.get("/venues/<id:venue_id>")
def get_venue(venue_id: int) -> Response:
    reject_unknown_params(())
    return catalog_response(queries.get_venue(db.session(), venue_id).to_wire())


@blueprint.get("/venues/<id:venue_id>/events")
def venue_events(venue_id: int) -> Response:
    reject_unknown_params(_PAGE_PARAMS + _DATE_PARAMS)
    start, end = _date_range()
    limit, cursor = parse_limit(), _cursor()
    if not queries.venue_exists(db.session(), venue_id):
        raise NotFoundError("venue", venue_id)
    page = queries.search_events(
        db.session(),
        _signer(),
        EventFilter(start=start, end=end, venue_id=venue_id),
        now=datetime.now(UTC),
        limit=limit,
        cursor=cursor,
    )
    return catalog_response(page.to_wire())


@blueprint.get("/events")
def search_events() -> Response:
    reject_unknown_params(("searchQuery", *_PAGE_PARAMS, *_DATE_PARAMS))
    search = text_param("searchQuery")
    start, end = _date_range()
    page = queries.search_events(
        db.session(),
        _signer(),
        EventFilter(search=search, start=start, end=end),
        now=datetime.now(UTC),
        limit=parse_limit(),
        cursor=_cursor(),
    )
    return catalog_response(page.to_wire())


@blueprint.get("/events/<id:event_id>")
def get_event(event_id: int) -> Response:
    reject_unknown_params(("view",))
    view = text_param("view") or "full"
    if view not in _VIEWS:
        raise invalid_parameter("view", f"must be one of {', '.join(_VIEWS)}, got {view!r}")
    event = seats.load_event_seats(db.session(), event_id, _held_tickets(event_id))
    etag = f"{event.etag}-{view}"
    if etag_matches(etag):
        return not_modified(etag)
    if view == "summary":
        response = jsonify(event.summary())
    else:
        response = Response(event.full_json(), mimetype="application/json")
    return seat_status_response(response, etag)


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
