"""What just changed on the seat map, said in words for a few seconds: the map's highlight
says it in colour, and colour is never the only cue."""

from __future__ import annotations

from textual.timer import Timer
from textual.widgets import Static

__all__ = ["NOTE_SECONDS", "LiveNote"]

#: How long a note stays before it goes quiet.
NOTE_SECONDS = 5.0


class LiveNote(Static):
    """Hidden until :meth:`say`; a newer note replaces the last and starts the time again."""

    DEFAULT_CSS = """
    LiveNote {
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._timer: Timer | None = None

    def say(self, text: str) -> None:
        self.update(text)
        self.display = bool(text)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(NOTE_SECONDS, self._quiet)

    def _quiet(self) -> None:
        self._timer = None
        self.display = False
