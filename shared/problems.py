"""RFC 9457 problem details: the one shape every API error has, with stable type slugs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["PROBLEM_BASE", "PROBLEM_CONTENT_TYPE", "Problem", "ProblemSlug", "problem_type"]

PROBLEM_CONTENT_TYPE = "application/problem+json"
#: Problem types are relative URIs under this path; their slugs never change.
PROBLEM_BASE = "/problems/"


class ProblemSlug:
    """Stable problem-type slugs; clients branch on these, never on titles."""

    INVALID_PARAMETER = "invalid-parameter"
    INVALID_CURSOR = "invalid-cursor"
    INVALID_BODY = "invalid-body"
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    PAYLOAD_TOO_LARGE = "payload-too-large"
    NOT_ACCEPTABLE = "not-acceptable"
    UNAUTHORIZED = "unauthorized"
    INVALID_SELECTION = "invalid-selection"
    SEATS_UNAVAILABLE = "seats-unavailable"
    NO_SEATS_TOGETHER = "no-seats-together"
    BOOKING_CLOSED = "booking-closed"
    EXTENSION_LIMIT_REACHED = "extension-limit-reached"
    HOLD_EXPIRED = "hold-expired"
    PAYMENT_DECLINED = "payment-declined"
    INVALID_PAYMENT = "invalid-payment"
    PAYMENT_TIMEOUT = "payment-timeout"
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency-key-in-use"
    RATE_LIMITED = "rate-limited"
    ADMISSION_REQUIRED = "admission-required"
    SERVICE_UNAVAILABLE = "service-unavailable"
    INTERNAL_ERROR = "internal-error"


def problem_type(slug: str) -> str:
    """The ``type`` URI of a slug."""
    return PROBLEM_BASE + slug


class Problem(BaseModel):
    """A problem document; extra members (``errors``, ``ticketIDs`` …) are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None

    @property
    def slug(self) -> str:
        """The slug part of ``type`` (``about:blank`` for plain HTTP errors)."""
        return self.type.removeprefix(PROBLEM_BASE)

    @property
    def extensions(self) -> dict[str, Any]:
        """Members beyond the standard five."""
        return dict(self.model_extra or {})
