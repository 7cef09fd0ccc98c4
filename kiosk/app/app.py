"""``KioskApp``: the box-office terminal and self-service kiosk. Composition and global
behaviour only (screens, the attract screen and idle reset, the staff key, the hold to let go
on exit, the venue layouts kept between events); each screen is its own module under
``screens/``."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType

from kiosk.app.api import BoxofficeApi
from kiosk.app.layouts import LayoutCache
from kiosk.app.screens import EventScreen, HomeScreen
from kiosk.app.screens.attract import AttractScreen
from kiosk.app.screens.dialogs import StaffKeyDialog
from kiosk.app.screens.waiting import WaitingScreen
from kiosk.app.settings import KioskSettings, Mode
from shared.collector import settle_new_objects
from shared.errors import BoxofficeError
from shared.models import BookingInfo

__all__ = ["KioskApp"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KioskApp(App[None]):
    """Talks to the server only through ``client`` (the typed ``BoxofficeClient``), from
    worker threads, so the screen never waits on the network."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "Boxoffice"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="quit",
            tooltip="Close the terminal (a self-service kiosk asks for the staff key)",
            priority=True,
        ),
    ]

    def __init__(
        self,
        client: BoxofficeApi,
        mode: Mode = "box-office",
        *,
        settings: KioskSettings | None = None,
        clock: Callable[[], datetime] = _utc_now,
        currency: str = "GBP",
    ) -> None:
        super().__init__()
        self.api = client
        self.settings = settings or KioskSettings(mode=mode)
        if self.settings.mode != mode:
            raise ValueError(f"mode {mode!r} does not match the settings' {self.settings.mode!r}")
        self.clock = clock
        self.currency = currency
        #: The unpaid hold on screen, if any: let go on idle reset and on exit.
        self.active_hold: BookingInfo | None = None
        #: Venue layouts already expanded: the next event at a venue opens without it.
        self.layouts = LayoutCache()
        self._last_input = time.monotonic()
        if not self.settings.box_office:
            self._hide_quit_key()

    def _hide_quit_key(self) -> None:
        """A kiosk's footer does not tell the public how to close it; Ctrl+Q still asks staff
        for the key. (Textual has no public way to change one binding's ``show`` per app.)"""
        bindings = self._bindings.key_to_bindings
        bindings["ctrl+q"] = [replace(binding, show=False) for binding in bindings["ctrl+q"]]

    @property
    def mode_label(self) -> str:
        return "Box office" if self.settings.box_office else "Self-service"

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if not self.settings.box_office:
            self.show_attract()
            self.set_interval(1, self._check_idle)

    async def action_quit(self) -> None:
        """A self-service kiosk closes only for staff with the staff key. Without one set it
        cannot be closed from its keyboard at all: a public terminal that anyone could quit
        to a shell is the worse failure, and staff can still stop the process."""
        if self.settings.box_office:
            await self._close()
            return
        if not self.settings.staff_key:
            self.notify(
                "No staff key is set, so this kiosk cannot be closed from here. Start it with "
                f"BOXOFFICE_STAFF_KEY set; to stop it now, end process {os.getpid()} from "
                "another terminal.",
                title="Staff only",
                severity="warning",
                timeout=10,
            )
            return

        def answered(right: bool | None) -> None:
            if right:
                self.call_later(self._close)

        if not isinstance(self.screen, StaffKeyDialog):
            self.push_screen(StaffKeyDialog(self.settings.staff_key), answered)

    @on(EventScreen.EventLoaded)
    def _seat_map_built(self) -> None:
        """An event's seat map is on screen (a stadium's: some 100,000 new objects). Settled
        now, they do not count towards a full garbage collection that would stall the
        buyer's first keys (``shared.collector``)."""
        settle_new_objects()

    async def _close(self) -> None:
        """Give up any place in a waiting room before exiting: done in the background as
        the screen closes, it could be cut off with the process, keeping others behind."""
        for screen in self.screen_stack:
            if isinstance(screen, WaitingScreen):
                await screen.leave_now()
        self.exit()

    # holds -------------------------------------------------------------------------------
    def hold_started(self, booking: BookingInfo) -> None:
        self.active_hold = booking
        self.currency = booking.currency

    def hold_ended(self) -> None:
        self.active_hold = None

    # going home --------------------------------------------------------------------------
    def go_home(self) -> None:
        """The next sale: every screen above home closes."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp
        ):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def show_attract(self) -> None:
        """Self-service: the attract screen over home; any key or touch uncovers a fresh home."""

        def woken(_: None) -> None:
            for screen in self.screen_stack:
                if isinstance(screen, HomeScreen):
                    screen.reset()  # the search as of now, not as of when it was covered

        self.push_screen(AttractScreen(), woken)

    def _check_idle(self) -> None:
        """Self-service: nobody there for a while, so let any hold go and start over."""
        if time.monotonic() - self._last_input < self.settings.idle_seconds:
            return
        self._last_input = time.monotonic()
        if isinstance(self.screen, AttractScreen):
            return
        if self.active_hold is not None:
            self.release_quietly(self.active_hold)
            self.active_hold = None
        self.go_home()
        self.show_attract()

    @work(thread=True, group="idle-release", exit_on_error=False)
    def release_quietly(self, booking: BookingInfo) -> None:
        """Best effort: a hold nobody lets go of still runs out on the server by itself."""
        with contextlib.suppress(BoxofficeError):
            self.api.release(booking.booking_id)
