"""What a person types for a seat (``A12``, ``B12-15``, ``stalls:A:12``, ``1234``), turned into
the event's tickets. Shared by the ``boxoffice hold`` command and the box-office screen, so both
read seats the same way; pure (no I/O, no Click, no Textual), so each says errors its own way.

Errors::

    SeatSpecError (ValueError)
    ├── NoSuchSeat       the event has no such ticket, seat or row of seats
    ├── AmbiguousSeat    the label is in several sections
    ├── RangeTooLong     a range of more than LONGEST_RANGE seats: surely a slip
    └── NoSuchSection    the section asked for is not in the venue
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from shared.models import BookedTicket, TicketInfo

__all__ = [
    "LONGEST_RANGE",
    "AmbiguousSeat",
    "NoSuchSeat",
    "NoSuchSection",
    "RangeTooLong",
    "SeatIndex",
    "SeatSpecError",
    "is_ticket_id",
    "resolve_spec",
    "seat_label",
    "section_ids",
]

#: ``B12-15`` or ``B12-B15``: one row (ending in a non-digit), a range of seat numbers.
_RANGE = re.compile(r"^(?P<row>.*?\D)(?P<first>\d+)-(?P=row)?(?P<last>\d+)$", re.IGNORECASE)
_NUMBERS = re.compile(r"^(?P<first>\d+)(?:-(?P<last>\d+))?$")
#: A range names every seat between its ends; longer ones are surely a typing slip.
LONGEST_RANGE = 100


class SeatSpecError(ValueError):
    """A typed seat that names no ticket, or more than one way to read it."""

    def __init__(self, spec: str, message: str) -> None:
        super().__init__(message)
        #: What was typed, as typed (stripped).
        self.spec = spec


class NoSuchSeat(SeatSpecError):
    """``kind`` says what was looked for: a ticket ID, one seat, or a range (``seats``);
    ``sections`` the section IDs the search was limited to, if any."""

    def __init__(
        self,
        spec: str,
        kind: Literal["ticket", "seat", "seats"],
        sections: frozenset[str] | None = None,
    ) -> None:
        super().__init__(spec, f"no {kind} {spec}")
        self.kind = kind
        self.sections = sections


class AmbiguousSeat(SeatSpecError):
    """``sections``: the section IDs the label is in, sorted; ``examples``: one seat ID of each."""

    def __init__(self, spec: str, sections: list[str], examples: list[str]) -> None:
        super().__init__(spec, f"{spec} is in {len(sections)} sections")
        self.sections = sections
        self.examples = examples


class RangeTooLong(SeatSpecError):
    def __init__(self, spec: str) -> None:
        super().__init__(spec, f"{spec}: a range is at most {LONGEST_RANGE} seats")


class NoSuchSection(SeatSpecError):
    """``choices``: the section IDs the event has, sorted."""

    def __init__(self, section: str, choices: list[str]) -> None:
        super().__init__(section, f"no section {section}")
        self.choices = choices


def seat_label(ticket: TicketInfo | BookedTicket) -> str:
    """``A12``; ``12:5`` when the row label ends in a digit; a standing place by its seat ID.

    Every label this returns is also accepted by :func:`resolve_spec`.
    """
    if ticket.row is None:
        return ticket.seat_id
    if ticket.row[-1:].isdigit():
        return f"{ticket.row}:{ticket.seat_number}"
    return f"{ticket.row}{ticket.seat_number}"


def is_ticket_id(spec: str) -> bool:
    return spec.isascii() and spec.isdigit()


@dataclass(frozen=True, slots=True)
class SeatIndex:
    """The event's tickets by every name a person might use."""

    by_id: dict[int, TicketInfo]
    by_seat_id: dict[str, TicketInfo]
    by_label: dict[str, list[TicketInfo]]
    by_row: dict[str, list[TicketInfo]]

    @classmethod
    def build(cls, tickets: Iterable[TicketInfo]) -> SeatIndex:
        index = cls({}, {}, {}, {})
        for ticket in tickets:
            index.by_id[ticket.ticket_id] = ticket
            index.by_seat_id[ticket.seat_id.casefold()] = ticket
            if ticket.row is None:
                continue
            row = ticket.row.casefold()
            index.by_row.setdefault(row, []).append(ticket)
            number = ticket.seat_number.casefold()
            for key in {f"{row}{number}", f"{row}:{number}"}:
                index.by_label.setdefault(key, []).append(ticket)
        return index

    @property
    def sections(self) -> set[str]:
        return {t.section for t in self.by_id.values()}


def section_ids(section: str, index: SeatIndex, names: Mapping[str, str]) -> frozenset[str]:
    """The sections ``section`` names, by ID or by name (``names``: ID → name), any case."""
    key = section.casefold()
    sections = index.sections
    ids = {s for s in sections if key in (s.casefold(), names.get(s, s).casefold())}
    if not ids:
        raise NoSuchSection(section, sorted(sections))
    return frozenset(ids)


def resolve_spec(
    spec: str, index: SeatIndex, sections: frozenset[str] | None = None
) -> list[TicketInfo]:
    """The tickets one spec names (a ticket ID, a seat ID, a label or a range in one row),
    looking only in ``sections`` when given; raises a :class:`SeatSpecError`."""
    if is_ticket_id(spec):
        ticket = index.by_id.get(int(spec))
        if ticket is None:
            raise NoSuchSeat(spec, "ticket")
        return [ticket]
    if spec.count(":") == 2:
        ticket = index.by_seat_id.get(spec.casefold())
        if ticket is None:
            raise NoSuchSeat(spec, "seat")
        return [ticket]
    row, numbers = _split_row(spec)
    if numbers is None:
        found = index.by_label.get(spec.casefold(), [])
        found = [t for t in found if sections is None or t.section in sections]
        if not found:
            raise NoSuchSeat(spec, "seat", sections)
        _refuse_ambiguous(spec, found)
        return found
    first, last = sorted(numbers)
    if last - first >= LONGEST_RANGE:
        raise RangeTooLong(spec)
    labels = [str(n) for n in range(first, last + 1)]
    rows: dict[str, dict[str, TicketInfo]] = {}  # this row's seats by number, per section
    for ticket in index.by_row.get(row.casefold(), []):
        if sections is None or ticket.section in sections:
            rows.setdefault(ticket.section, {})[ticket.seat_number] = ticket
    complete = [seats for seats in rows.values() if all(n in seats for n in labels)]
    if not complete:
        raise NoSuchSeat(spec, "seats", sections)
    _refuse_ambiguous(spec, [seats[labels[0]] for seats in complete])
    return [complete[0][n] for n in labels]


def _split_row(spec: str) -> tuple[str, tuple[int, int] | None]:
    """``B12-15`` → (``B``, (12, 15)); ``12:3-6`` → (``12``, (3, 6)); a single seat → None."""
    if ":" in spec:
        row, _, seats = spec.partition(":")
        match = _NUMBERS.match(seats)
        if match and match["last"]:
            return row, (int(match["first"]), int(match["last"]))
        return row, None
    match = _RANGE.match(spec)
    if match:
        return match["row"], (int(match["first"]), int(match["last"]))
    return spec, None


def _refuse_ambiguous(spec: str, found: list[TicketInfo]) -> None:
    sections = sorted({t.section for t in found})
    if len(sections) < 2:
        return
    examples = [next(t.seat_id for t in found if t.section == s) for s in sections]
    raise AmbiguousSeat(spec, sections, examples)
