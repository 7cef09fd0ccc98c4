"""The ``boxoffice`` client commands for scripts: venues, events, hold, pay, release, booking.

``server.cli`` finds them through the ``boxoffice.commands`` entry points. Exit codes are
:class:`ExitCode`: 0 ok, 2 bad usage, 3 not found, 4 conflict, 5 payment declined, 6 server
unavailable, 1 anything else; errors are one line on stderr.
"""

from __future__ import annotations

from kiosk.cli._errors import ExitCode
from kiosk.cli.booking import booking, hold, pay, release
from kiosk.cli.catalog import events, venues

__all__ = ["ExitCode", "booking", "events", "hold", "pay", "release", "venues"]
