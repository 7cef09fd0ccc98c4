"""The attract screen: what a self-service kiosk shows while nobody is using it. One big
invitation and the next few shows, turning over every few seconds; any key or touch starts a
sale at home. There is nothing on it to press wrongly and nowhere to get lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from kiosk.app.formatting import when
from shared.models import EventSummary

if TYPE_CHECKING:
    from kiosk.app.app import KioskApp

__all__ = ["AttractScreen", "upcoming"]

#: Shows on one page; the pages turn every ``CYCLE_SECONDS``.
EVENTS_PER_PAGE = 3
EVENTS_SHOWN = 12
CYCLE_SECONDS = 6.0
#: How often the shows are fetched again (new ones go on sale, old ones start); after a
#: failure (the server down) it is tried again sooner, without saying so on this screen.
RELOAD_SECONDS = 300.0
RETRY_SECONDS = 30.0

CALL = "Touch the screen or press any key\nto buy tickets"


def upcoming(events: list[EventSummary], now: datetime, count: int) -> list[EventSummary]:
    """The first ``count`` shows that have not started yet (the server lists running ones too)."""
    return [event for event in events if event.start_time > now][:count]


class AttractScreen(Screen[None]):
    """Dismissed by any key (priority bindings such as the staff's Ctrl+Q still work) or any
    click; the app shows it at start and after the kiosk has been left alone."""

    # With the screen, not in a .tcss beside it: the package data ships only app/*.tcss.
    DEFAULT_CSS = """
    AttractScreen {
        align: center middle;
        background: $surface;
    }

    #attract {
        width: 100%;
        max-width: 90;
        height: auto;
        padding: 0 2;
    }

    #attract-brand {
        width: 100%;
        text-align: center;
        text-style: bold;
        color: $accent;
        margin-bottom: 1;
    }

    #attract-call {
        width: 100%;
        height: auto;
        padding: 2 2;
        border: thick $success;
        background: $success 25%;
        text-align: center;
        text-style: bold;
        color: $text;
    }

    #attract-coming {
        width: 100%;
        height: auto;
        margin-top: 1;
        text-align: center;
        color: $text-muted;
    }

    #attract-events {
        width: 100%;
        height: auto;
        padding: 0 2;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    #attract-pages {
        width: 100%;
        height: auto;
        margin-top: 1;
        text-align: center;
        color: $text-muted;
    }
    """

    @dataclass
    class EventsLoaded(Message):
        events: list[EventSummary]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[EventSummary] = []
        #: The page of ``events`` on show.
        self.page = 0
        self._woken = False

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="attract"):
            yield Static("BOXOFFICE  ·  TICKETS", id="attract-brand")
            yield Static(CALL, id="attract-call")
            yield Static("", id="attract-coming")
            yield Static("", id="attract-events")
            yield Static("", id="attract-pages")

    def on_mount(self) -> None:
        self.set_interval(CYCLE_SECONDS, self.next_page)
        self.load_events()

    # the shows ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="attract", exit_on_error=False)
    def load_events(self) -> None:
        kiosk = self.kiosk
        page = kiosk.api.search_page(None, limit=EVENTS_SHOWN * 2)
        shows = upcoming(page.events, kiosk.clock(), EVENTS_SHOWN)
        if not get_current_worker().is_cancelled:
            self.post_message(self.EventsLoaded(shows))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Fetch again later; a failure keeps what is shown (or shows no list) and no error:
        a passer-by cannot fix the server, and touching the screen leads to one who can."""
        if event.state is WorkerState.SUCCESS:
            self.set_timer(RELOAD_SECONDS, self.load_events)
        elif event.state is WorkerState.ERROR:
            self.set_timer(RETRY_SECONDS, self.load_events)

    @on(EventsLoaded)
    def _show_events(self, message: EventsLoaded) -> None:
        self.events = message.events
        self.page = 0
        self.show_page()

    @property
    def pages(self) -> int:
        return -(-len(self.events) // EVENTS_PER_PAGE)

    def next_page(self) -> None:
        if self.pages > 1:
            self.page = (self.page + 1) % self.pages
            self.show_page()

    def show_page(self) -> None:
        first = self.page * EVENTS_PER_PAGE
        shown = self.events[first : first + EVENTS_PER_PAGE]
        self.query_one("#attract-coming", Static).update("Coming up" if shown else "")
        self.query_one("#attract-events", Static).update(
            "\n\n".join(
                f"[b]{escape(e.title)}[/b]\n"
                f"{when(e.start_time)}  ·  {escape(e.venue.title)}, {escape(e.venue.location)}"
                for e in shown
            )
        )
        dots = " ".join("●" if n == self.page else "○" for n in range(self.pages))
        self.query_one("#attract-pages", Static).update(dots if self.pages > 1 else "")

    # waking up ---------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        event.stop()  # not on to a binding (tab, escape...): every key means the same here
        self.wake()

    def on_click(self, event: events.Click) -> None:
        """On the click, not the press: the release must not land on the home screen."""
        event.stop()
        self.wake()

    def wake(self) -> None:
        """To the home screen, once (a second key may come before this screen has gone)."""
        if not self._woken and self.is_current:
            self._woken = True
            self.dismiss()
