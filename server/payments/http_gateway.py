"""``PaymentGateway`` over HTTP: talks to the payment service (the simulator, or a real one)."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from server.payments.gateway import (
    Charge,
    PaymentDeclined,
    PaymentError,
    PaymentInvalid,
    PaymentTimeout,
    PaymentUnavailable,
)

__all__ = ["HttpPaymentGateway"]

_CONNECT_TIMEOUT = 2.0
_UNIX_BASE = "http://payments"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_RETRYABLE = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)

_UNAVAILABLE = "Payments are unavailable right now. Please try again in a moment."
_TIMED_OUT = "The payment is taking longer than expected; we will confirm it shortly."


class HttpPaymentGateway:
    """Thread-safe: one ``httpx.Client`` serves every thread; ``close()`` when done.

    ``base_url`` is ``http://host:port`` or ``unix:///path/to/payments.sock``. Requests time out
    after ``timeout`` seconds (connecting: 2 s). A connection dropped without an answer is retried
    once, which is safe because every request is idempotent; a timeout is never retried.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # No idle connections: one the server closed first can leak its socket in httpcore, and
        # a payment is rare enough that a fresh connection per call costs nothing noticeable.
        limits = httpx.Limits(max_keepalive_connections=0)
        if base_url.startswith("unix:"):
            path = base_url.removeprefix("unix:")
            path = path[2:] if path.startswith("//") else path
            transport = transport or httpx.HTTPTransport(uds=path, limits=limits)
            base_url = _UNIX_BASE
        transport = transport or httpx.HTTPTransport(limits=limits)
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(_CONNECT_TIMEOUT, timeout)),
            headers={"User-Agent": "boxoffice-payments"},
        )

    def charge(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        details: Mapping[str, Any],
        request_id: str | None = None,
    ) -> Charge:
        """Charge once per key; see ``PaymentGateway.charge``."""
        _check_key(idempotency_key)
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise PaymentInvalid("The amount is not a sum of money.", field="amount")
        if not isinstance(currency, str):
            raise PaymentInvalid("The currency must be a three-letter code.", field="currency")
        body = {"amount": format(amount, "f"), "currency": currency, "source": _source(details)}
        headers = {"Idempotency-Key": idempotency_key}
        response = self._send("POST", "/v1/charges", request_id, json=body, headers=headers)
        if response.status_code in (200, 201):
            return _charge_from(response)
        raise _error_from(response)

    def refund(self, *, idempotency_key: str, request_id: str | None = None) -> Charge:
        """Refund the key's charge in full; see ``PaymentGateway.refund``."""
        try:
            found = self.lookup(idempotency_key)
        except PaymentDeclined:
            message = "That payment was declined, so there is nothing to refund."
            raise PaymentInvalid(message, field="idempotency_key") from None
        if found is None:
            message = "No payment was taken with this key, so there is nothing to refund."
            raise PaymentInvalid(message, field="idempotency_key")
        path = f"/v1/charges/{quote(found.charge_id, safe='')}/refunds"
        response = self._send("POST", path, request_id)
        if response.status_code == 200:
            return _charge_from(response)
        raise _error_from(response)

    def lookup(self, idempotency_key: str) -> Charge | None:
        """What happened to this key; see ``PaymentGateway.lookup``."""
        _check_key(idempotency_key)
        params = {"idempotency_key": idempotency_key}
        response = self._send("GET", "/v1/charges", None, params=params)
        if response.status_code == 404:
            return None
        if response.status_code == 200:
            return _charge_from(response)
        raise _error_from(response)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpPaymentGateway:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(
        self, method: str, path: str, request_id: str | None, **kwargs: Any
    ) -> httpx.Response:
        """One request; transport failures become payment errors."""
        headers = dict(kwargs.pop("headers", None) or {})
        if request_id:
            headers["X-Request-ID"] = request_id
        for attempt in (1, 2):
            try:
                return self._client.request(method, path, headers=headers, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                _close_leaked_sockets(error)
                raise PaymentUnavailable(_UNAVAILABLE) from error  # nothing was sent
            except httpx.TimeoutException as error:
                raise PaymentTimeout(_TIMED_OUT) from error
            except _RETRYABLE as error:
                if attempt == 2:
                    raise PaymentTimeout(_TIMED_OUT) from error
            except httpx.HTTPError as error:
                raise PaymentUnavailable(_UNAVAILABLE) from error
        raise AssertionError("unreachable")


def _close_leaked_sockets(error: BaseException) -> None:
    """Close the socket of a failed unix-socket connect, which httpcore 1.0 leaves open.

    Left alone it is closed by the garbage collector with a ``ResourceWarning``, an error in a
    test suite that turns warnings into errors.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback = current.__traceback__
        while traceback is not None:
            frame = traceback.tb_frame
            if frame.f_code.co_name == "connect_unix_socket":
                for value in frame.f_locals.values():
                    if isinstance(value, socket.socket):
                        value.close()
            traceback = traceback.tb_next
        current = current.__cause__ or current.__context__


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        message = "The idempotency key must be 1–255 visible ASCII characters."
        raise PaymentInvalid(message, field="idempotency_key")


def _source(details: Mapping[str, Any]) -> dict[str, Any]:
    """``details`` as JSON-ready data, or ``PaymentInvalid`` naming what cannot be sent."""
    if not isinstance(details, Mapping):
        raise PaymentInvalid("The payment details must be an object.", field="paymentDetails")
    for key, value in details.items():
        try:
            if not isinstance(key, str):
                raise TypeError(key)
            json.dumps(value)
        except (TypeError, ValueError):
            message = f"The payment detail {key!s} is not valid."
            raise PaymentInvalid(message, field=str(key)) from None
    return dict(details)


def _charge_from(response: httpx.Response) -> Charge:
    """A settled charge, or the error its status means (declined, still pending)."""
    try:
        data = response.json()
        status = data["status"]
        if status == "failed":
            raise PaymentDeclined(code=data["failure_code"], reason=data["failure_message"])
        if status == "pending":
            raise PaymentTimeout("The payment is still being processed.")
        if status not in ("succeeded", "refunded"):
            raise ValueError(f"unknown status {status!r}")
        return Charge(
            charge_id=data["id"],
            idempotency_key=data["idempotency_key"],
            amount=Decimal(data["amount"]),
            currency=data["currency"],
            status=status,
            method=data["method"],
            card_last4=data["card_last4"],
            created_at=datetime.fromisoformat(data["created_at"]),
        )
    except PaymentError:
        raise
    except (ValueError, KeyError, TypeError, ArithmeticError) as error:
        raise PaymentUnavailable(_UNAVAILABLE) from error


def _error_from(response: httpx.Response) -> PaymentError:
    """Map the processor's ``{"error": {...}}`` answer to our exception tree."""
    try:
        error = response.json()["error"]
        code, param, message = error["code"], error["param"], error["message"]
    except (ValueError, KeyError, TypeError):
        code, param, message = None, None, None
    status = response.status_code
    if status == 402 and code and message:
        return PaymentDeclined(code=str(code), reason=str(message))
    if code in ("idempotency_key_in_use", "charge_pending"):
        return PaymentTimeout("The payment is still being processed.")
    if code == "idempotency_key_reused":
        return PaymentInvalid(str(message), field="idempotency_key")
    if status in (400, 409) and message:
        return PaymentInvalid(str(message), field=_field(param))
    return PaymentUnavailable(_UNAVAILABLE)


def _field(param: Any) -> str:
    """The simulator's ``param`` in the gateway's vocabulary (``paymentDetails`` keys)."""
    if param in (None, "source"):
        return "paymentDetails"
    if param in ("Idempotency-Key", "idempotency_key", "charge"):
        return "idempotency_key"
    return str(param)
