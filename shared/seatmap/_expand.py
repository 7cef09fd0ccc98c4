"""Expand a schema-valid layout into seats and check what the schema cannot express.

Every problem stops the build with the JSON path of the entry at fault, so a broken layout
never yields a partial map. Expansion is a tight loop: a stadium has 50,000 seats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from shared.seatmap._model import (
    GeneralAdmissionArea,
    PriceCategory,
    Seat,
    SeatMap,
    SeatMapError,
    Section,
    Stage,
)
from shared.seatmap._schema import json_path
from shared.seatmap._spec import grown_row, parse_row_labels, parse_seat_list, parsed_spec

__all__ = ["build_seatmap"]

T = TypeVar("T")

_STEPS = {"right": (1, 0), "left": (-1, 0), "down": (0, 1), "up": (0, -1)}


@dataclass(frozen=True, slots=True)
class _Rect:
    what: str
    x: int
    y: int
    width: int
    height: int

    def overlaps(self, other: _Rect) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def holds(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


class _Builder:
    """Carries what later entries are checked against: ids, occupied cells, accessible seats."""

    def __init__(self, document: dict[str, Any], source: str) -> None:
        self.document = document
        self.source = source
        self.width: int = document["grid"]["width"]
        self.height: int = document["grid"]["height"]
        self.categories: set[str] = set()
        self.owners: dict[str, str] = {}  # section or area id -> JSON path that defined it
        self.rects: list[_Rect] = []
        self.cells: dict[int, str] = {}  # y * width + x -> seat id on that cell
        self.accessible: set[int] = set()
        self.companions: list[tuple[Seat, str]] = []

    def fail(self, path: str, message: str) -> NoReturn:
        raise SeatMapError(self.source, path, message)

    def build(self) -> SeatMap:
        doc = self.document
        categories = tuple(self._category(c, i) for i, c in enumerate(doc["priceCategories"]))
        stage = Stage(**doc["stage"])
        self._place_rect(_Rect("the stage", stage.x, stage.y, stage.width, stage.height), "$.stage")
        areas = tuple(self._area(a, i) for i, a in enumerate(doc.get("generalAdmission", [])))
        sections = tuple(self._section(s, i) for i, s in enumerate(doc["sections"]))
        self._check_companions()
        if not sections and not areas:
            self.fail("$.sections", "the layout has no seats and no general-admission areas")
        return SeatMap(
            document=doc,
            name=doc["name"],
            width=self.width,
            height=self.height,
            stage=stage,
            categories=categories,
            sections=sections,
            general_admission=areas,
        )

    def _category(self, entry: dict[str, Any], index: int) -> PriceCategory:
        if entry["id"] in self.categories:
            self.fail(f"$.priceCategories[{index}].id", f"category {entry['id']!r} is listed twice")
        self.categories.add(entry["id"])
        return PriceCategory(entry["id"], entry["name"])

    def _known_category(self, category: str, path: str) -> str:
        if category not in self.categories:
            known = ", ".join(sorted(self.categories))
            self.fail(path, f"unknown price category {category!r} (priceCategories has {known})")
        return category

    def _claim_id(self, ident: str, path: str) -> None:
        if ident in self.owners:
            self.fail(path, f"id {ident!r} is already used by {self.owners[ident]}")
        self.owners[ident] = path.removesuffix(".id")

    def _place_rect(self, rect: _Rect, path: str) -> None:
        if rect.x + rect.width > self.width or rect.y + rect.height > self.height:
            self.fail(path, f"{rect.what} reaches beyond the {self.width}x{self.height} grid")
        for other in self.rects:
            if rect.overlaps(other):
                self.fail(path, f"{rect.what} overlaps {other.what}")
        self.rects.append(rect)

    def _area(self, entry: dict[str, Any], index: int) -> GeneralAdmissionArea:
        path = f"$.generalAdmission[{index}]"
        self._claim_id(entry["id"], f"{path}.id")
        self._known_category(entry["category"], f"{path}.category")
        area = GeneralAdmissionArea(**entry)
        rect = _Rect(f"general-admission area {area.id!r}", area.x, area.y, area.width, area.height)
        self._place_rect(rect, path)
        return area

    def _section(self, entry: dict[str, Any], index: int) -> Section:
        path = f"$.sections[{index}]"
        self._claim_id(entry["id"], f"{path}.id")
        category = self._known_category(entry["category"], f"{path}.category")
        seats: list[Seat] = []
        rows: dict[str, str] = {}  # row label -> "rows[n]" that defined it
        for r, row in enumerate(entry["rows"]):
            self._row(entry["id"], category, row, f"{path}.rows[{r}]", rows, seats)
        return Section(entry["id"], entry["name"], tuple(seats))

    def _parse(self, path: str, parse: Callable[[str], T], text: str) -> T:
        """Run a mini-language parser, turning its complaint into an error at ``path``."""
        try:
            return parse(text)
        except ValueError as error:
            self.fail(path, str(error))

    def _row(
        self,
        section: str,
        category: str,
        row: dict[str, Any],
        path: str,
        labels_seen: dict[str, str],
        out: list[Seat],
    ) -> None:
        """Expand one row entry (a row or a block of rows) into ``out``."""
        labels: tuple[str, ...]
        if "label" in row:
            field, labels = "label", (row["label"],)
        else:
            field, labels = "labels", self._parse(f"{path}.labels", parse_row_labels, row["labels"])
        for label in labels:
            if label in labels_seen:
                self.fail(
                    f"{path}.{field}", f"row {label} is already defined in {labels_seen[label]}"
                )
            labels_seen[label] = path.rsplit(".", 1)[1]
        spec = self._parse(f"{path}.seats", parsed_spec, row["seats"])
        grow = row.get("grow", 0)
        grow_start, grow_end = (grow, grow) if isinstance(grow, int) else grow
        plain = spec.plain_range
        if (grow_start or grow_end) and plain is None:
            self.fail(f"{path}.grow", "grow needs a seat spec that is one range, such as '1-20'")
        category = self._known_category(row.get("category", category), f"{path}.category")
        overrides = self._overrides(row, path)
        flags: dict[str, frozenset[str]] = {
            name: self._parse(f"{path}.{name}", parse_seat_list, row[name])
            for name in ("accessible", "companion", "obstructed")
            if name in row
        }
        both = flags.get("accessible", frozenset()) & flags.get("companion", frozenset())
        if both:
            self.fail(f"{path}.companion", f"seat {min(both)} cannot be accessible and companion")
        dx, dy = _STEPS[row.get("seatDirection", "right")]
        rx, ry = _STEPS[row.get("rowStep", "down")]
        for k, label in enumerate(labels):
            cells = spec.cells
            back = 0
            if plain is not None and (grow_start or grow_end):
                back = grow_start * k
                try:
                    cells = grown_row(plain, back, grow_end * k)
                except ValueError as error:
                    self.fail(f"{path}.grow", f"row {label}: {error}")
            x0 = row["x"] + k * rx - back * dx
            y0 = row["y"] + k * ry - back * dy
            self._check_names(cells, flags, overrides, label, path)
            self._lay_row(
                section, label, category, cells, (x0, y0, dx, dy), flags, overrides, path, out
            )

    def _overrides(self, row: dict[str, Any], path: str) -> dict[str, str]:
        """Seat label -> price category, from the row's ``seatCategories``."""
        overrides: dict[str, str] = {}
        for category, text in row.get("seatCategories", {}).items():
            where = f"{path}.seatCategories{json_path([category])[1:]}"
            self._known_category(category, where)
            for label in self._parse(where, parse_seat_list, text):
                if label in overrides:
                    self.fail(where, f"seat {label} is already in category {overrides[label]!r}")
                overrides[label] = category
        return overrides

    def _check_names(
        self,
        cells: tuple[str | None, ...],
        flags: dict[str, frozenset[str]],
        overrides: dict[str, str],
        row: str,
        path: str,
    ) -> None:
        """Seats named by accessible, companion, obstructed or seatCategories must exist."""
        if not flags and not overrides:
            return
        present = set(cells)
        named = list(flags.items())
        named.append(("seatCategories", frozenset(overrides)))
        for name, labels in named:
            missing = labels - present
            if missing:
                first = min(missing, key=lambda s: (len(s), s))
                self.fail(f"{path}.{name}", f"there is no seat {first} in row {row}")

    def _lay_row(
        self,
        section: str,
        row: str,
        category: str,
        cells: tuple[str | None, ...],
        origin: tuple[int, int, int, int],
        flags: dict[str, frozenset[str]],
        overrides: dict[str, str],
        path: str,
        out: list[Seat],
    ) -> None:
        """Put one row's seats on the grid, refusing cells outside, taken or under a rectangle."""
        x0, y0, dx, dy = origin
        width, occupied = self.width, self.cells
        first = next(i for i, c in enumerate(cells) if c is not None)
        last = len(cells) - 1 - next(i for i, c in enumerate(reversed(cells)) if c is not None)
        for i in (first, last):
            x, y = x0 + i * dx, y0 + i * dy
            if not (0 <= x < width and 0 <= y < self.height):
                where = f"at x={x}, y={y}, outside the {width}x{self.height} grid"
                self.fail(path, f"seat {cells[i]} of row {row} is {where}")
        (xa, ya), (xb, yb) = (x0 + first * dx, y0 + first * dy), (x0 + last * dx, y0 + last * dy)
        span = _Rect("", min(xa, xb), min(ya, yb), abs(xb - xa) + 1, abs(yb - ya) + 1)
        rects = [rect for rect in self.rects if rect.overlaps(span)]
        prefix = f"{section}:{row}:"
        plain = not flags and not overrides
        accessible = flags.get("accessible", frozenset())
        companion = flags.get("companion", frozenset())
        obstructed = flags.get("obstructed", frozenset())
        for i, label in enumerate(cells):
            if label is None:
                continue
            x = x0 + i * dx
            y = y0 + i * dy
            key = y * width + x
            seat_id = prefix + label
            if key in occupied:
                self.fail(path, f"seat {seat_id} at x={x}, y={y} is on the cell of {occupied[key]}")
            occupied[key] = seat_id
            for rect in rects:
                if rect.holds(x, y):
                    self.fail(path, f"seat {seat_id} at x={x}, y={y} is on {rect.what}")
            if plain:  # most rows: no flags, so skip the lookups below
                out.append(Seat(seat_id, section, row, label, x, y, category))
                continue
            seat = Seat(
                seat_id, section, row, label, x, y, overrides.get(label, category),
                label in accessible, label in companion, label in obstructed,
            )  # fmt: skip
            out.append(seat)
            if seat.accessible:
                self.accessible.add(key)
            elif seat.companion:
                self.companions.append((seat, path))

    def _check_companions(self) -> None:
        """A companion seat is for the person with a wheelchair user, so it must adjoin one."""
        width = self.width
        for seat, path in self.companions:
            assert seat.x is not None and seat.y is not None
            key = seat.y * width + seat.x
            beside = [key - width, key + width]
            beside += [key - 1] if seat.x > 0 else []
            beside += [key + 1] if seat.x < width - 1 else []
            if not self.accessible.intersection(beside):
                self.fail(
                    f"{path}.companion",
                    f"companion seat {seat.seat_id} is not next to an accessible seat",
                )


def build_seatmap(document: dict[str, Any], source: str) -> SeatMap:
    """Expand and check a document that already conforms to the schema."""
    return _Builder(document, source).build()
