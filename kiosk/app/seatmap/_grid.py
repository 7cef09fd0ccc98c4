"""The whole venue at one character per grid cell, built once per map so that drawing a line
or moving the cursor never walks the 50,000 seats again. Pure: no Textual, no tickets."""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass

from kiosk.app.seatmap._marks import Part
from shared.seatmap import GeneralAdmissionArea, Seat, SeatMap

__all__ = ["Box", "DetailGrid", "LineRuns", "Run", "grid_of"]

#: Grids kept for the layouts seen last: as many as the kiosk keeps parsed layouts.
KEPT_GRIDS = 6

#: One run of a canvas line: ``(start, end, code)``, ``code >= 0`` a target (a seat index, or
#: ``len(seats) + area index`` for a standing area), ``code < 0`` the static part ``-code - 1``.
Run = tuple[int, int, int]
#: The runs of one line as three arrays (starts, ends, codes): a stadium line has hundreds of
#: runs, and arrays of ints add nothing for the garbage collector to walk.
LineRuns = tuple["array[int]", "array[int]", "array[int]"]


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of canvas cells."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width - 1

    @property
    def bottom(self) -> int:
        return self.y + self.height - 1

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom


def _static(part: Part) -> int:
    return -int(part) - 1


class DetailGrid:
    """Seats, stage, standing areas, row labels and section names on a character canvas.

    The canvas is the layout's grid with a margin on each side for row labels. Targets (what
    the cursor can rest on) are the seats, numbered in layout order (section by section), then
    the standing areas. ``line_targets``/``column_targets`` list, per line and per column, the
    sorted coordinates that hold a target: moving the cursor is a bisect, not a scan.
    """

    def __init__(self, layout: SeatMap) -> None:
        self.layout = layout
        self.seats: tuple[Seat, ...] = tuple(layout.seats())
        self.areas: tuple[GeneralAdmissionArea, ...] = layout.general_admission
        rows = {seat.row for seat in self.seats if seat.row is not None}
        self.margin = max((len(row) for row in rows), default=0) + 1
        self.width = layout.width + 2 * self.margin
        self.height = layout.height
        self._chars = [[" "] * self.width for _ in range(self.height)]
        self._parts = [bytearray(self.width) for _ in range(self.height)]
        self.cells: list[array[int]] = [array("i", [-1]) * self.width for _ in range(self.height)]
        self.index_of: dict[str, int] = {}
        self.seat_x = array("i")
        self.seat_y = array("i")
        self.section_of = array("i")
        self.section_ranges: list[range] = []
        self.section_boxes: list[Box] = []
        self.area_boxes: list[Box] = []
        self._place_stage()
        self._place_areas()
        row_spans = self._place_seats()
        for label, start, stop in row_spans:
            self._label_row(label, start, stop)
        for index, section in enumerate(layout.sections):
            self._name_section(section.name, self.section_boxes[index])
        self.text: list[str] = ["".join(chars) for chars in self._chars]
        del self._chars
        # Worked out per line (or column) when first needed: most of a stadium is never shown.
        self._runs: list[LineRuns | None] = [None] * self.height
        self._line_targets: list[list[int] | None] = [None] * self.height
        self._column_targets: list[list[int] | None] = [None] * self.width
        self._row_lines: dict[int, dict[int, str]] = {}

    # --- What is where ---------------------------------------------------------------------

    @property
    def target_count(self) -> int:
        return len(self.seats) + len(self.areas)

    def is_area(self, target: int) -> bool:
        return target >= len(self.seats)

    def area_of(self, target: int) -> int:
        """Index of the standing area that ``target`` is (only for area targets)."""
        return target - len(self.seats)

    def box_of(self, target: int) -> Box:
        """The cells a target covers: one for a seat, its rectangle for a standing area."""
        if self.is_area(target):
            return self.area_boxes[self.area_of(target)]
        return Box(self.seat_x[target], self.seat_y[target], 1, 1)

    def target_at(self, x: int, y: int) -> int | None:
        if 0 <= y < self.height and 0 <= x < self.width:
            code = self.cells[y][x]
            return code if code >= 0 else None
        return None

    def neighbours(self, seat: int) -> list[int]:
        """Seats sharing an edge with ``seat``: beside it in the row, in front, behind."""
        x, y, seats = self.seat_x[seat], self.seat_y[seat], len(self.seats)
        found = []
        for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
            code = self.target_at(nx, ny)
            if code is not None and code < seats:
                found.append(code)
        return found

    def target_of_id(self, seat_id: str) -> int | None:
        """A seat ID's target; a standing place's (``floor:GA:12``) or area id's is its area."""
        target = self.index_of.get(seat_id)
        if target is not None:
            return target
        area_id = seat_id.split(":", 1)[0]
        for index, area in enumerate(self.areas):
            if area.id == area_id:
                return len(self.seats) + index
        return None

    def section_index(self, section_id: str) -> int | None:
        for index, section in enumerate(self.layout.sections):
            if section.id == section_id:
                return index
        return None

    def block_of(self, target: int) -> int:
        """The block (sections, then standing areas) that a target belongs to."""
        if self.is_area(target):
            return len(self.section_ranges) + self.area_of(target)
        return self.section_of[target]

    def block_name(self, block: int) -> str:
        sections = self.layout.sections
        return (
            sections[block].name
            if block < len(sections)
            else self.areas[block - len(sections)].name
        )

    def section_targets(self) -> list[range]:
        """For tab: each section's seats, then each standing area, in layout order."""
        seats = len(self.seats)
        return [
            *self.section_ranges,
            *(range(seats + i, seats + i + 1) for i in range(len(self.areas))),
        ]

    def area_label_line(self, area: int) -> int:
        box = self.area_boxes[area]
        return box.y + box.height // 2

    # --- Building --------------------------------------------------------------------------

    def _fill(self, x: int, y: int, width: int, height: int, char: str, part: Part) -> None:
        for line in range(y, y + height):
            chars, parts = self._chars[line], self._parts[line]
            for column in range(x, x + width):
                chars[column] = char
                parts[column] = part

    def _write(self, x: int, y: int, text: str, part: Part) -> None:
        chars, parts = self._chars[y], self._parts[y]
        for offset, char in enumerate(text):
            chars[x + offset] = char
            parts[x + offset] = part

    def _is_free(self, x: int, y: int, length: int) -> bool:
        if not (0 <= y < self.height and x >= 0 and x + length <= self.width):
            return False
        cells, parts = self.cells[y], self._parts[y]
        return all(cells[c] < 0 and parts[c] == Part.BLANK for c in range(x, x + length))

    def _place_stage(self) -> None:
        stage, m = self.layout.stage, self.margin
        self._fill(stage.x + m, stage.y, stage.width, stage.height, " ", Part.STAGE)
        text = f" {stage.label} " if len(stage.label) + 2 <= stage.width else stage.label
        text = text[: stage.width]
        x = stage.x + m + (stage.width - len(text)) // 2
        self._write(x, stage.y + stage.height // 2, text, Part.STAGE_LABEL)

    def _place_areas(self) -> None:
        first = len(self.seats)
        for index, area in enumerate(self.areas):
            box = Box(area.x + self.margin, area.y, area.width, area.height)
            self.area_boxes.append(box)
            self._fill(box.x, box.y, box.width, box.height, "░", Part.STANDING)
            for line in range(box.y, box.bottom + 1):
                self.cells[line][box.x : box.right + 1] = array("i", [first + index]) * box.width

    def _place_seats(self) -> list[tuple[str, int, int]]:
        """Put every seat on its cell; returns each row as (label, first index, end index):
        a section's seats come row by row, so a row is a run of consecutive indexes.
        Written as comprehensions over whole sections: a stadium has 50,000 seats."""
        m, cells = self.margin, self.cells
        seat_x, seat_y = self.seat_x, self.seat_y
        row_spans: list[tuple[str, int, int]] = []
        start = 0
        for number, section in enumerate(self.layout.sections):
            seats = section.seats
            stop = start + len(seats)
            xs = [seat.x + m for seat in seats if seat.x is not None]
            ys = [seat.y for seat in seats if seat.y is not None]
            if len(xs) != len(seats) or len(ys) != len(seats):
                raise ValueError(f"section {section.id} has a seat without a cell")
            for x, y, index in zip(xs, ys, range(start, stop), strict=True):
                cells[y][x] = index
            self.index_of.update(
                zip([seat.seat_id for seat in seats], range(start, stop), strict=True)
            )
            seat_x.extend(xs)
            seat_y.extend(ys)
            self.section_of.extend([number] * len(seats))
            rows = [seat.row for seat in seats]
            breaks = [i for i in range(1, len(rows)) if rows[i] != rows[i - 1]]
            for first, end in zip([0, *breaks], [*breaks, len(rows)], strict=True):
                label = rows[first]
                if label is not None:
                    row_spans.append((label, start + first, start + end))
            self.section_ranges.append(range(start, stop))
            left, top = min(xs, default=m), min(ys, default=0)
            width, height = max(xs, default=m) - left + 1, max(ys, default=0) - top + 1
            self.section_boxes.append(Box(left, top, width, height))
            start = stop
        return row_spans

    def _label_row(self, label: str, start: int, stop: int) -> None:
        """The row's label just outside its first and last seat, where there is room."""
        xs, ys = self.seat_x[start:stop], self.seat_y[start:stop]
        if min(ys) == max(ys):  # across: label, a space, the seats, a space, label
            y = ys[0]
            left = min(xs) - 1 - len(label)
            if self._is_free(left, y, len(label) + 1):
                self._write(left, y, label, Part.ROW_LABEL)
            right = max(xs) + 1
            if self._is_free(right, y, len(label) + 1):
                self._write(right + 1, y, label, Part.ROW_LABEL)
        elif min(xs) == max(xs):  # down the grid: label above and below
            for y in (min(ys) - 1, max(ys) + 1):
                if self._is_free(xs[0], y, len(label)):
                    self._write(xs[0], y, label, Part.ROW_LABEL)

    def _name_section(self, name: str, box: Box) -> None:
        """The name on a free line just above or below the section, centred, if one exists."""
        x = box.x + (box.width - len(name)) // 2
        for y in (box.y - 1, box.bottom + 1):
            if self._is_free(x - 1, y, len(name) + 2):
                self._write(x, y, name, Part.SECTION_NAME)
                return

    def row_lines(self, section: int) -> dict[int, str]:
        """The section's row labels by canvas line, for rows that run across: what a margin
        beside the view shows where the labels do not fit between packed sections. Worked
        out once per section: the same mapping every time."""
        found = self._row_lines.get(section)
        if found is None:
            found = self._row_lines[section] = self._find_row_lines(section)
        return found

    def _find_row_lines(self, section: int) -> dict[int, str]:
        lines: dict[str, set[int]] = {}
        for seat in self.section_ranges[section]:
            row = self.seats[seat].row
            if row is not None:
                lines.setdefault(row, set()).add(self.seat_y[seat])
        return {ys.pop(): row for row, ys in lines.items() if len(ys) == 1}

    def runs(self, y: int) -> LineRuns:
        """Line ``y`` as runs: each seat alone, alike static cells and an area's cells merged."""
        runs = self._runs[y]
        if runs is None:
            runs = self._runs[y] = self._make_runs(y)
        return runs

    def line_targets(self, y: int) -> list[int]:
        """Sorted columns of line ``y`` that hold a target."""
        found = self._line_targets[y]
        if found is None:
            found = self._line_targets[y] = [x for x, code in enumerate(self.cells[y]) if code >= 0]
        return found

    def column_targets(self, x: int) -> list[int]:
        """Sorted lines of column ``x`` that hold a target."""
        found = self._column_targets[x]
        if found is None:
            found = [y for y, cells in enumerate(self.cells) if cells[x] >= 0]
            self._column_targets[x] = found
        return found

    def _make_runs(self, y: int) -> LineRuns:
        cells, parts = self.cells[y], self._parts[y]
        starts, ends, codes = array("i"), array("i"), array("i")
        start, width = 0, self.width
        while start < width:
            code = cells[start]
            if code >= len(self.seats) or code < 0:  # a standing area or static: merge alike
                key = code if code >= 0 else _static(Part(parts[start]))
                end = start + 1
                while end < width and (
                    cells[end] == code
                    if code >= 0
                    else cells[end] < 0 and parts[end] == parts[start]
                ):
                    end += 1
                starts.append(start)
                ends.append(end)
                codes.append(key)
                start = end
            else:
                starts.append(start)
                ends.append(start + 1)
                codes.append(code)
                start += 1
        return starts, ends, codes


_grids: OrderedDict[int, DetailGrid] = OrderedDict()
_grids_lock = threading.Lock()


def grid_of(layout: SeatMap) -> DetailGrid:
    """The layout's grid, built now or taken from the few kept.

    A stadium's grid takes a tenth of a second to build, and it depends on the layout only:
    the next event at a venue (the kiosk keeps its parsed layout) reuses it, and the event
    screen builds it in its loading thread, so the UI thread only mounts the widget. Kept
    under the layout's ``id``; the grid holds the layout, so the ``id`` stays its own.
    Lines worked out later are shared too: they depend on the layout alone.
    """
    key = id(layout)
    with _grids_lock:
        grid = _grids.get(key)
        if grid is not None and grid.layout is layout:
            _grids.move_to_end(key)
            return grid
    grid = DetailGrid(layout)
    with _grids_lock:
        _grids[key] = grid
        _grids.move_to_end(key)
        while len(_grids) > KEPT_GRIDS:
            _grids.popitem(last=False)
    return grid
