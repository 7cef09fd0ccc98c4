"""Best available: the N free seats side by side a box-office clerk would offer. No I/O here.

A group is N seats next to each other in one row of one section: consecutive cells of the row
with no aisle (``gap``) between them, as the layout file draws them. Among the groups that are
free right now the picker prefers, in this order:

1. what the seats are for: plain seats, then restricted-view seats, then standing places (a
   general-admission area, only when no seated group fits), and wheelchair spaces and their
   companion seats only when nothing else fits — they are for the people who need them;
2. the best price category: the layout lists its categories best first (docs/seatmap-format.md),
   so that order decides, not the event's prices; a group spanning two categories counts as
   the worse one;
3. no single seat left stranded: fewer free seats cut off alone at either end of the group,
   between it and a taken seat, an aisle or the end of the row;
4. nearest the stage: the distance from the group's centre to the centre of the stage (or
   pitch), in grid cells.

Rule 3 comes before rule 4 because a distance almost never ties: as a mere tie-break the
orphan rule would never fire, and a clerk moves a party one seat over rather than strand one.
Standing places are taken from the area (of the best category) with most places left, lowest
place numbers first; they have no neighbours, so rules 3 and 4 do not apply to them.

Seat maps are built once per event (:meth:`SeatPlan.build`); picking then walks only the rows
that could still beat the best group found so far, so a 50,000-seat stadium takes milliseconds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from shared.seatmap import Seat, SeatMap

__all__ = ["ACCESS", "PLAIN", "RESTRICTED", "STANDING", "Group", "SeatPlan", "SeatRun", "pick_best"]

#: What a group is for, best first: the first rule of the ranking.
PLAIN, RESTRICTED, STANDING, ACCESS = 0, 1, 2, 3

Point = tuple[float, float]


def _tier(seat: Seat) -> int:
    if seat.accessible or seat.companion:
        return ACCESS
    return RESTRICTED if seat.obstructed else PLAIN


@dataclass(frozen=True, slots=True)
class SeatRun:
    """Seats side by side in one row, with no aisle between them: any N in a row are a group."""

    section: str
    row: str
    ticket_ids: tuple[int, ...]
    tiers: tuple[int, ...]
    #: Price category of each seat as its index in the layout's best-first list.
    ranks: tuple[int, ...]
    #: Prefix sums of the seat centres, so a group's centre costs two subtractions.
    sum_x: tuple[float, ...]
    sum_y: tuple[float, ...]
    #: No group of this run can do better than these (used to stop the search early).
    min_tier: int
    min_rank: int
    nearest: float
    #: Every seat has the same tier and category (most rows): no per-group look-up needed.
    uniform: bool

    @classmethod
    def of(cls, seats: list[tuple[Seat, int]], ranks: Mapping[str, int], centre: Point) -> SeatRun:
        centres = [_centre(seat) for seat, _ in seats]
        xs = [x for x, _ in centres]
        ys = [y for _, y in centres]
        tiers = tuple(_tier(seat) for seat, _ in seats)
        seat_ranks = tuple(ranks[seat.category] for seat, _ in seats)
        dx = max(min(xs) - centre[0], 0.0, centre[0] - max(xs))
        dy = max(min(ys) - centre[1], 0.0, centre[1] - max(ys))
        first = seats[0][0]
        return cls(
            section=first.section,
            row=first.row or "",
            ticket_ids=tuple(ticket for _, ticket in seats),
            tiers=tiers,
            ranks=seat_ranks,
            sum_x=_prefix_sums(xs),
            sum_y=_prefix_sums(ys),
            min_tier=min(tiers),
            min_rank=min(seat_ranks),
            nearest=math.hypot(dx, dy),
            uniform=len(set(tiers)) == 1 and len(set(seat_ranks)) == 1,
        )


def _centre(seat: Seat) -> Point:
    """The middle of the seat's grid cell."""
    if seat.x is None or seat.y is None:
        raise ValueError(f"seat {seat.seat_id} has no place on the grid")
    return seat.x + 0.5, seat.y + 0.5


def _prefix_sums(values: list[float]) -> tuple[float, ...]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return tuple(sums)


@dataclass(frozen=True, slots=True)
class StandingArea:
    """A general-admission area: places sold by count, lowest numbers first."""

    area: str
    rank: int
    ticket_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """The seats picked, and why they ranked where they did."""

    ticket_ids: tuple[int, ...]
    section: str
    #: None for standing places.
    row: str | None
    tier: int
    rank: int
    #: Free seats this group would leave stranded alone beside it (0, 1 or 2).
    orphans: int
    #: From the group's centre to the stage's, in grid cells (0 for standing places).
    distance: float


@dataclass(frozen=True, slots=True)
class SeatPlan:
    """An event's sellable seats as rows of neighbours, ordered so the likeliest best come first."""

    categories: tuple[str, ...]
    centre: Point
    runs: tuple[SeatRun, ...]
    areas: tuple[StandingArea, ...]

    @classmethod
    def build(cls, seatmap: SeatMap, tickets: Mapping[str, int]) -> SeatPlan:
        """The plan of a layout whose seat IDs are sold as ``tickets`` (seat ID → ticket ID).

        A seat without a ticket cannot be sold: it splits its row like an aisle.
        """
        ranks = {category.id: index for index, category in enumerate(seatmap.categories)}
        stage = seatmap.stage
        centre = (stage.x + stage.width / 2, stage.y + stage.height / 2)
        runs: list[SeatRun] = []
        for section in seatmap.sections:
            for seats in _neighbours(section.seats, tickets):
                runs.append(SeatRun.of(seats, ranks, centre))
        runs.sort(key=lambda run: (run.min_tier, run.min_rank, run.nearest))
        areas = []
        for area in seatmap.general_admission:
            ids = tuple(t for place in area.places() if (t := tickets.get(place.seat_id)))
            if ids:
                areas.append(StandingArea(area.id, ranks[area.category], ids))
        return cls(tuple(ranks), centre, tuple(runs), tuple(areas))

    def rank_of(self, category: str) -> int | None:
        """The category's place in the layout's best-first list; None if there is no such."""
        try:
            return self.categories.index(category)
        except ValueError:
            return None


def _neighbours(
    seats: tuple[Seat, ...], tickets: Mapping[str, int]
) -> Iterator[list[tuple[Seat, int]]]:
    """Split a section's seats (row by row, along each row) into runs of touching cells."""
    run: list[tuple[Seat, int]] = []
    for seat in seats:
        ticket = tickets.get(seat.seat_id)
        if run and not (ticket is not None and _beside(run[-1][0], seat)):
            yield run
            run = []
        if ticket is not None:
            run.append((seat, ticket))
    if run:
        yield run


def _beside(previous: Seat, seat: Seat) -> bool:
    """Next to each other in one row: one cell apart, no aisle between."""
    if previous.row != seat.row or previous.x is None or seat.x is None:
        return False
    if previous.y is None or seat.y is None:
        return False
    return abs(previous.x - seat.x) + abs(previous.y - seat.y) == 1


def _free_stretches(
    ticket_ids: tuple[int, ...], taken: Collection[int]
) -> Iterator[tuple[int, int]]:
    """``[start, end)`` of each stretch of free seats in a run."""
    start = -1
    for index, ticket in enumerate(ticket_ids):
        if ticket in taken:
            if start >= 0:
                yield start, index
                start = -1
        elif start < 0:
            start = index
    if start >= 0:
        yield start, len(ticket_ids)


#: (tier, rank, orphans, distance, run order, first seat): smaller is better.
_Key = tuple[int, int, int, float, int, int]


def pick_best(
    plan: SeatPlan,
    quantity: int,
    taken: Collection[int],
    *,
    category: str | None = None,
    spread: float = 0.0,
    rng: random.Random | None = None,
) -> Group | None:
    """The best group of ``quantity`` seats none of which is ``taken``, or None if none exists.

    ``category`` keeps to that price category (every seat of the group in it). ``spread`` > 0
    (with ``rng``) stretches each distance by a random factor up to ``1 + spread``, so that
    requests retrying after losing the same seats to someone spread over the next-best
    groups instead of all colliding again; the other rules are never blurred.
    """
    if quantity < 1:
        raise ValueError(f"quantity must be at least 1, got {quantity}")
    wanted: int | None = None
    if category is not None:
        wanted = plan.rank_of(category)
        if wanted is None:
            raise ValueError(f"unknown price category {category!r}")
    jitter = rng if rng is not None and spread > 0 else None
    cx, cy = plan.centre
    n = quantity
    best: _Key | None = None
    best_run: SeatRun | None = None
    for order, run in enumerate(plan.runs):
        if best is not None and (run.min_tier, run.min_rank, 0, run.nearest) > best[:4]:
            break  # runs come best bound first: no later run can win
        ids = run.ticket_ids
        if len(ids) < n or (wanted is not None and wanted not in run.ranks):
            continue
        for start, end in _free_stretches(ids, taken):
            for first in range(start, end - n + 1):
                last = first + n  # one past the group
                if run.uniform:
                    tier, rank = run.min_tier, run.min_rank
                else:
                    tier, rank = max(run.tiers[first:last]), max(run.ranks[first:last])
                if wanted is not None and (
                    rank != wanted or (not run.uniform and min(run.ranks[first:last]) != wanted)
                ):
                    continue
                orphans = (first - start == 1) + (end - last == 1)
                if best is not None and (tier, rank, orphans) > best[:3]:
                    continue
                distance = math.hypot(
                    (run.sum_x[last] - run.sum_x[first]) / n - cx,
                    (run.sum_y[last] - run.sum_y[first]) / n - cy,
                )
                if jitter is not None:
                    distance *= 1 + spread * jitter.random()
                key = (tier, rank, orphans, distance, order, first)
                if best is None or key < best:
                    best, best_run = key, run
    if best is None or best[0] > STANDING:
        standing = _standing(plan, n, taken, wanted)
        if standing is not None:
            return standing
    if best is None or best_run is None:
        return None
    tier, rank, orphans, distance, _, first = best
    return Group(
        ticket_ids=best_run.ticket_ids[first : first + n],
        section=best_run.section,
        row=best_run.row,
        tier=tier,
        rank=rank,
        orphans=orphans,
        distance=distance,
    )


def _standing(plan: SeatPlan, n: int, taken: Collection[int], wanted: int | None) -> Group | None:
    """N places of the best-category standing area with most places left."""
    chosen: tuple[int, int, StandingArea, list[int]] | None = None
    for area in plan.areas:
        if wanted is not None and area.rank != wanted:
            continue
        free = [ticket for ticket in area.ticket_ids if ticket not in taken]
        if len(free) >= n and (chosen is None or (area.rank, -len(free)) < chosen[:2]):
            chosen = (area.rank, -len(free), area, free)
    if chosen is None:
        return None
    rank, _, area, free = chosen
    return Group(tuple(free[:n]), area.area, None, STANDING, rank, 0, 0.0)
