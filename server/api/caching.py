"""HTTP caching: catalog data may be cached briefly and revalidated; seat status never stale."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

__all__ = ["CATALOG_MAX_AGE", "catalog_response", "seat_status_response"]

#: Venues and events change rarely; a minute of staleness is harmless and saves reads.
CATALOG_MAX_AGE = 60


def _conditional(payload: Any, cache_control: str) -> Response:
    response = jsonify(payload)
    response.headers["Cache-Control"] = cache_control
    response.add_etag()
    response.make_conditional(request)
    return response


def catalog_response(payload: Any) -> Response:
    """Cacheable for a minute, with an ETag so a revalidation costs a 304."""
    return _conditional(payload, f"public, max-age={CATALOG_MAX_AGE}")


def seat_status_response(payload: Any) -> Response:
    """Must be revalidated every time (``no-cache``); the ETag still spares the body."""
    return _conditional(payload, "no-cache")
