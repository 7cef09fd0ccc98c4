"""``GET /openapi.json``: an OpenAPI 3.1 document built from the same models the API sends."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from server.api.caching import catalog_response
from server.api.params import MAX_LIMIT, MAX_QUERY_LENGTH
from shared import models
from shared.problems import PROBLEM_CONTENT_TYPE, Problem

__all__ = ["blueprint", "openapi_document"]

blueprint = Blueprint("openapi", __name__)

_SCHEMA_MODELS: tuple[type[BaseModel], ...] = (
    models.VenuePage,
    models.VenueDetail,
    models.EventPage,
    models.EventDetail,
    models.EventSeatSummary,
    models.ShowingList,
    models.ReserveRequest,
    models.BookingInfo,
    models.PaymentRequest,
    models.PaymentResult,
    Problem,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": _ref("Problem")}},
    }


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _path_id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
    }


_DATE = {"type": "string", "maxLength": 40}
_PAGING = [
    _query(
        "nextCursor", "Opaque cursor from the previous page.", {"type": "string", "maxLength": 1000}
    ),
    _query(
        "limit",
        f"Page size, 1 to {MAX_LIMIT} (default 20).",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    ),
]
_DATES = [
    _query(
        "startDate", "Events starting at or after this date (YYYY-MM-DD) or ISO 8601 time.", _DATE
    ),
    _query("endDate", "Events starting before the end of this date, or before this time.", _DATE),
]
_ERRORS = {
    "400": _problem("A parameter is malformed, out of range, or unknown; the detail names it."),
    "405": _problem("Method not allowed."),
    "500": _problem("Unexpected server error (never expected; logged)."),
    "503": _problem("Postgres or Redis is not answering; retry after Retry-After seconds."),
}
_NOT_FOUND = {"404": _problem("No venue or event with that ID.")}
_CACHED = {
    "ETag": {"schema": {"type": "string"}, "description": "Entity tag for If-None-Match."},
    "Cache-Control": {"schema": {"type": "string"}},
}


def _get(
    summary: str, ok: dict[str, Any], params: list[dict[str, Any]], *, not_found: bool
) -> dict[str, Any]:
    ok = {**ok, "headers": _CACHED}
    responses: dict[str, Any] = {"200": ok, "304": {"description": "Not modified since the ETag."}}
    responses.update(_ERRORS)
    if not_found:
        responses.update(_NOT_FOUND)
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document; schemas come from :mod:`shared.models`, so they cannot drift."""
    _, schemas = models_json_schema(
        [(model, "serialization") for model in _SCHEMA_MODELS],
        by_alias=True,
        ref_template="#/components/schemas/{model}",
    )
    paths = {
        "/venues": _get(
            "List partner venues by title.",
            _json("VenuePage", "A page of venues."),
            _PAGING,
            not_found=False,
        ),
        "/venues/{venueID}": _get(
            "A venue with its seating arrangement.",
            _json("VenueDetail", "The venue."),
            [_path_id("venueID")],
            not_found=True,
        ),
        "/venues/{venueID}/events": _get(
            "A venue's upcoming events by start time.",
            _json("EventPage", "A page of events."),
            [_path_id("venueID"), *_DATES, *_PAGING],
            not_found=True,
        ),
        "/events": _get(
            "Search events (full text over title, description, performers, venue), ranked.",
            _json("EventPage", "A page of events."),
            [
                _query(
                    "searchQuery",
                    "Words to find; quotes for phrases, -word to exclude.",
                    {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                ),
                *_DATES,
                *_PAGING,
            ],
            not_found=False,
        ),
        "/events/{eventID}": _get(
            "An event, its venue and the status of every seat (view=summary: per section).",
            {
                "description": "The event with seats.",
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [_ref("EventDetail"), _ref("EventSeatSummary")]}
                    }
                },
            },
            [
                _path_id("eventID"),
                _query(
                    "view",
                    "full (default) or summary.",
                    {"type": "string", "enum": ["full", "summary"]},
                ),
            ],
            not_found=True,
        ),
        "/events/{eventID}/venues": _get(
            "Every venue and time where the same show plays.",
            _json("ShowingList", "The show's dates."),
            [_path_id("eventID")],
            not_found=True,
        ),
        **_booking_paths(),
        "/openapi.json": {
            "get": {
                "summary": "This document.",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document.",
                        "content": {"application/json": {}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Boxoffice API",
            "version": "1",
            "description": "Venues, events, seat maps and bookings. Errors are RFC 9457 problem+json.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _booking_id() -> dict[str, Any]:
    return {"name": "bookingID", "in": "path", "required": True, "schema": {"type": "string"}}


def _idempotency_key() -> dict[str, Any]:
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Repeat a POST safely: the first response is replayed for 24 hours.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _booking_operation(
    summary: str, responses: dict[str, Any], *, parameters: list[dict[str, Any]]
) -> dict[str, Any]:
    common = {
        "401": _problem("Missing, expired or forged Bearer token."),
        "404": _problem("No such event or ticket, or a booking that is not yours."),
        "500": _ERRORS["500"],
        "503": _ERRORS["503"],
    }
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": parameters,
        "responses": {**common, **responses},
    }


def _booking_paths() -> dict[str, Any]:
    """Reserve, read, release, extend and pay: every answer a client must handle."""
    booking = _json("BookingInfo", "The booking.")
    replay = {"422": _problem("Idempotency-Key reused for a different request."),
              "409": _problem("Seats taken, booking closed, or the same key still in progress.")}  # fmt: skip
    return {
        "/bookings/{eventID}": {
            "post": {
                **_booking_operation(
                    "Hold 1–10 seats for 5 minutes, all or none (first request wins).",
                    {
                        "201": {**booking, "headers": {"Location": {"schema": {"type": "string"}}}},
                        "400": _problem("Malformed selection: count, duplicates, other event."),
                        "415": _problem("The body must be JSON."),
                        **replay,
                    },
                    parameters=[_path_id("eventID"), _idempotency_key()],
                ),
                "requestBody": _body("ReserveRequest"),
            }
        },
        "/bookings/{bookingID}": {
            "get": _booking_operation(
                "Your booking: status, seats, price, expiry.",
                {"200": booking},
                parameters=[_booking_id()],
            ),
            "delete": _booking_operation(
                "Release a pending hold at once.",
                {
                    "204": {"description": "Released (or already ended)."},
                    "409": _problem("A paid booking cannot be released."),
                },
                parameters=[_booking_id()],
            ),
        },
        "/bookings/{bookingID}/extend": {
            "post": _booking_operation(
                "Extend a pending hold by two minutes (at most twice).",
                {
                    "200": booking,
                    "409": _problem("Not pending, or no extensions left."),
                    "410": _problem("The hold has already run out."),
                },
                parameters=[_booking_id()],
            )
        },
        "/bookings/{bookingID}/payment": {
            "post": {
                **_booking_operation(
                    "Pay (card or cash); the seats become BOOKED. Paying twice charges once.",
                    {
                        "200": _json("PaymentResult", "Booked."),
                        "400": _problem("A payment field is invalid; the problem names it."),
                        "402": _problem("The card was declined; the hold stays."),
                        "410": _problem("The hold ran out and the seats were taken; refunded."),
                        "415": _problem("The body must be JSON."),
                        "504": _problem("The payment service timed out; pay again to settle."),
                        **replay,
                    },
                    parameters=[_booking_id(), _idempotency_key()],
                ),
                "requestBody": _body("PaymentRequest"),
            }
        },
    }


@blueprint.get("/openapi.json")
def openapi_json() -> Response:
    return catalog_response(openapi_document())
