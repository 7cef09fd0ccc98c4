"""The Textual kiosk and box-office terminal: ``boxoffice kiosk`` starts :class:`KioskApp`.

Importing this package stays cheap (the seat-map widget package lives inside it), so the app
itself is loaded only when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.app.app import KioskApp

__all__ = ["KioskApp"]


def __getattr__(name: str) -> Any:
    if name == "KioskApp":
        from kiosk.app.app import KioskApp

        return KioskApp
    raise AttributeError(name)
