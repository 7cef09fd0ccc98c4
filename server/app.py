"""``create_app``: the Flask application factory of the Boxoffice API."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import redis
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server.api import register_api
from server.api.limits import install_rate_limits
from server.booking.cleanup import start_cleanup
from server.booking.holds import HoldStore
from server.catalog.cache import install_catalog_cache
from server.config import load_config
from server.extensions import compress, db, migrate
from server.jsonio import OrjsonProvider
from server.live.install import install_live
from server.ops.install import install_ops
from server.payments.configured import payment_gateway
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
        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
        )
        app.extensions["boxoffice.redis"] = client
        app.extensions["boxoffice.holds"] = HoldStore(client, app.config["REDIS_PREFIX"])
        install_live(app, client)
        install_rate_limits(app, client)
        install_catalog_cache(app, client)
    app.extensions["boxoffice.payments"] = payment_gateway(app.config)
    register_api(app)
    if hops := int(app.config["PROXY_HOPS"]):  # behind a load balancer: its client's address
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    install_ops(app)
    start_cleanup(app)
    return app
