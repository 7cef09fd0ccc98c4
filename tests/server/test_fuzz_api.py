"""Fuzzing every operation of the app's own OpenAPI document, in-process (schemathesis on the
WSGI app) on the real Postgres, Redis and payment simulator: no 5xx, and every answer's
status, content type, headers and body are ones the document lists.

Bounded for CI: a fixed number of examples per operation, derandomized so a failure
reproduces. ``tests/e2e/test_contract.py`` runs the same document against a live server
(gunicorn, three workers) with more checks; this one is the fast, in-process net.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import schemathesis
from conftest import Catalog, bearer
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    CheckFunction,
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

RESERVE = "POST /bookings/{eventID}"
#: Per operation and generation mode (positive and negative), plus the coverage phase's
#: fixed cases: the whole file takes 25-35 s on two shared cores, services started.
MAX_EXAMPLES = 30
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_schema(app: Flask, catalog: Catalog) -> Iterator[OpenApiSchema]:
    """The app's document, fetched from the app, on a catalog where events 1..3 exist.

    The seat stream never ends by itself: heartbeats come every 0.1 s here, and schemathesis
    stops reading a stream after a few events or 0.3 s.
    """
    venue = catalog.venue()
    for day in (1, 2, 3):
        catalog.event(venue, f"Show {day}", days=day, show_key="tour")
    heartbeat = app.config.get("STREAM_HEARTBEAT_SECONDS")
    app.config["STREAM_HEARTBEAT_SECONDS"] = 0.1
    token = bearer("fuzz")["Authorization"].removeprefix("Bearer ")
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"bearer": {"bearer": token}}},
            "generation": {"mode": "all"},
            # requests' default "gzip, deflate" gets a gzipped body over 1 KiB, which the
            # in-process transport does not unpack (an HTTP client would).
            "headers": {"Accept-Encoding": "identity"},
            "request-timeout": 0.3,
            "max-stream-events": 3,
            # Random IDs never name a real event, so holds would only ever get 404; on
            # event 1 generated bodies reach 201, 409 and invalid-selection too.
            "operations": [{"include-name": RESERVE, "parameters": {"eventID": "1"}}],
        }
    )
    yield schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)
    if heartbeat is None:
        app.config.pop("STREAM_HEARTBEAT_SECONDS", None)
    else:
        app.config["STREAM_HEARTBEAT_SECONDS"] = heartbeat


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx_or_off_the_document(case: schemathesis.Case) -> None:
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and key.isascii() and key.isprintable() and " " not in key:
        # A fresh valid key each time, or every request after the first is a 422 "key
        # reused" and its body is never looked at; invalid keys are the point of the case.
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    case.call_and_validate(checks=CHECKS)
