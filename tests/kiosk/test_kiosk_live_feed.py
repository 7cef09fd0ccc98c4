"""How the seat map takes live changes, with the in-memory server (the real stream is in
``test_kiosk_live_seats.py``): an on-sale's burst shown in a few batches, a lost stream as the
server-down banner that retries, and a snapshot of the highlight on seats that just changed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from kiosk_app_helpers import (
    FixedBoxoffice,
    QuietStream,
    frozen_clock,
    screen_text,
    settle,
    text_of,
    wait_for,
)
from textual.message import Message
from textual.pilot import Pilot

from kiosk.app.app import KioskApp
from kiosk.app.live import SeatFeed
from kiosk.app.screens import EventScreen
from kiosk.app.seatmap import MARKS, Mark, SeatMapView
from shared.errors import ServiceUnavailable
from shared.models import Channel, SeatChange, SeatChangeKind

SIZE = (80, 24)
LOST = "Lost the seat stream from http://kiosk.example: [Errno 104] Connection reset by peer."


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in the terminal's zone: make it the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def change(number: int, kind: SeatChangeKind, *ticket_ids: int) -> SeatChange:
    return SeatChange(
        id=f"1700000000000-{number}",
        kind=kind,
        event_id=1,
        ticket_ids=list(ticket_ids),
        channel=None if kind is SeatChangeKind.EXPIRED else Channel.API,
    )


def ticket_id(api: FixedBoxoffice, seat_id: str) -> int:
    return next(t.ticket_id for t in api.tickets if t.seat_id == seat_id)


async def open_map(pilot: Pilot[Any], api: FixedBoxoffice) -> QuietStream:
    await settle(pilot)
    await pilot.app.push_screen(EventScreen(1))
    await settle(pilot, 0.2)
    await wait_for(pilot, lambda: bool(api.streams), "the stream to open")
    return api.streams[-1]


def test_a_burst_of_changes_is_shown_in_a_few_batches_ending_as_the_server_says() -> None:
    """An on-sale sends hundreds of changes a second: the map takes them together."""
    api = FixedBoxoffice()
    batches: list[int] = []

    def count(message: Message) -> None:
        if isinstance(message, SeatFeed.SeatsChanged):
            batches.append(len(message.changes))

    seats = [ticket_id(api, f"stalls:C:{n}") for n in range(1, 10)]
    burst = [
        change(n, SeatChangeKind.HELD if n % 2 == 0 else SeatChangeKind.RELEASED, seats[n % 9])
        for n in range(300)
    ]
    # the last word on each seat: released for seats[n % 9] with odd n last, ...
    last = {seats[n % 9]: burst[n].kind for n in range(300)}

    async def run() -> None:
        app = KioskApp(api, "box-office", clock=frozen_clock)
        async with app.run_test(size=SIZE, message_hook=count) as pilot:
            stream = await open_map(pilot, api)
            for each in burst:
                stream.send(each)
            await wait_for(pilot, lambda: sum(batches) == 300, "the burst")
            await settle(pilot, 0.3)
            assert len(batches) <= 3, batches
            seat_map = pilot.app.screen.query_one(SeatMapView)
            held, free = MARKS[Mark.HELD].glyph, MARKS[Mark.AVAILABLE].glyph
            for n, ticket in enumerate(seats, start=1):
                seat_map.move_cursor_to(f"stalls:C:{n}")
                await pilot.pause()
                kind = last[ticket]
                words = "held by someone else" if kind is SeatChangeKind.HELD else "available"
                assert words in seat_map.status_text, (n, kind, seat_map.status_text)
            assert held != free

    asyncio.run(run())


def test_a_lost_stream_shows_the_server_banner_and_follows_again_on_retry() -> None:
    api = FixedBoxoffice()

    async def run() -> None:
        app = KioskApp(api, "box-office", clock=frozen_clock)
        async with app.run_test(size=SIZE) as pilot:
            stream = await open_map(pilot, api)
            stream.fail(ServiceUnavailable(LOST))
            await wait_for(pilot, lambda: "Lost the seat stream" in text_of(app, "#banner"), "ban")
            banner = text_of(app, "#banner")
            assert "Server unavailable" in banner and "Trying again in" in banner
            assert "Traceback" not in screen_text(app)
            assert isinstance(app.screen, EventScreen) and app.screen.detail is not None
            await pilot.press("f5")
            await wait_for(pilot, lambda: len(api.streams) == 2, "a new stream")
            await settle(pilot, 0.2)
            assert app.screen.query_one(SeatFeed).running
            assert not app.screen.banner.shown

    asyncio.run(run())


class TestLiveChanges:
    def test_seats_that_just_changed(self, snap_compare: Any) -> None:
        """Stalls B2-B3 just held and B8 just booked by others, each on the flash background
        for a moment, with its own glyph (◌ held, × booked) so the change reads without
        colour, and "Just now: Stalls B2, B3, A4 held; Stalls B8 booked." above the total
        says it in words; my A3-A4 picked and A4 just taken: the notice names Stalls A4, the
        selection keeps A3 only. The cursor stays on A3."""
        api = FixedBoxoffice()

        async def run_before(pilot: Pilot[Any]) -> None:
            stream = await open_map(pilot, api)
            seat_map = pilot.app.screen.query_one(SeatMapView)
            seat_map.move_cursor_to("stalls:A:4")
            await pilot.press("space")
            seat_map.move_cursor_to("stalls:A:3")
            await pilot.press("space")
            ids = {s: ticket_id(api, s) for s in ("stalls:B:2", "stalls:B:3", "stalls:B:8")}
            stream.send(change(1, SeatChangeKind.HELD, ids["stalls:B:2"], ids["stalls:B:3"]))
            stream.send(change(2, SeatChangeKind.BOOKED, ids["stalls:B:8"]))
            stream.send(change(3, SeatChangeKind.HELD, ticket_id(api, "stalls:A:4")))
            await wait_for(pilot, lambda: len(seat_map.selected) == 1, "A4 to leave")
            await pilot.pause()

        assert snap_compare(
            KioskApp(api, "box-office", clock=frozen_clock),
            terminal_size=SIZE,
            run_before=run_before,
        )
