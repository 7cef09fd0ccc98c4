"""A simulated card processor in test mode, run as its own process (see ``app`` for the API).

Only relative imports in this package: gunicorn loads it as the top-level ``simulator``.
"""

from __future__ import annotations

from .app import app_from_environment, create_simulator_app
from .cards import DECLINED_CARD, INSUFFICIENT_FUNDS_CARD, SLOW_CARD, SUCCEEDING_CARD

__all__ = [
    "DECLINED_CARD",
    "INSUFFICIENT_FUNDS_CARD",
    "SLOW_CARD",
    "SUCCEEDING_CARD",
    "app_from_environment",
    "create_simulator_app",
]
