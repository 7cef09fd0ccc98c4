"""Seats as people type them (``A12``, ``B12-15``, ``stalls:A:12``, a ticket ID), read once for
both the ``boxoffice hold`` command and the box-office screen: what each spec names, and the
command's messages and exit codes when it names nothing or too much (unchanged by the move of
the reading into ``kiosk.seat_specs``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.cli import ExitCode
from kiosk.cli._errors import CliError
from kiosk.cli._seats import resolve_seats
from kiosk.seat_specs import (
    AmbiguousSeat,
    NoSuchSeat,
    RangeTooLong,
    SeatIndex,
    resolve_spec,
    seat_label,
)
from shared.models import SeatStatus, TicketInfo
from shared.seatmap import SeatMap, load_seatmap

SEATMAPS = Path(__file__).parents[2] / "seatmaps"


def tickets_of(layout: SeatMap) -> list[TicketInfo]:
    return [
        TicketInfo(
            ticket_id=number,
            seat_id=place.seat_id,
            seat_number=place.label,
            section=place.section,
            row=place.row,
            category=place.category,
            price=Decimal("10.00"),
            ticket_status=SeatStatus.AVAILABLE,
        )
        for number, place in enumerate(layout.places(), start=1)
    ]


@pytest.fixture(scope="module")
def studio() -> list[TicketInfo]:
    """Three sections (left, centre, right) that all have rows A…"""
    return tickets_of(load_seatmap(SEATMAPS / "studio.json"))


@pytest.fixture(scope="module")
def stadium() -> list[TicketInfo]:
    """Rows numbered 1, 2, …: a seat is ``12:5``."""
    return tickets_of(load_seatmap(SEATMAPS / "stadium.json"))


def seat_ids(tickets: list[TicketInfo]) -> list[str]:
    return [t.seat_id for t in tickets]


def test_a_range_names_every_seat_of_one_row_in_order(studio: list[TicketInfo]) -> None:
    index = SeatIndex.build(studio)
    centre = frozenset({"centre"})
    expected = ["centre:B:12", "centre:B:13", "centre:B:14", "centre:B:15"]
    assert seat_ids(resolve_spec("B12-15", index, centre)) == expected
    assert seat_ids(resolve_spec("b12-B15", index, centre)) == expected
    assert seat_ids(resolve_spec("B15-12", index, centre)) == expected
    assert seat_ids(resolve_spec("centre:b:12", index)) == ["centre:B:12"]
    assert seat_ids(resolve_spec(str(studio[0].ticket_id), index)) == [studio[0].seat_id]


def test_numbered_rows_are_written_with_a_colon(stadium: list[TicketInfo]) -> None:
    index = SeatIndex.build(stadium)
    section = frozenset({"101"})
    assert seat_ids(resolve_spec("12:5-7", index, section)) == ["101:12:5", "101:12:6", "101:12:7"]
    ticket = resolve_spec("12:5", index, section)[0]
    assert seat_label(ticket) == "12:5"


def test_what_names_nothing_or_too_much_is_an_error_saying_so(
    studio: list[TicketInfo],
) -> None:
    index = SeatIndex.build(studio)
    with pytest.raises(AmbiguousSeat) as ambiguous:
        resolve_spec("A1", index)
    assert ambiguous.value.sections == ["centre", "left", "right"]
    assert ambiguous.value.examples == ["centre:A:1", "left:A:1", "right:A:1"]
    with pytest.raises(NoSuchSeat) as missing:
        resolve_spec("Z9-10", index, frozenset({"centre"}))
    assert (missing.value.kind, missing.value.sections) == ("seats", frozenset({"centre"}))
    with pytest.raises(RangeTooLong):
        resolve_spec("A1-101", index)


@pytest.mark.parametrize(
    ("specs", "section", "message", "code"),
    [
        (["A1"], None, "A1 is in 3 sections (centre:A:1, left:A:1, right:A:1): add --section "
         "centre or --section left or --section right, or give seat IDs", ExitCode.USAGE),
        (["Z9"], "Centre", "event 7 has no seat Z9 in section centre", ExitCode.NOT_FOUND),
        (["A30-33"], "left", "event 7 has no seats A30-33 in section left", ExitCode.NOT_FOUND),
        (["99999"], None, "event 7 has no ticket 99999", ExitCode.NOT_FOUND),
        (["no:such:seat"], None, "event 7 has no seat no:such:seat", ExitCode.NOT_FOUND),
        (["A1-200"], None, "A1-200: a range is at most 100 seats", ExitCode.USAGE),
        (["A1"], "balcony", "--section balcony: no such section (choose from centre, left, "
         "right)", ExitCode.USAGE),
    ],
)  # fmt: skip
def test_the_hold_command_says_what_is_wrong_as_before(
    studio: list[TicketInfo], specs: list[str], section: str | None, message: str, code: ExitCode
) -> None:
    names = {"left": "Left side", "centre": "Centre", "right": "Right side"}
    with pytest.raises(CliError) as error:
        resolve_seats(specs, studio, event_id=7, section=section, section_names=names)
    assert (error.value.message, error.value.exit_code) == (message, code)


def test_the_hold_command_keeps_the_order_typed_without_repeats(
    studio: list[TicketInfo],
) -> None:
    chosen = resolve_seats(["B3", "B1-3", " B5 "], studio, event_id=7, section="Centre")
    assert seat_ids(chosen) == ["centre:B:3", "centre:B:1", "centre:B:2", "centre:B:5"]
