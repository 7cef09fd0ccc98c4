"""What each screen looks like at 80×24, on fixed data and a frozen clock (a small in-memory
stand-in for the server; the purchase itself is tested against a live one). Update with
``pytest --snapshot-update`` and look at the pictures before accepting them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from kiosk_app_helpers import FixedBoxoffice, frozen_clock, settle
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen
from kiosk.app.settings import Mode

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in the terminal's zone: make it the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def kiosk(mode: Mode = "box-office") -> KioskApp:
    return KioskApp(FixedBoxoffice(), mode, clock=frozen_clock)


async def steady(pilot: Pilot[Any]) -> None:
    """Workers done, cursors still."""
    await settle(pilot, 0.4)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def to_event(pilot: Pilot[Any]) -> None:
    await steady(pilot)
    await pilot.app.push_screen(EventScreen(1))
    await steady(pilot)


async def to_hold(pilot: Pilot[Any]) -> None:
    await to_event(pilot)
    await pilot.press("space", "right", "space", "h")
    await steady(pilot)


class TestHomeScreen:
    def test_search_results(self, snap_compare: Any) -> None:
        """The venues on the left; "jazz" typed, two showings found with time and venue; the
        date fields and the keys (Esc clear, F2 all dates, ^q quit) visible."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            await pilot.press(*"jazz")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)

    def test_a_date_that_is_not_a_date(self, snap_compare: Any) -> None:
        """The From field marked red and the line under it saying how to write a date."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            await pilot.press("tab", *"2030-13-01")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)


class TestVenueScreen:
    def test_programme(self, snap_compare: Any) -> None:
        """The Tiny Room's two events, with the trail Home › The Tiny Room at the top."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            pilot.app.screen.query_one("#venues").focus()
            await pilot.press("enter")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)


class TestShowingsScreen:
    def test_touring_show(self, snap_compare: Any) -> None:
        """Jazz Night at two venues, with seats left; the first one highlighted."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            await pilot.press(*"jazz")
            await steady(pilot)
            await pilot.press("down", "f2")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)


class TestEventScreen:
    def test_two_seats_selected(self, snap_compare: Any) -> None:
        """Title, time, venue and prices; the map with booked, held and two selected seats;
        the selection with prices and the total; Hold and Best available."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("space", "right", "space")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)

    def test_best_available_dialog(self, snap_compare: Any) -> None:
        """How many seats (2) and the price categories with their prices."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("b")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)


class TestHoldScreen:
    def test_box_office(self, snap_compare: Any) -> None:
        """The seats and total, 05:00 left, two extensions, the card form with Pay and Cash."""
        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=to_hold)

    def test_card_mistakes(self, snap_compare: Any) -> None:
        """A wrong check digit, an impossible month and a short CVC, each said under its field."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_hold(pilot)
            await pilot.press(*"4242424242424241", "enter", *"13/30", "enter", *"12", "enter")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)

    def test_self_service_has_no_cash(self, snap_compare: Any) -> None:
        """Kiosk mode: Pay by card only, no Cash button and no F4 in the footer."""
        assert snap_compare(kiosk("kiosk"), terminal_size=SIZE, run_before=to_hold)


class TestReceiptScreen:
    def test_paid_in_cash(self, snap_compare: Any) -> None:
        """Booking ID, event, seats, cash received and change, the QR code, Print and New sale."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_hold(pilot)
            await pilot.press("f4")
            await steady(pilot)
            await pilot.press(*"100", "enter")
            await steady(pilot)

        assert snap_compare(kiosk(), terminal_size=SIZE, run_before=run_before)
