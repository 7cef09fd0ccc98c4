"""The HTTP API: blueprints per area and the problem+json error handlers."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from server.api import bookings, catalog, openapi, queue, stream
from server.api.problems import register_error_handlers

__all__ = ["register_api"]


class IdConverter(BaseConverter):
    """Database IDs: 1 to 18 digits, so an absurd number is a 404, not a bigint overflow."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(value)


def register_api(app: Flask) -> None:
    """Routes and error handlers of the whole API."""
    app.url_map.converters["id"] = IdConverter
    register_error_handlers(app)
    app.register_blueprint(catalog.blueprint)
    app.register_blueprint(bookings.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(stream.blueprint)
    app.register_blueprint(queue.blueprint)
