"""The seat-map format: a venue's layout as compact JSON, validated and expanded to seats.

``load_seatmap`` reads a file, ``parse_seatmap`` a stored document; both check the JSON Schema
(``schema()``) and then what a schema cannot say (overlaps, unknown categories, seat specs), and
raise :class:`SeatMapError` naming the source, the JSON path and the problem. The format is
described in ``docs/seatmap-format.md``.
"""

from __future__ import annotations

from shared.seatmap._load import load_seatmap, parse_seatmap
from shared.seatmap._model import (
    GeneralAdmissionArea,
    PriceCategory,
    Seat,
    SeatMap,
    SeatMapError,
    Section,
    Stage,
)
from shared.seatmap._schema import schema
from shared.seatmap._spec import parse_seat_spec

__all__ = [
    "FORMAT_VERSION",
    "GeneralAdmissionArea",
    "PriceCategory",
    "Seat",
    "SeatMap",
    "SeatMapError",
    "Section",
    "Stage",
    "load_seatmap",
    "parse_seat_spec",
    "parse_seatmap",
    "schema",
]

#: The ``formatVersion`` this code reads and writes.
FORMAT_VERSION = 1
