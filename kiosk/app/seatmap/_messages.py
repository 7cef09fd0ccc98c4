"""What the seat map tells the screen around it: the bodies of the messages that
``SeatMapView`` declares (``SeatMapView.SelectionChanged`` …), kept here to keep it short."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from textual.message import Message

from shared.models import TicketInfo

if TYPE_CHECKING:
    from kiosk.app.seatmap._view import SeatMapView

__all__ = ["SelectionChanged", "SelectionRefused", "ViewChanged"]


class SelectionChanged(Message):
    """The picked places changed: picked, unpicked, cleared, or dropped as taken."""

    def __init__(
        self,
        seat_map: SeatMapView,
        selected: tuple[TicketInfo, ...],
        total: Decimal,
        dropped: tuple[TicketInfo, ...] = (),
    ) -> None:
        super().__init__()
        self.seat_map = seat_map
        self.selected = selected
        self.total = total
        #: Picked places that someone else holds or bought since (``update_tickets``).
        self.dropped = dropped

    @property
    def control(self) -> SeatMapView:
        return self.seat_map


class SelectionRefused(Message):
    """A pick was not allowed; ``reason`` says why, in words for the buyer."""

    def __init__(self, seat_map: SeatMapView, reason: str) -> None:
        super().__init__()
        self.seat_map = seat_map
        self.reason = reason

    @property
    def control(self) -> SeatMapView:
        return self.seat_map


class ViewChanged(Message):
    """Zoomed into a section (``section`` is its name) or back to the overview."""

    def __init__(self, seat_map: SeatMapView, overview: bool, section: str | None) -> None:
        super().__init__()
        self.seat_map = seat_map
        self.overview = overview
        self.section = section

    @property
    def control(self) -> SeatMapView:
        return self.seat_map
