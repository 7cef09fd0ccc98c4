"""Seats typed straight in at the box office (T on the event screen: ``B12-15``, ``circle C3``),
against a live server on the real databases: all of them are chosen on the map, or none and
the line under the box names every seat that cannot be had; the 10-seat limit holds; a
self-service kiosk has no such box."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Catalog
from kiosk_app_helpers import text_of, wait_for
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen, HoldScreen
from kiosk.app.seatmap import SeatMapView
from kiosk.app.widgets.seat_entry import SeatEntry
from shared.client import BoxofficeClient

SIZE = (100, 32)

#: Stalls rows A-C and Circle rows C-D, 20 seats each: "C3" is in both.
TWO_TIERS = {
    "formatVersion": 1,
    "name": "Two Tiers",
    "grid": {"width": 24, "height": 9},
    "stage": {"label": "STAGE", "x": 2, "y": 0, "width": 20, "height": 1},
    "priceCategories": [{"id": "front", "name": "Front"}, {"id": "back", "name": "Back"}],
    "sections": [
        {
            "id": "stalls",
            "name": "Stalls",
            "category": "front",
            "rows": [{"labels": "A-C", "x": 2, "y": 2, "seats": "1-20"}],
        },
        {
            "id": "circle",
            "name": "Circle",
            "category": "back",
            "rows": [{"labels": "C-D", "x": 2, "y": 6, "seats": "1-20"}],
        },
    ],
}


@pytest.fixture
def event_id(catalog: Catalog) -> int:
    return int(catalog.event(catalog.venue("Two Tiers", "Bath", TWO_TIERS)).id)


def on_event(
    app: KioskApp, event_id: int, scenario: Callable[[Pilot[Any], EventScreen], Any]
) -> None:
    """Open the event's screen and run ``scenario`` once its seat map has the focus."""

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = EventScreen(event_id)
            await app.push_screen(screen)

            def ready() -> bool:
                found = screen.query(SeatMapView)
                return bool(found) and found.first().has_focus

            await wait_for(pilot, ready, "the seat map")
            await scenario(pilot, screen)

    asyncio.run(run())


async def type_seats(pilot: Pilot[Any], text: str) -> str:
    """T, the seats, Enter; what the line under the box says then."""
    await pilot.press("t")
    field = pilot.app.screen.query_one("#seat-entry-input", Input)
    assert field.has_focus
    field.value = ""
    await pilot.press(*text, "enter")
    await pilot.pause()
    return pilot.app.screen.query_one(SeatEntry).answer


def picked(screen: EventScreen) -> list[str]:
    return [t.seat_id for t in screen.query_one(SeatMapView).selected]


def test_typed_seats_are_chosen_on_the_map_and_held(
    event_id: int, make_app: Callable[..., KioskApp]
) -> None:
    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        answer = await type_seats(pilot, "B12-15")
        assert answer == "Chosen: Stalls B12, B13, B14, B15."
        assert picked(screen) == [f"stalls:B:{n}" for n in range(12, 16)]
        assert text_of(pilot.app, "#total") == "4 seats   Total £160.00"
        seat_map = screen.query_one(SeatMapView)
        assert seat_map.has_focus  # back on the map: H holds straight away
        assert screen.query_one("#seat-entry-input", Input).value == ""
        assert seat_map.highlighted is not None
        assert seat_map.highlighted.seat_id == "stalls:B:15"  # the map shows where they are

        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")
        hold = pilot.app.screen
        assert isinstance(hold, HoldScreen)
        assert sorted(t.seat_id for t in hold.booking.tickets) == picked(screen)

    on_event(make_app(), event_id, scenario)


def test_a_typed_seat_someone_else_has_is_refused_by_name(
    event_id: int, make_app: Callable[..., KioskApp], connect: Callable[[str], BoxofficeClient]
) -> None:
    other = connect("someone-else")
    by_seat = {t.seat_id: t.ticket_id for t in other.event(event_id).tickets}
    other.hold(event_id, [by_seat["stalls:B:13"]])

    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        answer = await type_seats(pilot, "B12-15")
        assert answer == "Nothing chosen: Stalls B13 held by someone else."
        assert picked(screen) == []  # not even B12, B14 and B15
        field = screen.query_one("#seat-entry-input", Input)
        assert field.has_focus and field.value == "B12-15"  # to correct it

        answer = await type_seats(pilot, "C3 circle Z9")
        assert answer == (
            "Nothing chosen: no seat Z9 in Circle; C3 is in Circle and Stalls: type the "
            "section first, for example “circle C3”."
        )
        assert "-refused" in screen.query_one("#seat-entry-answer").classes
        assert await type_seats(pilot, "circle c3, stalls B12") == "Chosen: Circle C3; Stalls B12."
        assert picked(screen) == ["circle:C:3", "stalls:B:12"]

    on_event(make_app(), event_id, scenario)


def test_typing_keeps_the_ten_seat_limit(event_id: int, make_app: Callable[..., KioskApp]) -> None:
    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        await type_seats(pilot, "A1-8")
        assert len(picked(screen)) == 8
        answer = await type_seats(pilot, "A7 A8 A9 A10 A11")
        assert answer == (
            "Nothing chosen: at most 10 seats per booking (8 chosen already, 3 more typed)."
        )
        assert len(picked(screen)) == 8
        assert await type_seats(pilot, "A9-10") == "Chosen: Stalls A9, A10."
        assert text_of(pilot.app, "#total") == "10 seats   Total £400.00"

    on_event(make_app(), event_id, scenario)


def test_escape_leaves_the_box_not_the_event(
    event_id: int, make_app: Callable[..., KioskApp]
) -> None:
    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        await pilot.press("t", "A", "1", "escape")
        assert pilot.app.screen is screen
        assert screen.query_one(SeatMapView).has_focus
        assert picked(screen) == []  # what was typed but not entered chose nothing

    on_event(make_app(), event_id, scenario)


def test_a_self_service_kiosk_offers_no_typing(
    event_id: int, make_app: Callable[..., KioskApp]
) -> None:
    async def scenario(pilot: Pilot[Any], screen: EventScreen) -> None:
        assert not screen.query(SeatEntry) and not screen.query(Input)
        assert "type_seats" not in {b.binding.action for b in screen.active_bindings.values()}
        seat_map = screen.query_one(SeatMapView)
        await pilot.press("t")
        assert seat_map.has_focus and picked(screen) == []

    on_event(make_app("kiosk"), event_id, scenario)
