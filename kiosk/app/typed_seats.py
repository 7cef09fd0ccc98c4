"""Seats typed at the box office (``B12-15``, ``A3 A4, C7``, ``stalls B12-15``): which tickets
they name, and, when they cannot all be chosen, why in words for the person at the counter.

All or none: a cashier who typed five seats and got three would sell the wrong thing. Seats are
read as ``boxoffice hold`` reads them (:mod:`kiosk.seat_specs`). Pure: no Textual.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from kiosk.app.formatting import SeatNames
from kiosk.seat_specs import (
    LONGEST_RANGE,
    AmbiguousSeat,
    NoSuchSeat,
    RangeTooLong,
    SeatIndex,
    SeatSpecError,
    resolve_spec,
)
from shared.models import SeatStatus, TicketInfo

__all__ = ["EXAMPLE", "SeatsNotChosen", "TypedSeats", "read_typed_seats"]

#: What to type, for the prompt and for messages.
EXAMPLE = "B12-15, C3 or stalls B12"
_SEPARATORS = re.compile(r"[\s,;]+")


class SeatsNotChosen(ValueError):
    """Nothing was chosen; ``str()`` says why (``Nothing chosen: no seat Z9; A1 booked.``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"Nothing chosen: {'; '.join(problems)}.")
        #: Each reason, in a few words.
        self.problems = problems


@dataclass(frozen=True, slots=True)
class TypedSeats:
    """The seats typed: ``new`` ones to choose, in the order typed, and ``already`` chosen."""

    new: tuple[TicketInfo, ...]
    already: tuple[TicketInfo, ...]


def read_typed_seats(
    text: str,
    index: SeatIndex,
    *,
    names: SeatNames,
    sections: Mapping[str, str],
    chosen: Collection[int],
    limit: int,
) -> TypedSeats:
    """The tickets ``text`` names; raises :class:`SeatsNotChosen` unless every one of them
    is a seat that can be chosen now and the whole selection stays within ``limit``.

    ``sections``: section and standing-area IDs to their names (either may be typed before
    seats to say where they are); ``chosen``: the ticket IDs chosen already.
    """
    groups = list(_groups(text, sections))
    if not groups:
        raise SeatsNotChosen([f"type seats, for example {EXAMPLE}"])
    found: dict[int, TicketInfo] = {}
    unknown: dict[str, list[str]] = {}  # "" or " in Stalls" -> what was typed there
    problems: list[str] = []
    for where, spec in groups:
        if spec is None:
            problems.append(f"no seats typed after {_section_names(where, names)}")
            continue
        try:
            tickets = resolve_spec(spec, index, where)
        except NoSuchSeat as error:
            place = f" in {_section_names(error.sections, names)}" if error.sections else ""
            unknown.setdefault(place, []).append(spec)
            continue
        except AmbiguousSeat as error:
            problems.append(_ambiguous(error, names))
            continue
        except RangeTooLong as error:
            problems.append(f"{error.spec} is too long a range (at most {LONGEST_RANGE} seats)")
            continue
        except SeatSpecError as error:
            problems.append(str(error))
            continue
        for ticket in tickets:
            found.setdefault(ticket.ticket_id, ticket)
    problems[:0] = [f"no seat {', '.join(specs)}{place}" for place, specs in unknown.items()]
    problems.extend(_unavailable(list(found.values()), names))
    if not problems:
        new = tuple(t for t in found.values() if t.ticket_id not in chosen)
        if len(chosen) + len(new) > limit:
            problems.append(
                f"at most {limit} seats per booking ({len(chosen)} chosen already, "
                f"{len(new)} more typed)"
            )
        else:
            already = tuple(t for t in found.values() if t.ticket_id in chosen)
            return TypedSeats(new, already)
    raise SeatsNotChosen(problems)


def _groups(
    text: str, sections: Mapping[str, str]
) -> Iterator[tuple[frozenset[str] | None, str | None]]:
    """``stalls B12-15 C3`` → (stalls, ``B12-15``), (stalls, ``C3``): a section's name or ID
    (the longest that matches, names may have spaces) applies to the seats after it. A section
    named with nothing after it gives (section, None)."""
    words: dict[str, set[str]] = {}
    for section_id, name in sections.items():
        for key in (section_id, name):
            words.setdefault(" ".join(key.casefold().split()), set()).add(section_id)
    longest = max((len(key.split()) for key in words), default=1)
    tokens = [t for t in _SEPARATORS.split(text) if t]
    where: frozenset[str] | None = None
    waiting = False  # a section was named and no seat has followed yet
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            ids = words.get(" ".join(tokens[i : i + size]).casefold())
            if ids is not None:
                if waiting:
                    yield where, None
                where, waiting = frozenset(ids), True
                i += size
                break
        else:
            yield where, tokens[i]
            waiting = False
            i += 1
    if waiting:
        yield where, None


def _section_names(ids: Collection[str] | None, names: SeatNames) -> str:
    return " or ".join(sorted(names.section(s) for s in ids or ()))


def _ambiguous(error: AmbiguousSeat, names: SeatNames) -> str:
    where = [names.section(s) for s in error.sections]
    listed = ", ".join(where[:-1]) + f" and {where[-1]}"
    return (
        f"{error.spec} is in {listed}: type the section first, "
        f"for example “{where[0].casefold()} {error.spec}”"
    )


def _unavailable(tickets: list[TicketInfo], names: SeatNames) -> Iterator[str]:
    """Seats someone else has, and standing places (chosen by count, on the map or list)."""
    booked = [t for t in tickets if t.ticket_status is SeatStatus.BOOKED]
    held = [t for t in tickets if t.ticket_status is SeatStatus.RESERVED]
    standing = [t for t in tickets if t.row is None and t.ticket_status is SeatStatus.AVAILABLE]
    if booked:
        yield f"{names.listing(booked)} already booked"
    if held:
        yield f"{names.listing(held)} held by someone else"
    if standing:
        areas = " and ".join(dict.fromkeys(names.section(t.section) for t in standing))
        yield f"{areas} places are picked on the map or in the list (L), not typed"
