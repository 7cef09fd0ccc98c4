"""An open seat map follows the event live, against a live server on the real databases:
another buyer's holds and releases show within moments with a brief highlight, a seat I had
picked that someone else takes leaves my selection with a notice naming it, and leaving the
map leaves no thread waiting on the stream."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Catalog
from kiosk_app_helpers import screen_text, settle, text_of, wait_for
from rich.style import Style
from textual.pilot import Pilot

from kiosk.app.app import KioskApp
from kiosk.app.live import SeatFeed
from kiosk.app.screens import EventScreen, HoldScreen
from kiosk.app.seatmap import FLASH_SECONDS, MARKS, Mark, SeatMapView
from kiosk.app.seatmap._canvas import SeatCanvas
from kiosk.app.settings import KioskSettings
from shared.client import BoxofficeClient
from shared.models import TicketInfo

SIZE = (100, 32)
#: How long a change may take from another buyer's request to this kiosk's map.
LIVE_SECONDS = 5.0
HELD, FREE, MINE = (MARKS[m].glyph for m in (Mark.HELD, Mark.AVAILABLE, Mark.SELECTED))


@pytest.fixture
def kiosk(connect: Callable[[str], BoxofficeClient], tmp_path: Path) -> KioskApp:
    settings = KioskSettings(mode="box-office", tickets_dir=tmp_path / "tickets")
    return KioskApp(connect("kiosk-live"), "box-office", settings=settings)


def drive(app: KioskApp, scenario: Callable[[Pilot[Any]], Any]) -> float:
    """Run ``scenario``; returns how long the app took to close after it."""
    closed: list[float] = []

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)
            closing = time.monotonic()
        closed.append(time.monotonic() - closing)

    asyncio.run(run())
    return closed[0]


async def open_event(pilot: Pilot[Any], event_id: int) -> tuple[EventScreen, SeatMapView]:
    screen = EventScreen(event_id)
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.detail is not None, "the seat map")
    await wait_for(pilot, lambda: screen.query_one(SeatFeed).running, "the live stream")
    await pilot.pause(0.3)  # the stream's request reaches the server
    return screen, screen.query_one(SeatMapView)


def seat_look(seat_map: SeatMapView, seat_id: str) -> tuple[str, Style]:
    """The character drawn for a seat, and its style: what the buyer sees there."""
    region = seat_map.region_of(seat_id)
    assert region is not None, f"{seat_id} is not in view"
    canvas = seat_map.query_one(SeatCanvas)
    x, y = region.x - canvas.content_region.x, region.y - canvas.content_region.y
    cell = canvas.render_line(y).crop(x, x + 1)
    segments = list(cell)
    return cell.text, segments[0].style or Style()


def flash_colour(seat_map: SeatMapView) -> object:
    return seat_map.query_one(SeatCanvas).get_component_rich_style("seatmap--flash").bgcolor


def flashing(seat_map: SeatMapView, seat_id: str) -> bool:
    return seat_look(seat_map, seat_id)[1].bgcolor == flash_colour(seat_map)


def two_seats_beside(seat_map: SeatMapView, screen: EventScreen) -> list[TicketInfo]:
    """Two free seats in row B, away from the cursor (which is drawn over a highlight)."""
    cursor = seat_map.highlighted
    assert screen.detail is not None
    row = [t for t in screen.detail.tickets if t.row == "B" and t != cursor]
    return row[:2]


def streaming_threads() -> list[int]:
    """Threads inside the seat map's stream worker now."""
    return [
        ident
        for ident, frame in sys._current_frames().items()
        if any(f.f_code is SeatFeed._follow.__wrapped__.__code__ for f in _stack(frame))  # type: ignore[attr-defined]
    ]


def _stack(frame: Any) -> Iterator[Any]:
    while frame is not None:
        yield frame
        frame = frame.f_back


def notices(pilot: Pilot[Any]) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in pilot.app._notifications)


def test_another_buyers_hold_and_release_show_live_with_a_brief_highlight(
    catalog: Catalog, kiosk: KioskApp, connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id
    other = connect("another-buyer")

    async def scenario(pilot: Pilot[Any]) -> None:
        screen, seat_map = await open_event(pilot, event_id)
        seats = two_seats_beside(seat_map, screen)
        ids = [t.seat_id for t in seats]
        assert [seat_look(seat_map, s)[0] for s in ids] == [FREE, FREE]

        booking = other.hold(event_id, [t.ticket_id for t in seats])
        await wait_for(
            pilot,
            lambda: [seat_look(seat_map, s)[0] for s in ids] == [HELD, HELD],
            "the other buyer's hold on the map",
            LIVE_SECONDS,
        )
        assert all(flashing(seat_map, s) for s in ids), "changed seats are highlighted"
        assert not flashing(seat_map, "stalls:C:1"), "seats that did not change are not"
        await pilot.pause(FLASH_SECONDS + 0.3)
        assert not any(flashing(seat_map, s) for s in ids), "the highlight is brief"
        assert [seat_look(seat_map, s)[0] for s in ids] == [HELD, HELD]

        other.release(booking.booking_id)
        await wait_for(
            pilot,
            lambda: [seat_look(seat_map, s)[0] for s in ids] == [FREE, FREE],
            "the release on the map",
            LIVE_SECONDS,
        )
        assert all(flashing(seat_map, s) for s in ids)
        assert seat_map.move_cursor_to(ids[0])
        await pilot.pause()
        assert "available" in seat_map.status_text
        assert "Traceback" not in screen_text(pilot.app)

        # Leaving the map closes its stream: no thread is left waiting on a quiet event.
        assert len(streaming_threads()) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not streaming_threads(), "the stream to close", 2)

    closing = drive(kiosk, scenario)
    assert closing < 2, f"the app took {closing:.1f} s to close"


def test_a_picked_seat_someone_else_takes_leaves_the_selection_with_a_notice(
    catalog: Catalog, kiosk: KioskApp, connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id
    other = connect("another-buyer")

    async def scenario(pilot: Pilot[Any]) -> None:
        _, seat_map = await open_event(pilot, event_id)
        seat_map.focus()
        await pilot.press("space", "right", "space")
        first, second = seat_map.selected
        name = f"Stalls {second.row}{second.seat_number}"
        assert name in text_of(pilot.app, "#selection")

        other.hold(event_id, [second.ticket_id])
        await wait_for(
            pilot, lambda: seat_map.selected == (first,), "the taken seat to drop", LIVE_SECONDS
        )
        await wait_for(pilot, lambda: "Seat taken" in notices(pilot), "the notice")
        assert f"Someone else just took {name}: it is no longer in your selection" in notices(pilot)
        assert name not in text_of(pilot.app, "#selection")
        assert "1 seat" in text_of(pilot.app, "#total")
        look, _ = seat_look(seat_map, second.seat_id)
        assert look == HELD
        assert seat_look(seat_map, first.seat_id)[0] == MINE

        # My own hold of what is left goes through, and its own change on the stream does
        # not read as someone else taking my seat.
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")
        await pilot.pause(1.0)
        assert notices(pilot).count("Someone else just took") == 1
        assert not streaming_threads(), "no stream while the map is not shown"

    drive(kiosk, scenario)
