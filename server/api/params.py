"""Query-string parsing that turns bad input into a 400 naming the parameter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import unquote_to_bytes

from flask import request

from server.api.problems import ApiProblem
from shared.problems import ProblemSlug

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_QUERY_LENGTH",
    "invalid_parameter",
    "parse_date_param",
    "parse_limit",
    "reject_unknown_params",
    "text_param",
]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 200
_UNENCODED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")
#: RFC 3339 allows a lower-case "z"; Python 3.11 reads neither spelling of it.
_UTC_SUFFIX = re.compile(r"[zZ]$")
#: ASCII digits only: ``int()`` would also take " 5", "+5", "1_0" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")
#: The end of time, for an ``endDate`` on the last day a ``date`` can name.
_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def invalid_parameter(name: str, message: str) -> ApiProblem:
    """A 400 that says which parameter is wrong and how to fix it."""
    return ApiProblem(
        400,
        ProblemSlug.INVALID_PARAMETER,
        "Invalid query parameter",
        f"{name}: {message}",
        errors=[{"parameter": name, "message": message}],
    )


def _reject_undecodable_query() -> None:
    """Werkzeug turns bytes that are not UTF-8 into U+FFFD; refuse them instead of guessing."""
    try:
        unquote_to_bytes(request.query_string).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiProblem(
            400,
            ProblemSlug.INVALID_PARAMETER,
            "Invalid query string",
            "The query string is not UTF-8 once percent-decoded.",
        ) from None


def reject_unknown_params(allowed: Iterable[str]) -> None:
    """Refuse undecodable or misspelt parameters instead of silently ignoring them."""
    _reject_undecodable_query()
    allowed_set = set(allowed)
    for name in request.args:
        if name not in allowed_set:
            accepted = ", ".join(sorted(allowed_set)) or "none"
            raise invalid_parameter(name, f"unknown parameter; this endpoint accepts {accepted}")
    for name in allowed_set:
        if len(request.args.getlist(name)) > 1:
            raise invalid_parameter(name, "given more than once")


def text_param(name: str, max_length: int = MAX_QUERY_LENGTH) -> str | None:
    """A trimmed text parameter; blank counts as absent; control characters are refused."""
    value = request.args.get(name)
    if value is None:
        return None
    value = value.strip()
    if len(value) > max_length:
        raise invalid_parameter(name, f"at most {max_length} characters")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise invalid_parameter(name, "contains control characters")
    return value or None


def parse_limit(name: str = "limit") -> int:
    """Page size, 1 to 100."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not _DIGITS.fullmatch(raw):
        raise invalid_parameter(name, f"must be a whole number from 1 to {MAX_LIMIT}")
    if len(raw) > 9 or not 1 <= int(raw) <= MAX_LIMIT:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise invalid_parameter(name, f"must be from 1 to {MAX_LIMIT}, got {shown}")
    return int(raw)


def parse_date_param(name: str, *, end_of_day: bool = False) -> datetime | None:
    """``2026-12-01`` or an ISO 8601 date-time; a bare date means that whole day, in UTC.

    With ``end_of_day`` a bare date is the exclusive end of that day, so ``endDate=2026-12-01``
    includes events starting on the 1st.
    """
    raw = text_param(name, max_length=40)
    if raw is None:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            if not end_of_day:
                return moment
            return moment + timedelta(days=1) if day < date.max else _END_OF_TIME
        # An unencoded "+01:00" arrives as " 01:00": put the plus sign back.
        moment = datetime.fromisoformat(
            _UNENCODED_OFFSET.sub(r"+\1", _UTC_SUFFIX.sub("+00:00", raw))
        )
    except ValueError:
        raise invalid_parameter(
            name, f"'{raw}' is not a date; use YYYY-MM-DD or an ISO 8601 date-time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
