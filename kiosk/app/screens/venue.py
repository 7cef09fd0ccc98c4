"""A venue: where it is and its upcoming events; Enter opens one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, Static

from kiosk.app.screens.base import KioskScreen
from kiosk.app.widgets import EventTable
from shared.models import EventSummary, VenueSummary

__all__ = ["VenueScreen"]

#: A venue's programme rarely runs longer; more would be a search, not a list.
EVENTS = 200


class VenueScreen(KioskScreen):
    """Opened from the venue list on the home screen."""

    @dataclass
    class EventsLoaded(Message):
        events: list[EventSummary]

    def __init__(self, venue: VenueSummary) -> None:
        super().__init__()
        self.venue = venue
        self.crumb = venue.title

    def compose_body(self) -> Iterable[Widget]:
        yield Label(self.venue.title, classes="screen-title", markup=False)
        yield Static(
            f"{self.venue.location}  ·  {self.venue.seating_capacity:,} places",
            classes="screen-subtitle",
            markup=False,
        )
        yield Static("Loading the programme…", id="venue-status")
        yield EventTable(show_venue=False, id="venue-events")

    def on_mount(self) -> None:
        self.query_one(EventTable).focus()
        self.reload()

    def reload(self) -> None:
        self.load_events()

    @work(thread=True, exclusive=True, group="venue-events", exit_on_error=False)
    def load_events(self) -> None:
        events: list[EventSummary] = []
        cursor: str | None = None
        while len(events) < EVENTS:
            page = self.api.venue_events_page(self.venue.venue_id, limit=100, cursor=cursor)
            events.extend(page.events)
            if not (cursor := page.next_cursor):
                break
        self.answer(self.EventsLoaded(events[:EVENTS]))

    @on(EventsLoaded)
    def _show(self, message: EventsLoaded) -> None:
        self.query_one(EventTable).show_events(message.events)
        count = len(message.events)
        self.query_one("#venue-status", Static).update(
            f"{count} upcoming event{'s' if count != 1 else ''}  ·  Enter to open"
            if count
            else "No upcoming events at this venue."
        )

    @on(EventTable.EventChosen)
    def _open(self, message: EventTable.EventChosen) -> None:
        from kiosk.app.screens.event import EventScreen

        self.app.push_screen(EventScreen(message.event_id, venue_id=message.venue_id))
