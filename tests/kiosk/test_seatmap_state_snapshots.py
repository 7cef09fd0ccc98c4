"""The seat map in each state a buyer meets, at the box-office size of 80×24, beside the
states ``test_seatmap_widget.py`` already pictures (a studio partly sold with my seats and
others' holds; the stadium's overview and a section on larger terminals). Look at the SVGs
under ``__snapshots__/`` after ``--snapshot-update``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from test_seatmap_widget import MapApp, layout, make_tickets
from textual.pilot import Pilot

from shared.models import SeatStatus, TicketInfo
from shared.seatmap import SeatMap

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


@pytest.fixture(scope="module")
def busy_stadium() -> tuple[SeatMap, list[TicketInfo]]:
    """Sections in turn empty, 30%, 60%, 95% and fully sold; every 7th seat held."""
    seatmap = layout("stadium")
    states: dict[str, SeatStatus] = {}
    for number, section in enumerate(seatmap.sections):
        sold = int(len(section.seats) * (0.0, 0.3, 0.6, 0.95, 1.0)[number % 5])
        for index, seat in enumerate(section.seats):
            if index < sold:
                states[seat.seat_id] = SeatStatus.BOOKED
            elif index % 7 == 3:
                states[seat.seat_id] = SeatStatus.RESERVED
    return seatmap, make_tickets(seatmap, states)


class TestSmallVenueStates:
    def test_nothing_sold_yet(self, snap_compare: SnapCompare) -> None:
        """An empty venue: every seat in view a green dot (rows G and H are scrolled below at
        this height), the cursor on a free seat beside the thrust stage, "Nothing selected
        yet"."""
        studio = layout("studio")
        assert snap_compare(MapApp(studio, make_tickets(studio)), terminal_size=SIZE)

    def test_partly_booked(self, snap_compare: SnapCompare) -> None:
        """Booked seats (×): the front three centre rows, left row A, three seats in each of
        right rows D-F; nothing held, nothing picked, the cursor on a free seat."""
        studio = layout("studio")
        states = {f"centre:{row}:{n}": SeatStatus.BOOKED for row in "ABC" for n in range(1, 21)}
        states |= {f"right:{row}:{n}": SeatStatus.BOOKED for row in "DEF" for n in (2, 5, 9)}
        states |= {f"left:A:{n}": SeatStatus.BOOKED for n in range(1, 11)}
        assert snap_compare(MapApp(studio, make_tickets(studio, states)), terminal_size=SIZE)

    def test_held_by_others(self, snap_compare: SnapCompare) -> None:
        """Seats others are holding (◌) across the middle of rows B-D; the cursor on one of
        them, and space there refused with the reason instead of the total."""
        studio = layout("studio")
        states = {f"centre:{row}:{n}": SeatStatus.RESERVED for row in "BCD" for n in range(6, 13)}
        app = MapApp(studio, make_tickets(studio, states))

        async def on_a_held_seat(pilot: Pilot[None]) -> None:
            app.map.move_cursor_to("centre:C:9")
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
            assert app.refusals and not app.map.selected

        assert snap_compare(app, terminal_size=SIZE, run_before=on_a_held_seat)

    def test_selected_seats(self, snap_compare: SnapCompare) -> None:
        """Four of my seats side by side in row E (✓), the price line and a total of four."""
        studio = layout("studio")
        app = MapApp(studio, make_tickets(studio))

        async def pick_four(pilot: Pilot[None]) -> None:
            app.map.move_cursor_to("centre:E:11")
            await pilot.pause()
            await pilot.press("space", "right", "space", "right", "space", "right", "space")
            await pilot.pause()
            picked = [t.seat_id for t in app.map.selected]
            assert picked == [f"centre:E:{n}" for n in range(11, 15)]

        assert snap_compare(app, terminal_size=SIZE, run_before=pick_four)


class TestStadiumAtTheSmallestTerminal:
    def test_overview(
        self, snap_compare: SnapCompare, busy_stadium: tuple[SeatMap, list[TicketInfo]]
    ) -> None:
        """All 96 sections fitted into 80 columns around the pitch, each shaded by how full
        it is; the status line names the section under the cursor and its places left."""
        assert snap_compare(MapApp(*busy_stadium), terminal_size=SIZE)

    def test_section_seats(
        self, snap_compare: SnapCompare, busy_stadium: tuple[SeatMap, list[TicketInfo]]
    ) -> None:
        """Enter on the overview: that section's seats with row labels, the cursor on its
        seat nearest the pitch, the hint that escape goes back to all sections."""
        assert snap_compare(MapApp(*busy_stadium), terminal_size=SIZE, press=["enter"])
