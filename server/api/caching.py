"""HTTP caching: catalog data may be cached briefly and revalidated; seat status never stale."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

__all__ = [
    "CATALOG_MAX_AGE",
    "catalog_response",
    "etag_matches",
    "not_modified",
    "seat_status_response",
]

#: Venues and events change rarely; a minute of staleness is harmless and saves reads.
CATALOG_MAX_AGE = 60


def etag_matches(etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` — also in the ``…:gzip`` form that
    Flask-Compress gives the tags of compressed responses, or weak."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"').removesuffix(":gzip")
        if tag == etag:
            return True
    return False


def not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def catalog_response(payload: Any, *, cache_control: str | None = None) -> Response:
    """Cacheable for a minute (unless told otherwise), with an ETag for a cheap 304.

    ``payload`` is sent as JSON, or as it is when it is JSON already (``bytes``)."""
    if isinstance(payload, bytes):
        response = Response(payload, mimetype="application/json")
    else:
        response = jsonify(payload)
    response.headers["Cache-Control"] = cache_control or f"public, max-age={CATALOG_MAX_AGE}"
    response.add_etag()
    response.make_conditional(request)
    return response


def seat_status_response(response: Response, etag: str) -> Response:
    """Seat status must be revalidated every time (``no-cache``); the ETag spares the body."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response
