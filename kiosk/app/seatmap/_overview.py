"""A large venue shrunk so that every section is one labelled block: what a buyer looks at
first in a 50,000-seat stadium. Built once per scale from the detail grid. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kiosk.app.seatmap._grid import Box, DetailGrid, Run
from kiosk.app.seatmap._marks import Part

__all__ = ["LabelSpan", "OverviewGrid", "short_name"]


@dataclass(frozen=True, slots=True)
class LabelSpan:
    """Cells of one line inside a block where a line of its label can be written."""

    y: int
    start: int
    end: int

    @property
    def width(self) -> int:
        return self.end - self.start


def short_name(section_id: str, name: str) -> str:
    """``101`` for "Section 101": the id when the name only repeats it, else the name."""
    return section_id if section_id in name else name


class OverviewGrid:
    """Each character stands for ``kx`` × ``ky`` grid cells and belongs to the section with
    most seats there; a one-cell gutter separates neighbouring blocks.

    Targets are the sections in layout order, then the standing areas (drawn as blocks too).
    """

    def __init__(self, grid: DetailGrid, kx: int, ky: int) -> None:
        layout = grid.layout
        self.kx, self.ky = kx, ky
        self.width = -(-layout.width // kx)
        self.height = -(-layout.height // ky)
        sections = len(layout.sections)
        self.target_count = sections + len(grid.areas)
        self.names = [short_name(s.id, s.name) for s in layout.sections]
        self.names += [area.name for area in grid.areas]
        self.cells: list[list[int]] = [[-1] * self.width for _ in range(self.height)]
        self._parts = [bytearray(self.width) for _ in range(self.height)]
        self._chars = [[" "] * self.width for _ in range(self.height)]
        self._place_stage(grid)
        self._place_sections(grid)
        self._place_areas(grid, sections)
        self._carve_gutters()
        self.boxes: list[Box] = []
        self.centres: list[tuple[float, float]] = []
        self.label_spans: list[list[LabelSpan]] = []
        self._measure_targets()
        self.runs: list[list[Run]] = [self._runs(y) for y in range(self.height)]
        self.text = ["".join(chars) for chars in self._chars]
        del self._parts, self._chars

    def target_at(self, x: int, y: int) -> int | None:
        if 0 <= y < self.height and 0 <= x < self.width:
            code = self.cells[y][x]
            return code if code >= 0 else None
        return None

    def _place_stage(self, grid: DetailGrid) -> None:
        stage = grid.layout.stage
        x0, y0 = stage.x // self.kx, stage.y // self.ky
        x1 = (stage.x + stage.width - 1) // self.kx
        y1 = (stage.y + stage.height - 1) // self.ky
        for y in range(y0, y1 + 1):
            for x in range(x0, x1 + 1):
                self._parts[y][x] = Part.STAGE
        label = stage.label[: x1 - x0 + 1]
        middle = (y0 + y1) // 2
        start = x0 + (x1 - x0 + 1 - len(label)) // 2
        for offset, char in enumerate(label):
            self._chars[middle][start + offset] = char
            self._parts[middle][start + offset] = Part.STAGE_LABEL

    def _place_sections(self, grid: DetailGrid) -> None:
        """Each character goes to the section with most seats under it."""
        kx, ky, width, margin = self.kx, self.ky, self.width, grid.margin
        sections = len(grid.layout.sections) or 1
        keys = Counter(
            (((y // ky) * width + (x - margin) // kx) * sections + s)
            for x, y, s in zip(grid.seat_x, grid.seat_y, grid.section_of, strict=True)
        )
        best: dict[int, tuple[int, int]] = {}
        for key, count in keys.items():
            cell, section = divmod(key, sections)
            if cell not in best or count > best[cell][0]:
                best[cell] = (count, section)
        for cell, (_count, section) in best.items():
            y, x = divmod(cell, width)
            self.cells[y][x] = section

    def _place_areas(self, grid: DetailGrid, first: int) -> None:
        for index, area in enumerate(grid.areas):
            x0, y0 = area.x // self.kx, area.y // self.ky
            x1 = (area.x + area.width - 1) // self.kx
            y1 = (area.y + area.height - 1) // self.ky
            for y in range(y0, y1 + 1):
                for x in range(x0, x1 + 1):
                    if self.cells[y][x] < 0:
                        self.cells[y][x] = first + index

    def _carve_gutters(self) -> None:
        """Blank a block's last cell before a different block, so neighbours read apart even
        when equally full; a block one cell thick is left whole."""
        cells = self.cells
        carved = [row[:] for row in cells]
        for y in range(self.height):
            for x in range(self.width):
                code = cells[y][x]
                if code < 0:
                    continue
                if 0 < x < self.width - 1 and cells[y][x - 1] == code:
                    right = cells[y][x + 1]
                    if right >= 0 and right != code:
                        carved[y][x] = -1
                if 0 < y < self.height - 1 and cells[y - 1][x] == code:
                    below = cells[y + 1][x]
                    if below >= 0 and below != code:
                        carved[y][x] = -1
        self.cells = carved

    def _measure_targets(self) -> None:
        members: list[list[tuple[int, int]]] = [[] for _ in range(self.target_count)]
        for y, row in enumerate(self.cells):
            for x, code in enumerate(row):
                if code >= 0:
                    members[code].append((x, y))
        for cells in members:
            if not cells:  # a section too small to own a character: no block, no label
                self.boxes.append(Box(0, 0, 0, 0))
                self.centres.append((-1e9, -1e9))
                self.label_spans.append([])
                continue
            xs = [x for x, _ in cells]
            ys = [y for _, y in cells]
            left, top = min(xs), min(ys)
            self.boxes.append(Box(left, top, max(xs) - left + 1, max(ys) - top + 1))
            cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
            self.centres.append((cx, cy))
            self.label_spans.append(self._spans_for(cells, cx, cy))

    def _spans_for(self, cells: list[tuple[int, int]], cx: float, cy: float) -> list[LabelSpan]:
        """The widest run of the block on the line nearest its centre, then on the next line."""
        by_line: dict[int, list[int]] = {}
        for x, y in cells:
            by_line.setdefault(y, []).append(x)
        spans: list[LabelSpan] = []
        lines = sorted(by_line, key=lambda y: (abs(y - cy + 0.5), y))
        for y in lines:
            if spans and abs(y - spans[0].y) != 1:
                continue
            xs = sorted(by_line[y])
            runs: list[LabelSpan] = []
            start = xs[0]
            for previous, following in zip(xs, [*xs[1:], None], strict=True):
                if following != previous + 1:
                    runs.append(LabelSpan(y, start, previous + 1))
                    if following is not None:
                        start = following
            spans.append(max(runs, key=lambda s: (s.width, -abs(s.start + s.width / 2 - cx))))
            if len(spans) == 2:
                break
        return sorted(spans, key=lambda s: s.y)

    def _runs(self, y: int) -> list[Run]:
        cells, parts = self.cells[y], self._parts[y]
        runs: list[Run] = []
        start = 0
        while start < self.width:
            code = cells[start]
            end = start + 1
            if code >= 0:
                while end < self.width and cells[end] == code:
                    end += 1
                runs.append((start, end, code))
            else:
                part = parts[start]
                while end < self.width and cells[end] < 0 and parts[end] == part:
                    end += 1
                runs.append((start, end, -part - 1))
            start = end
        return runs
