"""Who is asking: the Bearer token of a booking request, or a 401 problem."""

from __future__ import annotations

from flask import current_app, request

from server.api.problems import ApiProblem
from server.auth import InvalidToken, user_from_token
from shared.problems import ProblemSlug

__all__ = ["current_user"]


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401,
        ProblemSlug.UNAUTHORIZED,
        "Unauthorized",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="boxoffice"'},
    )


def current_user() -> str:
    """The user ID of a valid ``Authorization: Bearer <JWT>``."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("Send Authorization: Bearer <token>; `boxoffice token USER` makes one.")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <token>'.")
    try:
        return user_from_token(token.strip(), current_app.config["JWT_SECRET"])
    except InvalidToken as error:
        raise _unauthorized(f"{error}.") from None
