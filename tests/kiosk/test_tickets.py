"""Receipt QR codes and printed tickets: the codes scan (read back by a real decoder, zxing-cpp),
each seat gets a page that says what, when, where and which seat, and tickets reach the print
command or a folder, never lost when printing fails."""

from __future__ import annotations

import io
import shlex
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import segno
import zxingcpp
from conftest import JWT_SECRET, Catalog
from flask import Flask
from PIL import Image, ImageDraw
from pypdf import PageObject, PdfReader

from kiosk.tickets import (
    QUIET_ZONE,
    TicketDeliveryError,
    deliver_tickets,
    format_price,
    qr_lines,
    render_tickets_pdf,
    ticket_code,
)
from server.auth import issue_token
from shared.client import BoxofficeClient
from shared.models import (
    BookedTicket,
    BookingInfo,
    BookingStatus,
    EventInfo,
    EventVenue,
    PriceCategoryPrice,
    VenueRef,
)

BOOKING_ID = "3f2a9c1e-8d4b-4c7a-9e2f-1a2b3c4d5e6f"
CARD = {"method": "card", "cardNumber": "4242424242424242", "expiry": "12/39", "cvc": "123"}

#: Section and area IDs that differ from their names, so the ticket shows which it printed.
LAYOUT: dict[str, Any] = {
    "formatVersion": 1,
    "name": "Lantern Hall",
    "grid": {"width": 12, "height": 6},
    "stage": {"label": "STAGE", "x": 2, "y": 0, "width": 8, "height": 1},
    "priceCategories": [{"id": "A", "name": "Premium"}, {"id": "GA", "name": "Standing floor"}],
    "sections": [
        {
            "id": "stalls-c",
            "name": "Stalls Centre",
            "category": "A",
            "rows": [{"labels": "E-F", "x": 1, "y": 2, "seats": "10-15"}],
        }
    ],
    "generalAdmission": [
        {
            "id": "floor",
            "name": "The Floor",
            "capacity": 4,
            "category": "GA",
            "x": 1,
            "y": 4,
            "width": 10,
            "height": 2,
        }
    ],
}
PRICES = {"A": "45.00", "GA": "1250.50"}

#: Which halves of a terminal cell each character lights: (top, bottom).
HALVES = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}


# helpers ------------------------------------------------------------------------------------
def seated(ticket_id: int, row: str = "F", seat: str = "12") -> BookedTicket:
    return BookedTicket(
        ticket_id=ticket_id,
        seat_id=f"stalls-c:{row}:{seat}",
        seat_number=seat,
        section="stalls-c",
        row=row,
        category="A",
        price=Decimal("45.00"),
    )


def standing(ticket_id: int) -> BookedTicket:
    return BookedTicket(
        ticket_id=ticket_id,
        seat_id="floor:GA:3",
        seat_number="3",
        section="floor",
        row=None,
        category="GA",
        price=Decimal("1250.50"),
    )


def booking(tickets: list[BookedTicket], currency: str = "GBP") -> BookingInfo:
    now = datetime.now(UTC)
    return BookingInfo(
        booking_id=BOOKING_ID,
        event_id=7,
        status=BookingStatus.BOOKED,
        tickets=tickets,
        price=sum((t.price for t in tickets), Decimal(0)),
        currency=currency,
        expires_at=now,
        extensions_left=0,
        payment_input_url=f"/bookings/{BOOKING_ID}/payment",
        created_at=now,
        confirmed_at=now,
    )


def event(title: str = "Jazz at the Lantern") -> EventInfo:
    start = datetime(2031, 6, 14, 18, 30, tzinfo=UTC)
    return EventInfo(
        event_id=7,
        title=title,
        description="",
        start_time=start,
        end_time=start + timedelta(hours=2, minutes=30),
        performers=[],
        prices=[
            PriceCategoryPrice(category="A", name="Premium", price=Decimal("45.00")),
            PriceCategoryPrice(category="GA", name="Standing floor", price=Decimal("1250.50")),
        ],
    )


def venue(title: str = "Lantern Hall", location: str = "Leeds LS1 4AP") -> EventVenue:
    return EventVenue(
        venue_id=3,
        title=title,
        location=location,
        seating_capacity=16,
        seating_arrangement=LAYOUT,
        tickets_available=16,
    )


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def terminal_picture(lines: list[str], scale: int = 6) -> Image.Image:
    """The lines as a light-on-dark terminal shows them: drawn halves light, the rest dark."""
    picture = Image.new("L", (len(lines[0]), 2 * len(lines)), 0)
    for y, line in enumerate(lines):
        for x, char in enumerate(line):
            top, bottom = HALVES[char]
            picture.putpixel((x, 2 * y), 255 if top else 0)
            picture.putpixel((x, 2 * y + 1), 255 if bottom else 0)
    return picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)


def printed_pictures(pdf: bytes) -> list[Image.Image]:
    """Each page's filled rectangles rasterised as a printer would put ink down."""
    return [printed_picture(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def printed_picture(page: PageObject, scale: float = 3.0) -> Image.Image:
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    picture = Image.new("L", (round(width * scale), round(height * scale)), 255)
    draw = ImageDraw.Draw(picture)
    pending: list[tuple[float, float, float, float]] = []

    def visit(operator: bytes, operands: list[Any], cm: list[float], _tm: Any) -> None:
        if operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            a, b, c, d, e, f = cm
            corners = [(a * u + c * v + e, b * u + d * v + f) for u, v in ((x, y), (x + w, y + h))]
            (x0, y0), (x1, y1) = corners
            top, bottom = sorted((height - y0, height - y1))
            pending.append((min(x0, x1), top, max(x0, x1), bottom))
        elif operator in (b"f", b"F", b"f*", b"B", b"B*"):
            for left, top, right, bottom in pending:
                box = (left * scale, top * scale, right * scale - 1, bottom * scale - 1)
                draw.rectangle(box, fill=0)
            pending.clear()
        elif operator in (b"S", b"s", b"n"):
            pending.clear()

    page.extract_text(visitor_operand_before=visit)
    return picture


def decoded(picture: Image.Image) -> list[str]:
    """What a scanner reads; no inverted codes accepted, so dark-on-light is checked too."""
    return [code.text for code in zxingcpp.read_barcodes(picture, try_invert=False)]


# terminal QR --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data", [BOOKING_ID, "x", f"https://boxoffice.example/bookings/{BOOKING_ID}", "Zoë 東京"]
)
def test_terminal_qr_scans_back_to_the_data(data: str) -> None:
    lines = qr_lines(data)
    assert set("".join(lines)) <= set(HALVES)
    assert decoded(terminal_picture(lines)) == [data]


def test_terminal_qr_is_segnos_code_with_a_drawn_quiet_zone() -> None:
    lines = qr_lines(BOOKING_ID)
    size = int(segno.make_qr(BOOKING_ID).symbol_size(border=0)[0])
    side = size + 2 * QUIET_ZONE
    assert {len(line) for line in lines} == {side}
    assert len(lines) == (side + 1) // 2  # two modules a line, so it fits 80×24 for a UUID
    assert len(lines) <= 20
    # the quiet zone is drawn light on all four sides, not left to the terminal's background
    assert lines[0] == lines[1] == "█" * side
    *full, last = lines  # odd height: the last line's lower half is the bare background
    assert all(line[:QUIET_ZONE] == line[-QUIET_ZONE:] == "█" * QUIET_ZONE for line in full)
    assert last == "▀" * side
    modules = [[not HALVES[c][half] for c in line] for line in lines for half in (0, 1)]
    expected = [[bool(m) for m in row] for row in segno.make_qr(BOOKING_ID).matrix_iter(border=4)]
    assert modules[:side] == expected


def test_nothing_to_encode_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="needs something to encode"):
        qr_lines("")


# printed tickets ----------------------------------------------------------------------------
def test_one_page_per_seat_saying_what_when_where_which_seat_and_price() -> None:
    tickets = [seated(101, "F", "12"), seated(102, "F", "13"), standing(103)]
    show = event()
    pages = page_texts(render_tickets_pdf(booking(tickets), show, venue()))
    assert len(pages) == 3
    start = show.start_time.astimezone()
    when = f"{start:%a %d %b %Y} · {start:%H:%M} – {show.end_time.astimezone():%H:%M}"
    for number, text in enumerate(pages, start=1):
        for words in ("Jazz at the Lantern", when, "Lantern Hall", "Leeds LS1 4AP", BOOKING_ID):
            assert words in text, (number, words, text)
        assert f"TICKET {number} OF 3" in text
    first, second, floor = pages
    assert "Stalls Centre" in first and "Row F · Seat 12" in first and "£45.00" in first
    assert "Premium" in first and "Row F · Seat 13" in second and "stalls-c" not in first
    assert "101" in first and "102" in second
    assert "The Floor" in floor and "General admission" in floor and "Row" not in floor
    assert "£1,250.50" in floor and "Standing floor" in floor


def test_each_printed_qr_code_scans_as_its_own_ticket() -> None:
    tickets = [seated(101), seated(102, seat="13"), standing(103)]
    pdf = render_tickets_pdf(booking(tickets), event(), venue())
    scanned = [decoded(picture) for picture in printed_pictures(pdf)]
    assert scanned == [[ticket_code(BOOKING_ID, t.ticket_id)] for t in tickets]
    assert all(BOOKING_ID in code and str(t.ticket_id) in code
               for [code], t in zip(scanned, tickets, strict=True))  # fmt: skip


def test_names_outside_latin_1_print_readably_instead_of_crashing() -> None:
    pdf = render_tickets_pdf(
        booking([seated(101)]),
        event("Zoë Keating 🎻 in Łódź"),
        venue("東京 Opera City", "Москва, Őrség"),
    )
    [text] = page_texts(pdf)
    # ë, ó and é are in the core fonts; Ł, ź, Ő, Cyrillic and kanji are transliterated
    assert "Zoë Keating in Lódz" in text
    assert "DongJing Opera City" in text and "Moskva, Orség" in text


def test_a_long_title_is_shortened_to_fit_not_spilled_over_the_qr_code() -> None:
    title = "The Extraordinarily Long and Winding Farewell Tour of Everyone Who Ever Played " * 2
    [text] = page_texts(render_tickets_pdf(booking([seated(101)]), event(title), venue()))
    [title_line] = [line for line in text.splitlines() if line.startswith("The Extra")]
    assert title_line.endswith("…") and len(title_line) < len(title)
    [picture] = printed_pictures(render_tickets_pdf(booking([seated(101)]), event(title), venue()))
    assert decoded(picture) == [ticket_code(BOOKING_ID, 101)]


def test_without_the_layout_section_ids_are_tidied_into_names() -> None:
    plain = VenueRef(venue_id=3, title="Lantern Hall", location="Leeds")
    [text] = page_texts(render_tickets_pdf(booking([seated(101)]), event(), plain))
    assert "Stalls C" in text and "stalls-c" not in text


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [("45", "GBP", "£45.00"), ("1250.5", "EUR", "€1,250.50"), ("30", "CHF", "CHF 30.00")],
)
def test_prices_carry_the_currency_sign_or_code(amount: str, currency: str, shown: str) -> None:
    assert format_price(Decimal(amount), currency) == shown
    [text] = page_texts(
        render_tickets_pdf(
            booking([seated(101).model_copy(update={"price": Decimal(amount)})], currency),
            event(),
            venue(),
        )
    )
    assert shown in text


def test_a_booking_for_another_event_or_with_no_tickets_is_refused() -> None:
    with pytest.raises(ValueError, match="is for event 7, not 8"):
        render_tickets_pdf(
            booking([seated(101)]), event().model_copy(update={"event_id": 8}), venue()
        )
    with pytest.raises(ValueError, match="no tickets"):
        render_tickets_pdf(booking([]), event(), venue())


def test_a_paid_booking_from_the_real_api_prints_its_seats(app: Flask, catalog: Catalog) -> None:
    """Hold and pay on the real server, then print what the receipt screen has in hand."""
    hall = catalog.venue("Lantern Hall", "Leeds", layout=LAYOUT)
    event_id = catalog.event(hall, "Jazz at the Lantern", prices=PRICES).id
    with BoxofficeClient(
        "http://boxoffice.test",
        token=issue_token("ana", JWT_SECRET),
        transport=httpx.WSGITransport(app=app),
    ) as api:
        detail = api.event(event_id)
        ids = {t.seat_id: t.ticket_id for t in detail.tickets}
        held = api.hold(event_id, [ids["stalls-c:F:12"], ids["floor:GA:1"]])
        api.pay(held, CARD)
        paid = api.booking(held.booking_id)
    assert paid.status is BookingStatus.BOOKED
    pdf = render_tickets_pdf(paid, detail.event, detail.venue)
    pages = page_texts(pdf)
    by_section = {t.section: t for t in paid.tickets}
    seat_page = next(p for p in pages if "Stalls Centre" in p)
    floor_page = next(p for p in pages if "The Floor" in p)
    assert "Row F · Seat 12" in seat_page and "£45.00 · Premium" in seat_page
    assert "General admission" in floor_page and "£1,250.50 · Standing floor" in floor_page
    assert all(paid.booking_id in p and "Jazz at the Lantern" in p for p in pages)
    scanned = sorted(code for picture in printed_pictures(pdf) for code in decoded(picture))
    expected = [
        ticket_code(paid.booking_id, by_section[s].ticket_id) for s in ("floor", "stalls-c")
    ]
    assert scanned == sorted(expected)


# delivery -----------------------------------------------------------------------------------
@pytest.fixture
def pdf() -> bytes:
    return render_tickets_pdf(booking([seated(101), standing(102)]), event(), venue())


def test_the_print_command_gets_the_pdf_on_stdin(pdf: bytes, tmp_path: Path) -> None:
    spool = tmp_path / "spool.pdf"
    command = f"sh -c {shlex.quote(f'cat > {shlex.quote(str(spool))}')}"
    message = deliver_tickets(pdf, BOOKING_ID, print_command=command, folder=tmp_path / "saved")
    assert spool.read_bytes() == pdf
    assert message.startswith("Tickets sent to the printer") and "\n" not in message
    assert not (tmp_path / "saved").exists()


def test_a_failing_print_command_says_why_and_saves_the_pdf(pdf: bytes, tmp_path: Path) -> None:
    command = "sh -c 'cat > /dev/null; echo \"lp: printer on fire\" >&2; exit 1'"
    with pytest.raises(TicketDeliveryError) as failed:
        deliver_tickets(pdf, BOOKING_ID, print_command=command, folder=tmp_path)
    saved = tmp_path / f"{BOOKING_ID}.pdf"
    assert saved.read_bytes() == pdf and failed.value.saved_to == saved
    message = str(failed.value)
    assert "exited with status 1: lp: printer on fire" in message and str(saved) in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("no-such-printer-xyz -d box1", "'no-such-printer-xyz' could not be started"),
        ("lp -d 'unclosed", "cannot be read"),
    ],
)
def test_a_print_command_that_cannot_run_still_leaves_the_pdf(
    pdf: bytes, tmp_path: Path, command: str, reason: str
) -> None:
    with pytest.raises(TicketDeliveryError, match=reason) as failed:
        deliver_tickets(pdf, BOOKING_ID, print_command=command, folder=tmp_path)
    assert failed.value.saved_to is not None and failed.value.saved_to.read_bytes() == pdf


def test_a_hung_printer_times_out(pdf: bytes, tmp_path: Path) -> None:
    with pytest.raises(TicketDeliveryError, match=r"did not finish within 0\.5 s"):
        deliver_tickets(pdf, BOOKING_ID, print_command="sleep 5", folder=tmp_path, timeout=0.5)
    assert (tmp_path / f"{BOOKING_ID}.pdf").read_bytes() == pdf


def test_without_a_print_command_the_pdf_lands_in_the_folder(pdf: bytes, tmp_path: Path) -> None:
    folder = tmp_path / "tickets" / "today"
    message = deliver_tickets(pdf, BOOKING_ID, print_command=None, folder=folder)
    saved = folder / f"{BOOKING_ID}.pdf"
    assert saved.read_bytes() == pdf and message == f"Tickets saved to {saved}"
    assert [p.name for p in folder.iterdir()] == [saved.name]  # no temporary file left behind
    assert deliver_tickets(pdf, "../../escape", print_command="  ", folder=folder).startswith(
        f"Tickets saved to {folder}/"
    )
    assert not (tmp_path / "escape.pdf").exists()


def test_a_folder_that_cannot_be_written_is_a_readable_error(pdf: bytes, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(TicketDeliveryError, match="Could not save the tickets: Not a directory"):
        deliver_tickets(pdf, BOOKING_ID, print_command=None, folder=blocker / "tickets")
    with pytest.raises(TicketDeliveryError, match=r"printer on fire.*could not be saved either"):
        deliver_tickets(
            pdf,
            BOOKING_ID,
            print_command="sh -c 'echo printer on fire >&2; exit 2'",
            folder=blocker / "tickets",
        )
