"""Settings: defaults, then ``BOXOFFICE_*`` environment variables, then an explicit mapping."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_DATA_DIR", "data_dir_from_environment", "load_config", "persistent_secrets"]

DEFAULT_DATA_DIR = Path(".boxoffice")

#: Environment variable → (config key, converter).
_ENVIRONMENT: dict[str, tuple[str, Any]] = {
    "BOXOFFICE_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "BOXOFFICE_REDIS_URL": ("REDIS_URL", str),
    "BOXOFFICE_REDIS_PREFIX": ("REDIS_PREFIX", str),
    "BOXOFFICE_JWT_SECRET": ("JWT_SECRET", str),
    "BOXOFFICE_SECRET_KEY": ("SECRET_KEY", str),
    "BOXOFFICE_HOLD_SECONDS": ("HOLD_SECONDS", int),
    "BOXOFFICE_HOLD_EXTENSION_SECONDS": ("HOLD_EXTENSION_SECONDS", int),
    "BOXOFFICE_HOLD_MAX_EXTENSIONS": ("HOLD_MAX_EXTENSIONS", int),
    "BOXOFFICE_CURRENCY": ("CURRENCY", str),
    "BOXOFFICE_PAYMENTS_URL": ("PAYMENTS_URL", str),
    "BOXOFFICE_PAYMENTS_TIMEOUT": ("PAYMENTS_TIMEOUT", float),
    "BOXOFFICE_CLEANUP_SECONDS": ("CLEANUP_SECONDS", float),
    "BOXOFFICE_RECONCILE_SECONDS": ("RECONCILE_SECONDS", float),
    "BOXOFFICE_RECONCILE_GRACE_SECONDS": ("RECONCILE_GRACE_SECONDS", float),
    "BOXOFFICE_DEBUG_PAUSE_AFTER_CHARGE": ("DEBUG_PAUSE_AFTER_CHARGE", float),
    "BOXOFFICE_STREAM_HEARTBEAT_SECONDS": ("STREAM_HEARTBEAT_SECONDS", float),
    "BOXOFFICE_TOKEN_HOURS": ("TOKEN_HOURS", int),
    "BOXOFFICE_MAX_CONTENT_LENGTH": ("MAX_CONTENT_LENGTH", int),
    "BOXOFFICE_PROXY_HOPS": ("PROXY_HOPS", int),
    "BOXOFFICE_RATE_LIMITS": ("RATE_LIMITS", lambda value: _on_off("BOXOFFICE_RATE_LIMITS", value)),
    "BOXOFFICE_RATE_LIMIT_RESERVE": ("RATE_LIMIT_RESERVE", str),
    "BOXOFFICE_RATE_LIMIT_RESERVE_PER_IP": ("RATE_LIMIT_RESERVE_PER_IP", str),
    "BOXOFFICE_RATE_LIMIT_PAYMENT": ("RATE_LIMIT_PAYMENT", str),
    "BOXOFFICE_RATE_LIMIT_PAYMENT_PER_IP": ("RATE_LIMIT_PAYMENT_PER_IP", str),
}


def _on_off(variable: str, value: str) -> bool:
    """``on``/``off`` (also true/false, yes/no, 1/0); anything else stops the start-up."""
    switch = value.strip().lower()
    if switch in ("on", "true", "yes", "1"):
        return True
    if switch in ("off", "false", "no", "0"):
        return False
    raise ValueError(f"{variable} must be on or off, not {value!r}")


def data_dir_from_environment() -> Path:
    """The folder for embedded servers and generated secrets (``BOXOFFICE_DATA_DIR``)."""
    return Path(os.environ.get("BOXOFFICE_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def persistent_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets generated once and kept in the data folder, so tokens outlive a restart.

    Created with an exclusive open so that several workers starting together agree on one file.
    """
    path = data_dir / "secrets.json"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        generated = {
            "jwt_secret": secrets.token_urlsafe(48),
            "secret_key": secrets.token_urlsafe(48),
        }
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                json.dump(generated, file)
            return generated
    loaded: dict[str, str] = json.loads(path.read_text())
    return loaded


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config; ``overrides`` (tests, the CLI) win over the environment."""
    data_dir = Path((overrides or {}).get("DATA_DIR") or data_dir_from_environment())
    config: dict[str, Any] = {
        "DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": None,
        # No pre-ping: it was a round trip (and a PostgreSQL transaction) on every request.
        # After a database restart the first request on a dead pooled connection answers 503
        # and SQLAlchemy drops the whole pool, so the retry gets a fresh connection.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": False,
            "pool_recycle": 1800,
            "pool_size": 10,
            "max_overflow": 10,
            # Waiting longer than this for a free connection answers 503 + Retry-After: under
            # an on-sale's peak a quick retry beats 30 s (SQLAlchemy's default) of silence.
            "pool_timeout": 10,
        },
        "REDIS_URL": None,
        "REDIS_PREFIX": "boxoffice:",
        "HOLD_SECONDS": 300,
        "HOLD_EXTENSION_SECONDS": 120,
        "HOLD_MAX_EXTENSIONS": 2,
        "CURRENCY": "GBP",
        "PAYMENTS_URL": None,
        "PAYMENTS_TIMEOUT": 10.0,
        #: How often each worker looks for expired pending bookings (0: never; tests call it).
        "CLEANUP_SECONDS": 30.0,
        #: How often each worker settles payments left in flight by a crash (0: never; with
        #: CLEANUP_SECONDS 0 neither runs), and how old such an attempt must be: well above
        #: PAYMENTS_TIMEOUT, so a live payment is never settled behind its customer's back.
        "RECONCILE_SECONDS": 60.0,
        "RECONCILE_GRACE_SECONDS": 120.0,
        #: Tests only: a worker sleeps this long after each charge, before confirming it, so a
        #: fault test can kill it in between (``server.payments.debug``). 0: off.
        "DEBUG_PAUSE_AFTER_CHARGE": 0.0,
        "TOKEN_HOURS": 12,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Reserve and pay, per user (the main limit) and per IP address. A person picks seats a
        # few times a minute; a box-office terminal or kiosk shares its venue's IP with dozens
        # of others, so the per-IP limits are generous. Paying is stricter per user: a declined
        # card is retried a few times, card testing by a script many times. Notation:
        # flask-limiter's, e.g. "30/minute" or "5/second;30/minute".
        #: Proxies in front that append to X-Forwarded-For (0: clients connect directly).
        #: Exactly that many, or clients could forge the address the per-IP limits count.
        "PROXY_HOPS": 0,
        "RATE_LIMITS": True,
        "RATE_LIMIT_RESERVE": "30/minute",
        "RATE_LIMIT_RESERVE_PER_IP": "600/minute",
        "RATE_LIMIT_PAYMENT": "10/minute",
        "RATE_LIMIT_PAYMENT_PER_IP": "200/minute",
        "JSON_SORT_KEYS": False,
        "COMPRESS_MIMETYPES": ["application/json", "application/problem+json"],
        "COMPRESS_ALGORITHM": ["gzip"],
        # Level 1 gzips a stadium's 7 MB seat map in ~16 ms instead of ~40, for 7% more bytes.
        "COMPRESS_LEVEL": 1,
        "COMPRESS_MIN_SIZE": 1024,
    }
    for variable, (key, convert) in _ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value:
            config[key] = convert(value)
    if overrides:
        config.update(overrides)
    if not config.get("JWT_SECRET") or not config.get("SECRET_KEY"):
        kept = persistent_secrets(data_dir)
        config.setdefault("JWT_SECRET", None)
        config.setdefault("SECRET_KEY", None)
        config["JWT_SECRET"] = config["JWT_SECRET"] or kept["jwt_secret"]
        config["SECRET_KEY"] = config["SECRET_KEY"] or kept["secret_key"]
    return config
