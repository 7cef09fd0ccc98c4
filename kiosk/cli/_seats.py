"""What a person types for a seat (``A12``, ``B12-15``, ``stalls:A:12``, ``1234``), turned into
the event's tickets, so nobody has to look up ticket IDs to hold seats."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kiosk.cli._errors import CliError, ExitCode
from shared.models import BookedTicket, TicketInfo

__all__ = ["is_ticket_id", "resolve_seats", "seat_label"]

#: ``B12-15`` or ``B12-B15``: one row (ending in a non-digit), a range of seat numbers.
_RANGE = re.compile(r"^(?P<row>.*?\D)(?P<first>\d+)-(?P=row)?(?P<last>\d+)$", re.IGNORECASE)
_NUMBERS = re.compile(r"^(?P<first>\d+)(?:-(?P<last>\d+))?$")
#: A range names every seat between its ends; longer ones are surely a typing slip.
_LONGEST_RANGE = 100


def seat_label(ticket: TicketInfo | BookedTicket) -> str:
    """``A12``; ``12:5`` when the row label ends in a digit; a standing place by its seat ID.

    Every label this returns is also accepted by :func:`resolve_seats`.
    """
    if ticket.row is None:
        return ticket.seat_id
    if ticket.row[-1:].isdigit():
        return f"{ticket.row}:{ticket.seat_number}"
    return f"{ticket.row}{ticket.seat_number}"


def is_ticket_id(spec: str) -> bool:
    return spec.isascii() and spec.isdigit()


@dataclass(frozen=True, slots=True)
class _Index:
    """The event's tickets by every name a person might use."""

    by_id: dict[int, TicketInfo]
    by_seat_id: dict[str, TicketInfo]
    by_label: dict[str, list[TicketInfo]]
    by_row: dict[str, list[TicketInfo]]

    @classmethod
    def build(cls, tickets: Iterable[TicketInfo]) -> _Index:
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


def resolve_seats(
    specs: Sequence[str],
    tickets: Iterable[TicketInfo],
    *,
    event_id: int,
    section: str | None = None,
    section_names: Mapping[str, str] | None = None,
) -> list[TicketInfo]:
    """The tickets named by ``specs``, in order and without repeats.

    A label found in several sections is refused (exit 2) with the choices, unless
    ``section`` (an id or a name) picks one; a seat the event does not have is exit 3.
    """
    index = _Index.build(tickets)
    wanted = _section_ids(section, index, section_names or {}) if section else None
    chosen: dict[int, TicketInfo] = {}
    for spec in specs:
        for ticket in _resolve_one(spec.strip(), index, wanted, event_id):
            chosen.setdefault(ticket.ticket_id, ticket)
    return list(chosen.values())


def _section_ids(section: str, index: _Index, names: Mapping[str, str]) -> set[str]:
    key = section.casefold()
    sections = {t.section for t in index.by_id.values()}
    ids = {s for s in sections if key in (s.casefold(), names.get(s, s).casefold())}
    if not ids:
        choices = ", ".join(sorted(sections))
        raise CliError(
            f"--section {section}: no such section (choose from {choices})", ExitCode.USAGE
        )
    return ids


def _resolve_one(
    spec: str, index: _Index, sections: set[str] | None, event_id: int
) -> list[TicketInfo]:
    if is_ticket_id(spec):
        ticket = index.by_id.get(int(spec))
        if ticket is None:
            raise CliError(f"event {event_id} has no ticket {spec}", ExitCode.NOT_FOUND)
        return [ticket]
    if spec.count(":") == 2:
        ticket = index.by_seat_id.get(spec.casefold())
        if ticket is None:
            raise CliError(f"event {event_id} has no seat {spec}", ExitCode.NOT_FOUND)
        return [ticket]
    row, numbers = _split_row(spec)
    where = f" in section {', '.join(sorted(sections))}" if sections else ""
    if numbers is None:
        found = index.by_label.get(spec.casefold(), [])
        found = [t for t in found if sections is None or t.section in sections]
        if not found:
            raise CliError(f"event {event_id} has no seat {spec}{where}", ExitCode.NOT_FOUND)
        _refuse_ambiguous(spec, found)
        return found
    first, last = sorted(numbers)
    if last - first >= _LONGEST_RANGE:
        raise CliError(f"{spec}: a range is at most {_LONGEST_RANGE} seats", ExitCode.USAGE)
    labels = [str(n) for n in range(first, last + 1)]
    rows: dict[str, dict[str, TicketInfo]] = {}  # this row's seats by number, per section
    for ticket in index.by_row.get(row.casefold(), []):
        if sections is None or ticket.section in sections:
            rows.setdefault(ticket.section, {})[ticket.seat_number] = ticket
    complete = [seats for seats in rows.values() if all(n in seats for n in labels)]
    if not complete:
        raise CliError(f"event {event_id} has no seats {spec}{where}", ExitCode.NOT_FOUND)
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
    options = " or ".join(f"--section {s}" for s in sections)
    raise CliError(
        f"{spec} is in {len(sections)} sections ({', '.join(examples)}): "
        f"add {options}, or give seat IDs",
        ExitCode.USAGE,
    )
