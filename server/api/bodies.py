"""Request bodies: JSON only, validated by the shared models, errors naming the field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from server.api.problems import ApiProblem
from shared.models import PaymentRequest
from shared.problems import ProblemSlug

__all__ = ["MAX_PAYMENT_FIELDS", "MAX_PAYMENT_VALUE_LENGTH", "parse_body", "parse_payment"]

M = TypeVar("M", bound=BaseModel)

#: ``paymentDetails`` holds a method and three short card fields; the processor names the
#: first unexpected one, so a few spare keys still get its clearer answer.
MAX_PAYMENT_FIELDS = 8
#: A card number with spaces is at most 40 characters; nothing in it needs more than this.
MAX_PAYMENT_VALUE_LENGTH = 64
_MAX_PAYMENT_NAME_LENGTH = 32
_MAX_PAYMENT_NUMBER: int = 10**MAX_PAYMENT_VALUE_LENGTH


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _invalid(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        400,
        ProblemSlug.INVALID_BODY,
        "Invalid request body",
        f"{field}: {message}",
        errors=[{"field": field, "message": message}],
    )


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


def parse_payment() -> PaymentRequest:
    """The payment body, its ``paymentDetails`` bounded before they travel to the processor:
    a few short scalar fields, so an oversized or non-finite value is our 400, not the payment
    service's 413 (a 503 here) or a JSON encoding error (a 500)."""
    body = parse_body(PaymentRequest)
    _check_payment_details(body.payment_details)
    return body


def _check_payment_details(details: Mapping[str, Any]) -> None:
    if len(details) > MAX_PAYMENT_FIELDS:
        raise _invalid("paymentDetails", f"at most {MAX_PAYMENT_FIELDS} fields")
    for name, value in details.items():
        if len(name) > _MAX_PAYMENT_NAME_LENGTH:
            raise _invalid(
                "paymentDetails", f"field names are at most {_MAX_PAYMENT_NAME_LENGTH} characters"
            )
        if not _short_scalar(value):
            raise _invalid(
                f"paymentDetails.{name}",
                f"must be a string of at most {MAX_PAYMENT_VALUE_LENGTH} characters",
            )


def _short_scalar(value: Any) -> bool:
    """Short strings, and the scalars the processor refuses by itself with a clearer message."""
    if isinstance(value, str):
        return len(value) <= MAX_PAYMENT_VALUE_LENGTH
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < _MAX_PAYMENT_NUMBER
    if isinstance(value, float):
        return math.isfinite(value)
    return False
