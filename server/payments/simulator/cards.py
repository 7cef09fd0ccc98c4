"""Validate a charge request and pick its test-mode outcome, the way a card processor would.

Test cards (spaces allowed; any other Luhn-valid number succeeds)::

    4242 4242 4242 4242   succeeds
    4000 0000 0000 0002   declined: card_declined, "Your card was declined."
    4000 0000 0000 9995   declined: insufficient_funds, "Your card has insufficient funds."
    4000 0000 0000 0077   answers slowly (``slow_seconds``), then succeeds

Pure functions: no Flask, no clock of their own (``today`` is passed in).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = [
    "DECLINED_CARD",
    "INSUFFICIENT_FUNDS_CARD",
    "MAX_AMOUNT",
    "SLOW_CARD",
    "SUCCEEDING_CARD",
    "ChargeRequest",
    "Decline",
    "InvalidRequest",
    "luhn_valid",
    "parse_charge_request",
]

SUCCEEDING_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"
SLOW_CARD = "4000000000000077"
MAX_AMOUNT = Decimal("999999.99")
"""Largest single charge, as in Stripe's test mode."""

_AMOUNT = re.compile(r"\d{1,9}(?:\.\d{1,2})?")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_EXPIRY = re.compile(r"(\d{2})/(\d{2}|\d{4})")
_CVC = re.compile(r"\d{3,4}")
_CARD_NUMBER = re.compile(r"[\d ]+")


@dataclass(frozen=True, slots=True)
class Decline:
    """Why a card is refused: a stable ``code`` and a message for the customer."""

    code: str
    message: str


_DECLINES = {
    DECLINED_CARD: Decline("card_declined", "Your card was declined."),
    INSUFFICIENT_FUNDS_CARD: Decline("insufficient_funds", "Your card has insufficient funds."),
}


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """A valid charge request and what test mode will do with it."""

    amount: Decimal
    currency: str
    method: str
    card_last4: str | None
    decline: Decline | None
    slow: bool


class InvalidRequest(Exception):
    """A 400 answer: ``param`` names the offending field, ``message`` is for the customer."""

    def __init__(self, param: str | None, message: str, code: str = "parameter_invalid") -> None:
        super().__init__(message)
        self.param = param
        self.message = message
        self.code = code


def luhn_valid(digits: str) -> bool:
    """The mod-10 check every card number passes."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def parse_charge_request(body: Any, *, today: date) -> ChargeRequest:
    """Check ``{"amount", "currency", "source"}``; raise ``InvalidRequest`` naming the field."""
    if not isinstance(body, Mapping):
        raise InvalidRequest(None, "The request body must be a JSON object.", "invalid_body")
    _reject_unknown(body, {"amount", "currency", "source"})
    amount = _amount(_required(body, "amount"))
    currency = _required(body, "currency")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise InvalidRequest("currency", "The currency must be a three-letter code like GBP.")
    source = _required(body, "source")
    if not isinstance(source, Mapping):
        raise InvalidRequest("source", "The payment details must be a JSON object.")
    method = _required(source, "method")
    if method == "cash":
        _reject_unknown(source, {"method"})
        return ChargeRequest(amount, currency.upper(), "cash", None, None, slow=False)
    if method != "card":
        raise InvalidRequest("method", "Choose a payment method: card or cash.")
    _reject_unknown(source, {"method", "cardNumber", "expiry", "cvc"})
    number = _card_number(_required(source, "cardNumber"))
    _check_expiry(_required(source, "expiry"), today)
    cvc = _required(source, "cvc")
    if not isinstance(cvc, str) or not _CVC.fullmatch(cvc):
        raise InvalidRequest("cvc", "Your card's security code is invalid.", "invalid_cvc")
    return ChargeRequest(
        amount,
        currency.upper(),
        "card",
        number[-4:],
        _DECLINES.get(number),
        slow=number == SLOW_CARD,
    )


def _required(mapping: Mapping[str, Any], key: str) -> Any:
    if key not in mapping or mapping[key] is None:
        raise InvalidRequest(key, f"Missing required field: {key}.", "parameter_missing")
    return mapping[key]


def _reject_unknown(mapping: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise InvalidRequest(unknown[0], f"Unexpected field: {unknown[0]}.", "parameter_unknown")


def _amount(value: Any) -> Decimal:
    """A string like ``"12.50"``: money never travels as a float."""
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise InvalidRequest(
            "amount", 'The amount must be a string like "12.50".', "invalid_amount"
        )
    amount = Decimal(value)
    if not Decimal(0) < amount <= MAX_AMOUNT:
        message = f"The amount must be more than 0 and at most {MAX_AMOUNT}."
        raise InvalidRequest("amount", message, "invalid_amount")
    return amount.quantize(Decimal("0.01"))


def _card_number(value: Any) -> str:
    if isinstance(value, str) and _CARD_NUMBER.fullmatch(value):
        digits = value.replace(" ", "")
        if 12 <= len(digits) <= 19 and luhn_valid(digits):
            return digits
    raise InvalidRequest("cardNumber", "Your card number is invalid.", "invalid_number")


def _check_expiry(value: Any, today: date) -> None:
    """``MM/YY`` or ``MM/YYYY``; a card is good until the end of its month."""
    match = _EXPIRY.fullmatch(value) if isinstance(value, str) else None
    month = int(match.group(1)) if match else 0
    if match is None or not 1 <= month <= 12:
        message = "Your card's expiry date is invalid; use MM/YY."
        raise InvalidRequest("expiry", message, "invalid_expiry")
    year = int(match.group(2))
    year += 2000 if year < 100 else 0
    if (year, month) < (today.year, today.month):
        raise InvalidRequest("expiry", "Your card has expired.", "expired_card")
