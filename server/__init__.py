"""The Boxoffice HTTP API: ``create_app`` builds it (Flask's application factory)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import redis
from flask import Flask

from server.api import register_api
from server.config import load_config
from server.extensions import compress, db, migrate
from server.jsonio import OrjsonProvider
from server.services import normalise_database_url

__all__ = ["MIGRATIONS_DIR", "create_app"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``BOXOFFICE_*`` environment variables and ``config``."""
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.from_mapping(load_config(config))
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url:
        raise RuntimeError(
            "No database configured: set BOXOFFICE_DATABASE_URL, "
            "or start the server with `boxoffice serve`, which starts an embedded one."
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    compress.init_app(app)
    if app.config["REDIS_URL"]:
        app.extensions["boxoffice.redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
        )
    register_api(app)
    return app
