"""The free seats as a table (section, row, seat, price, features, category): the seat map's
alternative for anyone who cannot use a map. It only shows and asks; the map keeps the one
selection, so picking here is picking there (same limit, same messages, same total)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from kiosk.app.available_seats import AvailableSeats, SeatRow, SortOrder
from kiosk.app.formatting import money
from shared.models import TicketInfo

__all__ = ["SeatList"]

#: The Select value for "every section" / "every category".
_ALL = "*"
_CHOSEN = "✓"


class SeatList(Vertical):
    """Enter, Space or a click on a highlighted row picks or unpicks the seat; on a standing
    area it adds a place and ``-`` gives one back; ``p`` on a wheelchair space picks it with
    its companion seat; ``s`` changes the order (a click on a column heading too).

    Posts :class:`SeatPicked`, :class:`PairPicked` and :class:`PlaceGivenBack`; the screen
    asks the seat map to do it, and shows the new selection with :meth:`show_selection`.
    """

    DEFAULT_CSS = """
    SeatList {
        height: 1fr;
        width: 1fr;
    }
    SeatList > #seat-list-filters {
        height: 1;
        padding: 0 1;
    }
    SeatList Select {
        width: 2fr;
        margin-right: 1;
    }
    SeatList #seat-list-section {
        width: 3fr;
    }
    SeatList > #seat-list-status {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    SeatList > DataTable {
        height: 1fr;
        scrollbar-size: 1 1;  /* every column counts at 80 columns */
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pick", "Pick", id="seat-list.pick", tooltip="Pick or unpick this seat"),
        Binding(
            "p",
            "pick_pair",
            "With companion",
            id="seat-list.pick-pair",
            tooltip="Pick this wheelchair space and the companion seat beside it",
        ),
        Binding(
            "minus,backspace",
            "give_back",
            "One place fewer",
            id="seat-list.give-back",
            tooltip="Give back a standing place",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            id="seat-list.sort",
            tooltip="By place, cheapest first, dearest first",
        ),
    ]

    @dataclass
    class SeatPicked(Message):
        """Pick or unpick ``key``: a seat ID, or a standing area's ID (one more place)."""

        seat_list: SeatList
        key: str

    @dataclass
    class PairPicked(Message):
        """Pick (or unpick) the wheelchair space ``key`` with its companion seat."""

        seat_list: SeatList
        key: str

    @dataclass
    class PlaceGivenBack(Message):
        """Give back one place picked in the standing area ``area``."""

        seat_list: SeatList
        area: str

    def __init__(
        self,
        seats: AvailableSeats,
        currency: str,
        *,
        near: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._seats = seats
        self._currency = currency
        self._order = SortOrder.PLACE
        #: The section listed (None: all); ``near`` the one to start on
        #: when they are listed one at a time (a big venue).
        self._section: str | None = None
        self._near = near
        self._category: str | None = None
        self._chosen: set[int] = set()
        self._chosen_in: Counter[str] = Counter()  # standing areas: places I picked
        self._rows: dict[str, SeatRow] = {}
        self._with_section = True
        self._table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)

    # --- Public interface ------------------------------------------------------------------

    @property
    def table(self) -> DataTable[Text]:
        return self._table

    @property
    def section(self) -> str | None:
        """The section listed, or None for all of them."""
        return self._section

    @property
    def highlighted(self) -> SeatRow | None:
        table = self._table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    @property
    def rows(self) -> list[SeatRow]:
        """The rows shown, in the order shown."""
        table = self._table
        return [self._rows[str(row.key.value)] for row in table.ordered_rows]

    def show_tickets(self, tickets: Sequence[TicketInfo], chosen: Sequence[TicketInfo]) -> None:
        """New statuses (and the selection, which may have lost seats someone else took)."""
        self._seats.load(tickets)
        self._set_chosen(chosen)
        if self.is_mounted:
            self._fill_selects()
            self._rebuild()

    def show_selection(self, chosen: Sequence[TicketInfo]) -> None:
        """Mark the picked seats (the map's selection changed)."""
        before_ids, before_areas = self._chosen, self._chosen_in
        self._set_chosen(chosen)
        changed = before_ids ^ self._chosen
        areas = before_areas.keys() | self._chosen_in.keys()
        table = self._table
        for row in self._rows.values():
            if row.ticket_id in changed or (row.standing and row.key in areas):
                table.update_cell(row.key, "chosen", self._mark(row))
                if row.standing:
                    table.update_cell(row.key, "features", self._features_cell(row))

    def show_section(self, section: str) -> None:
        """List ``section`` (e.g. the one the map shows)."""
        if section in self._seats.sections and section != self._section:
            self._section = section
            select = self.query_one("#seat-list-section", Select)
            with select.prevent(Select.Changed):
                select.value = section
            self._rebuild(keep_cursor=False)  # now, not a frame later with the old rows

    # --- Composition -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="seat-list-filters"):
            yield Select[str](
                [("All sections", _ALL)],
                allow_blank=False,
                compact=True,
                id="seat-list-section",
                tooltip="Which section to list",
            )
            yield Select[str](
                [("All prices", _ALL)],
                allow_blank=False,
                compact=True,
                id="seat-list-category",
                tooltip="Which price category to list",
            )
        yield Static("", id="seat-list-status", markup=False)
        yield self._table

    def on_mount(self) -> None:
        self._fill_selects()
        self._rebuild()

    def focus_table(self) -> None:
        self._table.focus()

    # --- Filters and order -----------------------------------------------------------------

    def _fill_selects(self) -> None:
        seats = self._seats
        if not seats.list_all and self._section is None:
            self._section = self._near if self._near in seats.sections else None
            self._section = self._section or next(
                (s for s in seats.sections if seats.free_in[s]), None
            )
            self._section = self._section or next(iter(seats.sections), None)
        sections = [(f"All sections ({seats.total_free:,} free)", _ALL)] if seats.list_all else []
        sections += [
            (f"{name} ({seats.free_in[section]:,} free)", section)
            for section, name in seats.sections.items()
        ]
        categories = [("All prices", _ALL)]
        categories += [(name, category) for category, name in seats.categories.items()]
        for select_id, options, value in (
            ("#seat-list-section", sections, self._section),
            ("#seat-list-category", categories, self._category),
        ):
            select = self.query_one(select_id, Select)
            with select.prevent(Select.Changed):
                select.set_options(options)
                select.value = _ALL if value is None else value

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        section = self.query_one("#seat-list-section", Select).value
        category = self.query_one("#seat-list-category", Select).value
        new = (
            None if section == _ALL else str(section),
            None if category == _ALL else str(category),
        )
        if new != (self._section, self._category):
            self._section, self._category = new
            self._rebuild(keep_cursor=False)

    def action_sort(self) -> None:
        self._order = self._order.next()
        self._rebuild()

    @on(DataTable.HeaderSelected)
    def _heading_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value == "price":
            cheapest = self._order is SortOrder.CHEAPEST
            self._order = SortOrder.DEAREST if cheapest else SortOrder.CHEAPEST
        else:
            self._order = SortOrder.PLACE
        self._rebuild()

    # --- Picking ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys act on the highlighted row, so only while the table has the focus."""
        if action in ("pick", "pick_pair", "give_back"):
            row = self.highlighted if self._table.has_focus else None
            if row is None:
                return False
            if action == "pick_pair":
                return row.wheelchair_space
            if action == "give_back":
                return row.standing and self._chosen_in[row.key] > 0
        return True

    def action_pick(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.SeatPicked(self, row.key))

    def action_pick_pair(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.PairPicked(self, row.key))

    def action_give_back(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.PlaceGivenBack(self, row.key))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.SeatPicked(self, event.row_key.value))

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.refresh_bindings()  # p and - depend on the row

    # --- Drawing ---------------------------------------------------------------------------

    def _set_chosen(self, chosen: Sequence[TicketInfo]) -> None:
        self._chosen = {t.ticket_id for t in chosen}
        self._chosen_in = Counter(t.section for t in chosen if t.row is None)

    def _mark(self, row: SeatRow) -> Text:
        if row.standing:
            count = self._chosen_in[row.key]
            return Text(str(count) if count else "", style="bold")  # places picked
        return Text(_CHOSEN if row.ticket_id in self._chosen else "", style="bold")

    def _features_cell(self, row: SeatRow) -> Text:
        if row.standing:
            return Text(f"standing, {row.left - self._chosen_in[row.key]:,} left")
        return Text(row.features)

    def _rebuild(self, *, keep_cursor: bool = True) -> None:
        table = self._table
        old = self.highlighted if keep_cursor else None
        index = table.cursor_row if keep_cursor else 0
        rows = self._seats.rows(section=self._section, category=self._category, order=self._order)
        self._rows = {row.key: row for row in rows}
        self._with_section = self._section is None
        table.clear(columns=True)
        table.add_column(_CHOSEN, key="chosen", width=2)
        if self._with_section:
            table.add_column("Section", key="section")
        table.add_column("Row", key="row")
        table.add_column("Seat", key="seat")
        table.add_column("Price", key="price")
        table.add_column("Features", key="features")
        table.add_column("Category", key="category")
        for row in rows:
            table.add_row(*self._cells(row), key=row.key)
        if rows:
            if old is not None and old.key in self._rows:
                index = table.get_row_index(old.key)
            table.move_cursor(row=min(index, len(rows) - 1), animate=False)
        self._say(rows)

    def _cells(self, row: SeatRow) -> list[Text]:
        cells = [self._mark(row)]
        if self._with_section:
            cells.append(Text(self._seats.sections.get(row.section, row.section)))
        cells += [
            Text(row.row),
            Text(row.seat),
            Text(money(row.price, self._currency), justify="right"),
            self._features_cell(row),
            Text(row.category),
        ]
        return cells

    def _say(self, rows: list[SeatRow]) -> None:
        seats = self._seats
        places = sum(row.left if row.standing else 1 for row in rows)
        where = seats.sections.get(self._section, "") if self._section else "all sections"
        category = f" {seats.categories[self._category]}" if self._category else ""
        if not rows:
            text = f"No free{category} seats in {where}: choose another section or price above."
        else:
            text = f"{places:,} free{category} in {where}, {self._order.words}."
        if not seats.list_all:
            text += f" One section at a time: {seats.total_free:,} free in all."
        self.query_one("#seat-list-status", Static).update(text)
