"""The Boxoffice HTTP API. ``create_app`` builds it (Flask's application factory).

The factory is imported on first use, so the ``boxoffice`` command — whose client commands
never need Flask or SQLAlchemy — starts in a fraction of a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.app import MIGRATIONS_DIR, create_app

__all__ = ["MIGRATIONS_DIR", "create_app"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from server import app

        return getattr(app, name)
    raise AttributeError(f"module 'server' has no attribute {name!r}")
