"""The kiosk at a high-demand event, against a live server: the waiting-room screen instead of
the seat map, the place and the wait on it, and the seat map opening by itself at your turn."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from conftest import Catalog, bearer, surge
from kiosk_app_helpers import screen_text, settle, wait_for
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen, HoldScreen, HomeScreen
from kiosk.app.screens.waiting import WaitingScreen, describe_wait
from kiosk.app.seatmap import SeatMapView
from kiosk.app.settings import KioskSettings, Mode
from shared.client import BoxofficeClient
from shared.models import QueueState

Scenario = Callable[[Pilot[Any]], Awaitable[None]]
SIZE = (100, 32)


def make_app(client: BoxofficeClient, tmp_path: Path, mode: Mode = "kiosk") -> KioskApp:
    settings = KioskSettings(mode=mode, tickets_dir=tmp_path / "tickets")
    return KioskApp(client, mode, settings=settings)


def drive(app: KioskApp, scenario: Scenario) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(run())


def test_the_waiting_room_moves_on_to_the_seat_map_by_itself(
    catalog: Catalog, connect: Callable[..., BoxofficeClient], live_server: str, tmp_path: Path
) -> None:
    venue = catalog.venue()
    event_id = catalog.event(venue, "Hot Ticket").id
    surge(live_server, event_id, per_minute=30)  # one every two seconds
    ahead = [connect(f"fan-{n}") for n in range(3)]
    places = [client.join_queue(event_id) for client in ahead]
    assert places[0].state is QueueState.ADMITTED  # the full bucket's one
    assert [p.position for p in places[1:]] == [1, 2]
    app = make_app(connect("kiosk-7"), tmp_path)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(EventScreen(event_id))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, WaitingScreen), "the queue")
        waiting = pilot.app.screen
        assert isinstance(waiting, WaitingScreen)
        await wait_for(pilot, lambda: "in the queue" in screen_text(pilot.app), "the place")
        assert waiting.status is not None and waiting.status.position is not None
        place = waiting.status.position  # 3, unless the queue moved while the app started
        assert place >= 2
        text = screen_text(pilot.app)
        assert "Waiting room" in text
        assert f"You are number {place} in the queue ({place - 1} ahead of you)." in text
        assert "to wait" in text
        assert "The seat map opens by itself" in text
        await wait_for(pilot, lambda: "Hot Ticket" in screen_text(pilot.app), "the event's name")
        bar = waiting.query_one(ProgressBar)
        assert bar.total == place and bar.progress == 0
        # opened by its ID alone, yet the venue is laid out while the queue moves
        await wait_for(pilot, lambda: app.layouts.knows(venue.id), "the venue's layout", 6)
        assert isinstance(pilot.app.screen, WaitingScreen), "laid out before the turn came"
        # nobody presses anything: the queue moves and the seat map opens
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, WaitingScreen)
                and waiting.query_one(ProgressBar).progress >= 1
            ),
            "the queue to move",
            6,
        )
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, EventScreen) and pilot.app.screen.detail is not None
            ),
            "the seat map",
            10,
        )
        assert pilot.app.screen.venue_id == venue.id
        # the admission token goes with the hold too
        seat_map = pilot.app.screen.query_one(SeatMapView)
        seat_map.focus()
        await pilot.press("space", "h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")

    drive(app, scenario)
    for client in ahead:
        assert client.queue_status(event_id).state is QueueState.ADMITTED


def test_the_box_office_goes_through_its_own_lane(
    catalog: Catalog, connect: Callable[..., BoxofficeClient], live_server: str, tmp_path: Path
) -> None:
    event_id = catalog.event(catalog.venue(), "Hot Ticket").id
    surge(live_server, event_id, per_minute=12)
    with httpx.Client(base_url=live_server) as fans:
        for n in range(200):  # the first comes straight in, then one every 5 s
            fans.post(f"/events/{event_id}/queue", headers=bearer(f"fan-{n}"))
    crowd = connect("fan-200")
    place = crowd.join_queue(event_id).position
    assert place is not None and place > 190
    app = make_app(connect("till-1", staff=True), tmp_path, mode="box-office")

    async def scenario(pilot: Pilot[Any]) -> None:
        started = time.monotonic()
        await pilot.app.push_screen(EventScreen(event_id))
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, EventScreen) and pilot.app.screen.detail is not None
            ),
            "the seat map",
            5,
        )
        assert time.monotonic() - started < 4
        assert crowd.queue_status(event_id).position is not None

    drive(app, scenario)


def test_escape_leaves_the_queue(
    catalog: Catalog, connect: Callable[..., BoxofficeClient], live_server: str, tmp_path: Path
) -> None:
    event_id = catalog.event(catalog.venue()).id
    surge(live_server, event_id, per_minute=1)
    connect("fan-0").join_queue(event_id)
    behind = connect("fan-1")
    app = make_app(connect("kiosk-8"), tmp_path, mode="box-office")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(EventScreen(event_id))
        await wait_for(pilot, lambda: "You are next." in screen_text(pilot.app), "the place")
        assert behind.join_queue(event_id).position == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")
        await wait_for(
            pilot, lambda: behind.queue_status(event_id).position == 1, "the queue to move up"
        )

    drive(app, scenario)


def test_the_wait_reads_as_a_person_says_it() -> None:
    assert describe_wait(None) == ""
    assert describe_wait(20) == "Less than a minute to wait"
    assert describe_wait(61) == "About 1 minute to wait"
    assert describe_wait(150) == "About 2 minutes to wait"
    assert describe_wait(3 * 3600) == "About 3.0 hours to wait"


def test_closing_the_terminal_while_waiting_gives_the_place_up(
    catalog: Catalog, connect: Callable[..., BoxofficeClient], live_server: str, tmp_path: Path
) -> None:
    event_id = catalog.event(catalog.venue()).id
    surge(live_server, event_id, per_minute=1)
    connect("fan-0").join_queue(event_id)
    app = make_app(connect("kiosk-9"), tmp_path, mode="box-office")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(EventScreen(event_id))
        await wait_for(pilot, lambda: "You are next." in screen_text(pilot.app), "the place")
        started = time.monotonic()
        await pilot.press("ctrl+q")
        assert time.monotonic() - started < 2

    started = time.monotonic()
    drive(app, scenario)
    assert time.monotonic() - started < 15  # a long-poll in flight ends within its 10 s
    behind = connect("fan-1").join_queue(event_id)
    assert behind.position == 1
