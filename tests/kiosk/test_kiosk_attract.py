"""A self-service kiosk between customers, and who may close it: the attract screen (at start
and after the kiosk is left alone, with the shows on sale from the live server), the hold let
go on the real server when a customer walks away, and Ctrl+Q's staff key."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Catalog
from kiosk_app_helpers import FixedBoxoffice, frozen_clock, screen_text, settle, wait_for
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen, HoldScreen, HomeScreen
from kiosk.app.screens import attract as attract_module
from kiosk.app.screens.attract import AttractScreen
from kiosk.app.screens.dialogs import StaffKeyDialog
from kiosk.app.seatmap import SeatMapView
from kiosk.app.settings import KioskSettings, Mode
from shared.client import BoxofficeClient
from shared.models import BookingStatus

Scenario = Callable[[Pilot[Any]], Awaitable[None]]
SIZE = (100, 32)


def run(app: KioskApp, scenario: Scenario) -> None:
    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(go())


def on_attract(pilot: Pilot[Any]) -> bool:
    return isinstance(pilot.app.screen, AttractScreen)


def shown_titles(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#attract-events").render())


# the attract screen, on the live server -------------------------------------------------------
def test_a_kiosk_opens_on_the_coming_shows_and_any_key_starts_a_sale(
    catalog: Catalog,
    connect: Callable[[str], BoxofficeClient],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    venue = catalog.venue("Alder Hall", "York")
    titles = [f"Show {n}" for n in range(1, 6)]
    for days, title in enumerate(titles, start=1):
        catalog.event(venue, title, days=days)
    catalog.event(venue, "Already Started", days=-0.01, hours=3)
    monkeypatch.setattr(attract_module, "CYCLE_SECONDS", 0.5)
    settings = KioskSettings(mode="kiosk", tickets_dir=tmp_path)
    app = KioskApp(connect("kiosk"), "kiosk", settings=settings)

    async def scenario(pilot: Pilot[Any]) -> None:
        assert on_attract(pilot)
        await wait_for(pilot, lambda: "Show 1" in shown_titles(pilot), "the coming shows")
        text = screen_text(pilot.app)
        assert "Touch the screen or press any key" in text and "to buy tickets" in text
        first_page = shown_titles(pilot)
        assert [t for t in titles if t in first_page] == titles[:3]
        assert "Alder Hall, York" in first_page and "Already Started" not in first_page
        await wait_for(pilot, lambda: "Show 4" in shown_titles(pilot), "the next page")
        assert "Show 5" in shown_titles(pilot) and "Show 1" not in shown_titles(pilot)
        await wait_for(pilot, lambda: "Show 1" in shown_titles(pilot), "the first page again")

        await pilot.press("tab")  # a key that means something elsewhere: here, just "start"
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        assert pilot.app.screen.query_one("#search", Input).has_focus
        assert not any(isinstance(s, AttractScreen) for s in pilot.app.screen_stack)

    run(app, scenario)


def test_a_touch_anywhere_also_starts_a_sale() -> None:
    app = KioskApp(FixedBoxoffice(), "kiosk", clock=frozen_clock)

    async def scenario(pilot: Pilot[Any]) -> None:
        assert on_attract(pilot)
        assert await pilot.click(offset=(3, 3))
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        assert len(pilot.app.screen_stack) == 2  # only home above Textual's default screen

    run(app, scenario)


def test_a_server_that_is_down_leaves_the_invitation_without_an_error() -> None:
    client = BoxofficeClient("http://127.0.0.1:9", retries=0)
    app = KioskApp(client, "kiosk")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert on_attract(pilot)
        text = screen_text(pilot.app)
        assert "to buy tickets" in text and "Coming up" not in text
        assert "Traceback" not in text and not pilot.app._notifications
        await pilot.press("space")
        await wait_for(pilot, lambda: "Cannot reach the server" in screen_text(pilot.app), "banner")

    try:
        run(app, scenario)
    finally:
        client.close()


def test_a_kiosk_left_alone_lets_the_hold_go_and_shows_the_attract_screen(
    catalog: Catalog, connect: Callable[[str], BoxofficeClient], tmp_path: Path
) -> None:
    event_id = catalog.event(catalog.venue(), "Jazz Night").id
    settings = KioskSettings(mode="kiosk", idle_seconds=2, tickets_dir=tmp_path)
    app = KioskApp(connect("kiosk"), "kiosk", settings=settings)
    own = connect("kiosk")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        await pilot.press(*"jazz")
        screen = EventScreen(event_id)
        await pilot.app.push_screen(screen)
        await wait_for(pilot, lambda: screen.detail is not None, "the seat map")
        screen.query_one(SeatMapView).focus()
        await pilot.press("space", "right", "space", "h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HoldScreen), "the hold")
        hold = pilot.app.screen
        assert isinstance(hold, HoldScreen)
        booking_id = hold.booking.booking_id
        assert own.booking(booking_id).status is BookingStatus.PENDING

        await wait_for(pilot, lambda: on_attract(pilot), "the attract screen", 8)
        await wait_for(
            pilot,
            lambda: own.booking(booking_id).status is BookingStatus.CANCELLED,
            "the hold let go on the server",
        )
        assert pilot.app.active_hold is None
        stack = pilot.app.screen_stack
        assert [type(s) for s in stack[1:]] == [HomeScreen, AttractScreen]

        await pilot.press("enter")
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one("#search", Input).value == ""  # the last customer's search is gone
        # Still on home, untouched: the next idle spell brings the attract screen back.
        await wait_for(pilot, lambda: on_attract(pilot), "the attract screen again", 8)

    run(app, scenario)


# the staff key --------------------------------------------------------------------------------
def footer_text(app: App[Any]) -> str:
    """The keys the footer shows, as they read: ``^q Quit``."""
    keys = app.screen.query(FooterKey)
    return "  ".join(f"{key.key_display} {key.description}" for key in keys)


def stand_in(mode: Mode, staff_key: str | None) -> KioskApp:
    settings = KioskSettings(mode=mode, staff_key=staff_key)
    return KioskApp(FixedBoxoffice(), mode, settings=settings, clock=frozen_clock)


def test_a_kiosk_closes_only_with_the_staff_key() -> None:
    app = stand_in("kiosk", "open sesame")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, StaffKeyDialog)
        assert "Type the staff key to close the kiosk." in screen_text(pilot.app)
        assert "Escape goes back." in screen_text(pilot.app)
        await pilot.press(*"open says me", "enter")
        await pilot.pause()
        assert pilot.app.is_running and pilot.app.screen is dialog
        assert "That is not the staff key." in screen_text(pilot.app)
        assert dialog.query_one(Input).value == ""

        await pilot.press("escape")  # a customer who pressed it by chance is back where they were
        await pilot.pause()
        assert pilot.app.is_running and on_attract(pilot)

        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press(*"open sesame", "enter")
        await pilot.pause()
        assert not pilot.app.is_running

    run(app, scenario)
    assert app.return_code == 0


def test_a_kiosk_without_a_staff_key_cannot_be_closed_and_says_how_to_set_one() -> None:
    app = stand_in("kiosk", None)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("x")
        await pilot.pause()
        assert "Quit" not in footer_text(pilot.app)  # the public is not told how to close it
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert pilot.app.is_running and isinstance(pilot.app.screen, HomeScreen)
        notices = [f"{n.title}: {n.message}" for n in pilot.app._notifications]
        assert len(notices) == 1 and notices[0].startswith("Staff only: No staff key is set")
        assert "BOXOFFICE_STAFF_KEY" in notices[0]

    run(app, scenario)


def test_the_box_office_closes_without_a_key() -> None:
    app = stand_in("box-office", "open sesame")

    async def scenario(pilot: Pilot[Any]) -> None:
        assert isinstance(pilot.app.screen, HomeScreen)  # no attract screen at a counter
        assert "^q Quit" in footer_text(pilot.app)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not pilot.app.is_running

    run(app, scenario)
