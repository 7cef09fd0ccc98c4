"""The seat map: a venue's seats drawn as a grid to pick from (:class:`SeatMapView`), and its
legend (:class:`SeatMapLegend`).

Split by job: ``_grid`` and ``_overview`` place everything once per map, ``_book`` keeps the
tickets and the selection rules, ``_navigation`` moves the cursor, ``_paint`` draws one line,
``_canvas`` scrolls and caches the lines, ``_view`` is the widget with its keys and messages.
"""

from __future__ import annotations

from kiosk.app.seatmap._grid import grid_of
from kiosk.app.seatmap._legend import SeatMapLegend
from kiosk.app.seatmap._marks import FULLNESS, MARKS, Fullness, Mark
from kiosk.app.seatmap._view import FLASH_SECONDS, OVERVIEW_FROM, SeatMapView

__all__ = [
    "FLASH_SECONDS",
    "FULLNESS",
    "MARKS",
    "OVERVIEW_FROM",
    "Fullness",
    "Mark",
    "SeatMapLegend",
    "SeatMapView",
    "grid_of",
]
