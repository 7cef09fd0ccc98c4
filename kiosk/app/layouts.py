"""Venue layouts the kiosk has already expanded, kept per venue.

Expanding a layout is the largest cost between an event's answer and its seat map (a fifth
of a second for the 50,000-seat stadium), yet a venue's layout only changes when the venue
is re-planned, not per event. So each parsed layout is kept under its venue ID and a digest
of the document: the next event at the venue reuses it, and a changed layout is parsed anew.
:func:`prepare_venue` fills it ahead of time, while the kiosk waits for something else.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from kiosk.app.api import BoxofficeApi
from kiosk.app.seatmap import grid_of
from shared.collector import many_new_objects
from shared.errors import BoxofficeError
from shared.seatmap import SeatMap, SeatMapError, parse_seatmap

__all__ = ["LayoutCache", "layout_digest", "prepare_venue"]

#: Venues whose layouts are kept; a stadium's expanded seats take ~10 MB.
KEPT_VENUES = 6


def layout_digest(document: dict[str, Any]) -> str:
    """The same for equal documents whatever the order of their keys (~1 ms for a stadium)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class LayoutCache:
    """Parsed layouts by ``(venue ID, digest)``, least recently used dropped first.

    Safe to call from several worker threads; a thread asking for a layout another is parsing
    right now waits for that one (the event screen fetches the venue's layout while the
    event's own answer is on its way, and both may ask at once).
    """

    def __init__(self, size: int = KEPT_VENUES) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._layouts: OrderedDict[tuple[int, str], SeatMap] = OrderedDict()
        self._parsing: dict[tuple[int, str], threading.Event] = {}

    def knows(self, venue_id: int) -> bool:
        """Whether a layout of the venue is kept (it may have changed since)."""
        with self._lock:
            return any(key[0] == venue_id for key in self._layouts)

    def get(self, venue_id: int, document: dict[str, Any], source: str) -> SeatMap:
        """The venue's layout, parsed now or earlier; raises ``SeatMapError`` if it is broken.

        The server checked the document against the schema when the venue was saved, so it
        is expanded without that check (every other check still runs).
        """
        key = (venue_id, layout_digest(document))
        while True:
            with self._lock:
                layout = self._layouts.get(key)
                if layout is not None:
                    self._layouts.move_to_end(key)
                    return layout
                parsing = self._parsing.get(key)
                if parsing is None:
                    self._parsing[key] = threading.Event()
                    break
            parsing.wait()  # another thread is parsing it: take its result (or try ourselves)
        try:
            with many_new_objects():  # a stadium: 50,000 seats
                layout = parse_seatmap(document, source=source, validate=False)
            with self._lock:
                for old in [k for k in self._layouts if k[0] == venue_id]:
                    del self._layouts[old]  # the venue's previous layout: not asked again
                self._layouts[key] = layout
                while len(self._layouts) > self._size:
                    self._layouts.popitem(last=False)
            return layout
        finally:
            with self._lock:
                self._parsing.pop(key).set()

    def __len__(self) -> int:
        return len(self._layouts)


def prepare_venue(api: BoxofficeApi, layouts: LayoutCache, venue_id: int) -> None:
    """Fetch the venue's seating and lay it out, layout and grid, so that an event's answer
    finds them ready (a stadium's take half a second). Blocks: call it from a worker thread.

    Nothing if the venue is kept already. A failure is harmless: the event's answer carries
    the layout too.
    """
    if layouts.knows(venue_id):
        return
    try:
        venue = api.venue(venue_id)
        grid_of(layouts.get(venue_id, venue.seating_arrangement, venue.title))
    except (BoxofficeError, SeatMapError):
        return
