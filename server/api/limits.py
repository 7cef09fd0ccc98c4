"""Rate limits on reserving and paying: per user, and more generously per IP address.

Per user is the main limit: one person (or one box-office terminal's token) cannot flood the
sale. Per IP is loose, because a venue's terminals and kiosks share one address. Counts live in
the app's Redis under its key prefix (flask-limiter, fixed windows: one Redis call per limit),
so every worker counts together. A refusal is a 429 ``rate-limited`` problem with
``Retry-After``, which the typed client honours.

If Redis stops answering, each worker counts in its own memory until Redis is back (flask-
limiter's in-memory fallback): paying still works through Postgres then, and must not lose its
protection against card testing, nor become a 500. ``RATE_LIMITS`` off installs nothing at all.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, TypeVar, cast

import redis
from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from server.api.auth import current_user
from server.api.problems import ApiProblem, problem_response
from shared.problems import ProblemSlug

__all__ = ["install_rate_limits", "rate_limited"]

log = logging.getLogger(__name__)

_EXTENSION = "boxoffice.rate_limits"

Action = Literal["reserve", "payment"]
View = TypeVar("View", bound=Callable[..., Response])


@dataclass(frozen=True, slots=True)
class _Rule:
    """Which settings limit an action, and what the refusal calls it."""

    per_user: str
    per_ip: str
    noun: str


_RULES: dict[Action, _Rule] = {
    "reserve": _Rule("RATE_LIMIT_RESERVE", "RATE_LIMIT_RESERVE_PER_IP", "holds"),
    "payment": _Rule("RATE_LIMIT_PAYMENT", "RATE_LIMIT_PAYMENT_PER_IP", "payments"),
}

#: Views marked with :func:`rate_limited`, wrapped per app by :func:`install_rate_limits`.
_marked: list[tuple[Action, Callable[..., Response]]] = []


def rate_limited(action: Action) -> Callable[[View], View]:
    """Count calls of the view against ``action``'s limits (put it above ``@idempotent``, so
    a refusal is never stored as the key's answer)."""

    def mark(view: View) -> View:
        _marked.append((action, view))

        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Response:
            guarded: dict[Callable[..., Response], Callable[..., Response]] | None = (
                current_app.extensions.get(_EXTENSION)
            )
            if guarded is None:  # limits off, or no Redis
                return view(*args, **kwargs)
            return guarded[view](*args, **kwargs)

        return cast("View", limited)

    return mark


def install_rate_limits(app: Flask, client: redis.Redis) -> None:
    """A limiter of this app's own on ``client``'s connection pool (tests run several apps,
    each with its own Redis, in one process); nothing at all when ``RATE_LIMITS`` is off."""
    config = app.config
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    if not config["RATE_LIMITS"]:
        return
    for rule in _RULES.values():
        for setting in (rule.per_user, rule.per_ip):
            try:
                parse_many(config[setting])
            except ValueError:
                raise ValueError(
                    f"BOXOFFICE_{setting}: {config[setting]!r} is not a rate limit such as "
                    "'30/minute' or '5/second;30/minute'"
                ) from None
    limiter = Limiter(
        _client_address,
        storage_uri=_storage_uri(client),
        storage_options=cast(
            "dict[str, str | int]",
            {
                "connection_pool": client.connection_pool,
                "key_prefix": f"{config['REDIS_PREFIX']}limits",
            },
        ),
        strategy="fixed-window",
        in_memory_fallback_enabled=True,
        swallow_errors=True,  # a storage failure past the fallback lets the request through
        headers_enabled=False,
    )
    limiter.init_app(app)
    # Its before-request check is for default and blueprint limits, which we have none of;
    # the decorated views check their own. Without it, other requests pay nothing.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    app.extensions[_EXTENSION] = {
        view: _limit(limiter, view, _RULES[action], config) for action, view in _marked
    }
    app.extensions[f"{_EXTENSION}.limiter"] = limiter


def _limit(
    limiter: Limiter, view: Callable[..., Response], rule: _Rule, config: Any
) -> Callable[..., Response]:
    per_ip = limiter.limit(
        config[rule.per_ip],
        key_func=_client_address,
        scope="ip",
        error_message=f"Too many {rule.noun} from this network address",
    )
    per_user = limiter.limit(
        config[rule.per_user],
        key_func=_user_or_nothing,
        exempt_when=lambda: not _user_or_nothing(),  # no valid token: the view answers 401
        scope="user",
        error_message=f"Too many {rule.noun} from this account",
    )
    return per_user(per_ip(view))


def _storage_uri(client: redis.Redis) -> str:
    """The ``limits`` URI of the pool's server; only its scheme matters, the pool connects."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"redis+unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _user_or_nothing() -> str:
    """The user of a valid Bearer token, else ``""`` (token checks are cached per worker)."""
    try:
        return current_user()
    except ApiProblem:
        return ""


def _too_many_requests(error: RateLimitExceeded) -> Response:
    """429 problem+json; ``Retry-After`` is when the window that refused ends."""
    wait = _seconds_until_reset(error)
    return problem_response(
        429,
        ProblemSlug.RATE_LIMITED,
        "Too Many Requests",
        f"{error.description}: at most {error.limit.limit}. Try again in {wait} s.",
        {"Retry-After": str(wait)},
    )


def _seconds_until_reset(error: RateLimitExceeded) -> int:
    limiter: Limiter | None = current_app.extensions.get(f"{_EXTENSION}.limiter")
    breached = limiter.current_limit if limiter is not None else None
    try:
        if breached is not None:
            return max(1, math.ceil(breached.window.reset_time - time.time()))
    except Exception as failure:  # Redis went away between counting and asking
        log.warning("rate limit window unavailable: %s", failure)
    return max(1, error.limit.limit.get_expiry())
