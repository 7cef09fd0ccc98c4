"""What the booking service charges through: a small interface, so the processor can change.

Exceptions::

    PaymentError              base; .message is safe to show a customer
    ├── PaymentInvalid        the request was wrong; .field names what (nothing was charged)
    ├── PaymentDeclined       the card was refused; .code, .reason (nothing was charged)
    ├── PaymentTimeout        no answer in time, or still processing: outcome unknown
    └── PaymentUnavailable    could not reach the processor, or it failed (5xx)

After ``PaymentTimeout`` or ``PaymentUnavailable`` keep the attempt open: ask ``lookup`` later,
or repeat ``charge`` with the same key and details (the processor never charges a key twice).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

__all__ = [
    "Charge",
    "PaymentDeclined",
    "PaymentError",
    "PaymentGateway",
    "PaymentInvalid",
    "PaymentTimeout",
    "PaymentUnavailable",
]


@dataclass(frozen=True, slots=True)
class Charge:
    """Money taken (or given back) under one idempotency key."""

    charge_id: str
    idempotency_key: str
    amount: Decimal
    currency: str
    status: str
    """``"succeeded"`` or ``"refunded"``."""
    method: str
    """``"card"`` or ``"cash"``."""
    card_last4: str | None
    created_at: datetime


class PaymentError(Exception):
    """Base of every payment failure; ``message`` is written for the customer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PaymentInvalid(PaymentError):
    """The request was refused as malformed; ``field`` is a ``paymentDetails`` key
    (``method``, ``cardNumber``, ``expiry``, ``cvc``, or an unexpected key), ``paymentDetails``
    itself, or ``amount``, ``currency``, ``idempotency_key`` for the other arguments."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class PaymentDeclined(PaymentError):
    """The card was refused (``card_declined``, ``insufficient_funds``); the key is spent."""

    def __init__(self, *, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class PaymentTimeout(PaymentError):
    """No answer in time, or the charge is still processing: ask ``lookup`` again later."""


class PaymentUnavailable(PaymentError):
    """The processor could not be reached or failed; retrying with the same key is safe."""


class PaymentGateway(Protocol):
    """Charges, refunds and answers "what happened to this key?"; every method is idempotent.

    Declines are stored under their key, like Stripe: repeating the key repeats the decline, so a
    new card needs a new key (``booking-<id>-attempt-<n>``).
    """

    def charge(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        details: Mapping[str, Any],
        request_id: str | None = None,
    ) -> Charge:
        """Charge ``details`` (the client's ``paymentDetails``); the same key never charges twice.

        Repeating a key returns the first answer (charge or decline), even if it was refunded
        since; repeating it with other arguments raises ``PaymentInvalid(field="idempotency_key")``.
        """
        ...

    def refund(self, *, idempotency_key: str, request_id: str | None = None) -> Charge:
        """Refund in full the charge made with that key; refunding again returns the same charge.

        Raises ``PaymentInvalid(field="idempotency_key")`` when no charge succeeded under the key
        (unknown, or declined), and ``PaymentTimeout`` while it is still processing.
        """
        ...

    def lookup(self, idempotency_key: str) -> Charge | None:
        """The charge made with that key, or None when the processor has no record of it.

        Raises ``PaymentDeclined`` when the key's charge was declined and ``PaymentTimeout``
        while it is still processing.
        """
        ...
