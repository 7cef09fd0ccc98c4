"""``GET /openapi.json``: an OpenAPI 3.1 document built from the same models the API sends.

``tests/e2e/test_contract.py`` runs schemathesis against a live server to keep it truthful.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from server.api.caching import catalog_response
from server.api.idempotency import MAX_KEY_LENGTH
from server.api.params import MAX_LIMIT, MAX_QUERY_LENGTH
from server.api.queue import MAX_POSITION
from server.ops.openapi_paths import ops_paths
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
    models.SeatChange,
    models.QueueStatus,
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
    """An optional query parameter; ``?name=`` with nothing after it counts as absent."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
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


#: A whole day or an RFC 3339 time; other ISO 8601 spellings Python reads are accepted too.
_DATE = {"type": "string", "maxLength": 40, "anyOf": [{"format": "date"}, {"format": "date-time"}]}
#: itsdangerous' URL-safe tokens: base64url segments joined by dots.
_CURSOR = {"type": "string", "maxLength": 1000, "pattern": "^[A-Za-z0-9_.-]*$"}
#: Words, not control characters (those are refused).
_TEXT = {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\u0000-\\u001f\\u007f]*$"}
_PAGING = [
    _query("nextCursor", "Opaque cursor from the previous page.", _CURSOR),
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
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer", "minimum": 0}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}
#: What any operation can answer, whatever its parameters.
_ALWAYS = {
    "405": _problem("Method not allowed for this path; Allow lists the methods that are."),
    "414": {
        "description": "Request line over 4094 bytes, refused by the HTTP server (gunicorn) "
        "before the API sees it; the body is a short HTML page, not a problem.",
        "content": _HTML,
    },
    "431": {
        "description": "A header over 8190 bytes or more than 100 headers, refused by the HTTP "
        "server like 414.",
        "content": _HTML,
    },
    "500": _problem("Unexpected server error (never expected; logged)."),
    "503": {
        **_problem("Postgres or Redis is not answering; retry after Retry-After seconds."),
        "headers": _RETRY_AFTER,
    },
}
#: Reserving and paying are rate-limited per user and per IP address (server/api/limits.py).
_RATE_LIMITED = {
    "429": {
        **_problem(
            "/problems/rate-limited: too many of these requests from this account or network "
            "address; retry after Retry-After seconds (nothing was done)."
        ),
        "headers": _RETRY_AFTER,
    }
}
_ERRORS = {
    "400": _problem(
        "A parameter is malformed, out of range, unknown, or the query string is not UTF-8; "
        "the detail names it."
    ),
    **_ALWAYS,
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
    return {"get": {"summary": summary, "parameters": params, "responses": _sorted(responses)}}


def _sorted(responses: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(responses.items()))


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
                    "Words to find; quotes for phrases, -word to exclude, a last word ending "
                    "in * is a prefix (search as you type: orch*).",
                    _TEXT,
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
        "/events/{eventID}/stream": _stream_path(),
        "/events/{eventID}/queue": _queue_path(),
        "/events/{eventID}/venues": _get(
            "Every venue and time where the same show plays.",
            _json("ShowingList", "The show's dates."),
            [_path_id("eventID")],
            not_found=True,
        ),
        **_booking_paths(),
        **ops_paths(_ALWAYS),
        "/openapi.json": {
            "get": {
                "summary": "This document.",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                        "headers": _CACHED,
                    },
                    "304": {"description": "Not modified since the ETag."},
                    **_ALWAYS,
                },
            }
        },
    }
    _refine(schemas["$defs"])
    for gated in ("/events/{eventID}", "/bookings/{eventID}"):
        _admission_gate(paths[gated])
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


def _refine(schemas: dict[str, Any]) -> None:
    """Rules the server enforces beyond the wire models, so clients can see them too."""
    _reserve_one_of(schemas)
    # The payment processor checks these shapes; a Luhn checksum or an expired card is still
    # a 400 invalid-payment naming the field.
    schemas["PaymentRequest"]["properties"]["paymentDetails"] = {
        "oneOf": [_ref("CardPayment"), _ref("CashPayment")]
    }
    schemas["CardPayment"] = {
        "type": "object",
        "properties": {
            "method": {"const": "card"},
            "cardNumber": {"type": "string", "pattern": "^[0-9 ]{12,40}$"},
            "expiry": {"type": "string", "pattern": "^[0-9]{2}/([0-9]{2}|[0-9]{4})$"},
            "cvc": {"type": "string", "pattern": "^[0-9]{3,4}$"},
        },
        "required": ["method", "cardNumber", "expiry", "cvc"],
        "additionalProperties": False,
    }
    schemas["CashPayment"] = {
        "type": "object",
        "properties": {"method": {"const": "cash"}},
        "required": ["method"],
        "additionalProperties": False,
    }


def _non_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A model field's schema without the ``null`` that only stands for "left out"."""
    branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
    return {**branches[0], "title": prop.get("title", "")}


def _reserve_one_of(schemas: dict[str, Any]) -> None:
    """Seats named by ticket ID, or best available (``quantity``, optional ``category``): one of
    the two, never both and never null, as the model enforces."""
    model = schemas["ReserveRequest"]
    props = {name: _non_null(prop) for name, prop in model["properties"].items()}
    # The booking service refuses a ticket listed twice (400 invalid-selection).
    props["ticketIDs"]["uniqueItems"] = True
    props["quantity"]["description"] = "How many adjacent seats the server picks and holds."
    props["category"]["description"] = (
        "A price category of the venue's layout to pick from; an unknown one is a 400."
    )
    schemas["ReserveRequest"] = {
        "title": model["title"],
        "description": model["description"],
        "oneOf": [_ref("SeatSelection"), _ref("BestAvailable")],
    }
    schemas["SeatSelection"] = {
        "title": "SeatSelection",
        "description": "The seats to hold, by ticket ID.",
        "type": "object",
        "properties": {"ticketIDs": props["ticketIDs"]},
        "required": ["ticketIDs"],
        "additionalProperties": False,
    }
    schemas["BestAvailable"] = {
        "title": "BestAvailable",
        "description": "The server picks N free seats side by side in one row and holds "
        "them: plain seats before restricted-view ones, standing places and wheelchair spaces; "
        "then the best category; then no single seat left stranded; then nearest the stage.",
        "type": "object",
        "properties": {"quantity": props["quantity"], "category": props["category"]},
        "required": ["quantity"],
        "additionalProperties": False,
    }


def _booking_id() -> dict[str, Any]:
    return {
        "name": "bookingID",
        "in": "path",
        "required": True,
        "description": "A booking's UUID; anything else is a 404.",
        "schema": {"type": "string", "format": "uuid"},
    }


def _idempotency_key() -> dict[str, Any]:
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Repeat a POST safely: the first response is replayed for 24 hours. "
        "Visible ASCII, no spaces (a UUID is ideal).",
        "schema": {"type": "string", "pattern": f"^[!-~]{{1,{MAX_KEY_LENGTH}}}$"},
    }


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _booking_operation(
    summary: str, responses: dict[str, Any], *, parameters: list[dict[str, Any]]
) -> dict[str, Any]:
    common = {
        "400": _problem("An unknown query parameter (these take none), or one that is not UTF-8."),
        "401": {
            **_problem("Missing, expired or forged Bearer token."),
            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        },
        "404": _problem("No such event or ticket, or a booking that is not yours."),
        **_ALWAYS,
    }
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": parameters,
        "responses": _sorted({**common, **responses}),
    }


def _booking_paths() -> dict[str, Any]:
    """Reserve, read, release, extend and pay: every answer a client must handle."""
    booking = _json("BookingInfo", "The booking.")
    replayed = {
        "Idempotent-Replayed": {
            "description": "true when this is the stored answer to an earlier request.",
            "schema": {"const": "true"},
        }
    }
    #: What either POST with a JSON body and an Idempotency-Key can answer.
    posted = {
        "409": _problem("Seats taken, booking closed, or the same key still in progress."),
        "413": _problem("The body is larger than the server accepts (64 KiB by default)."),
        "415": _problem("The body must be JSON (Content-Type: application/json)."),
        "422": _problem("Idempotency-Key reused for a different request."),
    }
    return {
        "/bookings/{eventID}": {
            "post": {
                **_booking_operation(
                    "Hold 1–10 seats for 5 minutes, all or none (first request wins); or "
                    "best available: the server picks N adjacent seats and holds them.",
                    {
                        "201": {
                            **booking,
                            "headers": {"Location": {"schema": {"type": "string"}}, **replayed},
                        },
                        **posted,
                        **_RATE_LIMITED,
                        "409": _problem(
                            "/problems/seats-unavailable: seats taken (ticketIDs lists them); "
                            "/problems/no-seats-together: best available found no N adjacent "
                            "free seats (in the category asked for); or the same "
                            "Idempotency-Key still in progress."
                        ),
                        "503": {
                            **_problem(
                                "Postgres or Redis is not answering, or (best available) others "
                                "kept taking the seats picked first; retry after Retry-After "
                                "seconds."
                            ),
                            "headers": _RETRY_AFTER,
                        },
                        "400": _problem(
                            "Malformed body or Idempotency-Key, or a selection the event refuses "
                            "(tickets of another event, a price category the venue does not "
                            "have, an event that is over)."
                        ),
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
                        "200": {**_json("PaymentResult", "Booked."), "headers": replayed},
                        **posted,
                        **_RATE_LIMITED,
                        "400": _problem(
                            "Malformed body or Idempotency-Key, a paymentDetails field that is "
                            "not a short string (over 64 characters, an object, a list), or one "
                            "the processor refuses (card checksum, expired card); the problem "
                            "names it."
                        ),
                        "402": _problem("The card was declined; the hold stays."),
                        "410": _problem("The hold ran out and the seats were taken; refunded."),
                        "504": _problem("The payment service timed out; pay again to settle."),
                    },
                    parameters=[_booking_id(), _idempotency_key()],
                ),
                "requestBody": _body("PaymentRequest"),
            }
        },
    }


def _admission_gate(path_item: dict[str, Any]) -> None:
    """A high-demand event's seat map and holds: the admission token, or a 403."""
    for operation in path_item.values():
        operation["parameters"].append(
            {
                "name": models.ADMISSION_HEADER,
                "in": "header",
                "required": False,
                "description": "The admission token from the event's waiting room "
                "(`/events/{eventID}/queue`); needed only while the event is in high demand, "
                "and ignored otherwise.",
                "schema": {"type": "string"},
            }
        )
        operation["responses"]["403"] = _problem(
            "/problems/admission-required: the event is in high demand and this request has "
            "no valid admission token (none, another user's, or one that ran out); queueURL "
            "says where to join the waiting room."
        )
        operation["responses"] = _sorted(operation["responses"])


def _queue_path() -> dict[str, Any]:
    """The waiting room: join, your place (long-poll), leave."""
    no_store = {"Cache-Control": {"schema": {"const": "no-store"}}}
    status = {**_json("QueueStatus", "Your place, or your admission token."), "headers": no_store}
    found = {
        "404": _problem("No event with that ID."),
        "400": _problem("An unknown or malformed query parameter; the detail names it."),
    }
    return {
        "post": _booking_operation(
            "Join the event's waiting room, or keep your place (joining twice changes nothing).",
            {
                "200": {
                    **_json(
                        "QueueStatus",
                        "admitted: your token; open: the event needs none (not in high demand).",
                    ),
                    "headers": no_store,
                },
                "202": {
                    **_json("QueueStatus", "waiting: your place and the estimated wait."),
                    "headers": {**no_store, "Location": {"schema": {"type": "string"}}},
                },
                **found,
            },
            parameters=[_path_id("eventID")],
        ),
        "get": _booking_operation(
            "Your place in the waiting room; with wait, answered once it has changed enough "
            "to tell, or your turn came.",
            {"200": status, **found},
            parameters=[
                _path_id("eventID"),
                _query(
                    "wait",
                    "Seconds to wait for a change before answering (long-poll), 0 to 30.",
                    {"type": "integer", "minimum": 0, "maximum": 30},
                ),
                _query(
                    "position",
                    "The position you last saw (without it: yours when the request came). "
                    "The answer comes once you have moved up a quarter of the way from it "
                    "(at least one place), or at once if that has happened already.",
                    {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
                ),
            ],
        ),
        "delete": _booking_operation(
            "Leave the waiting room (or give up an unused admission).",
            {
                "204": {"description": "Not in the queue (any more).", "headers": no_store},
                **found,
            },
            parameters=[_path_id("eventID")],
        ),
    }


#: One message of the seat stream (in OpenAPI 3.1 an event stream's schema is each event's).
_SSE_MESSAGE = {
    "type": "object",
    "properties": {
        "event": {"enum": ["held", "released", "expired", "booked", "reload"]},
        "id": {"type": "string", "pattern": "^[0-9]{1,20}-[0-9]{1,20}$"},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": _ref("SeatChange"),
        },
        "retry": {"type": "integer", "minimum": 0},
    },
    "required": ["event", "id", "data"],
}


def _stream_path() -> dict[str, Any]:
    """The live seat stream: one response that never ends, so its schema is the message."""
    return {
        "get": {
            "summary": "Seat changes of the event as Server-Sent Events, as they happen.",
            "description": "Each message has `id:` (what to resume after), `event:` (the kind: "
            "held, released, expired, booked, or reload) and `data:` a SeatChange in JSON: the "
            "ticket IDs and the channel that made the change (box-office, kiosk or api, from "
            "the `X-Boxoffice-Channel` header of that request; null for an expiry), never who. "
            "A reconnect with `Last-Event-ID` first gets every message it missed; if those are "
            "gone, or the ID is unknown, a `reload` message: fetch the seat map again. A "
            "`: keep-alive` comment comes every 15 s.",
            "parameters": [
                _path_id("eventID"),
                {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "required": False,
                    "description": "The `id` of the last message seen; anything else (too "
                    "old, unknown, malformed) is answered with `reload`.",
                    "schema": {"type": "string"},
                },
            ],
            "responses": _sorted(
                {
                    "200": {
                        "description": "An endless text/event-stream of SeatChange messages.",
                        "content": {"text/event-stream": {"schema": _SSE_MESSAGE}},
                        "headers": {"Cache-Control": {"schema": {"const": "no-store"}}},
                    },
                    "404": _problem("No event with that ID."),
                    **_ALWAYS,
                }
            ),
        }
    }


@blueprint.get("/openapi.json")
def openapi_json() -> Response:
    return catalog_response(openapi_document())
