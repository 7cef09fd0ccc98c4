"""The seat list (L on the event screen), the map's alternative for anyone who cannot use a
map, driven by keys against a live server on the real databases: it lists only the seats
still to be had, with their features in words; picking there is picking on the map (one
selection, one limit, one total); a stadium is listed a section at a time; and the legend
under the map explains what the map shows."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import TINY_LAYOUT, Catalog
from kiosk_app_helpers import text_of, wait_for
from textual.pilot import Pilot
from textual.widgets import Select

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen, HoldScreen
from kiosk.app.seatmap import SeatMapLegend, SeatMapView
from kiosk.app.widgets.seat_list import SeatList
from shared.client import BoxofficeClient
from shared.seatmap import load_seatmap

SIZE = (100, 32)
STADIUM = Path(__file__).parents[2] / "seatmaps" / "stadium.json"

#: The tiny room, with a wheelchair space (A1), its companion seat (A2) and restricted views.
ROOM = copy.deepcopy(TINY_LAYOUT)
ROOM["sections"][0]["rows"][0] |= {"accessible": "1", "companion": "2"}
ROOM["sections"][0]["rows"][1] |= {"obstructed": "1"}


def on_event(
    app: KioskApp, event_id: int, scenario: Callable[[Pilot[Any], EventScreen], Any]
) -> None:
    """Open the event's screen and run ``scenario`` once its seat map is there."""

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = EventScreen(event_id)
            await app.push_screen(screen)
            await wait_for(pilot, lambda: map_ready(screen), "the seat map", 30)
            await scenario(pilot, screen)

    asyncio.run(run())


def map_ready(screen: EventScreen) -> bool:
    """Drawn, with the keyboard's focus."""
    found = screen.query(SeatMapView)
    return bool(found) and found.first().has_focus


async def open_list(pilot: Pilot[Any], screen: EventScreen) -> SeatList:
    await pilot.press("l")
    await wait_for(pilot, lambda: bool(screen.query(SeatList)), "the seat list")
    seat_list = screen.query_one(SeatList)
    await wait_for(pilot, lambda: seat_list.table.row_count > 0, "its rows")
    return seat_list


async def highlight(pilot: Pilot[Any], seat_list: SeatList, key: str) -> None:
    seat_list.table.move_cursor(row=seat_list.table.get_row_index(key))
    await pilot.pause()


def cells(seat_list: SeatList, key: str) -> list[str]:
    return [str(cell) for cell in seat_list.table.get_row(key)]


def picked(screen: EventScreen) -> list[str]:
    return [t.seat_id for t in screen.query_one(SeatMapView).selected]


def legend_words(legend: SeatMapLegend) -> str:
    return "   ".join(entry.plain for entry in legend.render().entries)


def notices(pilot: Pilot[Any]) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in pilot.app._notifications)


def test_the_list_shows_only_free_seats_with_their_features(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue(layout=ROOM)).id
    other = connect("someone-else")
    by_seat = {t.seat_id: t.ticket_id for t in other.event(event_id).tickets}
    other.hold(event_id, [by_seat["stalls:A:3"], by_seat["stalls:B:4"], by_seat["standing:GA:1"]])

    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        seat_list = await open_list(pilot, screen)
        assert not screen.query_one(SeatMapView).display and seat_list.display
        assert seat_list.table.has_focus
        keys = [row.key for row in seat_list.rows]
        free_seats = [s for s in by_seat if s.count(":") == 2 and not s.startswith("standing")]
        expected = [s for s in free_seats if s not in {"stalls:A:3", "stalls:B:4"}]
        assert keys == [*expected, "standing"]  # in seat order, standing after the seats
        assert cells(seat_list, "stalls:A:1") == [
            "",
            "Stalls",
            "A",
            "1",
            "£40.00",
            "wheelchair",
            "Front",
        ]
        assert cells(seat_list, "stalls:A:2")[5] == "companion seat"
        assert cells(seat_list, "stalls:B:1")[5:] == ["restricted view", "Back"]
        assert cells(seat_list, "stalls:C:1")[5] == "restricted view"
        assert cells(seat_list, "standing")[1:] == [
            "Standing",
            "",
            "",
            "£25.50",
            "standing, 4 left",
            "Back",
        ]
        assert "30 free in all sections, in seat order." in text_of(pilot.app, "#seat-list-status")
        assert "show_map" in {b.binding.action for b in screen.active_bindings.values()}

        await pilot.press("escape")  # back to the map, not off the event
        assert screen.query_one(SeatMapView).display and not seat_list.display
        assert pilot.app.screen is screen

    on_event(make_app(), event_id, scenario)


def test_picking_in_the_list_is_picking_on_the_map(
    catalog: Catalog, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue(layout=ROOM)).id

    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        seat_map = screen.query_one(SeatMapView)
        seat_list = await open_list(pilot, screen)
        await highlight(pilot, seat_list, "stalls:B:2")
        await pilot.press("space")
        await highlight(pilot, seat_list, "stalls:A:4")
        await pilot.press("enter")
        await pilot.pause()
        assert picked(screen) == ["stalls:B:2", "stalls:A:4"]
        assert text_of(pilot.app, "#total") == "2 seats   Total £65.50"
        assert cells(seat_list, "stalls:B:2")[0] == "✓" and cells(seat_list, "stalls:B:3")[0] == ""

        await pilot.press("l")  # the map has the same two, and picks a third
        assert seat_map.has_focus
        assert seat_map.move_cursor_to("stalls:C:5")
        await pilot.press("space")
        await pilot.press("l")
        await pilot.pause()
        assert cells(seat_list, "stalls:C:5")[0] == "✓"
        await highlight(pilot, seat_list, "stalls:B:2")
        await pilot.press("space")  # unpicked in the list: gone from the map too
        await pilot.pause()
        assert picked(screen) == ["stalls:A:4", "stalls:C:5"]
        assert text_of(pilot.app, "#total") == "2 seats   Total £65.50"

        await highlight(pilot, seat_list, "stalls:A:1")  # P: the wheelchair space and companion
        await pilot.press("p")
        await pilot.pause()
        assert picked(screen) == ["stalls:A:4", "stalls:C:5", "stalls:A:1", "stalls:A:2"]
        assert cells(seat_list, "stalls:A:2")[0] == "✓"
        await pilot.press("p")
        await pilot.pause()
        assert picked(screen) == ["stalls:A:4", "stalls:C:5"]

        await highlight(pilot, seat_list, "standing")  # standing places by count
        await pilot.press("space", "space")
        await pilot.pause()
        assert cells(seat_list, "standing")[0] == "2"
        assert cells(seat_list, "standing")[5] == "standing, 3 left"
        await pilot.press("minus")
        await pilot.pause()
        assert cells(seat_list, "standing")[0] == "1"
        assert len(picked(screen)) == 3

        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")
        hold = pilot.app.screen
        assert isinstance(hold, HoldScreen)
        held = sorted(t.seat_id for t in hold.booking.tickets)
        assert held == ["stalls:A:4", "stalls:C:5", "standing:GA:1"]

    on_event(make_app(), event_id, scenario)


def test_the_eleventh_seat_from_the_list_is_refused(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    event_id = catalog.event(catalog.venue(layout=ROOM)).id

    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        seat_list = await open_list(pilot, screen)
        for _ in range(10):
            await pilot.press("space", "down")
        await pilot.press("space")
        await pilot.pause()
        assert len(picked(screen)) == 10
        assert (
            "Seat not added: At most 10 seats per booking: deselect one before choosing another."
            in notices(pilot)
        )
        assert text_of(pilot.app, "#total") == "10 seats   Total £400.00"
        assert seat_list.highlighted is not None
        assert cells(seat_list, seat_list.highlighted.key)[0] == ""

    on_event(make_app(), event_id, scenario)


def test_the_list_filters_by_price_and_sorts(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    event_id = catalog.event(catalog.venue(layout=ROOM)).id

    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        seat_list = await open_list(pilot, screen)
        assert cells(seat_list, seat_list.rows[0].key)[4] == "£40.00"  # row A first
        await pilot.press("s")
        await pilot.pause()
        assert [r.price for r in seat_list.rows] == sorted(r.price for r in seat_list.rows)
        assert "cheapest first" in text_of(pilot.app, "#seat-list-status")
        await pilot.press("s")
        await pilot.pause()
        assert seat_list.rows[0].price > seat_list.rows[-1].price

        screen.query_one("#seat-list-category", Select).value = "front"
        await wait_for(pilot, lambda: len(seat_list.rows) == 10, "only the front seats")
        assert {cells(seat_list, r.key)[6] for r in seat_list.rows} == {"Front"}
        assert "10 free Front in all sections" in text_of(pilot.app, "#seat-list-status")

    on_event(make_app(), event_id, scenario)


@pytest.mark.slow
def test_the_stadium_lists_one_section_and_the_legend_follows_the_map(
    catalog: Catalog, make_app: Callable[..., KioskApp]
) -> None:
    """50,000 seats: the overview's legend explains its shades, a section's its seats; the
    list opens on the section the map shows, never on every seat at once."""
    layout = load_seatmap(STADIUM)
    prices = {"club": "145", "cat1": "95", "cat2": "75", "cat3": "55", "cat4": "35"}
    venue = catalog.venue("Stadium", "Cardiff", layout.document)
    event_id = catalog.event(venue, "Cup Final", prices=prices).id

    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        seat_map, legend = screen.query_one(SeatMapView), screen.query_one(SeatMapLegend)
        assert seat_map.is_overview
        assert "section 90% sold or more" in legend_words(legend)
        assert "held by someone else" not in legend_words(legend)
        await pilot.press("enter")
        await wait_for(pilot, lambda: legend.seats, "the seat legend")
        assert not seat_map.is_overview
        assert "held by someone else" in legend_words(legend)
        assert "sold or more" not in legend_words(legend)
        section = seat_map.highlighted.section if seat_map.highlighted else ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: legend.overview, "the overview legend")
        assert not legend.seats
        await pilot.press("enter")
        await wait_for(pilot, lambda: legend.seats, "the seat legend again")

        seat_list = await open_list(pilot, screen)
        assert seat_list.section == section
        assert len(seat_list.rows) == 500  # a whole section, all free: not 49,984 rows
        assert {r.section for r in seat_list.rows} == {section}
        status = text_of(pilot.app, "#seat-list-status")
        assert "One section at a time: 49,984 free in all." in status
        await pilot.press("space")
        await pilot.pause()
        assert picked(screen) == [seat_list.rows[0].key]

    on_event(make_app(), event_id, scenario)
