"""``python -m server.payments.simulator``: see ``cli.main``."""

from __future__ import annotations

from .cli import main

main()
