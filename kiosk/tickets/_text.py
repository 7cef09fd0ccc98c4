"""The words on a ticket: prices with their currency sign, dates, seat labels, and text made
safe for the printer's built-in fonts."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from anyascii import anyascii

from shared.models import BookedTicket, EventInfo, VenueDetail, VenueRef

__all__ = ["format_price", "printable", "seat_fields", "show_time"]

#: Signs that the PDF core fonts can print; any other currency is shown by its code.
_CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥"}

#: The code page of the PDF core fonts (WinAnsiEncoding).
_CORE_FONT_ENCODING = "cp1252"


def format_price(amount: Decimal, currency: str) -> str:
    """``£45.00``, ``€1,250.00``, ``CHF 30.00``."""
    sign = _CURRENCY_SIGNS.get(currency.upper())
    number = f"{amount:,.2f}"
    return f"{sign}{number}" if sign else f"{currency.upper()} {number}".strip()


def show_time(event: EventInfo) -> str:
    """``Sat 14 Jun 2025 · 19:30 – 22:00`` in the kiosk's local time, where the show is."""
    start = event.start_time.astimezone()
    end = event.end_time.astimezone()
    day = start.strftime("%a %d %b %Y")
    if end.date() == start.date():
        return f"{day} · {start:%H:%M} – {end:%H:%M}"
    return f"{day} · {start:%H:%M} – {end:%a %d %b %H:%M}"


def printable(text: str) -> str:
    """``text`` as the core PDF fonts can print it, readably: ``Łódź`` → ``Lodz``.

    The core fonts cover Western European text (cp1252: ``Zoë``, ``€``, ``£``); anything else is
    transliterated (``東京`` → ``DongJing``, ``Москва`` → ``Moskva``) rather than dropped or
    printed as boxes. Pictographs are left out, and runs of spaces, tabs and line breaks
    become one space.
    """
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category.startswith("Z") or char.isspace():
            kept.append(" ")
        elif category.startswith("C") or (category == "So" and not _fits(char)):
            continue
        else:
            kept.append(char if _fits(char) else anyascii(char))
    return " ".join("".join(kept).split())


def _fits(char: str) -> bool:
    try:
        char.encode(_CORE_FONT_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _area_names(venue: VenueRef) -> tuple[dict[str, str], set[str]]:
    """Section and general-admission names by ID, when the caller passed the venue's layout."""
    if not isinstance(venue, VenueDetail):
        return {}, set()
    layout = venue.seating_arrangement
    sections = {s["id"]: s.get("name", s["id"]) for s in layout.get("sections", [])}
    standing = {a["id"]: a.get("name", a["id"]) for a in layout.get("generalAdmission", [])}
    return sections | standing, set(standing)


def _readable_id(area_id: str) -> str:
    """``stalls-c`` → ``Stalls C``: the best guess at a name when the layout is not at hand."""
    return " ".join(part.capitalize() for part in area_id.replace("_", "-").split("-") if part)


def seat_fields(ticket: BookedTicket, venue: VenueRef) -> list[tuple[str, str]]:
    """The labelled boxes that say where to go: section, row, seat; or the standing area.

    Section names come from the venue's layout when ``venue`` carries it (an ``EventVenue``
    from ``GET /events/{id}``); otherwise the section ID is tidied into a name.
    """
    names, standing = _area_names(venue)
    area = names.get(ticket.section) or _readable_id(ticket.section)
    if ticket.row is None or ticket.section in standing:
        return [("Area", area), ("Admission", "General admission")]
    return [("Section", area), ("Row", ticket.row), ("Seat", ticket.seat_number)]
