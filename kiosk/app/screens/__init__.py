"""The kiosk's screens: home (venues and search), venue, showings, event (seat map), hold
(countdown and payment) and receipt, plus the small dialogs they open."""

from __future__ import annotations

from kiosk.app.screens.base import KioskScreen
from kiosk.app.screens.event import EventScreen
from kiosk.app.screens.hold import HoldScreen
from kiosk.app.screens.home import HomeScreen
from kiosk.app.screens.receipt import ReceiptScreen
from kiosk.app.screens.showings import ShowingsScreen
from kiosk.app.screens.venue import VenueScreen

__all__ = [
    "EventScreen",
    "HoldScreen",
    "HomeScreen",
    "KioskScreen",
    "ReceiptScreen",
    "ShowingsScreen",
    "VenueScreen",
]
