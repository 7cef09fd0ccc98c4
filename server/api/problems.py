"""Every error leaves the API as ``application/problem+json`` (RFC 9457), never as a traceback."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from shared.problems import PROBLEM_CONTENT_TYPE, ProblemSlug, problem_type

__all__ = ["ApiProblem", "problem_response", "register_error_handlers"]

log = logging.getLogger(__name__)

_HTTP_SLUGS = {
    400: ProblemSlug.INVALID_BODY,
    404: ProblemSlug.NOT_FOUND,
    405: ProblemSlug.METHOD_NOT_ALLOWED,
    406: ProblemSlug.NOT_ACCEPTABLE,
    413: ProblemSlug.PAYLOAD_TOO_LARGE,
    415: ProblemSlug.UNSUPPORTED_MEDIA_TYPE,
}


class ApiProblem(Exception):
    """Raised anywhere below a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """Build the problem+json response; ``instance`` is the request path."""
    body: dict[str, Any] = {"type": problem_type(slug), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extensions)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Map our problems, HTTP errors, unavailable databases and surprises onto problem+json."""

    @app.errorhandler(ApiProblem)
    def _api_problem(error: ApiProblem) -> Response:
        return problem_response(
            error.status, error.slug, error.title, error.detail, error.headers, **error.extensions
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        headers = {}
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        detail = error.description
        if status == 404:
            detail = f"Nothing is at {request.path}."
        return problem_response(
            status,
            _HTTP_SLUGS.get(status, ProblemSlug.INVALID_BODY),
            error.name,
            detail,
            headers,
        )

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: DBAPIError) -> Response:
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig)
        return problem_response(
            503,
            ProblemSlug.SERVICE_UNAVAILABLE,
            "Service Unavailable",
            "The database is not answering right now; try again in a moment.",
            {"Retry-After": "2"},
        )

    @app.errorhandler(PoolTimeout)
    def _database_busy(error: PoolTimeout) -> Response:
        """Every pooled connection was busy for POOL_TIMEOUT: shed the request with a retry
        hint rather than a 500 (an on-sale's peak, many greenlets per worker)."""
        log.warning("no database connection free on %s %s: %s", request.method, request.path, error)
        return problem_response(
            503,
            ProblemSlug.SERVICE_UNAVAILABLE,
            "Service Unavailable",
            "The server is very busy right now; try again in a moment.",
            {"Retry-After": "2"},
        )

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(
            500,
            ProblemSlug.INTERNAL_ERROR,
            "Internal Server Error",
            "Something went wrong on our side; it has been logged.",
        )
