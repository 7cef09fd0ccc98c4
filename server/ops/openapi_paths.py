"""How ``/healthz``, ``/readyz`` and ``/metrics`` appear in ``/openapi.json``
(``server.api.openapi`` adds ``ops_paths(_ALWAYS)`` to its paths)."""

from __future__ import annotations

from typing import Any

from shared.problems import PROBLEM_CONTENT_TYPE

__all__ = ["ops_paths"]

_NO_STORE = {"Cache-Control": {"schema": {"type": "string"}}}
_REQUEST_ID = {
    "X-Request-ID": {
        "description": "The request's ID (the caller's, if sane, else a new one).",
        "schema": {"type": "string"},
    }
}
_CHECKS = {
    "type": "object",
    "description": "postgres, redis and migrations: ok, detail and facts of each.",
    "additionalProperties": {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}, "detail": {"type": "string"}},
        "required": ["ok", "detail"],
    },
}


def ops_paths(always: dict[str, Any]) -> dict[str, Any]:
    """The three operational endpoints' path items; ``always``: the responses any operation
    can give (405, 500, …), added to each."""
    return {
        "/healthz": _get(
            "Liveness: the process is up (touches no database).",
            {
                **always,
                "200": {
                    "description": "Up.",
                    "headers": {**_NO_STORE, **_REQUEST_ID},
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"status": {"const": "ok"}},
                                "required": ["status"],
                            }
                        }
                    },
                },
            },
        ),
        "/readyz": _get(
            "Readiness: Postgres and Redis answer and the schema is current.",
            {
                **always,
                "200": {
                    "description": "Ready: every check passed.",
                    "headers": {**_NO_STORE, **_REQUEST_ID},
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"status": {"const": "ready"}, "checks": _CHECKS},
                                "required": ["status", "checks"],
                            }
                        }
                    },
                },
                "503": {
                    "description": "Not ready: `failed` names the checks that failed.",
                    "headers": _REQUEST_ID,
                    "content": {
                        PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                },
            },
        ),
        "/metrics": _get(
            "Prometheus metrics of every worker of this server (text exposition format).",
            {
                **always,
                "200": {
                    "description": "The metrics.",
                    "headers": _REQUEST_ID,
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
            },
        ),
    }


def _get(summary: str, responses: dict[str, Any]) -> dict[str, Any]:
    ordered = dict(sorted(responses.items()))
    return {"get": {"summary": summary, "tags": ["operations"], "responses": ordered}}
