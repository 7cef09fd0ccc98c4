"""The gateway the app uses: the configured payment service, or one that says there is none."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server.payments.debug import PauseAfterCharge
from server.payments.gateway import Charge, PaymentGateway, PaymentUnavailable
from server.payments.http_gateway import HttpPaymentGateway

__all__ = ["NoPaymentService", "payment_gateway"]


class NoPaymentService:
    """Stands in when ``BOXOFFICE_PAYMENTS_URL`` is unset: every payment is refused as 503."""

    def charge(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        details: Mapping[str, Any],
        request_id: str | None = None,
    ) -> Charge:
        raise PaymentUnavailable("no payment service is configured (BOXOFFICE_PAYMENTS_URL)")

    def refund(self, *, idempotency_key: str, request_id: str | None = None) -> Charge:
        raise PaymentUnavailable("no payment service is configured (BOXOFFICE_PAYMENTS_URL)")

    def lookup(self, idempotency_key: str) -> Charge | None:
        raise PaymentUnavailable("no payment service is configured (BOXOFFICE_PAYMENTS_URL)")


def payment_gateway(config: Mapping[str, Any]) -> PaymentGateway:
    url = config.get("PAYMENTS_URL")
    if not url:
        return NoPaymentService()
    gateway = HttpPaymentGateway(url, timeout=float(config.get("PAYMENTS_TIMEOUT") or 10.0))
    pause = float(config.get("DEBUG_PAUSE_AFTER_CHARGE") or 0)
    if pause > 0:
        return PauseAfterCharge(gateway, pause)  # fault tests only
    return gateway
