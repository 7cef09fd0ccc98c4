"""Structural checks against ``seatmap.schema.json``, reported in words a venue's staff can act on.

jsonschema's own messages quote regexes and whole objects; here each failure becomes one short
sentence at a JSON path such as ``$.sections[2].rows[5].seats``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import relevance

__all__ = ["json_path", "schema", "schema_problem"]


def json_path(parts: Iterable[str | int]) -> str:
    """``["sections", 2, "rows"]`` -> ``$.sections[2].rows``."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{json.dumps(part)}]"
    return path


@cache
def _schema() -> dict[str, Any]:
    text = files("shared").joinpath("seatmap.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema() -> dict[str, Any]:
    """The seat-map JSON Schema (draft 2020-12); a fresh copy the caller may change."""
    return copy.deepcopy(_schema())


def _is_integer(_checker: object, value: object) -> bool:
    # JSON Schema counts 3.0 as an integer; a grid coordinate written 3.0 is a mistake.
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _validator() -> Draft202012Validator:
    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
    strict = validators.extend(Draft202012Validator, type_checker=checker)  # type: ignore[no-untyped-call]
    validator: Draft202012Validator = strict(_schema())
    return validator


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "array", dict: "object"})
    return names.get(type(value), type(value).__name__)


def _short(value: object) -> str:
    if isinstance(value, dict | list):
        return _json_type(value)
    text = json.dumps(value) if isinstance(value, str | int | float | bool) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _message(error: ValidationError) -> str:
    """One sentence for one failed keyword."""
    value: Any = error.instance
    rule: Any = error.validator_value
    schema: Any = error.schema
    what = schema.get("description", "") if isinstance(schema, dict) else ""
    match error.validator:
        case "required":
            missing = [name for name in rule if name not in value]
            return f"missing required property {_short(missing[0] if missing else rule[0])}"
        case "additionalProperties":
            known = sorted(schema.get("properties", {}))
            extra = sorted(name for name in value if name not in known)
            hint = f" (expected one of {', '.join(known)})" if known else ""
            return f"unknown property {_short(extra[0] if extra else '?')}{hint}"
        case "dependentRequired":
            owner = next(name for name in rule if name in value)
            return f'{_short(owner)} only applies to a block of rows written with "labels"'
        case "type":
            expected = " or ".join([rule] if isinstance(rule, str) else rule)
            got = _json_type(value)
            return f"expected {expected}, got {got}" + (
                "" if isinstance(value, dict | list) else f" {_short(value)}"
            )
        case "const" if list(error.absolute_path) == ["formatVersion"]:
            return f"unsupported formatVersion {_short(value)}; this software reads version {rule}"
        case "const":
            return f"must be {_short(rule)}, got {_short(value)}"
        case "enum":
            return f"{_short(value)} is not one of {', '.join(_short(v) for v in rule)}"
        case "minimum" | "maximum":
            word = "at least" if error.validator == "minimum" else "at most"
            return f"{_short(value)} is out of range: must be {word} {rule}"
        case "minLength" if rule == 1:
            return "must not be empty"
        case "minLength" | "maxLength" | "pattern":
            return f"{_short(value)} is not {what or 'allowed here'}"
        case "minItems" if rule == 1:
            return "must list at least one item"
        case "minItems" | "maxItems":
            return f"must list exactly {rule} items" if "maxItems" in schema else error.message
        case "oneOf" if all(set(option) == {"required"} for option in rule):
            names = [option["required"][0] for option in rule]
            present = [name for name in names if name in value]
            if present:
                return f"has both {' and '.join(map(_short, present))}; write only one"
            return f"needs {' or '.join(map(_short, names))}"
        case "oneOf" if what:
            return f"{_short(value)} is not {what}"
    return error.message


def schema_problem(document: Any) -> tuple[str, str] | None:
    """``(json path, message)`` of the most telling schema violation, or None if it conforms."""
    errors = list(_validator().iter_errors(document))
    if not errors:
        return None
    error = max(errors, key=relevance)
    return json_path(error.absolute_path), _message(error)
