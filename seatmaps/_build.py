"""Generate the shipped venue layouts; the JSON files it writes are what ships and what counts.

Hand-writing a 50,000-seat ring is error-prone, so the geometry lives here once. Run it to
rewrite the files, ``--check`` to see whether they still match, ``--show NAME`` for a sketch:

    .venv/bin/python seatmaps/_build.py [--check] [--show stadium]

Edits made straight to a JSON file are fine; this script then no longer reproduces it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from shared.seatmap import SeatMap, parse_seatmap  # noqa: E402

Doc = dict[str, Any]
Row = dict[str, Any]

#: Side of the field -> (seat direction, row step) as seen by a spectator facing the field:
#: seat 1 is on their left, row 1 is nearest the field.
SIDES = {
    "N": ("left", "up"),
    "S": ("right", "down"),
    "W": ("down", "left"),
    "E": ("up", "right"),
}
_STEP = {"right": (1, 0), "left": (-1, 0), "down": (0, 1), "up": (0, -1)}


def document(
    name: str, width: int, height: int, stage: Doc, categories: list[tuple[str, str]]
) -> Doc:
    return {
        "$schema": "../shared/seatmap.schema.json",
        "formatVersion": 1,
        "name": name,
        "grid": {"width": width, "height": height},
        "stage": stage,
        "priceCategories": [{"id": i, "name": n} for i, n in categories],
        "sections": [],
    }


def section(ident: str, name: str, category: str, rows: list[Row]) -> Doc:
    return {"id": ident, "name": name, "category": category, "rows": rows}


def split(start: int, length: int, count: int, aisle: int) -> list[tuple[int, int]]:
    """``count`` sections of near-equal width filling ``length`` cells, ``aisle`` cells apart."""
    seats = length - aisle * (count - 1)
    spans, at = [], start
    for i in range(count):
        width = seats // count + (1 if i < seats % count else 0)
        spans.append((at, width))
        at += width + aisle
    return spans


class Field:
    """The rectangle the stands face (pitch, floor) and where a stand's cells fall around it."""

    def __init__(self, x: int, y: int, width: int, height: int) -> None:
        self.x, self.y, self.width, self.height = x, y, width, height

    def row_origin(self, side: str, distance: int, start: int, length: int) -> tuple[int, int]:
        """First seat of a row ``distance`` cells off ``side`` covering ``start..start+length``."""
        last = start + length - 1
        if side == "N":
            return last, self.y - distance
        if side == "S":
            return start, self.y + self.height - 1 + distance
        if side == "W":
            return self.x - distance, start
        return self.x + self.width - 1 + distance, last

    def corner(self, corner: str, distance: int) -> tuple[int, int]:
        """The cell diagonally off a corner ("NW", "SE", ...) at ``distance``."""
        x = self.x - distance if "W" in corner else self.x + self.width - 1 + distance
        y = self.y - distance if "N" in corner else self.y + self.height - 1 + distance
        return x, y


def stand_rows(
    fld: Field,
    side: str,
    first: int,
    depth: int,
    start: int,
    length: int,
    accessible_row: int = 0,
    obstructed: str = "",
) -> list[Row]:
    """Rows 1..depth of a straight stand section; ``accessible_row`` gets wheelchair spaces."""
    direction, step = SIDES[side]
    dx, dy = _STEP[step]
    x, y = fld.row_origin(side, first, start, length)
    extra = {"seatDirection": direction, "rowStep": step}
    if obstructed:
        extra["obstructed"] = obstructed
    spec = f"1-{length}"
    if not accessible_row:
        return [{"labels": f"1-{depth}", "x": x, "y": y, "seats": spec, **extra}]
    rows: list[Row] = []
    k = accessible_row - 1
    if accessible_row > 1:
        rows.append({"labels": f"1-{accessible_row - 1}", "x": x, "y": y, "seats": spec, **extra})
    rows.append({
        "label": str(accessible_row), "x": x + k * dx, "y": y + k * dy, "seats": spec,
        "seatDirection": direction, "accessible": f"1,{length}", "companion": f"2,{length - 1}",
        **({"obstructed": obstructed} if obstructed else {}),
    })  # fmt: skip
    if accessible_row < depth:
        k += 1
        labels = f"{accessible_row + 1}-{depth}"
        rows.append({"labels": labels, "x": x + k * dx, "y": y + k * dy, "seats": spec, **extra})
    return rows


def corner_rows(fld: Field, corner: str, side: str, first: int, depth: int) -> Row:
    """Half of a corner as an angled block: rows 2..depth, each one seat longer than the last.

    A corner square is split along its diagonal (left empty as an aisle); the half next to
    ``side`` continues that side's rows, so row numbers and facing match the stand beside it.
    """
    cx, cy = fld.corner(corner, first)
    direction, step = SIDES[side]
    dx, dy = _STEP[step]
    sx, sy = _STEP[direction]
    # The half's first row has one seat, one row out from the corner cell, on the side's line.
    if side in "NS":
        x, y = cx, cy + dy
        away = -1 if "W" in corner else 1  # the diagonal runs away from the field along x
        toward = sx
    else:
        x, y = cx + dx, cy
        away = -1 if "N" in corner else 1
        toward = sy
    grow = [0, 1] if toward == away else [1, 0]
    return {
        "labels": f"2-{depth}", "x": x, "y": y, "seats": "1-1",
        "seatDirection": direction, "rowStep": step, "grow": grow,
    }  # fmt: skip


# --- the venues -----------------------------------------------------------------------------

#: Rows on the left and right walls, facing across the room (see ``SIDES``).
WEST = {"seatDirection": "down", "rowStep": "left"}
EAST = {"seatDirection": "up", "rowStep": "right"}


def studio() -> Doc:
    """A 300-seat black box set up with a thrust stage: audience on three sides."""
    doc = document(
        "Studio", 44, 20, {"label": "Thrust stage", "x": 14, "y": 0, "width": 16, "height": 10},
        [("A", "Front"), ("B", "Standard")],
    )  # fmt: skip
    doc["sections"] = [
        section("left", "Left side", "B", [
            {"labels": "A-F", "x": 12, "y": 0, "seats": "1-10", **WEST},
        ]),
        section("centre", "Centre", "A", [
            {"labels": "A-D", "x": 14, "y": 11, "seats": "1-16", "grow": 1},
            {"labels": "E-G", "x": 10, "y": 15, "seats": "1-24", "grow": 1, "category": "B"},
            {"label": "H", "x": 7, "y": 18, "seats": "1-30", "category": "B",
             "accessible": "1,30", "companion": "2,29"},
        ]),
        section("right", "Right side", "B", [
            {"labels": "A-F", "x": 31, "y": 9, "seats": "1-10", **EAST},
        ]),
    ]  # fmt: skip
    return doc


def theatre() -> Doc:
    """A 1,500-seat proscenium house: curved stalls, dress circle, balcony and boxes."""
    doc = document(
        "Theatre Royal", 80, 47, {"label": "Stage", "x": 20, "y": 0, "width": 40, "height": 6},
        [("A", "Premium"), ("B", "Standard"), ("C", "Value"), ("D", "Restricted view")],
    )  # fmt: skip
    wheel = {"accessible": "1,26", "companion": "2,25"}
    doc["sections"] = [
        section("box-a", "Box A", "A", [
            {"labels": "A-B", "x": 3, "y": 1, "seats": "1-3", **WEST},
        ]),
        section("box-b", "Box B", "B", [
            {"labels": "A-B", "x": 3, "y": 5, "seats": "1-3", **WEST},
        ]),
        section("stalls-l", "Stalls Left", "B", [
            {"labels": "A-H,J-M", "x": 24, "y": 8, "seats": "1-8", "grow": [1, 0]},
            {"labels": "N-S", "x": 12, "y": 20, "seats": "1-20", "grow": [1, 0], "category": "C"},
            {"label": "T", "x": 6, "y": 26, "seats": "1-26", "category": "C", **wheel},
        ]),
        section("stalls-c", "Stalls Centre", "A", [
            {"labels": "A-H,J-M", "x": 33, "y": 8, "seats": "1-14"},
            {"labels": "N-T", "x": 33, "y": 20, "seats": "1-14", "category": "B"},
        ]),
        section("stalls-r", "Stalls Right", "B", [
            {"labels": "A-H,J-M", "x": 48, "y": 8, "seats": "1-8", "grow": [0, 1]},
            {"labels": "N-S", "x": 48, "y": 20, "seats": "1-20", "grow": [0, 1], "category": "C"},
            {"label": "T", "x": 48, "y": 26, "seats": "1-26", "category": "C", **wheel},
        ]),
        section("box-c", "Box C", "A", [
            {"labels": "A-B", "x": 76, "y": 3, "seats": "1-3", **EAST},
        ]),
        section("box-d", "Box D", "B", [
            {"labels": "A-B", "x": 76, "y": 7, "seats": "1-3", **EAST},
        ]),
        section("circle", "Dress Circle", "A", [
            {"labels": "A-C", "x": 15, "y": 29, "seats": "1-12, gap 2, 13-34, gap 2, 35-46"},
            {"labels": "D-H", "x": 15, "y": 32, "seats": "1-12, gap 2, 13-34, gap 2, 35-46",
             "category": "B"},
        ]),
        section("balcony", "Balcony", "C", [
            {"label": "A", "x": 24, "y": 39, "seats": "1-32",
             "obstructed": "1-3,30-32", "seatCategories": {"D": "1-3,30-32"}},
            {"label": "B", "x": 23, "y": 40, "seats": "1-34",
             "obstructed": "1-3,32-34", "seatCategories": {"D": "1-3,32-34"}},
            {"label": "C", "x": 22, "y": 41, "seats": "1-36",
             "obstructed": "1-3,34-36", "seatCategories": {"D": "1-3,34-36"}},
            {"label": "D", "x": 21, "y": 42, "seats": "1-38",
             "obstructed": "1-2,37-38", "seatCategories": {"D": "1-2,37-38"}},
            {"label": "E", "x": 20, "y": 43, "seats": "1-40",
             "obstructed": "1-2,39-40", "seatCategories": {"D": "1-2,39-40"}},
            {"label": "F", "x": 19, "y": 44, "seats": "1-42",
             "obstructed": "1-2,41-42", "seatCategories": {"D": "1-2,41-42"}},
        ]),
    ]  # fmt: skip
    return doc


def arena() -> Doc:
    """An 18,000-capacity arena set for an end-stage concert: standing floor, two seated bowls."""
    low, up, concourse = 20, 18, 3  # rows in each bowl, cells of concourse between them
    fw, fh = 60, 102
    margin = 2
    out = margin + 1 + low + concourse + up  # field edge to the grid edge, both sides
    fld = Field(out, margin + 1, fw, fh)
    width, height = fw + 2 * out, fld.y + fh + low + concourse + up + margin
    stage: Doc = {"label": "Stage", "x": fld.x + 8, "y": fld.y, "width": fw - 16, "height": 12}
    doc = document(
        "Arena", width, height, stage,
        [("A", "Lower tier, side"), ("GA", "Standing floor"), ("B", "Lower tier, end"),
         ("C", "Upper tier, side"), ("D", "Upper tier, end")],
    )  # fmt: skip
    doc["generalAdmission"] = [{
        "id": "floor", "name": "Standing floor", "capacity": 5500, "category": "GA",
        "x": fld.x, "y": fld.y + 14, "width": fw, "height": fh - 14,
    }]  # fmt: skip
    sections: list[Doc] = []

    def bowl(number: int, first: int, depth: int, counts: tuple[int, int], wheel: bool) -> None:
        # Numbered round from the stage (drawn at the top): west side going away from the
        # stage, south-west corner, south end west to east, south-east corner, east side back.
        sides, end = ("A", "B") if number < 200 else ("C", "D")
        spans = split(fld.y, fh + first - 1, counts[0], 2)
        # Seats level with the stage see it from the side: restricted view.
        beside_stage = stage["y"] + stage["height"] - fld.y
        for i, (start, length) in enumerate(spans):
            acc = depth if wheel and i in (1, 2) else 0
            side_view = f"1-{beside_stage}" if i == 0 else ""
            rows = stand_rows(fld, "W", first, depth, start, length, acc, side_view)
            sections.append(section(str(number), f"Section {number}", sides, rows))
            number += 1
        for half in ("W", "S"):
            rows = [corner_rows(fld, "SW", half, first, depth)]
            sections.append(section(str(number), f"Section {number}", end, rows))
            number += 1
        span_x = fld.x - first + 1, fw + 2 * (first - 1)
        for start, length in split(span_x[0], span_x[1], counts[1], 2):
            rows = stand_rows(fld, "S", first, depth, start, length)
            sections.append(section(str(number), f"Section {number}", end, rows))
            number += 1
        for half in ("S", "E"):
            rows = [corner_rows(fld, "SE", half, first, depth)]
            sections.append(section(str(number), f"Section {number}", end, rows))
            number += 1
        for i, (start, length) in enumerate(reversed(spans)):
            acc = depth if wheel and i in (1, 2) else 0
            last = i == len(spans) - 1
            side_view = f"{length - beside_stage + 1}-{length}" if last else ""
            rows = stand_rows(fld, "E", first, depth, start, length, acc, side_view)
            sections.append(section(str(number), f"Section {number}", sides, rows))
            number += 1

    bowl(101, 2, low, (4, 3), wheel=True)
    bowl(201, 2 + low + concourse, up, (5, 4), wheel=False)
    doc["sections"] = sections
    return doc


def stadium() -> Doc:
    """A 50,000-seat bowl around a pitch: lower tier, club tier and upper tier all round."""
    tiers = [("lower", 1, 25), ("club", 2, 12), ("upper", 3, 35)]  # name, hundreds digit, rows
    concourse, margin = 3, 2
    pw, ph = 126, 82
    depth_total = 1 + sum(rows for _, _, rows in tiers) + concourse * (len(tiers) - 1)
    out = margin + depth_total
    fld = Field(out, out, pw, ph)
    doc = document(
        "Stadium", pw + 2 * out, ph + 2 * out,
        {"label": "Pitch", "x": fld.x, "y": fld.y, "width": pw, "height": ph},
        [("club", "Club"), ("cat1", "Category 1"), ("cat2", "Category 2"),
         ("cat3", "Category 3"), ("cat4", "Category 4")],
    )  # fmt: skip
    sections: list[Doc] = []
    first = 2
    for tier, hundreds, depth in tiers:
        number = hundreds * 100 + 1

        def add(rows: list[Row], category: str) -> None:
            nonlocal number
            sections.append(section(str(number), f"Section {number}", category, rows))
            number += 1

        def category(side: str, i: int, count: int, tier: str = tier) -> str:
            if tier == "club":
                return "club"
            centre = side in "NS" and abs(i - (count - 1) / 2) < 1.5
            if tier == "lower":
                return "cat1" if side in "NS" else "cat2"
            return "cat2" if centre else "cat3"

        wheel = depth if tier == "lower" else 0
        corner_category = "cat2" if tier == "lower" else "club" if tier == "club" else "cat4"
        # Clockwise from the north-west: north, NE corner, east, SE corner, south, SW, west, NW.
        x0, long_side = fld.x - first + 1, pw + 2 * (first - 1)
        y0, short_side = fld.y - first + 1, ph + 2 * (first - 1)
        per_side = {"lower": (6, 4), "club": (7, 5), "upper": (8, 6)}[tier]
        plan: list[tuple[str, str, int, int, int]] = [
            ("N", "NE", x0, long_side, per_side[0]),
            ("E", "SE", y0, short_side, per_side[1]),
            ("S", "SW", x0, long_side, per_side[0]),
            ("W", "NW", y0, short_side, per_side[1]),
        ]
        for side, corner, start, length, count in plan:
            spans = split(start, length, count, 2)
            # Clockwise runs with x on the north side and with y on the east side.
            ordered = spans if side in "NE" else list(reversed(spans))
            for i, (s, n) in enumerate(ordered):
                acc = wheel if i in (1, count - 2) else 0
                add(stand_rows(fld, side, first, depth, s, n, acc), category(side, i, count))
            halves = {"NE": "NE", "SE": "ES", "SW": "SW", "NW": "WN"}[corner]
            for half in halves:
                add([corner_rows(fld, corner, half, first, depth)], corner_category)
        first += depth + concourse
    doc["sections"] = sections
    return doc


VENUES: dict[str, Callable[[], Doc]] = {
    "studio": studio,
    "theatre": theatre,
    "arena": arena,
    "stadium": stadium,
}


# --- writing --------------------------------------------------------------------------------


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lines(doc: Doc) -> Iterator[str]:
    """Pretty JSON with 2-space indent, but each row, category and area on one line."""
    yield "{"
    keys = list(doc)
    for n, key in enumerate(keys):
        comma = "," if n < len(keys) - 1 else ""
        value = doc[key]
        if key in ("priceCategories", "generalAdmission"):
            yield f'  "{key}": ['
            yield from (f"    {_one_line(v)}," for v in value[:-1])
            yield f"    {_one_line(value[-1])}"
            yield f"  ]{comma}"
        elif key == "sections":
            yield '  "sections": ['
            for i, sec in enumerate(value):
                head = {k: v for k, v in sec.items() if k != "rows"}
                yield "    {"
                yield f"      {_one_line(head)[1:-1]},"
                yield '      "rows": ['
                rows = sec["rows"]
                yield from (f"        {_one_line(r)}," for r in rows[:-1])
                yield f"        {_one_line(rows[-1])}"
                yield "      ]"
                yield "    }," if i < len(value) - 1 else "    }"
            yield f"  ]{comma}"
        else:
            yield f'  "{key}": {_one_line(value)}{comma}'
    yield "}"


def render(doc: Doc) -> str:
    return "\n".join(_lines(doc)) + "\n"


def sketch(seatmap: SeatMap, scale: int) -> str:
    """A character picture, ``scale`` cells per character: category initials, # stage, ~ GA."""
    w, h = -(-seatmap.width // scale), -(-seatmap.height // scale)
    grid = [[" "] * w for _ in range(h)]
    stage = seatmap.stage
    for y in range(stage.y, stage.y + stage.height):
        for x in range(stage.x, stage.x + stage.width):
            grid[y // scale][x // scale] = "#"
    for area in seatmap.general_admission:
        for y in range(area.y, area.y + area.height):
            for x in range(area.x, area.x + area.width):
                grid[y // scale][x // scale] = "~"
    for seat in seatmap.seats():
        assert seat.x is not None and seat.y is not None
        mark = "w" if seat.accessible else "c" if seat.companion else seat.category[-1]
        grid[seat.y // scale][seat.x // scale] = "x" if seat.obstructed else mark
    return "\n".join("".join(line).rstrip() for line in grid)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--show", metavar="NAME", help="print a sketch of one venue")
    parser.add_argument("--scale", type=int, default=1, help="cells per character in --show")
    args = parser.parse_args()
    stale = 0
    for name, build in VENUES.items():
        doc = build()
        seatmap = parse_seatmap(doc, source=f"{name} (generated)")
        path = HERE / f"{name}.json"
        text = render(doc)
        if args.show == name:
            print(sketch(seatmap, args.scale))
        seats = sum(1 for _ in seatmap.seats())
        ga = seatmap.capacity - seats
        print(f"{name:8} seats {seats:6,}  GA {ga:6,}  capacity {seatmap.capacity:6,}")
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"  {path.name} differs from what this script generates")
                stale += 1
        else:
            path.write_text(text, encoding="utf-8")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
