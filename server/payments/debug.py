"""A test hook that widens the window between a charge and its confirmation (pretix-style).

Fault tests set ``BOXOFFICE_DEBUG_PAUSE_AFTER_CHARGE`` so that a worker, holding a charge the
booking does not know about yet, sleeps long enough to be killed: exactly the crash that
``boxoffice reconcile`` exists for. Never set it in production.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server.payments.gateway import Charge, PaymentGateway

__all__ = ["PAUSED_MESSAGE", "PauseAfterCharge"]

log = logging.getLogger(__name__)

#: Logged (warning) when a worker starts its pause; tests wait for it, then kill the worker.
PAUSED_MESSAGE = "debug pause after charge"


class PauseAfterCharge:
    """Wraps a gateway: every successful ``charge`` is followed by ``seconds`` of sleep."""

    def __init__(self, gateway: PaymentGateway, seconds: float) -> None:
        self._gateway = gateway
        self._seconds = seconds

    def charge(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        details: Mapping[str, Any],
        request_id: str | None = None,
    ) -> Charge:
        charge = self._gateway.charge(
            idempotency_key=idempotency_key,
            amount=amount,
            currency=currency,
            details=details,
            request_id=request_id,
        )
        log.warning("%s: key %s, worker pid %d", PAUSED_MESSAGE, idempotency_key, os.getpid())
        time.sleep(self._seconds)
        return charge

    def refund(self, *, idempotency_key: str, request_id: str | None = None) -> Charge:
        return self._gateway.refund(idempotency_key=idempotency_key, request_id=request_id)

    def lookup(self, idempotency_key: str) -> Charge | None:
        return self._gateway.lookup(idempotency_key)

    def close(self) -> None:
        """Close the wrapped gateway's connections, if it has any."""
        close = getattr(self._gateway, "close", None)
        if close is not None:
            close()
