"""The screens ``test_kiosk_app_snapshots.py`` does not picture yet, at 80×24 on the same
fixed stand-in data and frozen clock: the self-service attract screen, the staff-key prompt,
the server-down banner over a sale in progress, the event screen of an empty venue and a
self-service receipt. Update with ``pytest --snapshot-update`` and look at the pictures."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from kiosk_app_helpers import (
    FixedBoxoffice,
    FlakyBoxoffice,
    TouringBoxoffice,
    frozen_clock,
    settle,
)
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app.api import BoxofficeApi
from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen
from kiosk.app.screens.attract import AttractScreen
from kiosk.app.settings import KioskSettings, Mode
from kiosk.app.widgets import ProblemBanner
from kiosk.app.widgets.banner import RETRY_SECONDS
from shared.models import SeatStatus

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in the terminal's zone: make it the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def kiosk(
    api: BoxofficeApi | None = None, mode: Mode = "box-office", staff_key: str | None = None
) -> KioskApp:
    settings = KioskSettings(mode=mode, staff_key=staff_key)
    return KioskApp(api or FixedBoxoffice(), mode, settings=settings, clock=frozen_clock)


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


class TestAttractScreen:
    def test_coming_up(self, snap_compare: Any) -> None:
        """Self-service at rest: "Touch the screen or press any key to buy tickets" in a big
        green panel, under it the first three of eight coming shows (title; day, time, venue
        and town) and three page dots, the first filled; no footer, no top bar."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            assert isinstance(pilot.app.screen, AttractScreen)

        app = kiosk(TouringBoxoffice(), "kiosk")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_next_page(self, snap_compare: Any) -> None:
        """The pages turn by themselves: shows four to six, the second dot filled; a title too
        long for the line ends in an ellipsis."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, AttractScreen)
            screen.next_page()
            await pilot.pause()

        app = kiosk(TouringBoxoffice(), "kiosk")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestStaffKeyDialog:
    def test_a_wrong_key(self, snap_compare: Any) -> None:
        """Ctrl+Q at a kiosk: "Staff only", the key field empty again (typed as dots) and
        "That is not the staff key." in red, over the dimmed attract screen."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)
            await pilot.press("ctrl+q")
            await steady(pilot)
            await pilot.press(*"guess", "enter")
            await steady(pilot)

        app = kiosk(mode="kiosk", staff_key="open sesame")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestServerDownBanner:
    def test_over_a_sale_in_progress(self, snap_compare: Any) -> None:
        """The server went away while two seats were picked: the red banner says it cannot
        be reached and when it tries again (F5: now), and the map keeps the two seats, the
        selection and the total as they were."""
        api = FlakyBoxoffice()

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("space", "right", "space")
            await steady(pilot)
            api.down = True
            await pilot.press("f5")
            await steady(pilot)
            banner = pilot.app.screen.query_one(ProblemBanner)
            assert banner.shown
            # The countdown ticks each second, however long the steps above took: stop it
            # and show it as it first appears.
            banner._stop_timer()
            banner._seconds_left = RETRY_SECONDS
            banner._render_text()
            await pilot.pause()

        assert snap_compare(kiosk(api), terminal_size=SIZE, run_before=run_before)


class TestEventScreen:
    def test_nothing_sold_yet(self, snap_compare: Any) -> None:
        """An empty venue: every seat and standing place free, nothing selected, Hold greyed
        out, Best available ready."""
        api = FixedBoxoffice()
        api.tickets = [
            t.model_copy(update={"ticket_status": SeatStatus.AVAILABLE}) for t in api.tickets
        ]
        assert snap_compare(kiosk(api), terminal_size=SIZE, run_before=to_event)


class TestReceiptScreen:
    def test_self_service_paid_by_card(self, snap_compare: Any) -> None:
        """Kiosk mode: booking ID, event, seats, the amount paid, the QR code and New sale;
        no Print button, and the hint that the screen clears itself."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_event(pilot)
            await pilot.press("space", "right", "space", "h")
            await steady(pilot)
            await pilot.press(*"4242424242424242", "enter", *"12/31", "enter", *"123", "enter")
            await steady(pilot)

        assert snap_compare(kiosk(mode="kiosk"), terminal_size=SIZE, run_before=run_before)
