"""The hold's countdown (mm:ss), from the server's ``expiresAt``: how long the customer has to
pay before the seats go back on sale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.message import Message
from textual.widgets import Static

from kiosk.app.formatting import countdown

__all__ = ["HoldCountdown"]

#: Under this many seconds the countdown turns urgent.
URGENT_SECONDS = 60


class HoldCountdown(Static):
    """Ticks four times a second; posts :class:`HoldCountdown.Expired` once, at 00:00."""

    DEFAULT_CSS = """
    HoldCountdown { height: 1; text-style: bold; }
    HoldCountdown.-urgent { color: $error; }
    HoldCountdown.-expired { color: $error; text-style: bold reverse; }
    """

    class Expired(Message):
        """The hold has run out (by this terminal's clock)."""

    def __init__(
        self, expires_at: datetime, clock: Callable[[], datetime], *, id: str | None = None
    ) -> None:
        super().__init__("", id=id)
        self.expires_at = expires_at
        self._clock = clock
        self._expired = False

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(0.25, self._tick)

    def restart(self, expires_at: datetime) -> None:
        """A new expiry after an extension."""
        self.expires_at = expires_at
        self._expired = False
        self.remove_class("-expired")
        self._tick()

    @property
    def seconds_left(self) -> float:
        return (self.expires_at - self._clock()).total_seconds()

    def _tick(self) -> None:
        left = self.seconds_left
        self.set_class(left < URGENT_SECONDS, "-urgent")
        if left <= 0:
            self.update("Hold expired")
            self.add_class("-expired")
            if not self._expired:
                self._expired = True
                self.post_message(self.Expired())
            return
        self.update(f"Seats held for {countdown(left)}")
