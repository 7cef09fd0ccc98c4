"""The virtual waiting room of high-demand events: who may see the seat map and hold seats.

``surge`` marks events high-demand (Postgres) and reads that setting cheaply; ``room`` is the
queue, the admission rate and the admission passes (Redis); ``estimate`` the wait. No Flask:
the routes are in :mod:`server.api.queue`.
"""

from __future__ import annotations

from server.waiting.room import PassCheck, Placement, RoomStatus, Surge, WaitingRoom
from server.waiting.settings import WaitingSettings
from server.waiting.surge import (
    SurgeCache,
    SurgeError,
    UnknownEvent,
    end_surge,
    read_surge,
    start_surge,
)

__all__ = [
    "PassCheck",
    "Placement",
    "RoomStatus",
    "Surge",
    "SurgeCache",
    "SurgeError",
    "UnknownEvent",
    "WaitingRoom",
    "WaitingSettings",
    "end_surge",
    "read_surge",
    "start_surge",
]
