"""Bearer JWTs (HS256): issued by ``boxoffice token``, checked on every booking route."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt

__all__ = [
    "ALGORITHM",
    "STAFF_ROLE",
    "InvalidToken",
    "is_staff_token",
    "issue_token",
    "user_from_token",
]

ALGORITHM = "HS256"
#: The ``role`` claim of box-office staff tokens: their own lane in a waiting room.
STAFF_ROLE = "staff"
_MAX_USER_ID_LENGTH = 200
#: The last second of 9999-12-31: an ``exp`` beyond it is no date anything here can show.
_LAST_EXPIRY = 253_402_300_799


class InvalidToken(Exception):
    """Missing, expired, forged or malformed token; the message says which."""


def _is_user_id(value: object) -> bool:
    """1 to 200 characters and no control characters: a user ID is stored in Postgres text
    (which refuses NUL) and printed in logs and on receipts."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= _MAX_USER_ID_LENGTH
        and not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value)
    )


def issue_token(
    user_id: str,
    secret: str,
    *,
    hours: float = 12,
    now: datetime | None = None,
    staff: bool = False,
) -> str:
    """A signed token naming ``user_id`` that expires after ``hours``; ``staff`` adds
    ``role: staff`` (box-office terminals)."""
    if not _is_user_id(user_id):
        raise ValueError(
            f"a user ID is 1 to {_MAX_USER_ID_LENGTH} characters, without control characters"
        )
    issued = now or datetime.now(UTC)
    try:
        expires = issued + timedelta(hours=hours)
    except (OverflowError, ValueError):
        raise ValueError(f"a token cannot last {hours} hours") from None
    if expires.timestamp() > _LAST_EXPIRY:
        raise ValueError(f"a token cannot last {hours} hours")
    claims: dict[str, object] = {"sub": user_id, "iat": issued, "exp": expires}
    if staff:
        claims["role"] = STAFF_ROLE
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_from_token(token: str, secret: str) -> str:
    """The user a valid token names; only HS256 with our secret, ``exp`` and ``sub`` required.

    A token's signature is checked once per worker and remembered (a client sends the same
    token with every request; verifying costs more than a refused hold's Redis call); its
    expiry is checked on every use.
    """
    subject, expires, _staff = _verified(token, secret)
    if expires <= time.time():
        raise InvalidToken("the token has expired; ask for a new one")
    return subject


def is_staff_token(token: str, secret: str) -> bool:
    """Whether a valid token carries ``role: staff`` (check the token with
    :func:`user_from_token` first; this one only reads the cached claims)."""
    return _verified(token, secret)[2]


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[str, float, bool]:
    """The subject, expiry and staff role of a token whose signature and claims are valid
    (else raises; exceptions are not cached)."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("the token has expired; ask for a new one") from None
    except jwt.InvalidAlgorithmError:
        raise InvalidToken(f"the token is not valid: it must be signed with {ALGORITHM}") from None
    except jwt.InvalidSignatureError:
        raise InvalidToken("the token's signature does not match; it was not issued here") from None
    except jwt.InvalidTokenError as error:
        raise InvalidToken(f"the token is not valid: {error}") from None
    subject = claims["sub"]
    if not _is_user_id(subject):
        raise InvalidToken("the token's subject is not a user ID")
    return subject, _expiry(claims["exp"]), claims.get("role") == STAFF_ROLE


def _expiry(claim: object) -> float:
    """``exp`` as a number of seconds; PyJWT also takes "123" and numbers past any date."""
    if isinstance(claim, bool) or not isinstance(claim, int | float):
        raise InvalidToken("the token's expiry (exp) is not a number")
    if claim > _LAST_EXPIRY or not math.isfinite(claim):  # compared first: 10**400 is an int
        raise InvalidToken("the token's expiry (exp) is out of range")
    return float(claim)
