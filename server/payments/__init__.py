"""Payments: the gateway the booking service charges through, and a simulated processor.

``HttpPaymentGateway`` talks to the payment service; ``running_payment_service`` starts the
simulator (``server.payments.simulator``, a Stripe-like test mode) as a separate process.

Idempotency keys: one per payment *attempt*, ``booking-<booking id>-attempt-<n>``. Record the
attempt (and its key) before calling ``charge``. Repeat the same key with the same details after
``PaymentTimeout`` or ``PaymentUnavailable``, or ask ``lookup``; the processor never charges a key
twice. After ``PaymentDeclined`` or ``PaymentInvalid`` the attempt is over: another card is
attempt ``n + 1`` (a declined key replays its decline, like Stripe).
"""

from __future__ import annotations

from server.payments.gateway import (
    Charge,
    PaymentDeclined,
    PaymentError,
    PaymentGateway,
    PaymentInvalid,
    PaymentTimeout,
    PaymentUnavailable,
)
from server.payments.http_gateway import HttpPaymentGateway
from server.payments.process import PaymentServiceError, running_payment_service

__all__ = [
    "Charge",
    "HttpPaymentGateway",
    "PaymentDeclined",
    "PaymentError",
    "PaymentGateway",
    "PaymentInvalid",
    "PaymentServiceError",
    "PaymentTimeout",
    "PaymentUnavailable",
    "running_payment_service",
]
