"""The compact notations of the seat-map format: seat specs, seat lists and row-label lists.

They keep a 40-seat row or a 20-row block to one readable line. Errors are plain ``ValueError``
with a message meant for the person who wrote the layout; the loader adds file and JSON path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MAX_ROWS",
    "MAX_ROW_CELLS",
    "ParsedSpec",
    "grown_row",
    "parse_row_labels",
    "parse_seat_list",
    "parse_seat_spec",
    "parsed_spec",
]

#: Longest row a spec may describe, gaps included; guards against "1-99999999".
MAX_ROW_CELLS = 2000
#: Most rows one ``labels`` block may name.
MAX_ROWS = 500

_NUMBER = r"(?:0|[1-9][0-9]{0,8})"
_RANGE = re.compile(rf"({_NUMBER})\s*-\s*({_NUMBER})(?:\s*/\s*([0-9]+))?")
_SEAT = re.compile(rf"{_NUMBER}[A-Za-z]?")
_GAP = re.compile(r"gap(?:\s+([0-9]+))?(?:\s+after\s+(\S+))?", re.IGNORECASE)
_ROW_LABEL = re.compile(r"[A-Za-z0-9]+(?:[ ._][A-Za-z0-9]+)*")
_ROW_RANGE = re.compile(r"([A-Za-z0-9]+)\s*-\s*([A-Za-z0-9]+)")
_HAS_LEADING_ZERO = re.compile(r"(?<![0-9])0[0-9]")

_SPEC_HELP = (
    "expected a seat number (7), a range (1-12, 12-1, 1-23/2), 'gap', 'gap 3' or 'gap after 12'"
)


@dataclass(frozen=True, slots=True)
class ParsedSpec:
    """A seat spec expanded to cells, with what ``grow`` needs to lengthen it."""

    #: One entry per grid cell along the row: a seat label, or None for a blank cell.
    cells: tuple[str | None, ...]
    #: ``(first, last, step)`` when the spec is exactly one range; ``grow`` only works then.
    plain_range: tuple[int, int, int] | None


def _range(first: int, last: int, step: int, item: str) -> range:
    if step < 1:
        raise ValueError(f"range {item!r}: the step after '/' must be at least 1")
    if (last - first) % step:
        raise ValueError(f"range {item!r} does not reach {last} in steps of {step}")
    count = abs(last - first) // step + 1
    if count > MAX_ROW_CELLS:
        raise ValueError(f"range {item!r} has {count} seats; a row holds at most {MAX_ROW_CELLS}")
    return range(first, last + 1, step) if first <= last else range(first, last - 1, -step)


def _seat_items(item: str) -> list[str] | None:
    """Seat labels written by one range or single item, or None if it is neither."""
    if match := _RANGE.fullmatch(item):
        step = int(match[3]) if match[3] else 1
        return [str(n) for n in _range(int(match[1]), int(match[2]), step, item)]
    if _SEAT.fullmatch(item):
        return [item]
    if _HAS_LEADING_ZERO.search(item):
        raise ValueError(f"{item!r}: write seat numbers without leading zeros")
    return None


def _items(text: str, what: str) -> list[str]:
    items = [raw.strip() for raw in text.split(",")]
    if items == [""]:
        raise ValueError(f"{what} is empty")
    if "" in items:
        raise ValueError(f"{what} {text!r} has an empty item between commas")
    return items


@lru_cache(maxsize=4096)
def parsed_spec(spec: str) -> ParsedSpec:
    """Parse a seat spec once; layouts repeat the same spec on many rows."""
    cells: list[str | None] = []
    gaps_after: dict[str, int] = {}
    items = _items(spec, "seat spec")
    for item in items:
        if gap := _GAP.fullmatch(item):
            count = int(gap[1]) if gap[1] is not None else 1
            if count < 1:
                raise ValueError(f"{item!r}: a gap is at least 1 cell wide")
            if gap[2] is None:
                cells.extend([None] * count)
            elif not _SEAT.fullmatch(gap[2]):
                raise ValueError(f"{item!r}: {gap[2]!r} is not a seat number")
            elif gap[2] in gaps_after:
                raise ValueError(f"'gap after {gap[2]}' is written twice")
            else:
                gaps_after[gap[2]] = count
            continue
        labels = _seat_items(item)
        if labels is None:
            raise ValueError(f"cannot read {item!r}: {_SPEC_HELP}")
        cells.extend(labels)
    if gaps_after:
        cells = _insert_gaps(cells, gaps_after)
    seats = [label for label in cells if label is not None]
    if not seats:
        raise ValueError(f"seat spec {spec!r} has no seats, only gaps")
    if len(set(seats)) != len(seats):
        raise ValueError(f"seat {_first_repeat(seats)} appears twice in seat spec {spec!r}")
    if len(cells) > MAX_ROW_CELLS:
        raise ValueError(f"seat spec {spec!r} is {len(cells)} cells long; at most {MAX_ROW_CELLS}")
    plain = None
    if len(items) == 1 and (match := _RANGE.fullmatch(items[0])):
        plain = (int(match[1]), int(match[2]), int(match[3]) if match[3] else 1)
    return ParsedSpec(tuple(cells), plain)


def _first_repeat(labels: list[str]) -> str:
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            return label
        seen.add(label)
    raise AssertionError("no repeated label")


def _insert_gaps(cells: list[str | None], gaps_after: dict[str, int]) -> list[str | None]:
    present = set(cells)
    for after in gaps_after:
        if after not in present:
            raise ValueError(f"'gap after {after}': there is no seat {after} in this row")
    spaced: list[str | None] = []
    for cell in cells:
        spaced.append(cell)
        if cell is not None and cell in gaps_after:
            spaced.extend([None] * gaps_after[cell])
    return spaced


def parse_seat_spec(spec: str) -> list[str | None]:
    """Expand a seat spec: ``"1-3, gap, 4"`` gives ``["1", "2", "3", None, "4"]``.

    Each entry is one grid cell along the row, a seat label or None for a blank cell (an
    aisle). Raises ``ValueError`` saying what cannot be read.
    """
    return list(parsed_spec(spec).cells)


def grown_row(plain: tuple[int, int, int], start: int, end: int) -> tuple[str, ...]:
    """The labels of a plain range lengthened by ``start`` seats before it and ``end`` after.

    Numbering keeps its low end (usually seat 1) and extends at the high end, as a longer
    curved row is still numbered from 1.
    """
    first, last, step = plain
    count = abs(last - first) // step + 1 + start + end
    if count < 1:
        raise ValueError("grow leaves a row with no seats")
    if count > MAX_ROW_CELLS:
        raise ValueError(f"grow makes a row of {count} seats; at most {MAX_ROW_CELLS}")
    low = min(first, last)
    numbers = range(low, low + count * step, step)
    return tuple(str(n) for n in (numbers if first <= last else reversed(numbers)))


@lru_cache(maxsize=1024)
def parse_seat_list(text: str) -> frozenset[str]:
    """Seat labels named by a list such as ``"1,2,23-24"`` (used by accessible and the like)."""
    labels: set[str] = set()
    for item in _items(text, "seat list"):
        found = _seat_items(item)
        if found is None:
            raise ValueError(f"cannot read {item!r}: expected a seat number (7) or a range (1-4)")
        labels.update(found)
    return frozenset(labels)


def _letters_range(first: str, last: str) -> list[str] | None:
    """``A-H`` or ``AA-DD`` (the doubled letters theatres use after Z), else None."""
    if len(first) != len(last) or len(set(first)) != 1 or len(set(last)) != 1:
        return None
    a, b = first[0], last[0]
    if not (a.isalpha() and b.isalpha() and a.isascii() and b.isascii()):
        return None
    if a.isupper() != b.isupper():
        return None
    step = 1 if a <= b else -1
    return [chr(c) * len(first) for c in range(ord(a), ord(b) + step, step)]


@lru_cache(maxsize=1024)
def parse_row_labels(text: str) -> tuple[str, ...]:
    """Row labels named by ``"A-H,J-N"``, ``"1-30"`` or ``"AA-DD"``, in the order written."""
    labels: list[str] = []
    for item in _items(text, "row labels"):
        if match := _ROW_RANGE.fullmatch(item):
            first, last = match[1], match[2]
            if first.isdigit() and last.isdigit():
                if _HAS_LEADING_ZERO.search(item):
                    raise ValueError(f"{item!r}: write row numbers without leading zeros")
                a, b = int(first), int(last)
                if abs(b - a) >= MAX_ROWS:
                    raise ValueError(f"{item!r} names more than {MAX_ROWS} rows")
                found = [str(n) for n in (range(a, b + 1) if a <= b else range(a, b - 1, -1))]
            elif (letters := _letters_range(first, last)) is not None:
                found = letters
            else:
                raise ValueError(
                    f"cannot expand {item!r}: a range runs between two numbers (1-30), "
                    "two letters (A-H) or two doubled letters (AA-DD)"
                )
            if max(map(len, found)) > 16:
                raise ValueError(f"{item!r}: row labels are at most 16 characters")
            labels.extend(found)
        elif _ROW_LABEL.fullmatch(item) and len(item) <= 16:
            labels.append(item)
        else:
            raise ValueError(f"{item!r} is not a row label or a range of row labels")
        if len(labels) > MAX_ROWS:
            raise ValueError(f"row labels {text!r} name more than {MAX_ROWS} rows")
    if len(set(labels)) != len(labels):
        raise ValueError(f"row {_first_repeat(labels)} appears twice in {text!r}")
    return tuple(labels)
