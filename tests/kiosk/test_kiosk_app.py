"""The kiosk app driven like a person would drive it (keys, Pilot), against a live server on
the real databases: search, venue, event, seats, hold, pay, receipt, and what goes wrong."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import Catalog
from kiosk_app_helpers import screen_text, settle, text_of, wait_for
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen, HoldScreen, HomeScreen, ReceiptScreen, VenueScreen
from kiosk.app.screens.attract import AttractScreen
from kiosk.app.screens.dialogs import CashDialog
from kiosk.app.seatmap import SeatMapView
from kiosk.app.widgets import EventTable, PaymentForm
from server.cli import main
from shared.client import BoxofficeClient
from shared.models import BookingStatus, EventPage, TicketInfo

Scenario = Callable[[Pilot[Any]], Awaitable[None]]
SIZE = (100, 32)


def drive(app: KioskApp, scenario: Scenario) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(run())


async def open_event(pilot: Pilot[Any], event_id: int) -> EventScreen:
    """Straight to an event's seat map (the search and venue tests walk there by keys)."""
    screen = EventScreen(event_id)
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.detail is not None, "the seat map")
    return screen


async def pick_seats(pilot: Pilot[Any], count: int) -> tuple[TicketInfo, ...]:
    """Space on the seat under the cursor, then the seats to its right."""
    seat_map = pilot.app.screen.query_one(SeatMapView)
    seat_map.focus()
    for n in range(count):
        if n:
            await pilot.press("right")
        await pilot.press("space")
    await pilot.pause()
    assert len(seat_map.selected) == count
    return seat_map.selected


async def hold_seats(pilot: Pilot[Any], count: int) -> HoldScreen:
    await pick_seats(pilot, count)
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold screen")
    assert isinstance(pilot.app.screen, HoldScreen)
    return pilot.app.screen


async def type_card(pilot: Pilot[Any], number: str, expiry: str = "", cvc: str = "123") -> None:
    """Type into the three fields as a cashier would, Enter after each."""
    expiry = expiry or (datetime.now(UTC) + timedelta(days=400)).strftime("%m/%y")
    screen = pilot.app.screen
    for field, value in (("#number", number), ("#expiry", expiry), ("#cvc", cvc)):
        screen.query_one(field, Input).focus()
        screen.query_one(field, Input).value = ""
        await pilot.press(*value, "enter")


def notices(pilot: Pilot[Any]) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in pilot.app._notifications)


# search and browsing --------------------------------------------------------------------------
def test_search_as_you_type_finds_events_and_checks_the_dates(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    venue = catalog.venue("Alder Hall", "York")
    catalog.event(venue, "Jazz Night", days=3)
    catalog.event(venue, "Poetry Reading", days=5)

    async def scenario(pilot: Pilot[Any]) -> None:
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        results = home.query_one(EventTable)
        await wait_for(pilot, lambda: results.row_count == 2, "every upcoming event")
        assert searches == [None]
        await pilot.press(*"jaz")  # the search box has the focus from the start
        await wait_for(pilot, lambda: results.row_count == 1, "the search to narrow")
        # One search when typing paused, not one a key; the unfinished word is a prefix.
        assert searches == [None, "jaz*"]
        row = [str(cell) for cell in results.get_row_at(0)]
        assert row[1:] == ["Jazz Night", "Alder Hall, York"]
        assert "1 event matching “jaz”" in text_of(pilot.app, "#search-status")

        home.query_one("#from", Input).value = "2030-13-01"
        await wait_for(
            pilot, lambda: "From: write" in text_of(pilot.app, "#search-status"), "a date error"
        )
        assert results.row_count == 1  # nothing was sent with a date that is not a date
        far = (datetime.now(UTC) + timedelta(days=400)).date()
        home.query_one("#from", Input).value = far.isoformat()
        home.query_one("#to", Input).value = (far - timedelta(days=1)).isoformat()
        await wait_for(
            pilot,
            lambda: "To is before From" in text_of(pilot.app, "#search-status"),
            "an order error",
        )
        home.query_one("#to", Input).value = ""
        await wait_for(pilot, lambda: results.row_count == 0, "no events that far ahead")
        assert "No events matching “jaz” from" in text_of(pilot.app, "#search-status")

        home.query_one("#from", Input).value = ""
        await wait_for(pilot, lambda: results.row_count == 1, "jazz again")
        home.query_one("#search", Input).focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, EventScreen), "the event")
        event = pilot.app.screen
        await wait_for(pilot, lambda: event.detail is not None, "the seat map")
        assert text_of(pilot.app, "#event-title") == "Jazz Night"
        assert "Alder Hall, York" in text_of(pilot.app, "#event-when")
        assert text_of(pilot.app, "#event-prices") == "Prices: Front £40.00   Back £25.50"
        assert "Home › Jazz Night" in text_of(pilot.app, "#top-bar")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)

    app = make_app()
    searches: list[str | None] = []
    search_page = app.api.search_page

    def counted(query: str | None = None, **params: Any) -> EventPage:
        searches.append(query)
        return search_page(query, **params)

    app.api.search_page = counted  # type: ignore[method-assign]
    drive(app, scenario)


def test_a_venue_lists_its_own_upcoming_events(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    alder, birch = catalog.venue("Alder Hall", "York"), catalog.venue("Birch Hall", "Hull")
    catalog.event(alder, "Jazz Night", days=2)
    catalog.event(birch, "Folk Night", days=1)
    catalog.event(birch, "Brass Band", days=4)

    async def scenario(pilot: Pilot[Any]) -> None:
        venues = pilot.app.screen.query_one("#venues", DataTable)
        await wait_for(pilot, lambda: venues.row_count == 2, "the venues")
        venues.focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, VenueScreen), "the venue")
        table = pilot.app.screen.query_one(EventTable)
        await wait_for(pilot, lambda: table.row_count == 2, "the venue's events")
        assert [str(table.get_row_at(n)[1]) for n in range(2)] == ["Folk Night", "Brass Band"]
        assert "Hull" in screen_text(pilot.app)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, EventScreen), "the event")
        await wait_for(
            pilot, lambda: "Brass Band" in text_of(pilot.app, "#event-title"), "its title"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, VenueScreen)

    drive(make_app(), scenario)


# the purchase ---------------------------------------------------------------------------------
def test_seats_held_then_paid_by_card_give_a_receipt(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue(), "Jazz Night").id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        picked = await pick_seats(pilot, 2)
        names = [f"Stalls {t.row}{t.seat_number}" for t in picked]
        side = text_of(pilot.app, "#selection")
        assert all(name in side for name in names)
        assert "2 seats" in text_of(pilot.app, "#total")

        hold = await hold_seats_already_picked(pilot)
        countdown = text_of(pilot.app, "#countdown")
        assert countdown in {"Seats held for 05:00", "Seats held for 04:59", "Seats held for 04:58"}
        await pilot.pause(1.2)
        assert text_of(pilot.app, "#countdown") != countdown  # it is live
        assert "2 extensions left" in text_of(pilot.app, "#extensions")

        await type_card(pilot, "4242 4242 4242 4242")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen), "the receipt")
        receipt = text_of(pilot.app, "#booking-id")
        assert receipt == hold.booking.booking_id
        details = text_of(pilot.app, "#receipt-details")
        assert all(t.seat_number in details for t in picked) and "Jazz Night" in details
        assert "█" in text_of(pilot.app, "#qr")
        booking = connect("kiosk-box-office").booking(hold.booking.booking_id)
        assert booking.status is BookingStatus.BOOKED
        assert sorted(t.ticket_id for t in booking.tickets) == sorted(t.ticket_id for t in picked)
        assert pilot.app.active_hold is None

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(make_app(), scenario)


async def hold_seats_already_picked(pilot: Pilot[Any]) -> HoldScreen:
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold screen")
    assert isinstance(pilot.app.screen, HoldScreen)
    return pilot.app.screen


def test_a_declined_card_says_why_and_keeps_the_seats_held(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 1)
        form = hold.query_one(PaymentForm)
        await type_card(pilot, "4000 0000 0000 0002")
        await wait_for(pilot, lambda: "Declined" in form.form_error, "the decline")
        assert "Your card was declined." in form.form_error  # the processor's reason
        assert "still held" in form.form_error and "or take cash" in form.form_error
        assert pilot.app.screen is hold
        assert not hold.query_one("#pay", Button).disabled
        booking = connect("kiosk-box-office").booking(hold.booking.booking_id)
        assert booking.status is BookingStatus.PENDING

        await type_card(pilot, "4242 4242 4242 4242")  # another card, same hold
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen), "the receipt")

    drive(make_app(), scenario)


def test_card_details_are_checked_before_anything_is_sent(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 1)
        await type_card(pilot, "4242 4242 4242 4241", "01/20", "12")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "Not a valid card number: check the digits." in text
        assert "This card has expired." in text
        assert "3 or 4 digits, on the back of the card." in text
        assert pilot.app.screen is hold and pilot.app.focused is hold.query_one("#number")
        # nothing reached the server: the hold is untouched and no payment was tried
        booking = connect("kiosk-box-office").booking(hold.booking.booking_id)
        assert booking.status is BookingStatus.PENDING

    drive(make_app(), scenario)


def test_cash_is_taken_at_the_box_office_with_the_change_due(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 2)
        total = hold.booking.price
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CashDialog)
        await pilot.press("1")
        await pilot.pause()
        assert "short of the total" in screen_text(pilot.app)
        await pilot.press("0", "0")
        await pilot.pause()
        assert f"Change due: £{100 - total:.2f}" in screen_text(pilot.app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen), "the receipt")
        assert f"change £{100 - total:.2f}" in text_of(pilot.app, "#receipt-details")
        booking = connect("kiosk-box-office").booking(hold.booking.booking_id)
        assert booking.status is BookingStatus.BOOKED

    drive(make_app(), scenario)


def test_a_self_service_kiosk_takes_no_cash(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 1)
        assert not hold.query("#cash")
        await pilot.press("f4")
        await pilot.pause()
        assert pilot.app.screen is hold
        assert "Cash" not in str(pilot.app.screen.active_bindings.keys())
        await type_card(pilot, "4000 0000 0000 0002")
        form = hold.query_one(PaymentForm)
        await wait_for(pilot, lambda: "Declined" in form.form_error, "the decline")
        assert "cash" not in form.form_error

    drive(make_app("kiosk"), scenario)


def test_seats_someone_else_took_are_named_and_the_map_refreshed(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = await open_event(pilot, event_id)
        first, second = await pick_seats(pilot, 2)
        connect("faster").hold(event_id, [second.ticket_id])
        await pilot.press("h")
        await wait_for(pilot, lambda: "Seats just taken" in notices(pilot), "the conflict")
        assert (
            f"Someone was faster: Stalls {second.row}{second.seat_number} is no longer free"
            in notices(pilot)
        )
        assert pilot.app.screen is screen
        seat_map = screen.query_one(SeatMapView)
        await wait_for(pilot, lambda: seat_map.selected == (first,), "the taken seat to drop")
        assert f"Stalls {second.row}{second.seat_number}" not in text_of(pilot.app, "#selection")
        await pilot.press("h")  # what is left can still be held
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")

    drive(make_app(), scenario)


def test_extending_the_hold_until_no_extensions_are_left(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 1)
        before = hold.booking.expires_at
        await pilot.press("f2")
        await wait_for(pilot, lambda: hold.booking.extensions_left == 1, "the extension")
        assert hold.booking.expires_at >= before + timedelta(seconds=110)
        assert text_of(pilot.app, "#extensions") == "1 extension left"
        assert re.fullmatch(r"Seats held for 0(6:5\d|7:00)", text_of(pilot.app, "#countdown"))
        await pilot.press("f2")
        await wait_for(pilot, lambda: hold.booking.extensions_left == 0, "the second extension")
        assert text_of(pilot.app, "#extensions") == "No extensions left"
        assert hold.query_one("#extend", Button).disabled

    drive(make_app(), scenario)


def test_release_goes_back_to_the_map_with_the_seats_free_again(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 2)
        await pilot.press("escape")  # asks first
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: pilot.app.screen is screen, "the map")
        booking = connect("kiosk-box-office").booking(hold.booking.booking_id)
        assert booking.status is BookingStatus.CANCELLED
        assert pilot.app.active_hold is None

    drive(make_app(), scenario)


def test_best_available_holds_seats_side_by_side(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("backspace", "3", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")
        tickets = pilot.app.screen.booking.tickets
        assert len(tickets) == 3 and len({t.row for t in tickets}) == 1
        numbers = sorted(int(t.seat_number) for t in tickets)
        assert numbers == list(range(numbers[0], numbers[0] + 3))

    drive(make_app(), scenario)


def test_best_available_says_when_there_are_no_seats_together(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id
    other = connect("other")
    front = [t.ticket_id for t in other.event(event_id).tickets if t.seat_id == "stalls:A:5"]
    other.hold(event_id, front)  # row A now has 4 and 5 free side by side; rows B, C have 5

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = await open_event(pilot, event_id)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("backspace", "6", "enter")
        await wait_for(pilot, lambda: "No seats together" in notices(pilot), "the refusal")
        assert "no 6 adjacent seats" in notices(pilot) and "nothing was held" in notices(pilot)
        assert pilot.app.screen is screen and pilot.app.active_hold is None

    drive(make_app(), scenario)


def test_tickets_are_saved_as_a_pdf_from_the_receipt(
    catalog: Catalog, make_app: Callable[..., KioskApp], tmp_path: Path
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 2)
        await type_card(pilot, "4242 4242 4242 4242")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen), "the receipt")
        await pilot.press("p")
        await wait_for(pilot, lambda: "saved" in text_of(pilot.app, "#delivery"), "the PDF")
        pdf = tmp_path / "tickets" / f"{hold.booking.booking_id}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")

    drive(make_app(), scenario)


# robustness -----------------------------------------------------------------------------------
def test_a_kiosk_left_alone_lets_the_hold_go_and_starts_over(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_event(pilot, event_id)
        hold = await hold_seats(pilot, 2)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AttractScreen), "the reset", 6)
        own = connect("kiosk-kiosk")
        await wait_for(
            pilot,
            lambda: own.booking(hold.booking.booking_id).status is BookingStatus.CANCELLED,
            "the release",
        )

    drive(make_app("kiosk", idle_seconds=2), scenario)


def test_an_unreachable_server_shows_a_banner_and_retries() -> None:
    client = BoxofficeClient("http://127.0.0.1:9", retries=0)
    app = KioskApp(client, "box-office")

    async def scenario(pilot: Pilot[Any]) -> None:
        await wait_for(
            pilot, lambda: "Cannot reach the server" in text_of(pilot.app, "#banner"), "the banner"
        )
        banner = text_of(pilot.app, "#banner")
        assert "Server unavailable" in banner and "Trying again in" in banner
        assert "Traceback" not in screen_text(pilot.app)
        await pilot.press("f5")
        await pilot.pause()
        assert "Trying again" in text_of(pilot.app, "#banner")
        assert isinstance(pilot.app.screen, HomeScreen)

    try:
        drive(app, scenario)
    finally:
        client.close()


def test_the_kiosk_command_needs_a_token(live_server: str) -> None:
    result = CliRunner().invoke(
        main, ["kiosk", "--server", live_server], env={"BOXOFFICE_TOKEN": ""}
    )
    assert result.exit_code == 2
    assert result.stderr == "error: set BOXOFFICE_TOKEN (boxoffice token USER prints one)\n"
    bad = CliRunner().invoke(main, ["kiosk", "--mode", "shop"], env={"BOXOFFICE_TOKEN": "x"})
    assert bad.exit_code == 2 and "'shop' is not one of 'box-office', 'kiosk'" in bad.stderr
    for idle in ("soon", "0", "-5", "nan"):
        wrong = CliRunner().invoke(
            main,
            ["kiosk", "--server", live_server],
            env={"BOXOFFICE_TOKEN": "x", "BOXOFFICE_KIOSK_IDLE_SECONDS": idle},
        )
        assert wrong.exit_code == 2, wrong.output
        assert (
            f"BOXOFFICE_KIOSK_IDLE_SECONDS must be a number of seconds above 0, not {idle!r}"
            in wrong.stderr
        )
