"""``parse_seatmap(..., validate=False)``: the fast path for layouts the server already
checked. It must give the same map, and a broken layout must still be refused with a
``SeatMapError`` that says where and what, never a ``KeyError`` or a half-built map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_seatmap import ERRORS, SHIPPED, Mutation, tiny

from shared.seatmap import SeatMapError, parse_seatmap

SEATMAPS = Path(__file__).resolve().parents[2] / "seatmaps"

#: What only the JSON Schema notices; trusting the document means accepting these.
SCHEMA_ONLY = {
    "typo in a key",
    "label and labels",
    "grow on one row",
    "fractional coordinate",
    "id with a colon",
    "zero capacity",
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_a_shipped_layout_expands_to_the_same_map(name: str) -> None:
    document = json.loads((SEATMAPS / f"{name}.json").read_text())
    checked = parse_seatmap(document, source=name)
    trusted = parse_seatmap(document, source=name, validate=False)
    assert list(trusted.places()) == list(checked.places())
    assert (trusted.stage, trusted.categories) == (checked.stage, checked.categories)
    assert trusted.document == document and trusted.document is not document


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [pytest.param(m, p, msg, id=what) for what, m, p, msg in ERRORS if what not in SCHEMA_ONLY],
)
def test_a_broken_layout_is_still_refused_with_the_same_error(
    mutate: Mutation, path: str, problem: str
) -> None:
    """Expansion's own checks run as ever; what makes expansion trip (a missing property, a
    string for a number, a newer format) gets the schema's message, not a KeyError."""
    doc = tiny()
    mutate(doc)
    with pytest.raises(SeatMapError) as caught:
        parse_seatmap(doc, source="tiny.json", validate=False)
    assert (caught.value.source, caught.value.path) == ("tiny.json", path)
    assert problem in caught.value.message


@pytest.mark.parametrize(
    "mutate",
    [pytest.param(m, id=what) for what, m, _p, _msg in ERRORS if what in SCHEMA_ONLY],
)
def test_what_only_the_schema_sees_is_trusted(mutate: Mutation) -> None:
    doc = tiny()
    mutate(doc)
    with pytest.raises(SeatMapError):
        parse_seatmap(doc, source="tiny.json")
    assert parse_seatmap(doc, source="tiny.json", validate=False).capacity > 0


@pytest.mark.parametrize("document", [None, [], "layout", {"formatVersion": 1}, {}])
def test_something_that_is_not_a_layout_at_all_is_refused(document: object) -> None:
    with pytest.raises(SeatMapError, match=r"^venue: \$"):
        parse_seatmap(document, source="venue", validate=False)
