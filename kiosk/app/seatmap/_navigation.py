"""Where an arrow key takes the cursor: to the nearest target in that direction, jumping over
aisles and gaps, never sideways into a far block. Each move is a few bisects, whatever the
venue's size."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Literal

from kiosk.app.seatmap._book import SeatBook
from kiosk.app.seatmap._grid import DetailGrid
from kiosk.app.seatmap._overview import OverviewGrid

__all__ = [
    "Direction",
    "best_target",
    "first_block",
    "nearest_point",
    "next_block",
    "next_section_target",
    "step_on_grid",
]

Direction = Literal["up", "down", "left", "right"]

#: A terminal cell is about twice as tall as it is wide: one line counts as two columns.
_ASPECT = 2


def _nearest(values: Sequence[int], wanted: int) -> int | None:
    """The value in sorted ``values`` closest to ``wanted`` (the lower one on a tie)."""
    if not values:
        return None
    i = bisect_left(values, wanted)
    if i == 0:
        return values[0]
    if i == len(values):
        return values[-1]
    before, after = values[i - 1], values[i]
    return after if after - wanted < wanted - before else before


def _score(along: int, across: int) -> int:
    """How far a move feels: distance ahead plus twice the distance off to the side (both in
    columns), so straight across an aisle beats a nearer seat at an angle."""
    return along + 2 * across


def step_on_grid(grid: DetailGrid, target: int, direction: Direction) -> int | None:
    """The target reached from ``target`` by one arrow key, or None if nothing lies that way.

    Lines (or columns) are tried outwards from the target's edge, taking on each the target
    nearest the cursor's axis; only those within 45° (as the eye sees it) count, and the one
    that feels nearest wins. The scan stops as soon as no further line could do better, so
    a move along a row costs one bisect.
    """
    box = grid.box_of(target)
    cx, cy = box.centre
    best: tuple[int, int] | None = None
    horizontal = direction in ("left", "right")
    step = 1 if direction in ("right", "down") else -1
    if horizontal:
        position, end, scale = (box.right + 1 if step == 1 else box.x - 1), grid.width, 1
    else:
        position, end, scale = (box.bottom + 1 if step == 1 else box.y - 1), grid.height, _ASPECT
    origin = cx if horizontal else cy
    while 0 <= position < end:
        along = abs(position - origin) * scale
        if best is not None and along >= best[0]:
            break
        if horizontal:
            found = _nearest(grid.column_targets(position), cy)
            across = None if found is None else abs(found - cy) * _ASPECT
            cell = None if found is None else (position, found)
        else:
            found = _nearest(grid.line_targets(position), cx)
            across = None if found is None else abs(found - cx)
            cell = None if found is None else (found, position)
        if across is not None and cell is not None and across <= along:
            score = _score(along, across)
            if best is None or score < best[0]:
                best = (score, grid.cells[cell[1]][cell[0]])
        position += step
    return None if best is None else best[1]


def nearest_point(
    points: Sequence[tuple[float, float]], current: int, direction: Direction
) -> int | None:
    """Among a few points (section centres on the overview), the one an arrow key leads to:
    ahead in ``direction``, preferring straight ahead over close but off to the side."""
    ox, oy = points[current]
    best: tuple[float, int] | None = None
    for index, (x, y) in enumerate(points):
        if index == current:
            continue
        dx, dy = x - ox, (y - oy) * _ASPECT
        along, across = {
            "right": (dx, dy),
            "left": (-dx, dy),
            "down": (dy, dx),
            "up": (-dy, dx),
        }[direction]
        if along <= 0 or abs(across) > along * 2:
            continue
        score = along + 2 * abs(across)
        if best is None or score < best[0]:
            best = (score, index)
    return None if best is None else best[1]


def best_target(grid: DetailGrid, book: SeatBook, targets: range) -> int | None:
    """Where the cursor starts among ``targets``: the available place nearest the middle of
    the stage (the first target when none is available)."""
    if not targets:
        return None
    stage = grid.layout.stage
    sx, sy = stage.x + grid.margin + stage.width / 2, stage.y + stage.height / 2
    seats = len(grid.seats)
    best: tuple[float, int] | None = None
    for target in targets:
        if target >= seats:
            if book.places_left(target - seats) <= 0:
                continue
            x, y = grid.area_boxes[target - seats].centre
        elif not book.is_available(target):
            continue
        else:
            x, y = grid.seat_x[target], grid.seat_y[target]
        distance = abs(x - sx) + _ASPECT * abs(y - sy)
        if best is None or distance < best[0]:
            best = (distance, target)
    return targets[0] if best is None else best[1]


def first_block(overview: OverviewGrid, grid: DetailGrid, book: SeatBook) -> int:
    """Where the cursor starts on the overview: the block with places left nearest the stage."""
    stage = grid.layout.stage
    sx = (stage.x + stage.width / 2) / overview.kx
    sy = (stage.y + stage.height / 2) / overview.ky
    best: tuple[float, int] | None = None
    for block, (x, y) in enumerate(overview.centres):
        if not overview.boxes[block].width or book.section_fullness(block)[0] <= 0:
            continue
        distance = abs(x - sx) + _ASPECT * abs(y - sy)
        if best is None or distance < best[0]:
            best = (distance, block)
    return 0 if best is None else best[1]


def next_section_target(grid: DetailGrid, book: SeatBook, target: int, step: int) -> int | None:
    """Tab (``step`` 1) or shift+tab (-1) among the seats: the best place of the next section
    or standing area in layout order; None past either end."""
    groups = grid.section_targets()
    group = grid.block_of(target) + step
    if not 0 <= group < len(groups):
        return None
    return best_target(grid, book, groups[group])


def next_block(overview: OverviewGrid, block: int, step: int) -> int | None:
    """Tab on the overview: the next block drawn (a section too small to own a character is
    skipped); None past either end."""
    block += step
    while 0 <= block < overview.target_count and not overview.boxes[block].width:
        block += step
    return block if 0 <= block < overview.target_count else None
