"""Binding the operational endpoints, request tracking and metrics to an app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from server.ops import exposition, health
from server.ops.hooks import install_hooks
from server.ops.readiness import Readiness
from server.ops.tracking import RequestTracking

__all__ = ["install_ops"]


def install_ops(app: Flask) -> None:
    """``/healthz``, ``/readyz``, ``/metrics``, request IDs and request logging; call last in
    ``create_app`` (after the database URL is final and Flask-Migrate is bound)."""
    app.extensions[health.READINESS_EXTENSION] = Readiness(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config.get("REDIS_URL"),
        Path(app.extensions["migrate"].directory),
    )
    app.register_blueprint(health.blueprint)
    app.register_blueprint(exposition.blueprint)
    install_hooks(app)
    app.wsgi_app = RequestTracking(app.wsgi_app)  # type: ignore[method-assign]
