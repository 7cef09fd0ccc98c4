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
        "components": {"schemas": schemas["$defs"]},
    }


@blueprint.get("/openapi.json")
def openapi_json() -> Response:
    return catalog_response(openapi_document())
