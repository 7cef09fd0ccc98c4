"""The two lines under the map: what is under the cursor (and its price), and what I have
picked so far with the running total, or why the last choice was refused."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text

from kiosk.app.formatting import money
from kiosk.app.seatmap._book import SeatBook
from kiosk.app.seatmap._grid import DetailGrid
from kiosk.app.seatmap._marks import MARKS, Mark
from shared.models import TicketInfo

__all__ = ["StatusWriter"]

_FREE_WITH_FEATURE = frozenset({Mark.ACCESSIBLE, Mark.COMPANION, Mark.OBSTRUCTED})


class StatusWriter:
    """Words for targets of one map; prices in ``currency``."""

    def __init__(self, grid: DetailGrid, book: SeatBook, currency: str) -> None:
        self.grid, self.book, self.currency = grid, book, currency
        self._sections = {s.id: s.name for s in grid.layout.sections}
        self._categories = {c.id: c.name for c in grid.layout.categories}

    def money(self, amount: Decimal) -> str:
        return money(amount, self.currency)

    def seat_name(self, seat: int) -> str:
        """``Stalls Centre, row F, seat 12``."""
        place = self.grid.seats[seat]
        section = self._sections.get(place.section, place.section)
        return f"{section}, row {place.row}, seat {place.label}"

    def _category(self, ticket: TicketInfo | None, fallback: str) -> str:
        return self._categories.get(ticket.category if ticket else fallback, fallback)

    def _price(self, ticket: TicketInfo | None) -> str:
        return self.money(ticket.price) if ticket is not None else "no price"

    def seat_line(self, target: int) -> Text:
        """The cursor's seat or standing area: where, category, price, state."""
        grid, book = self.grid, self.book
        ticket = book.ticket_of(target)
        if grid.is_area(target):
            area = grid.area_of(target)
            standing = grid.areas[area]
            left, mine = book.places_left(area), book.area_selected[area]
            picked = f" · {mine} picked" if mine else ""
            return Text.assemble(
                (standing.name, "bold"),
                f" · {self._category(ticket, standing.category)} · ",
                (self._price(ticket), "bold"),
                f" each · {left:,} places left{picked}",
            )
        mark = book.mark(target)
        state = MARKS[mark].words
        if mark in _FREE_WITH_FEATURE:
            state = f"available, {state}"
        elif mark is Mark.SELECTED:
            state = "selected by you"
        return Text.assemble(
            (self.seat_name(target), "bold"),
            f" · {self._category(ticket, grid.seats[target].category)} · ",
            (self._price(ticket), "bold"),
            f" · {state}",
        )

    def block_line(self, block: int) -> Text:
        """The cursor's block on the overview: name, places left, prices."""
        grid, book = self.grid, self.book
        available, total, _fullness = book.section_fullness(block)
        sections = len(grid.section_ranges)
        name = grid.block_name(block)
        if block < sections:
            tickets = [book.tickets[i] for i in grid.section_ranges[block]]
        else:
            tickets = list(book.area_tickets[block - sections])
        prices = sorted({t.price for t in tickets if t is not None})
        if not prices:
            price = "no prices"
        elif len(prices) == 1:
            price = self.money(prices[0])
        else:
            price = f"{self.money(prices[0])}–{self.money(prices[-1])}"
        action = "enter: see its seats" if block < sections else "enter: pick a place"
        return Text.assemble(
            (name, "bold"),
            " · ",
            (price, "bold"),
            f" · {available:,} of {total:,} left · {action}",
        )

    def selection_line(self, refusal: str | None, hint: str) -> Text:
        """What I picked and the total; a refusal instead, until the next move."""
        if refusal:
            return Text(refusal, style="bold")
        count = len(self.book.selected)
        if not count:
            return Text.assemble("Nothing selected yet", ("  " + hint, "dim") if hint else "")
        places = "place" if count == 1 else "places"
        return Text.assemble(
            f"{count} {places} selected · total ",
            (self.money(self.book.total), "bold"),
            ("  " + hint, "dim") if hint else "",
        )
