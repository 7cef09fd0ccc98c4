"""``Idempotency-Key`` on POSTs: the first response is stored and replayed for a retry."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any, cast

import redis
from flask import Response, current_app, request

from server.api.auth import current_user
from server.api.problems import problem_response
from shared.problems import ProblemSlug

__all__ = ["MAX_KEY_LENGTH", "REPLAY_SECONDS", "idempotent"]

log = logging.getLogger(__name__)

#: How long a stored response is replayed; a retry after a day is a new request.
REPLAY_SECONDS = 24 * 3600
_IN_PROGRESS_SECONDS = 60
MAX_KEY_LENGTH = 255
#: Visible ASCII only: what an HTTP header carries unchanged, and what the OpenAPI doc says.
_KEY = re.compile(f"[!-~]{{1,{MAX_KEY_LENGTH}}}")
#: Kept with a stored answer; Cache-Control too, so a replayed booking stays ``no-store``.
_REPLAYED_HEADERS = ("Content-Type", "Location", "Retry-After", "Cache-Control")


def _store() -> redis.Redis | None:
    client: redis.Redis | None = current_app.extensions.get("boxoffice.redis")
    return client


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a POST route so a repeated ``Idempotency-Key`` gets the first answer again."""

    @functools.wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        store = _store()
        if key is None or store is None:
            return handler(*args, **kwargs)
        if not _KEY.fullmatch(key):
            return problem_response(
                400,
                ProblemSlug.INVALID_BODY,
                "Invalid Idempotency-Key",
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, "
                "without spaces; a UUID is ideal.",
            )
        user = current_user()
        digest = hashlib.sha256(f"{user}\0{key}".encode()).hexdigest()
        slot = f"{current_app.config['REDIS_PREFIX']}idem:{digest}"
        fingerprint = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\0" + request.get_data()
        ).hexdigest()
        try:
            claimed = store.set(
                slot, json.dumps({"fp": fingerprint}), nx=True, ex=_IN_PROGRESS_SECONDS
            )
            stored = None if claimed else cast("bytes | None", store.get(slot))
        except redis.RedisError as error:
            log.warning("idempotency store unavailable, running without: %s", error)
            return handler(*args, **kwargs)
        if stored is not None:
            return _replay(json.loads(stored), fingerprint)
        try:
            response = _run(handler, *args, **kwargs)
        except BaseException:
            _forget(store, slot)
            raise
        if response.status_code >= 500:
            _forget(store, slot)  # a failure of ours: let the retry run for real
            return response
        record = {
            "fp": fingerprint,
            "status": response.status_code,
            "body": response.get_data(as_text=True),
            "headers": {
                name: value for name, value in response.headers.items() if name in _REPLAYED_HEADERS
            },
        }
        try:
            store.set(slot, json.dumps(record), ex=REPLAY_SECONDS)
        except redis.RedisError as error:
            log.warning("could not store idempotent response: %s", error)
        return response

    return wrapper


def _run(handler: Callable[..., Response], *args: Any, **kwargs: Any) -> Response:
    """Run the route, turning a handled error into its response so it can be replayed too."""
    try:
        return handler(*args, **kwargs)
    except Exception as error:
        return current_app.make_response(current_app.handle_user_exception(error))


def _forget(store: redis.Redis, slot: str) -> None:
    with contextlib.suppress(redis.RedisError):
        store.delete(slot)


def _replay(record: dict[str, Any], fingerprint: str) -> Response:
    if record.get("fp") != fingerprint:
        return problem_response(
            422,
            ProblemSlug.IDEMPOTENCY_KEY_REUSED,
            "Idempotency-Key reused",
            "This Idempotency-Key was used for a different request; use a new key.",
        )
    if "status" not in record:
        return problem_response(
            409,
            ProblemSlug.IDEMPOTENCY_KEY_IN_USE,
            "Request in progress",
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            {"Retry-After": "1"},
        )
    response = Response(record["body"], status=record["status"], headers=record["headers"])
    response.headers["Idempotent-Replayed"] = "true"
    return response
