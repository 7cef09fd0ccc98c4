"""The seats still to be had, as rows of words (section, row, seat, price, category, features):
what the seat list shows to anyone who cannot use the map. Pure: no Textual.

A 50,000-seat stadium has ~30,000 free seats, far more than a table can lay out quickly, so
big venues are listed one section at a time (:data:`LIST_ALL_UP_TO`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from kiosk.app.formatting import SeatNames
from shared.models import SeatStatus, TicketInfo
from shared.seatmap import SeatMap

__all__ = ["LIST_ALL_UP_TO", "AvailableSeats", "SeatRow", "SortOrder"]

#: Venues with more free places than this are listed one section at a time.
LIST_ALL_UP_TO = 1_000


class SortOrder(Enum):
    """How the rows are ordered; ``words`` say it on screen."""

    PLACE = "in seat order"
    CHEAPEST = "cheapest first"
    DEAREST = "dearest first"

    @property
    def words(self) -> str:
        return self.value

    def next(self) -> SortOrder:
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]


@dataclass(frozen=True, slots=True)
class SeatRow:
    """One free seat, or one standing area (sold by count: ``left`` places)."""

    #: The seat ID, or the standing area's ID: what the seat map is asked to pick.
    key: str
    section: str
    row: str
    seat: str
    category: str
    price: Decimal
    features: str
    #: Where it is in the venue: sections in the layout's order, rows, along the row.
    order: int
    ticket_id: int | None = None
    #: A standing area: its free places (the ones I picked are still free).
    left: int = 0
    wheelchair_space: bool = False

    @property
    def standing(self) -> bool:
        return self.ticket_id is None


def _features(accessible: bool, companion: bool, obstructed: bool) -> str:
    words = [
        word
        for flag, word in (
            (accessible, "wheelchair"),  # short: at 80 columns every letter counts
            (companion, "companion seat"),
            (obstructed, "restricted view"),
        )
        if flag
    ]
    return ", ".join(words)


class AvailableSeats:
    """What the list needs from a venue's layout (built once) and its tickets (each load)."""

    def __init__(self, layout: SeatMap, names: SeatNames) -> None:
        self.names = names
        #: Where each seat is in the venue (sections in order, rows, along the row).
        self._order = {seat.seat_id: order for order, seat in enumerate(layout.seats())}
        #: The few seats with features (a stadium: 16 wheelchair spaces of 50,000 seats).
        self._features = {
            seat.seat_id: _features(seat.accessible, seat.companion, seat.obstructed)
            for seat in layout.seats()
            if seat.accessible or seat.companion or seat.obstructed
        }
        self._wheelchair_spaces = {seat.seat_id for seat in layout.seats() if seat.accessible}
        #: Section and standing-area IDs with their names, in the layout's order.
        self.sections: dict[str, str] = {s.id: s.name for s in layout.sections}
        self._areas = {a.id: a.name for a in layout.general_admission}
        self.sections.update(self._areas)
        self._area_order = {area: len(self._order) + i for i, area in enumerate(self._areas)}
        self.categories: dict[str, str] = {c.id: c.name for c in layout.categories}
        self._free: dict[str, list[TicketInfo]] = {}
        #: Free places per section or area.
        self.free_in: Counter[str] = Counter()

    def load(self, tickets: Sequence[TicketInfo]) -> None:
        """New statuses from the server."""
        free: dict[str, list[TicketInfo]] = {}
        for ticket in tickets:
            if ticket.ticket_status is SeatStatus.AVAILABLE:
                free.setdefault(ticket.section, []).append(ticket)
        self._free = free
        self.free_in = Counter({section: len(places) for section, places in free.items()})

    @property
    def total_free(self) -> int:
        return sum(self.free_in.values())

    @property
    def list_all(self) -> bool:
        """Few enough free places to list every section at once."""
        return self.total_free <= LIST_ALL_UP_TO

    def rows(
        self,
        *,
        section: str | None = None,
        category: str | None = None,
        order: SortOrder = SortOrder.PLACE,
    ) -> list[SeatRow]:
        """The free seats of ``section`` (all when None) in ``category`` (any when None),
        a standing area as one row with its free places (mine too: they are still free)."""
        sections = [section] if section is not None else list(self.sections)
        rows: list[SeatRow] = []
        for where in sections:
            places = self._free.get(where, [])
            if category is not None:
                places = [t for t in places if t.category == category]
            if where in self._areas:
                if places:
                    rows.append(self._area_row(where, places[0], len(places)))
                continue
            rows.extend(self._seat_row(t) for t in places if t.seat_id in self._order)
        return sort_rows(rows, order)

    def _seat_row(self, ticket: TicketInfo) -> SeatRow:
        return SeatRow(
            key=ticket.seat_id,
            section=ticket.section,
            row=ticket.row or "",
            seat=ticket.seat_number,
            category=self.names.category(ticket.category),
            price=ticket.price,
            features=self._features.get(ticket.seat_id, ""),
            order=self._order[ticket.seat_id],
            ticket_id=ticket.ticket_id,
            wheelchair_space=ticket.seat_id in self._wheelchair_spaces,
        )

    def _area_row(self, area: str, ticket: TicketInfo, left: int) -> SeatRow:
        return SeatRow(
            key=area,
            section=area,
            row="",
            seat="",
            category=self.names.category(ticket.category),
            price=ticket.price,
            features="",
            order=self._area_order[area],
            left=left,
        )


def sort_rows(rows: list[SeatRow], order: SortOrder) -> list[SeatRow]:
    if order is SortOrder.PLACE:
        return sorted(rows, key=lambda r: r.order)
    dearest = order is SortOrder.DEAREST
    return sorted(rows, key=lambda r: (-r.price if dearest else r.price, r.order))
