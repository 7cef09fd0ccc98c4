"""A touring show: every venue and date it plays, with the seats left; Enter opens one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, Static

from kiosk.app.screens.base import KioskScreen
from kiosk.app.widgets import EventTable
from shared.models import ShowingList

__all__ = ["ShowingsScreen"]


class ShowingsScreen(KioskScreen):
    """Opened with F2 on a search result, or from an event (another date or town)."""

    crumb = "All dates"

    @dataclass
    class ShowingsLoaded(Message):
        showings: ShowingList

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id

    def compose_body(self) -> Iterable[Widget]:
        yield Label("", id="showings-title", classes="screen-title", markup=False)
        yield Static("Loading the dates…", id="showings-status")
        yield EventTable(id="showings")

    def on_mount(self) -> None:
        self.query_one(EventTable).focus()
        self.reload()

    def reload(self) -> None:
        self.load_showings()

    @work(thread=True, exclusive=True, group="showings", exit_on_error=False)
    def load_showings(self) -> None:
        self.answer(self.ShowingsLoaded(self.api.showings(self.event_id)))

    @on(ShowingsLoaded)
    def _show(self, message: ShowingsLoaded) -> None:
        showings = message.showings
        self.crumb = f"{showings.title}: all dates"
        self.show_trail()
        self.query_one("#showings-title", Label).update(showings.title)
        table = self.query_one(EventTable)
        table.show_showings(showings.showings)
        places = len({s.venue.venue_id for s in showings.showings})
        count = len(showings.showings)
        self.query_one("#showings-status", Static).update(
            f"{count} date{'s' if count != 1 else ''} at {places} venue{'s' if places != 1 else ''}"
            "  ·  Enter to open"
        )
        table.select_event(self.event_id)

    @on(EventTable.EventChosen)
    def _open(self, message: EventTable.EventChosen) -> None:
        from kiosk.app.screens.event import EventScreen

        self.app.push_screen(EventScreen(message.event_id, venue_id=message.venue_id))
