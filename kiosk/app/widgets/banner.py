"""A red line across the top when the server cannot be reached: it says so, retries by itself
and keeps the person where they were."""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widgets import Static

__all__ = ["ProblemBanner"]

#: Seconds between automatic retries of what failed to load.
RETRY_SECONDS = 5


class ProblemBanner(Static):
    """Hidden until :meth:`show`; :meth:`clear` hides it again once a call succeeds."""

    DEFAULT_CSS = """
    ProblemBanner {
        display: none;
        height: auto;
        padding: 0 1;
        background: $error;
        color: $text;
        text-style: bold;
    }
    ProblemBanner.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._message = ""
        self._retry: Callable[[], None] | None = None
        self._seconds_left = 0
        self._timer: Timer | None = None

    def show(self, message: str, retry: Callable[[], None] | None = None) -> None:
        """Show ``message``; with ``retry``, call it every few seconds until :meth:`clear`."""
        self._message = message
        self._retry = retry
        self._seconds_left = RETRY_SECONDS
        self._stop_timer()
        if retry is not None:
            self._timer = self.set_interval(1, self._tick)
        self.add_class("-shown")
        self._render_text()

    def clear(self) -> None:
        self._stop_timer()
        self._retry = None
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def retry_now(self) -> bool:
        """Retry at once (F5); False when there is nothing to retry."""
        if self._retry is None:
            return False
        retry = self._retry
        self._seconds_left = RETRY_SECONDS
        self._render_text(trying=True)
        retry()
        return True

    def _tick(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left <= 0:
            self.retry_now()
        else:
            self._render_text()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _render_text(self, *, trying: bool = False) -> None:
        if self._retry is None:
            hint = ""
        elif trying:
            hint = "  Trying again…"
        else:
            hint = f"  Trying again in {self._seconds_left} s (F5: now)."
        self.update(f"⚠ {self._message}{hint}")
