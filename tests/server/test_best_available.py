"""The best-available picker on the shipped layouts, without a database: which N seats side by
side a customer is offered, and that the rules hold for any availability (hypothesis)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.booking.best_available import (
    ACCESS,
    PLAIN,
    RESTRICTED,
    STANDING,
    Group,
    SeatPlan,
    pick_best,
)
from shared.seatmap import Seat, SeatMap, load_seatmap, parse_seatmap

SEATMAPS = Path(__file__).parents[2] / "seatmaps"


class Venue:
    """A layout sold as one event: ticket IDs numbered along the layout, and its plan."""

    def __init__(self, seatmap: SeatMap) -> None:
        self.seatmap = seatmap
        self.places = {place.seat_id: place for place in seatmap.places()}
        self.ticket = {seat_id: n for n, seat_id in enumerate(self.places, start=1)}
        self.seat = {n: self.places[seat_id] for seat_id, n in self.ticket.items()}
        self.plan = SeatPlan.build(seatmap, self.ticket)

    def ids(self, seat_ids: Iterable[str]) -> set[int]:
        return {self.ticket[seat_id] for seat_id in seat_ids}

    def all_but(self, free: Iterable[str]) -> set[int]:
        """Everything taken except ``free``."""
        return set(self.seat) - self.ids(free)

    def seat_ids(self, group: Group | None) -> list[str]:
        assert group is not None, "no group picked"
        return [self.seat[ticket].seat_id for ticket in group.ticket_ids]


@cache
def venue(name: str) -> Venue:
    return Venue(load_seatmap(SEATMAPS / f"{name}.json"))


def row(section: str, row_label: str, seats: Iterable[int]) -> list[str]:
    return [f"{section}:{row_label}:{n}" for n in seats]


# --- the shipped layouts ----------------------------------------------------------------------


def test_an_empty_theatre_offers_the_front_row_centre() -> None:
    theatre = venue("theatre")
    assert theatre.seat_ids(pick_best(theatre.plan, 2, set())) == row("stalls-c", "A", [7, 8])
    assert theatre.seat_ids(pick_best(theatre.plan, 4, set())) == row("stalls-c", "A", [6, 7, 8, 9])


def test_the_best_category_comes_before_a_nearer_seat() -> None:
    """Only the boxes are left of Premium (A): a box beats Standard seats much nearer the stage."""
    theatre = venue("theatre")
    premium = [s.seat_id for s in theatre.seatmap.seats() if s.category == "A"]
    in_boxes = [seat for seat in premium if seat.startswith(("box-a:", "box-c:"))]
    taken = theatre.ids(set(premium) - set(in_boxes))
    group = pick_best(theatre.plan, 2, taken)
    assert group is not None
    assert {theatre.seat[t].category for t in group.ticket_ids} == {"A"}
    assert theatre.seat_ids(group)[0].startswith(("box-a:", "box-c:"))


def test_a_category_asked_for_is_kept_to() -> None:
    theatre = venue("theatre")
    group = pick_best(theatre.plan, 3, set(), category="C")
    assert group is not None
    assert {theatre.seat[t].category for t in group.ticket_ids} == {"C"}
    # Balcony seats 1-3 are Restricted view (D): category D is those seats and nothing else.
    restricted = pick_best(theatre.plan, 3, set(), category="D")
    assert restricted is not None and restricted.tier == RESTRICTED
    assert all(theatre.seat[t].obstructed for t in restricted.ticket_ids)
    with pytest.raises(ValueError, match="unknown price category 'Z'"):
        pick_best(theatre.plan, 2, set(), category="Z")


def test_nearest_the_stage_within_a_category() -> None:
    """Row A of the centre stalls is taken: row B centre is next, not row A of the sides."""
    theatre = venue("theatre")
    taken = theatre.ids(row("stalls-c", "A", range(1, 15)))
    assert theatre.seat_ids(pick_best(theatre.plan, 2, taken)) == row("stalls-c", "B", [7, 8])


def test_seats_either_side_of_an_aisle_are_not_together() -> None:
    """Dress circle rows are 1-12, aisle, 13-34, aisle, 35-46: 12 and 13 are not a pair."""
    theatre = venue("theatre")
    taken = theatre.all_but(row("circle", "A", [12, 13]))
    assert pick_best(theatre.plan, 2, taken) is None
    taken = theatre.all_but(row("circle", "A", [11, 12, 13]))
    assert theatre.seat_ids(pick_best(theatre.plan, 2, taken)) == row("circle", "A", [11, 12])
    # Neighbouring sections are never one row either: stalls-l A8 | aisle | stalls-c A1.
    taken = theatre.all_but(["stalls-l:A:8", "stalls-c:A:1"])
    assert pick_best(theatre.plan, 2, taken) is None


def test_no_single_seat_is_stranded_when_another_choice_avoids_it() -> None:
    """Free: centre stalls A5-9 (A7-8 is nearest the centre line, but would strand A9)."""
    theatre = venue("theatre")
    taken = theatre.all_but(row("stalls-c", "A", range(5, 10)))
    group = pick_best(theatre.plan, 2, taken)
    assert theatre.seat_ids(group) == row("stalls-c", "A", [8, 9])
    assert group is not None and group.orphans == 0


def test_a_stranded_seat_is_accepted_when_nothing_else_fits() -> None:
    theatre = venue("theatre")
    taken = theatre.all_but(row("stalls-c", "A", [6, 7, 8]))
    group = pick_best(theatre.plan, 2, taken)
    assert theatre.seat_ids(group) == row("stalls-c", "A", [7, 8])
    assert group is not None and group.orphans == 1


def test_stranding_is_weighed_before_distance() -> None:
    """Studio centre row A (1-16, stage centre behind A8-9) with only A2-7 free: A3-6 would
    strand A2 and A7; A4-7 is nearer than A2-5 and strands nothing."""
    studio = venue("studio")
    group = pick_best(studio.plan, 4, studio.all_but(row("centre", "A", range(2, 8))))
    assert studio.seat_ids(group) == row("centre", "A", [4, 5, 6, 7])
    # A2-6 free: every choice strands one seat, so the nearer one wins.
    group = pick_best(studio.plan, 4, studio.all_but(row("centre", "A", range(2, 7))))
    assert studio.seat_ids(group) == row("centre", "A", [3, 4, 5, 6])
    assert group is not None and group.orphans == 1


def test_restricted_view_seats_only_when_nothing_else_fits() -> None:
    """Arena section 101 runs beside the stage, seats 1-12 behind its side: nearest, but
    restricted. Plain seats further away come first."""
    arena = venue("arena")
    beside_stage = row("101", "1", range(1, 26))
    group = pick_best(arena.plan, 2, arena.all_but(beside_stage))
    assert group is not None and group.tier == PLAIN
    assert arena.seat_ids(group) == row("101", "1", [13, 14])
    group = pick_best(arena.plan, 2, arena.all_but(row("101", "1", range(1, 13))))
    assert group is not None and group.tier == RESTRICTED
    assert all(arena.seat[t].obstructed for t in group.ticket_ids)


def test_wheelchair_spaces_and_companion_seats_are_left_for_those_who_need_them() -> None:
    """Studio row H: wheelchair spaces H1, H30 with companion seats H2, H29."""
    studio = venue("studio")
    group = pick_best(studio.plan, 2, studio.all_but(row("centre", "H", [1, 2, 3, 4])))
    assert studio.seat_ids(group) == row("centre", "H", [3, 4])
    # Even a worse seat elsewhere comes first: a Standard side seat, far from the stage.
    side = row("left", "F", [9, 10])
    group = pick_best(studio.plan, 2, studio.all_but([*row("centre", "H", [1, 2]), *side]))
    assert studio.seat_ids(group) == side
    group = pick_best(studio.plan, 2, studio.all_but(row("centre", "H", [1, 2])))
    assert group is not None and group.tier == ACCESS
    assert studio.seat_ids(group) == row("centre", "H", [1, 2])


def test_an_empty_stadium_offers_club_seats() -> None:
    stadium = venue("stadium")
    group = pick_best(stadium.plan, 4, set())
    assert group is not None and group.rank == 0 and group.orphans == 0
    assert {stadium.seat[t].category for t in group.ticket_ids} == {"club"}


# --- general admission ------------------------------------------------------------------------

FLOOR_AND_ROW = {
    "formatVersion": 1,
    "name": "Floor and a row",
    "grid": {"width": 12, "height": 8},
    "stage": {"label": "STAGE", "x": 2, "y": 0, "width": 8, "height": 1},
    "priceCategories": [{"id": "seat", "name": "Seated"}, {"id": "floor", "name": "Floor"}],
    "sections": [
        {
            "id": "gallery",
            "name": "Gallery",
            "category": "seat",
            "rows": [{"label": "A", "x": 1, "y": 7, "seats": "1-4, gap, 5-8"}],
        }
    ],
    "generalAdmission": [
        {"id": "pit", "name": "Pit", "capacity": 6, "category": "floor",
         "x": 0, "y": 2, "width": 6, "height": 4},
        {"id": "back", "name": "Back floor", "capacity": 9, "category": "floor",
         "x": 6, "y": 2, "width": 6, "height": 4},
    ],
}  # fmt: skip


def test_standing_places_only_when_no_seated_group_fits() -> None:
    room = Venue(parse_seatmap(FLOOR_AND_ROW))
    assert room.seat_ids(pick_best(room.plan, 3, set()))[0].startswith("gallery:A:")
    # Nowhere to sit four together (4 + aisle + 4 with one taken each side): the floor, from
    # the area with most places left, lowest numbers first.
    taken = room.ids(["gallery:A:1", "gallery:A:8"])
    group = pick_best(room.plan, 4, taken)
    assert group is not None and group.tier == STANDING and group.row is None
    assert room.seat_ids(group) == [f"back:GA:{n}" for n in range(1, 5)]
    taken |= room.ids(f"back:GA:{n}" for n in range(1, 8))
    assert room.seat_ids(pick_best(room.plan, 4, taken)) == [f"pit:GA:{n}" for n in range(1, 5)]
    taken |= room.ids(f"pit:GA:{n}" for n in range(1, 4))
    assert pick_best(room.plan, 4, taken) is None


def test_a_standing_category_goes_straight_to_the_floor() -> None:
    arena = venue("arena")
    group = pick_best(arena.plan, 4, set(), category="GA")
    assert arena.seat_ids(group) == [f"floor:GA:{n}" for n in range(1, 5)]


# --- any availability (hypothesis) ------------------------------------------------------------


def _rows(seatmap: SeatMap) -> list[list[Seat]]:
    """Stretches of touching seats in one row: an oracle written apart from the picker."""
    stretches: list[list[Seat]] = []
    for section in seatmap.sections:
        for seat in section.seats:
            last = stretches[-1][-1] if stretches else None
            beside = (
                last is not None
                and last.section == seat.section
                and last.row == seat.row
                and abs(last.x - seat.x) + abs(last.y - seat.y) == 1  # type: ignore[operator]
            )
            if beside:
                stretches[-1].append(seat)
            else:
                stretches.append([seat])
    return stretches


def _rank(
    seatmap: SeatMap, seats: list[Seat], left: int, right: int
) -> tuple[int, int, int, float]:
    """(tier, category rank, stranded seats, distance) of a seated group, as the rules say."""
    ranks = {c.id: i for i, c in enumerate(seatmap.categories)}
    tier = max(
        ACCESS if s.accessible or s.companion else RESTRICTED if s.obstructed else PLAIN
        for s in seats
    )
    stage = seatmap.stage
    x = sum(s.x + 0.5 for s in seats) / len(seats)  # type: ignore[operator]
    y = sum(s.y + 0.5 for s in seats) / len(seats)  # type: ignore[operator]
    distance = math.hypot(x - stage.x - stage.width / 2, y - stage.y - stage.height / 2)
    return tier, max(ranks[s.category] for s in seats), (left == 1) + (right == 1), distance


@cache
def _theatre_rows() -> list[list[Seat]]:
    return _rows(venue("theatre").seatmap)


@settings(max_examples=300, deadline=None)
@given(
    quantity=st.integers(1, 10),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
    category=st.sampled_from([None, "A", "B", "C", "D"]),
)
def test_any_availability_gets_free_neighbours_of_the_best_class_or_nothing(
    quantity: int, density: float, seed: int, category: str | None
) -> None:
    """Whatever is free, the pick is N free seats side by side in one row of the category,
    ranked first of all free groups (kind, category, stranded seats, distance) by a brute
    force written apart from the picker; None only if no group of N free seats exists."""
    theatre = venue("theatre")
    rng = random.Random(seed)
    taken = {ticket for ticket in theatre.seat if rng.random() < density}
    best_rank: tuple[int, int, int, float] | None = None
    for stretch in _theatre_rows():
        free = [theatre.ticket[s.seat_id] not in taken for s in stretch]
        for first in range(len(stretch) - quantity + 1):
            group = stretch[first : first + quantity]
            if not all(free[first : first + quantity]):
                continue
            if category is not None and any(s.category != category for s in group):
                continue
            left = 0
            while first - left - 1 >= 0 and free[first - left - 1]:
                left += 1
            right = 0
            while first + quantity + right < len(stretch) and free[first + quantity + right]:
                right += 1
            found = _rank(theatre.seatmap, group, left, right)
            best_rank = found if best_rank is None else min(best_rank, found)

    picked = pick_best(theatre.plan, quantity, taken, category=category)

    if best_rank is None:
        assert picked is None
        return
    assert picked is not None
    seats = [theatre.seat[t] for t in picked.ticket_ids]
    assert len(seats) == quantity and not set(picked.ticket_ids) & taken
    assert len({(s.section, s.row) for s in seats}) == 1
    stretch = next(r for r in _theatre_rows() if seats[0] in r)
    start = stretch.index(seats[0])
    assert stretch[start : start + quantity] == seats
    assert category is None or {s.category for s in seats} == {category}
    assert (picked.tier, picked.rank, picked.orphans) == best_rank[:3]
    assert picked.distance == pytest.approx(best_rank[3])


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), spread=st.floats(0.0, 3.0))
def test_a_blurred_retry_still_keeps_every_rule_but_distance(seed: int, spread: float) -> None:
    """Retries stretch distances at random to spread racing requests; the rules before
    distance are never blurred."""
    theatre = venue("theatre")
    rng = random.Random(seed)
    taken = {ticket for ticket in theatre.seat if rng.random() < 0.7}
    exact = pick_best(theatre.plan, 2, taken)
    blurred = pick_best(theatre.plan, 2, taken, spread=spread, rng=rng)
    assert (exact is None) == (blurred is None)
    if exact is not None and blurred is not None:
        assert (blurred.tier, blurred.rank, blurred.orphans) == (
            exact.tier,
            exact.rank,
            exact.orphans,
        )
