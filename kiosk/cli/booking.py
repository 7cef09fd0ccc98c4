"""``boxoffice hold|pay|release|booking``: buy seats from a script, one command per step, each
saying what to run next."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kiosk.cli._common import (
    SIGNED_IN,
    console,
    echo_json,
    json_option,
    money,
    open_client,
    server_option,
    when,
)
from kiosk.cli._errors import BoxofficeCommand, CliError, ExitCode, labelled
from kiosk.cli._seats import is_ticket_id, resolve_seats, seat_label
from shared.client import BoxofficeClient
from shared.errors import BoxofficeError, SeatsUnavailable
from shared.models import BookingInfo, BookingStatus, EventSeatSummary

__all__ = ["TEST_CARDS", "booking", "hold", "pay", "release"]

#: The simulated processor's test cards; for these alone ``pay`` fills in expiry and CVC.
TEST_CARDS = frozenset(
    {"4242424242424242", "4000000000000002", "4000000000009995", "4000000000000077"}
)


#: Booking IDs are UUIDs today; refusing ``/``, ``?``, ``..`` keeps a typo off other endpoints.
_BOOKING_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _booking_id(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not _BOOKING_ID.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a booking ID")
    return value


@click.command(cls=BoxofficeCommand, epilog=SIGNED_IN)
@click.argument("event_id", type=click.IntRange(min=1))
@click.argument("seats", nargs=-1, metavar="[SEAT...]")
@click.option("--section", help="Section (id or name) for a label that is in several.")
@click.option(
    "--best",
    type=click.IntRange(1, 10),
    metavar="N",
    help="Let the server pick the best N adjacent seats instead of naming them.",
)
@click.option("--category", metavar="C", help="With --best: only seats of price category C.")
@server_option
@json_option
def hold(
    event_id: int,
    seats: tuple[str, ...],
    section: str | None,
    best: int | None,
    category: str | None,
    server: str,
    as_json: bool,
) -> None:
    """Hold up to 10 seats of EVENT_ID for a few minutes, all or none.

    SEAT is a label (A12), a range in one row (B12-15), a seat ID (stalls:A:12) or a ticket
    ID (1234). Or --best N: the server picks N seats side by side, best first. --json prints
    the booking.
    """
    _check_hold_usage(seats, section, best, category)
    with open_client(server, signed_in=True) as client:
        if best is not None:
            info = client.hold_best(event_id, best, category)
        else:
            info = _hold_seats(client, event_id, seats, section)
        if as_json:
            echo_json(info)
            return
        event = _event_or_none(client, event_id)
    out = console()
    count = len(info.tickets)
    out.print(f"Held {count} seat{'s' if count != 1 else ''}: {_seats(info)}", soft_wrap=True)
    _print_booking(out, info, event)
    out.print("Next, pay before the hold runs out (or let the seats go):")
    for command in (
        f"pay {info.booking_id} --card NUMBER --expiry MM/YY --cvc NNN",
        f"pay {info.booking_id} --cash",
        f"release {info.booking_id}",
    ):
        out.print(f"  boxoffice {command}", soft_wrap=True)


def _hold_seats(
    client: BoxofficeClient, event_id: int, seats: tuple[str, ...], section: str | None
) -> BookingInfo:
    """Hold the seats named by label, range, seat ID or ticket ID."""
    labels: dict[int, str] = {}
    if section is None and all(is_ticket_id(seat) for seat in seats):
        ticket_ids = list(dict.fromkeys(int(seat) for seat in seats))
    else:
        detail = client.event(event_id)
        chosen = resolve_seats(
            seats,
            detail.tickets,
            event_id=event_id,
            section=section,
            section_names=_area_names(detail.venue.seating_arrangement),
        )
        ticket_ids = [ticket.ticket_id for ticket in chosen]
        labels = {ticket.ticket_id: seat_label(ticket) for ticket in chosen}
    try:
        return client.hold(event_id, ticket_ids)
    except SeatsUnavailable as error:
        raise CliError(
            f"seats taken: {labelled(error.ticket_ids, labels)}; nothing was held",
            ExitCode.CONFLICT,
        ) from None


def _check_hold_usage(
    seats: tuple[str, ...], section: str | None, best: int | None, category: str | None
) -> None:
    """Seats named, or --best N: exactly one of the two, each with its own options."""
    if best is None:
        if not seats:
            raise CliError("hold needs SEAT... or --best N", ExitCode.USAGE)
        if category is not None:
            raise CliError("--category goes with --best N", ExitCode.USAGE)
        return
    if seats:
        raise CliError("give SEAT... or --best N, not both", ExitCode.USAGE)
    if section is not None:
        raise CliError("--section goes with SEAT labels, not with --best", ExitCode.USAGE)


@click.command(cls=BoxofficeCommand, epilog=SIGNED_IN)
@click.argument("booking_id", callback=_booking_id)
@click.option("--card", metavar="NUMBER", help="Card number.")
@click.option("--expiry", metavar="MM/YY", help="Card expiry (filled in for test cards).")
@click.option("--cvc", metavar="NNN", help="Card security code (filled in for test cards).")
@click.option("--cash", is_flag=True, help="Paid in cash at the box office.")
@server_option
@json_option
def pay(
    booking_id: str,
    card: str | None,
    expiry: str | None,
    cvc: str | None,
    cash: bool,
    server: str,
    as_json: bool,
) -> None:
    """Pay for a held booking by --card or --cash; paying twice charges once."""
    details = _payment_details(card, expiry, cvc, cash)
    with open_client(server, signed_in=True) as client:
        result = client.pay(booking_id, details)
        if as_json:
            echo_json(result)
            return
        info = client.booking(booking_id)
        event = _event_or_none(client, info.event_id)
    out = console()
    out.print(f"Paid: {_seats(info)}", soft_wrap=True)
    _print_booking(out, info, event)


def _payment_details(
    card: str | None, expiry: str | None, cvc: str | None, cash: bool
) -> dict[str, str]:
    if cash == (card is not None):
        raise CliError("pay needs either --card NUMBER or --cash", ExitCode.USAGE)
    if card is None:
        if expiry or cvc:
            raise CliError("--expiry and --cvc go with --card, not --cash", ExitCode.USAGE)
        return {"method": "cash"}
    if card.replace(" ", "") in TEST_CARDS:
        expiry = expiry or f"12/{(date.today().year + 1) % 100:02d}"
        cvc = cvc or "123"
    if not (expiry and cvc):
        raise CliError("--card needs --expiry MM/YY and --cvc NNN", ExitCode.USAGE)
    return {"method": "card", "cardNumber": card, "expiry": expiry, "cvc": cvc}


@click.command(cls=BoxofficeCommand, epilog=SIGNED_IN)
@click.argument("booking_id", callback=_booking_id)
@server_option
@json_option
def release(booking_id: str, server: str, as_json: bool) -> None:
    """Let a held booking's seats go now (a paid booking stays)."""
    with open_client(server, signed_in=True) as client:
        client.release(booking_id)
        info = client.booking(booking_id)
    if as_json:
        echo_json(info)
        return
    console().print(
        f"Released booking {info.booking_id}: {_seats(info)} are free again.", soft_wrap=True
    )


@click.command(cls=BoxofficeCommand, epilog=SIGNED_IN)
@click.argument("booking_id", callback=_booking_id)
@server_option
@json_option
def booking(booking_id: str, server: str, as_json: bool) -> None:
    """Show one of your bookings: status, seats, total, and until when it is held."""
    with open_client(server, signed_in=True) as client:
        info = client.booking(booking_id)
        if as_json:
            echo_json(info)
            return
        event = _event_or_none(client, info.event_id)
    _print_booking(console(), info, event)


def _area_names(arrangement: dict[str, Any]) -> dict[str, str]:
    """Names of the sections and standing areas of a stored seat map, by id."""
    areas = [*arrangement.get("sections", []), *arrangement.get("generalAdmission", [])]
    return {str(area["id"]): str(area.get("name", area["id"])) for area in areas}


def _event_or_none(client: BoxofficeClient, event_id: int) -> EventSeatSummary | None:
    """The event, to say what a booking is for; a booking is still worth showing without."""
    try:
        return client.event_summary(event_id)
    except BoxofficeError:
        return None


def _seats(info: BookingInfo) -> str:
    return ", ".join(seat_label(ticket) for ticket in info.tickets)


def _remaining(moment: datetime) -> str:
    seconds = int((moment - datetime.now(UTC)).total_seconds())
    if seconds <= 0:
        return "ran out"
    minutes, seconds = divmod(seconds, 60)
    return f"in {minutes} min {seconds} s" if minutes else f"in {seconds} s"


def _print_booking(out: Console, info: BookingInfo, event: EventSeatSummary | None) -> None:
    status = info.status.value
    if info.status is BookingStatus.PENDING:
        left = f"{info.extensions_left} extension{'s' if info.extensions_left != 1 else ''} left"
        held_until = info.expires_at.astimezone().strftime("%H:%M:%S")
        status += f", held until {held_until} ({_remaining(info.expires_at)}; {left})"
    elif info.confirmed_at is not None and info.status is BookingStatus.BOOKED:
        status += f" on {when(info.confirmed_at)}"
    rows = [("Booking", info.booking_id), ("Status", status)]
    if event is not None:
        rows += [
            ("Event", f"{event.event.title} (event {info.event_id})"),
            ("When", when(event.event.start_time)),
            ("Venue", f"{event.venue.title}, {event.venue.location}"),
        ]
    else:
        rows.append(("Event", str(info.event_id)))
    rows.append(("Total", money(info.price, info.currency)))
    for name, value in rows:
        out.print(Text.assemble((f"{name:<8}", "bold"), " ", value), soft_wrap=True)
    sections = {s.section: s.name for s in event.sections} if event else {}
    categories = {p.category: p.name for p in event.event.prices} if event else {}
    seats = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in ("Seat", "Section", "Category", "Ticket", "Price"):
        seats.add_column(column, justify="right" if column in {"Ticket", "Price"} else "left")
    for ticket in info.tickets:
        seats.add_row(
            seat_label(ticket),
            sections.get(ticket.section, ticket.section),
            categories.get(ticket.category, ticket.category),
            str(ticket.ticket_id),
            money(ticket.price),
        )
    out.print(seats)
