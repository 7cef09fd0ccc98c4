"""Printable tickets: one page per seat, laid out for thermal ticket stock, drawn with fpdf2.

Text uses the PDF core font Helvetica (nothing to embed, identical on every printer); see
``printable`` for names outside its character set. QR codes are filled vector squares from
segno's matrix, so they stay sharp at any printer resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from kiosk.tickets._qr import qr_matrix, ticket_code
from kiosk.tickets._text import format_price, printable, seat_fields, show_time
from shared.models import BookedTicket, BookingInfo, EventInfo, VenueRef

__all__ = ["PAGE_SIZE_MM", "render_tickets_pdf"]

#: 8 × 3.25 inches landscape: the usual box-office thermal ticket stock; also prints on A4.
PAGE_SIZE_MM = (203.2, 82.55)
_WIDTH, _HEIGHT = PAGE_SIZE_MM
_MARGIN = 7.0
#: The scan panel on the right: the QR code and a short repeat of the seat.
_PANEL_WIDTH = 52.0
_DIVIDER_X = _WIDTH - _PANEL_WIDTH
_MAIN_RIGHT = _DIVIDER_X - _MARGIN
_MAIN_WIDTH = _MAIN_RIGHT - _MARGIN
#: Side of the printed QR code including its quiet zone.
_QR_SIZE = 40.0

_FONT = "Helvetica"
_MONO = "Courier"
#: Black only: thermal printers dither grey into speckles, so hierarchy comes from type alone.
_INK = (0, 0, 0)
_RULE = 0.3


@dataclass(frozen=True, slots=True)
class _Face:
    """Everything printed on one ticket, already in printable text."""

    title: str
    when: str
    venue: str
    location: str
    fields: list[tuple[str, str]]
    price: str
    category: str
    booking_id: str
    ticket_id: str
    position: str
    code: str


def _faces(booking: BookingInfo, event: EventInfo, venue: VenueRef) -> list[_Face]:
    categories = {price.category: price.name for price in event.prices}
    count = len(booking.tickets)

    def face(number: int, ticket: BookedTicket) -> _Face:
        return _Face(
            title=printable(event.title),
            when=printable(show_time(event)),
            venue=printable(venue.title),
            location=printable(venue.location),
            fields=[(label, printable(value)) for label, value in seat_fields(ticket, venue)],
            price=printable(format_price(ticket.price, booking.currency)),
            category=printable(categories.get(ticket.category, ticket.category)),
            booking_id=printable(booking.booking_id),
            ticket_id=str(ticket.ticket_id),
            position=f"{number} of {count}",
            code=ticket_code(booking.booking_id, ticket.ticket_id),
        )

    return [face(number, ticket) for number, ticket in enumerate(booking.tickets, start=1)]


def render_tickets_pdf(booking: BookingInfo, event: EventInfo, venue: VenueRef) -> bytes:
    """One page per seat: event title, date/time, venue and location, section/row/seat, price
    with currency, booking ID, and a QR code of booking ID + ticket ID (see ``ticket_code``).

    Pass the ``EventVenue`` from ``GET /events/{id}`` as ``venue`` to print section names
    ("Stalls Centre") rather than tidied section IDs.
    """
    if not booking.tickets:
        raise ValueError(f"booking {booking.booking_id} has no tickets to print")
    if booking.event_id != event.event_id:
        raise ValueError(
            f"booking {booking.booking_id} is for event {booking.event_id}, not {event.event_id}"
        )
    pdf = FPDF(orientation="landscape", unit="mm", format=(_HEIGHT, _WIDTH))
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"Tickets - booking {booking.booking_id}")
    pdf.set_creator("Boxoffice")
    for face in _faces(booking, event, venue):
        pdf.add_page()
        _draw_ticket(pdf, face)
    return bytes(pdf.output())


def _draw_ticket(pdf: FPDF, face: _Face) -> None:
    pdf.set_draw_color(*_INK)
    pdf.set_line_width(_RULE)
    pdf.rect(2.5, 2.5, _WIDTH - 5, _HEIGHT - 5, round_corners=True, corner_radius=3)
    pdf.line(_DIVIDER_X, 2.5, _DIVIDER_X, _HEIGHT - 2.5)
    _draw_main(pdf, face)
    _draw_panel(pdf, face)


def _draw_main(pdf: FPDF, face: _Face) -> None:
    """Left side: what, when, where, and the seat in large type."""
    _label(pdf, "ADMIT ONE", _MARGIN, 11.0)
    _right(pdf, f"TICKET {face.position}".upper(), _MAIN_RIGHT, 11.0, size=7.5)
    _text(pdf, face.title, _MARGIN, 21.5, _MAIN_WIDTH, "B", 21, smallest=13)
    _text(pdf, face.when, _MARGIN, 29.0, _MAIN_WIDTH, "", 11.5)
    _text(pdf, face.venue, _MARGIN, 36.0, _MAIN_WIDTH, "B", 10.5)
    _text(pdf, face.location, _MARGIN, 41.0, _MAIN_WIDTH, "", 10.0)
    _draw_boxes(pdf, [*face.fields, ("Price", face.price)], top=45.5, height=16.0)
    _label(pdf, "CATEGORY", _MARGIN, 67.5)
    _text(pdf, face.category, _MARGIN + 19, 67.5, _MAIN_WIDTH - 19, "B", 9.5)
    _label(pdf, "BOOKING", _MARGIN, 74.0)
    _text(pdf, face.booking_id, _MARGIN + 19, 74.0, _MAIN_WIDTH - 19, "B", 9.5, font=_MONO)


def _draw_boxes(pdf: FPDF, fields: list[tuple[str, str]], *, top: float, height: float) -> None:
    """A row of labelled boxes; the first (the section or area name) gets the most room."""
    shares = [0.40, 0.18, 0.18, 0.24] if len(fields) == 4 else [0.36, 0.38, 0.26]
    pdf.rect(_MARGIN, top, _MAIN_WIDTH, height)
    x = _MARGIN
    for (label, value), share in zip(fields, shares, strict=True):
        width = _MAIN_WIDTH * share
        if x > _MARGIN:
            pdf.line(x, top, x, top + height)
        _label(pdf, label.upper(), x + 2.2, top + 4.6)
        _text(pdf, value, x + 2.2, top + height - 3.2, width - 4.4, "B", 16, smallest=9)
        x += width


def _draw_panel(pdf: FPDF, face: _Face) -> None:
    """Right side: the QR code the gate scans, and the seat again for whoever holds it."""
    left = _DIVIDER_X + (_PANEL_WIDTH - _QR_SIZE) / 2
    _draw_qr(pdf, qr_matrix(face.code, error="M"), left, 4.0, _QR_SIZE)
    inner_left = _DIVIDER_X + 5
    inner_width = _PANEL_WIDTH - 10
    (_, area), *places = face.fields
    where = " · ".join(
        value if label == "Admission" else f"{label} {value}" for label, value in places
    )
    _text(pdf, area, inner_left, 50.0, inner_width, "B", 9.5)
    _text(pdf, where, inner_left, 55.0, inner_width, "", 9.5)
    _text(pdf, f"{face.price} · {face.category}", inner_left, 60.0, inner_width, "", 9.5)
    _label(pdf, "TICKET", inner_left, 74.0)
    _text(pdf, face.ticket_id, inner_left + 13, 74.0, inner_width - 13, "B", 9.5, font=_MONO)


def _draw_qr(pdf: FPDF, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Dark modules as one filled path (runs of a row merged), so no hairline seams show."""
    module = size / len(matrix)
    with pdf.new_path() as path:
        path.style.fill_color = "#000000"
        path.style.stroke_color = None
        for row_number, row in enumerate(matrix):
            top = y + row_number * module
            start: int | None = None
            for column, dark in enumerate([*row, False]):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:
                    path.rectangle(x + start * module, top, (column - start) * module, module)
                    start = None


def _label(pdf: FPDF, text: str, x: float, baseline: float) -> None:
    """Small spaced capitals that name a field."""
    pdf.set_font(_FONT, "B", 6.5)
    pdf.set_text_color(*_INK)
    pdf.set_char_spacing(0.6)
    pdf.text(x, baseline, text)
    pdf.set_char_spacing(0)


def _right(pdf: FPDF, text: str, right: float, baseline: float, *, size: float) -> None:
    pdf.set_font(_FONT, "B", size)
    pdf.set_text_color(*_INK)
    pdf.text(right - pdf.get_string_width(text), baseline, text)


def _text(
    pdf: FPDF,
    text: str,
    x: float,
    baseline: float,
    width: float,
    style: str,
    size: float,
    *,
    smallest: float | None = None,
    font: str = _FONT,
) -> None:
    """``text`` on one line within ``width``: shrunk down to ``smallest`` pt, then cut with …"""
    pdf.set_text_color(*_INK)
    pdf.set_font(font, style, size)
    while smallest is not None and size > smallest and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(font, style, size)
    if pdf.get_string_width(text) > width:
        while text and pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    pdf.text(x, baseline, text)
