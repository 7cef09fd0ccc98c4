"""What the box office types for seats (``B12-15``, ``A3 A4, C7``, ``centre B12``), read into
tickets: all of them or none, and when none, every reason in words naming the seats."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TINY_LAYOUT

from kiosk.app.formatting import SeatNames
from kiosk.app.typed_seats import SeatsNotChosen, TypedSeats, read_typed_seats
from kiosk.seat_specs import SeatIndex
from shared.models import SeatStatus, TicketInfo
from shared.seatmap import SeatMap, load_seatmap, parse_seatmap

SEATMAPS = Path(__file__).parents[2] / "seatmaps"
TAKEN = {
    "centre:A:1": SeatStatus.BOOKED,
    "centre:A:2": SeatStatus.BOOKED,
    "right:B:3": SeatStatus.RESERVED,
}


class Venue:
    """A layout with a ticket per place, some of them taken."""

    def __init__(self, layout: SeatMap, taken: Mapping[str, SeatStatus]) -> None:
        self.names = SeatNames(layout)
        self.sections = {s.id: s.name for s in layout.sections}
        self.sections.update({a.id: a.name for a in layout.general_admission})
        self.tickets = [
            TicketInfo(
                ticket_id=number,
                seat_id=place.seat_id,
                seat_number=place.label,
                section=place.section,
                row=place.row,
                category=place.category,
                price=Decimal("10.00"),
                ticket_status=taken.get(place.seat_id, SeatStatus.AVAILABLE),
            )
            for number, place in enumerate(layout.places(), start=1)
        ]
        self.index = SeatIndex.build(self.tickets)

    def read(self, text: str, chosen: Collection[int] = (), limit: int = 10) -> TypedSeats:
        return read_typed_seats(
            text,
            self.index,
            names=self.names,
            sections=self.sections,
            chosen=chosen,
            limit=limit,
        )

    def refusal(self, text: str, chosen: Collection[int] = ()) -> str:
        with pytest.raises(SeatsNotChosen) as error:
            self.read(text, chosen)
        return str(error.value)

    def ids(self, *seat_ids: str) -> list[int]:
        by_seat = {t.seat_id: t.ticket_id for t in self.tickets}
        return [by_seat[s] for s in seat_ids]


@pytest.fixture(scope="module")
def studio() -> Venue:
    """Left side, Centre and Right side: each has rows A-F."""
    return Venue(load_seatmap(SEATMAPS / "studio.json"), TAKEN)


@pytest.fixture(scope="module")
def tiny() -> Venue:
    """One section (Stalls, rows A-C) and a standing area."""
    return Venue(parse_seatmap(TINY_LAYOUT), {})


def seat_ids(typed: TypedSeats) -> list[str]:
    return [t.seat_id for t in typed.new]


def test_a_range_a_list_and_a_section_name(studio: Venue, tiny: Venue) -> None:
    assert seat_ids(tiny.read("B2-5")) == ["stalls:B:2", "stalls:B:3", "stalls:B:4", "stalls:B:5"]
    assert seat_ids(tiny.read(" a3 A4,C1;  c2 ")) == [
        "stalls:A:3",
        "stalls:A:4",
        "stalls:C:1",
        "stalls:C:2",
    ]
    # A section's name (any case, even of several words) or ID applies to the seats after it.
    assert seat_ids(studio.read("centre B12-15")) == [f"centre:B:{n}" for n in range(12, 16)]
    assert seat_ids(studio.read("right side C1 C2, Left D4")) == [
        "right:C:1",
        "right:C:2",
        "left:D:4",
    ]
    assert seat_ids(studio.read("centre:h:1")) == ["centre:H:1"]


def test_seats_chosen_already_are_not_chosen_twice(tiny: Venue) -> None:
    typed = tiny.read("A3-5", chosen=tiny.ids("stalls:A:4"))
    assert seat_ids(typed) == ["stalls:A:3", "stalls:A:5"]
    assert [t.seat_id for t in typed.already] == ["stalls:A:4"]


def test_a_label_in_several_sections_asks_for_the_section(studio: Venue) -> None:
    assert studio.refusal("B4") == (
        "Nothing chosen: B4 is in Centre, Left side and Right side: type the section first, "
        "for example “centre B4”."
    )


def test_every_seat_that_cannot_be_had_is_named(studio: Venue) -> None:
    """Unknown seats, booked ones and held ones, all in one answer: nothing is chosen."""
    message = studio.refusal("centre A1-3 Z9 right B3 B99 centre Q1")
    assert message == (
        "Nothing chosen: no seat Z9, Q1 in Centre; no seat B99 in Right side; "
        "Centre A1, A2 already booked; Right side B3 held by someone else."
    )


def test_the_ten_seat_limit_counts_the_seats_chosen_already(tiny: Venue) -> None:
    eight = tiny.ids(*(f"stalls:C:{n}" for n in range(1, 9)))
    assert tiny.refusal("A3-5", chosen=eight) == (
        "Nothing chosen: at most 10 seats per booking (8 chosen already, 3 more typed)."
    )
    assert len(tiny.read("A3-4", chosen=eight).new) == 2
    assert len(tiny.read("C1-8 A3 A4", chosen=eight).new) == 2  # C1-8 are chosen already


def test_slips_get_a_hint(tiny: Venue) -> None:
    assert (
        tiny.refusal("  ,, ") == "Nothing chosen: type seats, for example B12-15, C3 or stalls B12."
    )
    assert tiny.refusal("stalls") == "Nothing chosen: no seats typed after Stalls."
    assert tiny.refusal("A1-150") == (
        "Nothing chosen: A1-150 is too long a range (at most 100 seats)."
    )
    assert tiny.refusal("standing:GA:2") == (
        "Nothing chosen: Standing places are picked on the map or in the list (L), not typed."
    )
