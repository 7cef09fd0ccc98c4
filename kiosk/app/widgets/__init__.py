"""Widgets of the kiosk's own screens (the seat map has its own package, ``kiosk.app.seatmap``)."""

from __future__ import annotations

from kiosk.app.widgets.banner import ProblemBanner
from kiosk.app.widgets.countdown import HoldCountdown
from kiosk.app.widgets.event_table import EventTable
from kiosk.app.widgets.live_note import LiveNote
from kiosk.app.widgets.payment_form import PaymentForm
from kiosk.app.widgets.top_bar import TopBar

__all__ = [
    "EventTable",
    "HoldCountdown",
    "LiveNote",
    "PaymentForm",
    "ProblemBanner",
    "TopBar",
]
