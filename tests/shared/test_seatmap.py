"""The seat-map format as venue staff and clients meet it: layouts load, rows expand, errors point.

Every error test checks the three things a person fixing a layout needs: the file, the JSON path
and what is wrong.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.seatmap import (
    FORMAT_VERSION,
    Seat,
    SeatMap,
    SeatMapError,
    load_seatmap,
    parse_seat_spec,
    parse_seatmap,
    schema,
)

ROOT = Path(__file__).resolve().parents[2]
SEATMAPS = ROOT / "seatmaps"

Doc = dict[str, Any]


def tiny() -> Doc:
    """A small valid layout that error tests break one thing at a time."""
    return {
        "formatVersion": 1,
        "name": "Tiny",
        "grid": {"width": 20, "height": 12},
        "stage": {"label": "Stage", "x": 5, "y": 0, "width": 10, "height": 2},
        "priceCategories": [{"id": "A", "name": "Best"}, {"id": "B", "name": "Rest"}],
        "sections": [
            {
                "id": "stalls",
                "name": "Stalls",
                "category": "A",
                "rows": [
                    {"labels": "A-C", "x": 5, "y": 3, "seats": "1-10", "grow": 1},
                    {"label": "D", "x": 2, "y": 6, "seats": "1-16", "category": "B",
                     "accessible": "1", "companion": "2"},
                ],
            }
        ],
        "generalAdmission": [
            {"id": "pit", "name": "Pit", "capacity": 50, "category": "B",
             "x": 0, "y": 9, "width": 20, "height": 3},
        ],
    }  # fmt: skip


def one_row(row: Doc, *, width: int = 40, height: int = 20) -> SeatMap:
    """A layout holding just ``row`` (in section "s"), far from the stage."""
    doc = {
        "formatVersion": 1,
        "name": "One row",
        "grid": {"width": width, "height": height},
        "stage": {"label": "Stage", "x": 0, "y": 0, "width": 2, "height": 1},
        "priceCategories": [{"id": "A", "name": "Only"}],
        "sections": [{"id": "s", "name": "S", "category": "A", "rows": [row]}],
    }
    return parse_seatmap(doc, source="one-row.json")


def cells(seatmap: SeatMap) -> dict[str, tuple[int | None, int | None]]:
    return {seat.seat_id: (seat.x, seat.y) for seat in seatmap.seats()}


def labels_by_row(seatmap: SeatMap) -> dict[str | None, list[str]]:
    rows: dict[str | None, list[str]] = {}
    for seat in seatmap.seats():
        rows.setdefault(seat.row, []).append(seat.label)
    return rows


# --- the shipped layouts ---------------------------------------------------------------------

SHIPPED = {
    # name: (reserved seats, general-admission places, price categories, target capacity)
    "studio": (304, 0, 2, 300),
    "theatre": (1526, 0, 4, 1500),
    "arena": (12496, 5500, 5, 18000),
    "stadium": (49984, 0, 5, 50000),
}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_layout_loads_with_its_capacity(name: str) -> None:
    seats, ga, categories, target = SHIPPED[name]
    seatmap = load_seatmap(SEATMAPS / f"{name}.json")
    assert sum(1 for _ in seatmap.seats()) == seats
    assert sum(area.capacity for area in seatmap.general_admission) == ga
    assert seatmap.capacity == seats + ga
    assert abs(seatmap.capacity - target) <= target * 0.05
    assert len(seatmap.categories) == categories


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_layout_is_sellable(name: str) -> None:
    """Unique seat IDs, every category priced somewhere, and wheelchair spaces with companions."""
    seatmap = load_seatmap(SEATMAPS / f"{name}.json")
    places = list(seatmap.places())
    assert len({place.seat_id for place in places}) == len(places) == seatmap.capacity
    assert {place.category for place in places} == {c.id for c in seatmap.categories}
    assert any(seat.accessible for seat in seatmap.seats())
    assert any(seat.companion for seat in seatmap.seats())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_layout_passes_the_published_schema(name: str) -> None:
    """Other clients validate with the schema alone; the shipped files must pass it too."""
    document = json.loads((SEATMAPS / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(document)


def test_the_documented_example_loads_as_described() -> None:
    text = (ROOT / "docs" / "seatmap-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert example is not None
    seatmap = parse_seatmap(json.loads(example[1]), source="docs example")
    assert sum(1 for _ in seatmap.seats()) == 88
    assert seatmap.capacity == 128


def test_theatre_has_the_features_of_a_real_house() -> None:
    theatre = load_seatmap(SEATMAPS / "theatre.json")
    stalls = labels_by_row(theatre)
    assert "I" not in stalls and "H" in stalls and "J" in stalls
    assert any(seat.obstructed for seat in theatre.seats())
    left = next(s for s in theatre.sections if s.id == "stalls-l")
    lengths = [sum(1 for seat in left.seats if seat.row == row) for row in ("A", "B", "T")]
    assert lengths == [8, 9, 26]  # rows lengthen towards the back: curved stalls


def test_arena_sides_run_vertically_around_a_standing_floor() -> None:
    arena = load_seatmap(SEATMAPS / "arena.json")
    section = next(s for s in arena.sections if s.id == "101")
    row1 = [seat for seat in section.seats if seat.row == "1"]
    assert len({seat.x for seat in row1}) == 1
    assert [seat.y for seat in row1] == sorted(seat.y for seat in row1 if seat.y is not None)
    (floor,) = arena.general_admission
    assert 4000 <= floor.capacity <= 6000


# --- seat specs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("1-3, gap, 4", ["1", "2", "3", None, "4"]),
        ("1-4, gap after 2", ["1", "2", None, "3", "4"]),
        ("1-4, gap 2 after 2", ["1", "2", None, None, "3", "4"]),
        ("gap after 2, 1-4", ["1", "2", None, "3", "4"]),
        ("4-1", ["4", "3", "2", "1"]),
        ("1-7/2", ["1", "3", "5", "7"]),
        ("8-2/2", ["8", "6", "4", "2"]),
        ("gap 2, 7", [None, None, "7"]),
        ("12, 12A, 14", ["12", "12A", "14"]),
        (" 1 - 2 ,GAP, 3 ", ["1", "2", None, "3"]),
        ("5-5", ["5"]),
    ],
)
def test_seat_spec_expands_to_cells(spec: str, expected: list[str | None]) -> None:
    assert parse_seat_spec(spec) == expected


def test_seat_spec_gap_after_keeps_a_long_row_readable() -> None:
    cells = parse_seat_spec("1-24, gap after 12")
    assert len(cells) == 25
    assert cells[11:14] == ["12", None, "13"]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("", "empty"),
        ("1-3,,4", "empty item"),
        ("1 to 10", "cannot read '1 to 10'"),
        ("1-10, 5", "seat 5 appears twice"),
        ("1-24/5", "does not reach 24"),
        ("1-3/0", "step"),
        ("01-12", "leading zero"),
        ("gap 2", "no seats"),
        ("1-3, gap after 9", "no seat 9"),
        ("1-3, gap after 2, gap after 2", "written twice"),
        ("1-5000", "at most"),
    ],
)
def test_seat_spec_mistakes_are_explained(spec: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_seat_spec(spec)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 5))
def test_seat_spec_range_runs_from_first_to_last(first: int, last: int, step: int) -> None:
    sign = 1 if last >= first else -1
    last = first + sign * (abs(last - first) // step * step)  # a range lands on its last number
    cells = parse_seat_spec(f"{first}-{last}/{step}")
    assert cells[0] == str(first) and cells[-1] == str(last)
    assert len(cells) == abs(last - first) // step + 1


# --- rows, blocks and geometry ---------------------------------------------------------------


def test_row_block_skips_row_i_and_steps_down() -> None:
    seatmap = one_row({"labels": "G-H,J-K", "x": 3, "y": 4, "seats": "1-2"})
    assert cells(seatmap) == {
        "s:G:1": (3, 4), "s:G:2": (4, 4),
        "s:H:1": (3, 5), "s:H:2": (4, 5),
        "s:J:1": (3, 6), "s:J:2": (4, 6),
        "s:K:1": (3, 7), "s:K:2": (4, 7),
    }  # fmt: skip


def test_row_labels_can_be_numbers_and_doubled_letters() -> None:
    assert list(labels_by_row(one_row({"labels": "3-1", "x": 3, "y": 4, "seats": "1"}))) == [
        "3", "2", "1",
    ]  # fmt: skip
    assert list(labels_by_row(one_row({"labels": "AA-CC", "x": 3, "y": 4, "seats": "1"}))) == [
        "AA", "BB", "CC",
    ]  # fmt: skip


def test_gaps_leave_blank_cells_for_aisles() -> None:
    seatmap = one_row({"label": "A", "x": 0, "y": 5, "seats": "1-2, gap 3, 3, gap after 3, 4"})
    assert [x for x, _ in cells(seatmap).values()] == [0, 1, 5, 7]


def test_grow_lengthens_each_row_at_both_ends() -> None:
    seatmap = one_row({"labels": "A-C", "x": 10, "y": 5, "seats": "1-4", "grow": 1})
    rows = labels_by_row(seatmap)
    assert [len(rows[r]) for r in "ABC"] == [4, 6, 8]
    assert rows["C"] == [str(n) for n in range(1, 9)]  # renumbered from 1, not from -1
    starts = {seat.row: seat.x for seat in seatmap.seats() if seat.label == "1"}
    assert starts == {"A": 10, "B": 9, "C": 8}


def test_grow_at_one_end_keeps_the_aisle_straight() -> None:
    seatmap = one_row({"labels": "A-C", "x": 10, "y": 5, "seats": "1-4", "grow": [1, 0]})
    ends = {seat.row: seat.x for seat in seatmap.seats() if seat.label == "4"}
    rightmost = {
        row: max(seat.x for seat in seatmap.seats() if seat.row == row and seat.x is not None)
        for row in "ABC"
    }
    assert rightmost == {"A": 13, "B": 13, "C": 13}
    assert ends == {"A": 13, "B": 12, "C": 11}


def test_grow_on_a_descending_range_extends_the_high_numbers() -> None:
    seatmap = one_row({"labels": "A-B", "x": 10, "y": 5, "seats": "3-1", "grow": [1, 0]})
    assert labels_by_row(seatmap)["B"] == ["4", "3", "2", "1"]
    assert cells(seatmap)["s:B:4"] == (9, 6)


@pytest.mark.parametrize(
    ("direction", "step", "expected"),
    [
        ("down", "left", {"s:1:1": (10, 5), "s:1:2": (10, 6), "s:2:1": (9, 5), "s:2:2": (9, 6)}),
        ("up", "right", {"s:1:1": (10, 5), "s:1:2": (10, 4), "s:2:1": (11, 5), "s:2:2": (11, 4)}),
        ("left", "up", {"s:1:1": (10, 5), "s:1:2": (9, 5), "s:2:1": (10, 4), "s:2:2": (9, 4)}),
    ],
)
def test_rows_can_run_vertically_or_leftwards(
    direction: str, step: str, expected: dict[str, tuple[int, int]]
) -> None:
    row = {"labels": "1-2", "x": 10, "y": 5, "seats": "1-2", "seatDirection": direction}
    assert cells(one_row({**row, "rowStep": step})) == expected


def test_seats_carry_category_flags_and_stable_ids() -> None:
    row = {
        "label": "A", "x": 0, "y": 5, "seats": "1-6",
        "accessible": "1", "companion": "2", "obstructed": "5-6",
        "seatCategories": {"A": "6"},
    }  # fmt: skip
    seatmap = parse_seatmap(
        {**tiny(), "sections": [{"id": "side", "name": "Side", "category": "B", "rows": [row]}]}
    )
    seats = {seat.label: seat for seat in seatmap.seats()}
    assert seats["1"] == Seat("side:A:1", "side", "A", "1", 0, 5, "B", accessible=True)
    assert seats["2"].companion and not seats["2"].accessible
    assert [seats[n].obstructed for n in "456"] == [False, True, True]
    assert [seats[n].category for n in "56"] == ["B", "A"]


def test_companion_may_sit_behind_the_accessible_space() -> None:
    doc = tiny()
    doc["sections"][0]["rows"] = [
        {"label": "A", "x": 3, "y": 4, "seats": "1-3", "accessible": "2"},
        {"label": "B", "x": 3, "y": 5, "seats": "1-3", "companion": "2"},
    ]
    companions = [seat.seat_id for seat in parse_seatmap(doc).seats() if seat.companion]
    assert companions == ["stalls:B:2"]


# --- general admission and the map ---------------------------------------------------------


def test_general_admission_places_follow_the_seats() -> None:
    seatmap = parse_seatmap(tiny())
    places = list(seatmap.places())
    seats = list(seatmap.seats())
    assert seatmap.capacity == len(places) == len(seats) + 50
    assert places[: len(seats)] == seats
    ga = places[len(seats) :]
    assert ga[0] == Seat("pit:GA:1", "pit", None, "1", None, None, "B", general_admission=True)
    assert ga[-1].seat_id == "pit:GA:50"
    assert all(place.general_admission and place.x is None for place in ga)


def test_sections_list_seats_in_row_order_then_along_the_row() -> None:
    seatmap = parse_seatmap(tiny())
    (stalls,) = seatmap.sections
    assert [s.seat_id for s in stalls.seats[:3]] == ["stalls:A:1", "stalls:A:2", "stalls:A:3"]
    assert [s.row for s in stalls.seats].index("B") == 10
    assert stalls.seats[-1].seat_id == "stalls:D:16"


def test_map_keeps_the_compact_document_as_written() -> None:
    doc = tiny()
    seatmap = parse_seatmap(doc)
    assert seatmap.document == doc
    doc["name"] = "Changed later"
    assert seatmap.document["name"] == "Tiny"
    assert seatmap.name == "Tiny" and (seatmap.width, seatmap.height) == (20, 12)
    assert seatmap.stage.label == "Stage"
    assert [c.id for c in seatmap.categories] == ["A", "B"]


def test_schema_is_draft_2020_12_and_a_copy() -> None:
    published = schema()
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert published["properties"]["formatVersion"]["const"] == FORMAT_VERSION
    published["required"].clear()
    assert schema()["required"]


# --- errors --------------------------------------------------------------------------------

Mutation = Callable[[Doc], object]


def row(doc: Doc, index: int) -> Doc:
    rows: list[Doc] = doc["sections"][0]["rows"]
    return rows[index]


ERRORS: list[tuple[str, Mutation, str, str]] = [
    # (what, how to break tiny(), JSON path, part of the message)
    ("missing name", lambda d: d.pop("name"), "$", 'missing required property "name"'),
    ("future version", lambda d: d.update(formatVersion=2), "$.formatVersion", "unsupported"),
    ("typo in a key", lambda d: row(d, 0).update(sets="1"), "$.sections[0].rows[0]",
     'unknown property "sets"'),
    ("label and labels", lambda d: row(d, 0).update(label="Q"), "$.sections[0].rows[0]",
     'has both "label" and "labels"'),
    ("no label", lambda d: row(d, 1).pop("label"), "$.sections[0].rows[1]", "needs"),
    ("grow on one row", lambda d: row(d, 1).update(grow=1), "$.sections[0].rows[1]",
     '"grow" only applies to a block'),
    ("text coordinate", lambda d: row(d, 0).update(x="3"), "$.sections[0].rows[0].x",
     'expected integer, got string "3"'),
    ("fractional coordinate", lambda d: row(d, 0).update(x=3.0), "$.sections[0].rows[0].x",
     "expected integer"),
    ("bad direction", lambda d: row(d, 0).update(seatDirection="sideways"),
     "$.sections[0].rows[0].seatDirection", '"sideways" is not one of'),
    ("id with a colon", lambda d: d["sections"][0].update(id="a:b"), "$.sections[0].id",
     "is not an id"),
    ("duplicate section id", lambda d: d["sections"].append(copy.deepcopy(d["sections"][0])),
     "$.sections[1].id", "already used by $.sections[0]"),
    ("section id used by an area", lambda d: d["sections"][0].update(id="pit"),
     "$.sections[0].id", "already used by $.generalAdmission[0]"),
    ("duplicate category", lambda d: d["priceCategories"].append({"id": "A", "name": "Again"}),
     "$.priceCategories[2].id", "listed twice"),
    ("unknown section category", lambda d: d["sections"][0].update(category="Z"),
     "$.sections[0].category", "unknown price category 'Z'"),
    ("unknown row category", lambda d: row(d, 1).update(category="Z"),
     "$.sections[0].rows[1].category", "unknown price category 'Z'"),
    ("unknown seat category", lambda d: row(d, 1).update(seatCategories={"Z": "1"}),
     "$.sections[0].rows[1].seatCategories.Z", "unknown price category 'Z'"),
    ("unknown area category", lambda d: d["generalAdmission"][0].update(category="Z"),
     "$.generalAdmission[0].category", "unknown price category 'Z'"),
    ("malformed seats", lambda d: row(d, 1).update(seats="1 to 16"),
     "$.sections[0].rows[1].seats", "cannot read '1 to 16'"),
    ("duplicate seat", lambda d: row(d, 1).update(seats="1-16, 3"),
     "$.sections[0].rows[1].seats", "seat 3 appears twice"),
    ("malformed labels", lambda d: row(d, 0).update(labels="A-3"),
     "$.sections[0].rows[0].labels", "cannot expand 'A-3'"),
    ("duplicate row", lambda d: row(d, 1).update(label="B"), "$.sections[0].rows[1].label",
     "row B is already defined in rows[0]"),
    ("grow with gaps", lambda d: row(d, 0).update(seats="1-5, gap, 6-10"),
     "$.sections[0].rows[0].grow", "one range"),
    ("grow to nothing", lambda d: row(d, 0).update(grow=-6), "$.sections[0].rows[0].grow",
     "row B: grow leaves a row with no seats"),
    ("two seats on a cell", lambda d: row(d, 1).update(y=5), "$.sections[0].rows[1]",
     "seat stalls:D:2 at x=3, y=5 is on the cell of stalls:C:1"),
    ("seat on the stage", lambda d: row(d, 1).update(y=1), "$.sections[0].rows[1]",
     "is on the stage"),
    ("seat on a standing area", lambda d: row(d, 1).update(y=10), "$.sections[0].rows[1]",
     "is on general-admission area 'pit'"),
    ("seat outside the grid", lambda d: row(d, 1).update(x=10), "$.sections[0].rows[1]",
     "seat 16 of row D is at x=25, y=6, outside the 20x12 grid"),
    ("stage outside the grid", lambda d: d["stage"].update(width=30), "$.stage",
     "reaches beyond the 20x12 grid"),
    ("area over the stage", lambda d: d["generalAdmission"][0].update(y=0),
     "$.generalAdmission[0]", "overlaps the stage"),
    ("accessible seat missing", lambda d: row(d, 1).update(accessible="17"),
     "$.sections[0].rows[1].accessible", "there is no seat 17 in row D"),
    ("obstructed seat missing", lambda d: row(d, 0).update(obstructed="11"),
     "$.sections[0].rows[0].obstructed", "there is no seat 11 in row A"),
    ("companion alone", lambda d: row(d, 1).update(companion="5"),
     "$.sections[0].rows[1].companion", "stalls:D:5 is not next to an accessible seat"),
    ("companion and accessible", lambda d: row(d, 1).update(companion="1"),
     "$.sections[0].rows[1].companion", "cannot be accessible and companion"),
    ("zero capacity", lambda d: d["generalAdmission"][0].update(capacity=0),
     "$.generalAdmission[0].capacity", "must be at least 1"),
    ("nothing to sell", lambda d: d.update(sections=[], generalAdmission=[]), "$.sections",
     "no seats and no general-admission areas"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [pytest.param(m, p, msg, id=what) for what, m, p, msg in ERRORS],
)
def test_broken_layout_names_file_path_and_problem(
    mutate: Mutation, path: str, problem: str
) -> None:
    doc = tiny()
    mutate(doc)
    with pytest.raises(SeatMapError) as caught:
        parse_seatmap(doc, source="tiny.json")
    error = caught.value
    assert (error.source, error.path) == ("tiny.json", path)
    assert problem in error.message
    assert str(error) == f"tiny.json: {path}: {error.message}"


def test_a_later_error_still_refuses_the_whole_layout() -> None:
    """The companion check runs after every seat is laid out; nothing half-built escapes."""
    doc = tiny()
    doc["sections"].append(
        {"id": "late", "name": "Late", "category": "A",
         "rows": [{"label": "Z", "x": 12, "y": 7, "seats": "1-3", "companion": "3"}]}
    )  # fmt: skip
    with pytest.raises(SeatMapError, match=r"\$\.sections\[1\]\.rows\[0\]\.companion"):
        parse_seatmap(doc)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "venue.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reports_bad_json_with_file_and_line(tmp_path: Path) -> None:
    text = json.dumps(tiny(), indent=2).replace('"name": "Tiny",', '"name": "Tiny"', 1)
    path = write(tmp_path, text)
    with pytest.raises(SeatMapError) as caught:
        load_seatmap(path)
    error = caught.value
    assert error.source == str(path) and error.path == "$"
    assert error.line == 4
    assert str(error).startswith(f"{path}: $: not valid JSON at line 4, column")


def test_load_refuses_a_key_written_twice(tmp_path: Path) -> None:
    text = json.dumps(tiny()).replace('"id": "stalls",', '"id": "stalls", "id": "other",')
    with pytest.raises(SeatMapError, match=r'\$\.sections\[0\]: property "id" is written twice'):
        load_seatmap(write(tmp_path, text))


def test_load_names_the_file_in_schema_errors(tmp_path: Path) -> None:
    doc = tiny()
    row(doc, 1)["seats"] = "1-16, 3"
    path = write(tmp_path, json.dumps(doc))
    with pytest.raises(SeatMapError, match=r"venue\.json: \$\.sections\[0\]\.rows\[1\]\.seats: "):
        load_seatmap(path)


def test_load_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SeatMapError, match=r"missing\.json: \$: cannot read the file"):
        load_seatmap(tmp_path / "missing.json")


def test_load_accepts_a_file_saved_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(tiny()), encoding="utf-8-sig")
    assert load_seatmap(path).capacity == 102


def test_seatmap_error_survives_pickling() -> None:
    error = SeatMapError("a.json", "$.x", "bad", 3, 4)
    copied = pickle.loads(pickle.dumps(error))
    assert (str(copied), copied.line, copied.column) == (str(error), 3, 4)
