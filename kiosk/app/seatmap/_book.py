"""The tickets behind the map: which seats can be bought, which ones I picked, what they cost.

The selection rules live here, not in the widget, so they read in one place: at most
``max_selected`` places, only AVAILABLE ones, and a place taken by someone else since is
dropped from the selection when new statuses arrive. Pure: no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from kiosk.app.seatmap._grid import DetailGrid
from kiosk.app.seatmap._marks import Fullness, Mark, fullness_of
from shared.models import SeatStatus, TicketInfo

__all__ = ["STATE_MARKS", "SeatBook"]

_AVAILABLE, _HELD, _BOOKED, _NOT_ON_SALE = 0, 1, 2, 3
_CODES = {SeatStatus.AVAILABLE: _AVAILABLE, SeatStatus.RESERVED: _HELD, SeatStatus.BOOKED: _BOOKED}
#: Mark of a seat by its status code (an AVAILABLE seat shows its features instead).
STATE_MARKS: tuple[Mark, ...] = (Mark.AVAILABLE, Mark.HELD, Mark.BOOKED, Mark.UNSOLD)


def _place_number(ticket: TicketInfo) -> tuple[int, str]:
    number = ticket.seat_number
    return (int(number), number) if number.isdigit() else (1 << 62, number)


class SeatBook:
    """Ticket and status of every seat of a :class:`DetailGrid`, and the buyer's selection.

    Standing areas are sold by count: their tickets are kept per area, and picking an area
    adds the lowest-numbered available place that is not picked yet.
    """

    def __init__(self, grid: DetailGrid, tickets: Sequence[TicketInfo], max_selected: int) -> None:
        self.grid = grid
        self.max_selected = max_selected
        seats = grid.seats
        features = bytearray(len(seats))
        for index, seat in enumerate(seats):
            if seat.accessible:
                features[index] = Mark.ACCESSIBLE
            elif seat.companion:
                features[index] = Mark.COMPANION
            elif seat.obstructed:
                features[index] = Mark.OBSTRUCTED
        #: What an AVAILABLE seat shows: plain, wheelchair space, companion, restricted view.
        self.features = features
        self._area_ids = {area.id: i for i, area in enumerate(grid.areas)}
        #: ticket_id -> picked ticket, in the order picked.
        self.selected: dict[int, TicketInfo] = {}
        self.selected_seats: set[int] = set()
        self.area_selected = [0] * len(grid.areas)
        self.status = bytearray()
        self.tickets: list[TicketInfo | None] = []
        self.area_tickets: list[list[TicketInfo]] = []
        self.area_available: list[int] = []
        self.section_available: list[int] = []
        self.target_of_ticket: dict[int, int] = {}
        self._load(tickets)

    # --- Loading statuses ------------------------------------------------------------------

    def _load(self, tickets: Sequence[TicketInfo]) -> None:
        grid = self.grid
        seats = len(grid.seats)
        status = bytearray([_NOT_ON_SALE]) * seats
        by_seat: list[TicketInfo | None] = [None] * seats
        areas: list[list[TicketInfo]] = [[] for _ in grid.areas]
        target_of: dict[int, int] = {}
        index_of, area_ids, codes = grid.index_of, self._area_ids, _CODES
        # Comprehensions first (a stadium sends 50,000 tickets), then a loop over the seats.
        places = [index_of.get(ticket.seat_id) for ticket in tickets]
        for index, ticket in zip(places, tickets, strict=True):
            if index is not None:
                status[index] = codes[ticket.ticket_status]
                by_seat[index] = ticket
            elif ticket.row is None and (area := area_ids.get(ticket.section)) is not None:
                areas[area].append(ticket)
                target_of[ticket.ticket_id] = seats + area
        target_of.update(
            (ticket.ticket_id, index)
            for index, ticket in zip(places, tickets, strict=True)
            if index is not None
        )
        for area_places in areas:
            area_places.sort(key=_place_number)
        self.status, self.tickets, self.area_tickets = status, by_seat, areas
        self.target_of_ticket = target_of
        self.area_available = [
            sum(1 for t in area_places if t.ticket_status is SeatStatus.AVAILABLE)
            for area_places in areas
        ]
        self.section_available = [
            status[r.start : r.stop].count(_AVAILABLE) for r in grid.section_ranges
        ]

    def update(self, tickets: Sequence[TicketInfo]) -> tuple[set[int], list[TicketInfo]]:
        """Take new statuses; returns the targets that look different now and the picked
        tickets dropped because someone else holds or bought them (or they are gone)."""
        old_status, old_area_available = self.status, self.area_available
        self._load(tickets)
        changed = {
            i for i, (a, b) in enumerate(zip(old_status, self.status, strict=True)) if a != b
        }
        seats = len(self.grid.seats)
        changed.update(
            seats + area
            for area, (a, b) in enumerate(zip(old_area_available, self.area_available, strict=True))
            if a != b
        )
        fresh = {t.ticket_id: t for places in self.area_tickets for t in places}
        dropped: list[TicketInfo] = []
        kept: dict[int, TicketInfo] = {}
        for ticket_id, old in self.selected.items():
            target = self.target_of_ticket.get(ticket_id)
            new: TicketInfo | None = None
            if target is not None:
                new = self.tickets[target] if target < seats else fresh.get(ticket_id)
            if new is not None and new.ticket_status is SeatStatus.AVAILABLE:
                kept[ticket_id] = new
            else:
                dropped.append(old)
        if dropped:
            self.selected = kept
            self._recount_selection()
            changed.update(self.target_of_ticket.get(t.ticket_id, -1) for t in dropped)
            changed.discard(-1)
        else:
            self.selected = kept
        return changed, dropped

    def _recount_selection(self) -> None:
        seats = len(self.grid.seats)
        self.selected_seats = set()
        self.area_selected = [0] * len(self.grid.areas)
        for ticket_id in self.selected:
            target = self.target_of_ticket[ticket_id]
            if target < seats:
                self.selected_seats.add(target)
            else:
                self.area_selected[target - seats] += 1

    # --- Reading ---------------------------------------------------------------------------

    def mark(self, seat: int) -> Mark:
        """How a seat is drawn now."""
        if seat in self.selected_seats:
            return Mark.SELECTED
        state = self.status[seat]
        if state == _AVAILABLE:
            return Mark(self.features[seat])
        return STATE_MARKS[state]

    def ticket_of(self, target: int) -> TicketInfo | None:
        """The seat's ticket, or for a standing area the next place that would be picked."""
        if target < len(self.grid.seats):
            return self.tickets[target]
        area = target - len(self.grid.seats)
        return self._next_place(area) or next(iter(self.area_tickets[area]), None)

    def is_available(self, seat: int) -> bool:
        return self.status[seat] == _AVAILABLE

    def places_left(self, area: int) -> int:
        """Places of a standing area still to be had, not counting the ones I picked."""
        return self.area_available[area] - self.area_selected[area]

    def section_fullness(self, target: int) -> tuple[int, int, Fullness]:
        """Available places, all places and how full, for a section or standing area."""
        sections = self.grid.section_ranges
        if target < len(sections):
            available, total = self.section_available[target], len(sections[target])
        else:
            area = target - len(sections)
            available, total = self.places_left(area), len(self.area_tickets[area])
        return available, total, fullness_of(available, total)

    @property
    def total(self) -> Decimal:
        return sum((t.price for t in self.selected.values()), Decimal(0))

    # --- Choosing --------------------------------------------------------------------------

    def _full_reason(self) -> str:
        return (
            f"At most {self.max_selected} seats per booking: deselect one before choosing another."
        )

    def toggle_seat(self, seat: int, name: str) -> str | None:
        """Pick or unpick a seat; the reason it cannot be picked, or None when done."""
        ticket = self.tickets[seat]
        if seat in self.selected_seats and ticket is not None:
            del self.selected[ticket.ticket_id]
            self.selected_seats.discard(seat)
            return None
        state = self.status[seat]
        if ticket is None or state == _NOT_ON_SALE:
            return f"{name} is not on sale for this event."
        if state == _HELD:
            return f"{name} is being held by someone else right now."
        if state == _BOOKED:
            return f"{name} is already booked."
        if len(self.selected) >= self.max_selected:
            return self._full_reason()
        self.selected[ticket.ticket_id] = ticket
        self.selected_seats.add(seat)
        return None

    def toggle_pair(self, seat: int, name: str) -> tuple[str | None, list[int]]:
        """Pick a wheelchair space together with a free companion seat beside it, or unpick
        both; returns why not (or None) and the seats that changed."""
        companions = [n for n in self.grid.neighbours(seat) if self.features[n] == Mark.COMPANION]
        if seat in self.selected_seats:
            changed = [seat, *(c for c in companions if c in self.selected_seats)]
            for target in changed:
                ticket = self.tickets[target]
                if ticket is not None:
                    del self.selected[ticket.ticket_id]
                self.selected_seats.discard(target)
            return None, changed
        free = [
            c
            for c in companions
            if self.status[c] == _AVAILABLE
            and c not in self.selected_seats
            and self.tickets[c] is not None
        ]
        if not free:
            return f"{name} has no free companion seat beside it.", []
        if len(self.selected) + 2 > self.max_selected:
            return self._full_reason(), []
        reason = self.toggle_seat(seat, name)
        if reason is not None:
            return reason, []
        companion = self.tickets[free[0]]
        assert companion is not None
        self.selected[companion.ticket_id] = companion
        self.selected_seats.add(free[0])
        return None, [seat, free[0]]

    def _next_place(self, area: int) -> TicketInfo | None:
        selected = self.selected
        for ticket in self.area_tickets[area]:
            if ticket.ticket_status is SeatStatus.AVAILABLE and ticket.ticket_id not in selected:
                return ticket
        return None

    def add_place(self, area: int, name: str) -> str | None:
        """Pick one more place in a standing area."""
        if len(self.selected) >= self.max_selected:
            return self._full_reason()
        ticket = self._next_place(area)
        if ticket is None:
            return f"{name} has no places left."
        self.selected[ticket.ticket_id] = ticket
        self.area_selected[area] += 1
        return None

    def remove_place(self, area: int) -> bool:
        """Give back the standing place picked last in ``area``; False if none was picked."""
        target = len(self.grid.seats) + area
        for ticket_id in reversed(self.selected):
            if self.target_of_ticket.get(ticket_id) == target:
                del self.selected[ticket_id]
                self.area_selected[area] -= 1
                return True
        return False

    def clear(self) -> set[int]:
        """Drop the whole selection; returns the targets to redraw."""
        targets = {self.target_of_ticket[t] for t in self.selected if t in self.target_of_ticket}
        self.selected = {}
        self.selected_seats = set()
        self.area_selected = [0] * len(self.grid.areas)
        return targets

    def targets_of(self, ticket_ids: Iterable[int]) -> set[int]:
        return {self.target_of_ticket[t] for t in ticket_ids if t in self.target_of_ticket}
