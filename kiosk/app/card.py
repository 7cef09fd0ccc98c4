"""Checking card details before they are sent, so a typo is caught at the counter and not by
the payment service: a Luhn check on the number, a month that has not passed, a 3–4 digit CVC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = ["CardCheck", "check_card", "format_card_number", "luhn_ok"]

#: ``08/29``, ``8/2029``, or typed without the slash: ``0829``, ``082029``.
_EXPIRY = re.compile(r"^\s*(?:(\d{1,2})\s*/\s*(\d{2}|\d{4})|(\d{2})(\d{2}|\d{4}))\s*$")


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def format_card_number(text: str) -> str:
    """``4242424242424242`` → ``4242 4242 4242 4242``: easier to read back to a customer."""
    digits = re.sub(r"\D", "", text)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


@dataclass(frozen=True, slots=True)
class CardCheck:
    """The result: ``errors`` by field (``number``, ``expiry``, ``cvc``); empty when fine."""

    errors: dict[str, str] = field(default_factory=dict)
    number: str = ""
    expiry: str = ""
    cvc: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def payment_details(self) -> dict[str, str]:
        """What the API's payment endpoint takes."""
        return {"method": "card", "cardNumber": self.number, "expiry": self.expiry, "cvc": self.cvc}


def check_card(number: str, expiry: str, cvc: str, *, today: date) -> CardCheck:
    """Check all three fields and say what is wrong with each, in words for the customer."""
    errors: dict[str, str] = {}
    digits = re.sub(r"[\s-]", "", number)
    if not digits:
        errors["number"] = "Enter the card number."
    elif not digits.isdigit():
        errors["number"] = "A card number has digits only."
    elif not 12 <= len(digits) <= 19:
        errors["number"] = f"A card number has 12 to 19 digits, not {len(digits)}."
    elif not luhn_ok(digits):
        errors["number"] = "Not a valid card number: check the digits."
    month_year = _check_expiry(expiry, today, errors)
    code = cvc.strip()
    if not re.fullmatch(r"\d{3,4}", code):
        errors["cvc"] = "3 or 4 digits, on the back of the card."
    return CardCheck(errors, digits, month_year, code)


def _check_expiry(text: str, today: date, errors: dict[str, str]) -> str:
    match = _EXPIRY.match(text)
    if not text.strip():
        errors["expiry"] = "Enter the expiry (MM/YY)."
        return ""
    if not match:
        errors["expiry"] = "Use MM/YY, e.g. 08/29."
        return ""
    month = int(match[1] or match[3])
    year = int(match[2] or match[4]) % 100
    if not 1 <= month <= 12:
        errors["expiry"] = "The month is 01 to 12."
        return ""
    if (2000 + year, month) < (today.year, today.month):
        errors["expiry"] = "This card has expired."
        return ""
    return f"{month:02d}/{year:02d}"
