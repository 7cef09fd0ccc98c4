"""What a person types for a seat (``A12``, ``B12-15``, ``stalls:A:12``, ``1234``), turned into
the event's tickets, so nobody has to look up ticket IDs to hold seats. The reading itself is
:mod:`kiosk.seat_specs` (the box-office screen reads seats the same way); here its errors
become the command's one-line messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kiosk.cli._errors import CliError, ExitCode
from kiosk.seat_specs import (
    AmbiguousSeat,
    NoSuchSeat,
    NoSuchSection,
    RangeTooLong,
    SeatIndex,
    SeatSpecError,
    is_ticket_id,
    resolve_spec,
    seat_label,
    section_ids,
)
from shared.models import TicketInfo

__all__ = ["is_ticket_id", "resolve_seats", "seat_label"]


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
    index = SeatIndex.build(tickets)
    chosen: dict[int, TicketInfo] = {}
    try:
        wanted = section_ids(section, index, section_names or {}) if section else None
        for spec in specs:
            for ticket in resolve_spec(spec.strip(), index, wanted):
                chosen.setdefault(ticket.ticket_id, ticket)
    except SeatSpecError as error:
        raise _cli_error(error, event_id) from None
    return list(chosen.values())


def _cli_error(error: SeatSpecError, event_id: int) -> CliError:
    spec = error.spec
    if isinstance(error, NoSuchSeat):
        where = f" in section {', '.join(sorted(error.sections))}" if error.sections else ""
        return CliError(f"event {event_id} has no {error.kind} {spec}{where}", ExitCode.NOT_FOUND)
    if isinstance(error, AmbiguousSeat):
        options = " or ".join(f"--section {s}" for s in error.sections)
        return CliError(
            f"{spec} is in {len(error.sections)} sections ({', '.join(error.examples)}): "
            f"add {options}, or give seat IDs",
            ExitCode.USAGE,
        )
    if isinstance(error, NoSuchSection):
        choices = ", ".join(error.choices)
        return CliError(
            f"--section {spec}: no such section (choose from {choices})", ExitCode.USAGE
        )
    assert isinstance(error, RangeTooLong)
    return CliError(str(error), ExitCode.USAGE)
