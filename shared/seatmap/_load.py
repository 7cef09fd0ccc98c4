"""Reading seat maps from files and from stored JSON: all checks first, then one finished map."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared.seatmap._expand import build_seatmap
from shared.seatmap._model import SeatMap, SeatMapError
from shared.seatmap._schema import _schema, json_path, schema_problem

__all__ = ["load_seatmap", "parse_seatmap"]


def _check_and_build(document: Any, source: str) -> SeatMap:
    problem = schema_problem(document)
    if problem is not None:
        raise SeatMapError(source, *problem)
    return build_seatmap(document, source)


def _build_trusted(document: Any, source: str) -> SeatMap:
    """Expand without the JSON Schema check; whatever the expansion trips over (or a format
    version this code does not read) gets the full check, so every failure is a SeatMapError."""
    version = _schema()["properties"]["formatVersion"]["const"]
    if not isinstance(document, dict) or document.get("formatVersion") != version:
        return _check_and_build(document, source)
    try:
        return build_seatmap(document, source)
    except SeatMapError:
        raise
    except (LookupError, TypeError, ValueError, AttributeError):
        return _check_and_build(document, source)


def parse_seatmap(document: Any, source: str = "<seat map>", *, validate: bool = True) -> SeatMap:
    """Validate and expand a seat-map document (parsed JSON); ``source`` names it in errors.

    The map keeps its own copy of ``document``, so later changes to it do not leak in.
    ``validate=False`` skips the JSON Schema check (a sixth of a stadium's parse) for a
    document that was checked when it was stored, e.g. one the server sends: every check of
    the expansion still runs and a malformed document still raises :class:`SeatMapError`, but
    a mistake only the schema sees (an unknown property) goes unnoticed.
    """
    seatmap = _check_and_build(document, source) if validate else _build_trusted(document, source)
    object.__setattr__(seatmap, "document", copy.deepcopy(seatmap.document))
    return seatmap


def _objects(value: Any, parts: list[str | int]) -> Iterator[tuple[Any, list[str | int]]]:
    """Every JSON object inside ``value`` with its path, in document order."""
    if isinstance(value, dict):
        yield value, parts
        for key, item in value.items():
            yield from _objects(item, [*parts, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _objects(item, [*parts, index])


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_json(text: str, source: str) -> Any:
    """Parse JSON, refusing what ``json`` lets through but a layout must not contain."""
    repeated: dict[int, str] = {}
    keep: list[dict[str, Any]] = []  # keeps ids in ``repeated`` unique until the walk below

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in pairs:
            if key in obj and id(obj) not in repeated:
                repeated[id(obj)] = key
            obj[key] = value
        keep.append(obj)
        return obj

    try:
        document = json.loads(text, object_pairs_hook=unique_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise SeatMapError(
            source, "$", f"not valid JSON at {where}: {error.msg}", error.lineno, error.colno
        ) from None
    except ValueError as error:
        raise SeatMapError(source, "$", f"not valid JSON: {error}") from None
    if repeated:
        for obj, parts in _objects(document, []):
            if id(obj) in repeated:
                key = repeated[id(obj)]
                message = f"property {json.dumps(key)} is written twice; only one would be kept"
                raise SeatMapError(source, json_path(parts), message)
    return document


def load_seatmap(path: str | os.PathLike[str]) -> SeatMap:
    """Read, validate and expand a seat-map file; every problem is a :class:`SeatMapError`."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SeatMapError(source, "$", f"cannot read the file: {reason}") from error
    return _check_and_build(_read_json(text, source), source)
