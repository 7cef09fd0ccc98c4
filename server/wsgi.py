"""WSGI entry point for gunicorn: configured entirely from ``BOXOFFICE_*`` variables."""

from __future__ import annotations

from server import create_app

app = create_app()
