"""What only Flask knows about a request, recorded as the response leaves: the route (the
URL rule), the user (a keyed hash), 409 conflicts by problem type, and the request ID in
problem documents, so a customer quoting an error quotes the ID that finds its log lines.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import orjson
from flask import Flask, Response, current_app, request

from server.auth import InvalidToken, user_from_token
from server.ops.metrics import CONFLICTS
from server.ops.request_id import HEADER
from server.ops.tracking import ROUTE_KEY, UNMATCHED, USER_KEY
from shared.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

__all__ = ["install_hooks", "pseudonym"]


def install_hooks(app: Flask) -> None:
    """Register the ``after_request`` hook (after flask-compress, so it runs before it and
    sees the body uncompressed)."""
    app.after_request(_record)


def _record(response: Response) -> Response:
    environ = request.environ
    environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else UNMATCHED
    user = _user()
    if user is not None:
        environ[USER_KEY] = pseudonym(user, current_app.config["SECRET_KEY"])
    problem = _problem(response)
    if response.status_code == 409:
        slug = str((problem or {}).get("type", "")).removeprefix(PROBLEM_BASE)
        CONFLICTS.labels(slug or "other").inc()
    if problem is not None and (rid := request.headers.get(HEADER)):
        problem["requestId"] = rid
        response.set_data(orjson.dumps(problem))
    return response


def _problem(response: Response) -> dict[str, Any] | None:
    if response.mimetype != PROBLEM_CONTENT_TYPE or response.is_streamed:
        return None
    try:
        loaded = orjson.loads(response.get_data())
    except orjson.JSONDecodeError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _user() -> str | None:
    """The user of a valid Bearer token, if any (the routes that need one check it
    themselves; this only names who asked)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return user_from_token(token.strip(), current_app.config["JWT_SECRET"])
    except InvalidToken:
        return None


def pseudonym(user_id: str, key: str) -> str:
    """The same 16 hex digits for the same user in every log line, and no way back to the ID
    without the server's secret key."""
    digest = hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return digest[:16]
