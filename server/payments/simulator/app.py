"""The simulated card processor's HTTP API: a Flask app in test mode, like Stripe's.

::

    POST /v1/charges                      Idempotency-Key: K (required, 1–255 visible ASCII)
         {"amount": "12.50", "currency": "GBP", "source": {...paymentDetails...}}
         -> 201 charge | 402 card_error (stored: the key replays it) | 400 (not stored)
         -> 409 idempotency_key_reused (other body) | 409 idempotency_key_in_use (processing)
    POST /v1/charges/<charge_id>/refunds  -> 200 refunded charge (again: the same), 404, 409
    GET  /v1/charges?idempotency_key=K    -> 200 charge in its current state, or 404
    GET  /v1/charges/<charge_id>          -> 200 charge, or 404
    GET  /healthz                         -> 200

A charge's ``status`` is ``pending`` (the slow card), ``succeeded``, ``failed`` (declined, with
``failure_code``/``failure_message``) or ``refunded``. Errors are
``{"error": {"type", "code", "param", "message"}}``; ``param`` is a top-level field or a key of
``source`` (``cardNumber``, ``expiry``, ``cvc``, ``method``, or the unexpected key).

Imports nothing from the rest of ``server`` (relative imports only), so gunicorn can load it
as the top-level package ``simulator`` without paying for the booking app's imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from .cards import InvalidRequest, parse_charge_request
from .ledger import ChargeRecord, KeyInUse, KeyReused, Ledger, NotRefundable

__all__ = ["LEDGER_EXTENSION", "app_from_environment", "create_simulator_app"]

LEDGER_EXTENSION = "payment_simulator.ledger"
"""``app.extensions`` key of the app's ``Ledger`` (tests close it)."""

_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def create_simulator_app(journal_path: Path | None, *, slow_seconds: float = 30.0) -> Flask:
    """Build the simulator; ``journal_path`` keeps its memory across restarts."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024
    ledger = Ledger(journal_path)
    app.extensions[LEDGER_EXTENSION] = ledger

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.post("/v1/charges")
    def create_charge() -> tuple[Response, int]:
        key = _idempotency_key(request.headers.get("Idempotency-Key"), "Idempotency-Key")
        body = request.get_json(silent=True)
        if body is None:
            raise InvalidRequest(None, "The request body must be JSON.", "invalid_body")
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
        try:
            record, charge = ledger.begin(
                key, fingerprint, lambda: parse_charge_request(body, today=datetime.now(UTC).date())
            )
        except KeyReused:
            message = "This idempotency key was already used with a different request."
            return _error(409, "invalid_request_error", "idempotency_key_reused", None, message)
        except KeyInUse:
            message = "A request with this idempotency key is still being processed."
            return _error(409, "invalid_request_error", "idempotency_key_in_use", None, message)
        if charge is None:
            assert record.response_status is not None and record.response_body is not None
            return jsonify(record.response_body), record.response_status
        try:
            if charge.slow:
                time.sleep(slow_seconds)
            if charge.decline is not None:
                decline = charge.decline
                record = ledger.complete(
                    record.charge_id,
                    status="failed",
                    failure_code=decline.code,
                    failure_message=decline.message,
                    response=lambda r: (402, _decline_body(r)),
                )
            else:
                record = ledger.complete(
                    record.charge_id, status="succeeded", response=lambda r: (201, r.public())
                )
        except BaseException:
            ledger.abandon(record.charge_id)
            raise
        assert record.response_status is not None
        return jsonify(record.response_body), record.response_status

    @app.get("/v1/charges")
    def find_charge() -> tuple[Response, int]:
        key = _idempotency_key(request.args.get("idempotency_key"), "idempotency_key")
        return _charge_or_404(ledger.by_key(key))

    @app.get("/v1/charges/<charge_id>")
    def get_charge(charge_id: str) -> tuple[Response, int]:
        return _charge_or_404(ledger.by_id(charge_id))

    @app.post("/v1/charges/<charge_id>/refunds")
    def refund_charge(charge_id: str) -> tuple[Response, int]:
        try:
            return _charge_or_404(ledger.refund(charge_id))
        except NotRefundable as error:
            code = "charge_pending" if error.status == "pending" else "charge_not_refundable"
            message = f"This charge is {error.status}; only a succeeded charge can be refunded."
            return _error(409, "invalid_request_error", code, "charge", message)

    @app.errorhandler(InvalidRequest)
    def invalid(error: InvalidRequest) -> tuple[Response, int]:
        return _error(400, "invalid_request_error", error.code, error.param, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        code = (error.name or "error").lower().replace(" ", "_")
        return _error(error.code or 500, "invalid_request_error", code, None, error.description)

    @app.errorhandler(Exception)
    def api_error(error: Exception) -> tuple[Response, int]:
        app.logger.exception("unexpected error")
        return _error(500, "api_error", "internal_error", None, "The processor failed.")

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        if request_id := request.headers.get("X-Request-ID"):
            response.headers["X-Request-ID"] = request_id[:200]
        return response

    return app


def app_from_environment() -> Flask:
    """gunicorn's entry point: ``BOXOFFICE_SIMULATOR_JOURNAL``, ``_SLOW_SECONDS``, ``_PARENT_PID``.

    With a parent pid, the simulator stops itself when that process is gone, so a killed
    ``boxoffice serve`` or test run leaves no orphan behind.
    """
    journal = os.environ.get("BOXOFFICE_SIMULATOR_JOURNAL")
    slow_seconds = float(os.environ.get("BOXOFFICE_SIMULATOR_SLOW_SECONDS") or 30.0)
    parent = os.environ.get("BOXOFFICE_SIMULATOR_PARENT_PID")
    if parent:
        threading.Thread(target=_stop_when_gone, args=(int(parent),), daemon=True).start()
    return create_simulator_app(Path(journal) if journal else None, slow_seconds=slow_seconds)


def _stop_when_gone(pid: int) -> None:
    """Ask the gunicorn master (our parent) to stop once ``pid`` no longer exists."""
    master = os.getppid()
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            if os.getppid() == master:  # else gunicorn's own check ends this worker
                os.kill(master, signal.SIGTERM)
            return
        except PermissionError:
            continue


def _idempotency_key(value: str | None, param: str) -> str:
    if value is None or not _KEY.fullmatch(value):
        message = f"{param} is required: 1–255 visible ASCII characters."
        raise InvalidRequest(param, message, "invalid_idempotency_key")
    return value


def _charge_or_404(record: ChargeRecord | None) -> tuple[Response, int]:
    if record is None:
        return _error(404, "invalid_request_error", "resource_missing", None, "No such charge.")
    return jsonify(record.public()), 200


def _decline_body(record: ChargeRecord) -> dict[str, Any]:
    return {
        "error": {
            "type": "card_error",
            "code": record.failure_code,
            "param": "cardNumber",
            "message": record.failure_message,
            "charge": record.charge_id,
        }
    }


def _error(
    status: int, kind: str, code: str, param: str | None, message: str | None
) -> tuple[Response, int]:
    body = {"error": {"type": kind, "code": code, "param": param, "message": message}}
    return jsonify(body), status
