"""What the other ways of choosing seats look like at 80×24, on fixed data and a frozen clock:
the seat list (L) and seats typed at the box office (T). Update with ``pytest
--snapshot-update`` and look at the pictures before accepting them."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from conftest import TINY_LAYOUT, TINY_PRICES
from kiosk_app_helpers import FixedBoxoffice, frozen_clock, settle
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen
from shared.models import SeatStatus, TicketInfo
from shared.seatmap import parse_seatmap

SIZE = (80, 24)

#: The tiny room, with a wheelchair space (A10), its companion seat (A9) and restricted views.
ROOM = copy.deepcopy(TINY_LAYOUT)
ROOM["sections"][0]["rows"][0] |= {"accessible": "10", "companion": "9"}
ROOM["sections"][0]["rows"][1] |= {"obstructed": "1"}


class RoomWithFeatures(FixedBoxoffice):
    """The in-memory stand-in, its room with seats for wheelchairs and restricted views."""

    def __init__(self) -> None:
        super().__init__()
        self.tiny = self.tiny.model_copy(update={"seating_arrangement": ROOM})
        taken = {t.seat_id: t.ticket_status for t in self.tickets}
        self.tickets = [
            TicketInfo(
                ticket_id=n,
                seat_id=seat.seat_id,
                seat_number=seat.label,
                section=seat.section,
                row=seat.row,
                category=seat.category,
                price=Decimal(TINY_PRICES[seat.category]),
                ticket_status=taken.get(seat.seat_id, SeatStatus.AVAILABLE),
            )
            for n, seat in enumerate(parse_seatmap(ROOM).places(), start=1)
        ]


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in the terminal's zone: make it the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def box_office() -> KioskApp:
    return KioskApp(RoomWithFeatures(), "box-office", clock=frozen_clock)


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


class TestSeatList:
    def test_free_seats_with_two_picked(self, snap_compare: Any) -> None:
        """The list instead of the map: section and price filters, how many are free, a row
        per free seat (A1 and A2, booked, are not there) with its row, seat, price and features
        (A9 companion seat, A10 wheelchair, B1 restricted view); A3
        and A5 picked (✓) and on the right with their total; the footer says Space picks, S
        sorts and L goes back to the map."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("l")
            await steady(pilot)
            await pilot.press("space", "down", "down", "space")
            await steady(pilot)

        assert snap_compare(box_office(), terminal_size=SIZE, run_before=run_before)


class TestTypedSeats:
    def test_seats_typed_and_chosen(self, snap_compare: Any) -> None:
        """B2-4 typed: "Chosen: Stalls B2, B3, B4." under the box, the three seats ticked on
        the map and listed on the right with the total; the box is empty again."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("t", *"B2-4", "enter")
            await steady(pilot)

        assert snap_compare(box_office(), terminal_size=SIZE, run_before=run_before)

    def test_seats_that_cannot_be_had(self, snap_compare: Any) -> None:
        """A1 (booked), B7 (held) and Z9 (no such seat) typed: nothing chosen, and the line in
        red under the box names each of them and why; what was typed stays, to correct it."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("t", *"A1 B7 Z9", "enter")
            await steady(pilot)

        assert snap_compare(box_office(), terminal_size=SIZE, run_before=run_before)
