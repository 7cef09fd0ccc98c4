"""Home: the venues on the left, and an event search that answers as you type (with an
optional date range) on the right. Every sale starts here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static

from kiosk.app.screens.base import KioskScreen
from kiosk.app.widgets import EventTable
from shared.models import EventSummary, VenueSummary

__all__ = ["DateRange", "HomeScreen", "parse_date_range"]

#: Typing pauses this long before a search is sent, so each keystroke does not cost a query.
SEARCH_DELAY = 0.3
RESULTS = 50


@dataclass(frozen=True, slots=True)
class DateRange:
    start: date | None = None
    end: date | None = None
    #: By field (``from``, ``to``): what is wrong with what was typed.
    error: str = ""


def parse_date_range(start: str, end: str) -> DateRange:
    """Two optional ``YYYY-MM-DD`` dates, the second not before the first."""
    dates: dict[str, date | None] = {}
    for name, text in (("From", start), ("To", end)):
        text = text.strip()
        if not text:
            dates[name] = None
            continue
        try:
            dates[name] = date.fromisoformat(text)
        except ValueError:
            return DateRange(error=f"{name}: write the date as YYYY-MM-DD, e.g. 2026-07-01.")
    first, last = dates["From"], dates["To"]
    if first and last and last < first:
        return DateRange(error="To is before From: swap the dates.")
    return DateRange(first, last)


class HomeScreen(KioskScreen):
    """Search box focused at start: type, ↓ to the results, Enter to open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Clear", id="clear", tooltip="Clear the search"),
        Binding(
            "f2",
            "showings",
            "All dates",
            id="showings",
            tooltip="Every venue and date of the highlighted show",
        ),
        Binding("down", "to_results", "Results", show=False, id="to-results"),
    ]
    crumb = "Home"

    @dataclass
    class VenuesLoaded(Message):
        venues: list[VenueSummary]

    @dataclass
    class ResultsLoaded(Message):
        events: list[EventSummary]
        more: bool
        described: str

    def __init__(self) -> None:
        super().__init__()
        self._search_timer: Timer | None = None
        self._venues: dict[int, VenueSummary] = {}

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="home"):
            with Vertical(id="venues-pane"):
                yield Label("Venues", classes="pane-title")
                venues: DataTable[Text] = DataTable(cursor_type="row", id="venues")
                yield venues
            with Vertical(id="search-pane"):
                yield Label("Find an event", classes="pane-title")
                yield Input(placeholder="Show, performer, venue or town", id="search")
                with Horizontal(id="dates-row"):
                    yield Label("Dates (optional) from ")
                    yield Input(placeholder="YYYY-MM-DD", id="from", max_length=10, compact=True)
                    yield Label(" to ")
                    yield Input(placeholder="YYYY-MM-DD", id="to", max_length=10, compact=True)
                yield Static("", id="search-status")
                yield EventTable(id="results")

    def on_mount(self) -> None:
        venues = self.query_one("#venues", DataTable)
        venues.add_column("Venue", width=22)
        self.query_one("#search", Input).focus()
        self.reload()

    def reload(self) -> None:
        self.load_venues()
        self.search_now()

    # venues ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="venues", exit_on_error=False)
    def load_venues(self) -> None:
        venues: list[VenueSummary] = []
        cursor: str | None = None
        while True:
            page = self.api.venues(limit=100, cursor=cursor)
            venues.extend(page.venues)
            if not (cursor := page.next_cursor):
                break
        self.answer(self.VenuesLoaded(venues))

    @on(VenuesLoaded)
    def _show_venues(self, message: VenuesLoaded) -> None:
        table = self.query_one("#venues", DataTable)
        table.clear()
        for venue in message.venues:
            name = Text(venue.title)
            name.append(f"\n{venue.location}", style="dim")
            table.add_row(name, height=2, key=str(venue.venue_id))
        self._venues = {v.venue_id: v for v in message.venues}

    @on(DataTable.RowSelected, "#venues")
    def _open_venue(self, event: DataTable.RowSelected) -> None:
        from kiosk.app.screens.venue import VenueScreen

        if event.row_key.value is not None:
            self.app.push_screen(VenueScreen(self._venues[int(event.row_key.value)]))

    # search ------------------------------------------------------------------------------
    @on(Input.Changed)
    def _typed(self) -> None:
        """Search once typing pauses."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.search_now)

    @on(Input.Submitted)
    def _to_results_on_enter(self) -> None:
        self.action_to_results()

    def search_now(self) -> None:
        query = self.query_one("#search", Input).value.strip()
        dates = parse_date_range(
            self.query_one("#from", Input).value, self.query_one("#to", Input).value
        )
        self.query_one("#from", Input).set_class(dates.error.startswith("From"), "-invalid")
        self.query_one("#to", Input).set_class(dates.error.startswith("To"), "-invalid")
        status = self.query_one("#search-status", Static)
        status.set_class(bool(dates.error), "-error")
        if dates.error:
            status.update(dates.error)
            return
        status.update("Searching…")
        self.search(query, dates)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, query: str, dates: DateRange) -> None:
        page = self.api.search_page(
            as_you_type(query) or None, start=dates.start, end=dates.end, limit=RESULTS
        )
        self.answer(
            self.ResultsLoaded(page.events, page.next_cursor is not None, _describe(query, dates))
        )

    @on(ResultsLoaded)
    def _show_results(self, message: ResultsLoaded) -> None:
        self.query_one(EventTable).show_events(message.events)
        count = len(message.events)
        status = self.query_one("#search-status", Static)
        status.remove_class("-error")
        if not count:
            status.update(f"No events {message.described}. Try fewer words or other dates.")
        else:
            more = f"First {count}" if message.more else str(count)
            events = f"event{'s' if count != 1 else ''}"
            status.update(f"{more} {events} {message.described}  ·  ↓ Enter: open")

    @on(EventTable.EventChosen)
    def _open_event(self, message: EventTable.EventChosen) -> None:
        from kiosk.app.screens.event import EventScreen

        self.app.push_screen(EventScreen(message.event_id, venue_id=message.venue_id))

    # actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        """Escape at home clears the search (there is nowhere further back)."""
        for field in ("#search", "#from", "#to"):
            self.query_one(field, Input).value = ""
        self.query_one("#search", Input).focus()

    def action_to_results(self) -> None:
        results = self.query_one(EventTable)
        if results.row_count:
            self.set_focus(results)  # at once: an Enter typed right after must reach it

    def action_showings(self) -> None:
        from kiosk.app.screens.showings import ShowingsScreen

        event_id = self.query_one(EventTable).highlighted_event
        if event_id is not None:
            self.app.push_screen(ShowingsScreen(event_id))

    def reset(self) -> None:
        """Back to a blank search: a new customer at a self-service kiosk."""
        self.action_back()
        self.search_now()


def _describe(query: str, dates: DateRange) -> str:
    parts = [f"matching “{escape(query)}”"] if query else []
    if dates.start:
        parts.append(f"from {dates.start:%d %b %Y}")
    if dates.end:
        parts.append(f"to {dates.end:%d %b %Y}")
    return " ".join(parts)


def as_you_type(query: str) -> str:
    """The last word as a prefix while it is being typed (``orch`` → ``orch*``), so results
    appear before the word is finished; the server treats a trailing ``*`` as a prefix."""
    if query and query[-1].isalnum() and query.count('"') % 2 == 0:
        return query + "*"
    return query
