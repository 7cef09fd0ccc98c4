"""Request bodies: JSON only, validated by the shared models, errors naming the field."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from server.api.problems import ApiProblem
from shared.problems import ProblemSlug

__all__ = ["parse_body"]

M = TypeVar("M", bound=BaseModel)


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def parse_body(model: type[M]) -> M:
    """Parse the JSON body into ``model`` or answer 415/400 saying what is wrong."""
    if not request.is_json:
        raise ApiProblem(
            415,
            ProblemSlug.UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
            "Send the body as JSON with Content-Type: application/json.",
        )
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        problems: list[dict[str, Any]] = [
            {"field": _location(e["loc"]), "message": e["msg"]} for e in error.errors()
        ]
        first = problems[0]
        raise ApiProblem(
            400,
            ProblemSlug.INVALID_BODY,
            "Invalid request body",
            f"{first['field']}: {first['message']}",
            errors=problems,
        ) from None
