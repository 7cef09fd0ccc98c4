"""How times, money and seats read on screen: the way a person at a counter says them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from shared.models import BookedTicket, TicketInfo
from shared.seatmap import SeatMap

__all__ = ["SeatNames", "countdown", "money", "when", "when_short"]

_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: Decimal, currency: str = "GBP") -> str:
    """``£40.00``; an unknown currency is written out (``CHF 40.00``)."""
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{currency} {amount:,.2f}"


def when(moment: datetime) -> str:
    """``Fri 12 Jun 2026, 19:30`` in this terminal's time zone."""
    return moment.astimezone().strftime("%a %d %b %Y, %H:%M")


def when_short(moment: datetime) -> str:
    """``Fri 12 Jun 19:30``: for tables, where the year is rarely in doubt."""
    return moment.astimezone().strftime("%a %d %b %H:%M")


def countdown(seconds: float) -> str:
    """``04:59``; never negative."""
    whole = max(0, int(seconds + 0.999))  # show 00:01 until the last second is really gone
    return f"{whole // 60:02d}:{whole % 60:02d}"


class SeatNames:
    """Seats as printed on a ticket (``Stalls A12``, ``Standing place 3``), by section name."""

    def __init__(self, layout: SeatMap | None) -> None:
        self._sections: dict[str, str] = {}
        self._categories: dict[str, str] = {}
        if layout is not None:
            self._sections = {s.id: s.name for s in layout.sections}
            self._sections.update({a.id: a.name for a in layout.general_admission})
            self._categories = {c.id: c.name for c in layout.categories}

    def section(self, section_id: str) -> str:
        return self._sections.get(section_id, section_id)

    def category(self, category_id: str) -> str:
        return self._categories.get(category_id, category_id)

    def seat(self, ticket: TicketInfo | BookedTicket) -> str:
        """``A12`` (a row ending in a digit gets a colon: ``12:5``); ``place 3`` standing."""
        if ticket.row is None:
            return f"place {ticket.seat_number}"
        separator = ":" if ticket.row[-1:].isdigit() else ""
        return f"{ticket.row}{separator}{ticket.seat_number}"

    def full(self, ticket: TicketInfo | BookedTicket) -> str:
        """``Stalls A12``."""
        return f"{self.section(ticket.section)} {self.seat(ticket)}"

    def listing(self, tickets: Iterable[TicketInfo | BookedTicket]) -> str:
        """``Stalls A3, A4; Circle B1``: grouped by section, in the order given."""
        groups: dict[str, list[str]] = {}
        for ticket in tickets:
            groups.setdefault(ticket.section, []).append(self.seat(ticket))
        return "; ".join(f"{self.section(s)} {', '.join(seats)}" for s, seats in groups.items())
