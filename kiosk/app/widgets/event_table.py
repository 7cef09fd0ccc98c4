"""A table of events (when, what, where) shared by the search results, a venue's programme
and a touring show's dates; Enter or a click on a highlighted row opens the event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from kiosk.app.formatting import when_short
from shared.models import EventSummary, Showing

__all__ = ["EventTable"]

_WHEN = 16
_LEFT = 10


@dataclass(frozen=True, slots=True)
class _Row:
    event_id: int
    when: str
    title: str
    venue: str
    left: str = ""
    venue_id: int | None = None


class EventTable(DataTable[Text]):
    """Rows keyed by event ID; posts :class:`EventTable.EventChosen`. Columns share the width
    so that the venue stays readable in an 80-column terminal."""

    @dataclass
    class EventChosen(Message):
        event_id: int
        #: Where it is on: the event screen can fetch the venue's layout meanwhile.
        venue_id: int | None = None

    def __init__(self, *, show_venue: bool = True, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self._show_venue = show_venue
        self._show_left = False
        self._rows: list[_Row] = []
        self._width = 0

    def on_mount(self) -> None:
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._rebuild()

    def show_events(self, events: Sequence[EventSummary]) -> None:
        self._show_left = False
        self._rows = [
            _Row(
                e.event_id,
                when_short(e.start_time),
                e.title,
                f"{e.venue.title}, {e.venue.location}",
                venue_id=e.venue.venue_id,
            )
            for e in events
        ]
        self._rebuild(keep_cursor=False)

    def show_showings(self, showings: Sequence[Showing]) -> None:
        """A touring show: when, where and how many seats are left."""
        self._show_left, self._show_venue = True, True
        self._rows = [
            _Row(
                s.event_id,
                when_short(s.start_time),
                "",
                f"{s.venue.title}, {s.venue.location}",
                f"{s.tickets_available:,}" if s.tickets_available else "sold out",
                venue_id=s.venue.venue_id,
            )
            for s in showings
        ]
        self._rebuild(keep_cursor=False)

    def _rebuild(self, *, keep_cursor: bool = True) -> None:
        row = self.cursor_row if keep_cursor else 0
        self._width = self.size.width
        # every column has a cell of padding each side; keep one cell for a scrollbar
        others = 2 if self._show_venue and not self._show_left else 1
        fixed = _WHEN + 2 + 2 * others + 1 + (_LEFT + 2 if self._show_left else 0)
        spare = max(20, self._width - fixed)
        self.clear(columns=True)
        self.add_column("When", width=_WHEN)
        if self._show_left:
            self.add_column("Venue", width=spare)
            self.add_column("Seats left", width=_LEFT)
            for item in self._rows:
                cells = [Text(item.when), Text(item.venue), Text(item.left, justify="right")]
                self.add_row(*cells, key=str(item.event_id))
        elif not self._show_venue:
            self.add_column("Event", width=spare)
            for item in self._rows:
                self.add_row(Text(item.when), Text(item.title), key=str(item.event_id))
        else:
            titles = max((len(r.title) for r in self._rows), default=10)
            venues = max((len(r.venue) for r in self._rows), default=10)
            if titles + venues <= spare:
                self.add_column("Event", width=spare - venues)
                self.add_column("Venue", width=venues)
                for item in self._rows:
                    cells = [Text(item.when), Text(item.title), Text(item.venue)]
                    self.add_row(*cells, key=str(item.event_id))
            else:  # narrow: the venue under the title, so neither is cut short
                self.add_column("Event and venue", width=spare + 2)
                for item in self._rows:
                    what = Text(item.title, overflow="ellipsis", no_wrap=True)
                    what.append(f"\n{item.venue}", style="dim")
                    self.add_row(Text(item.when), what, height=2, key=str(item.event_id))
        if self._rows:
            self.move_cursor(row=min(row, len(self._rows) - 1))

    def select_event(self, event_id: int) -> None:
        for index, item in enumerate(self._rows):
            if item.event_id == event_id:
                self.move_cursor(row=index)

    @property
    def highlighted_event(self) -> int | None:
        if not self._rows:
            return None
        return self._rows[min(self.cursor_row, len(self._rows) - 1)].event_id

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            event_id = int(event.row_key.value)
            venue_id = next((r.venue_id for r in self._rows if r.event_id == event_id), None)
            self.post_message(self.EventChosen(event_id, venue_id))
