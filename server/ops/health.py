"""``GET /healthz`` (liveness: the process serves) and ``GET /readyz`` (readiness: it can sell).

A load balancer sends traffic only to instances whose ``/readyz`` answers 200; an
orchestrator restarts one whose ``/healthz`` stops answering. ``/healthz`` touches no
database on purpose: a Postgres outage must take instances out of rotation, not restart
them all.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from server.api.problems import problem_response
from server.ops.readiness import Readiness
from shared.problems import ProblemSlug

__all__ = ["READINESS_EXTENSION", "blueprint"]

READINESS_EXTENSION = "boxoffice.readiness"

blueprint = Blueprint("ops_health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/readyz")
def readyz() -> Response:
    readiness: Readiness = current_app.extensions[READINESS_EXTENSION]
    checks = readiness.check()
    results = {check.name: check.to_json() for check in checks}
    failed = [check for check in checks if not check.ok]
    if failed:
        return problem_response(
            503,
            ProblemSlug.SERVICE_UNAVAILABLE,
            "Not ready",
            "; ".join(f"{check.name}: {check.detail}" for check in failed),
            {"Retry-After": "5"},
            failed=[check.name for check in failed],
            checks=results,
        )
    response = jsonify({"status": "ready", "checks": results})
    response.headers["Cache-Control"] = "no-store"
    return response
