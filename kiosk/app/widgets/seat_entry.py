"""Box office: seats typed straight in (``B12-15, C3``, ``stalls B12``), for staff who know
the hall and are quicker typing than walking the map; the answer is said right under it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from kiosk.app.typed_seats import EXAMPLE

__all__ = ["SeatEntry"]


class SeatEntry(Vertical):
    """A line to type seats in; Enter posts :class:`Submitted`, and the screen answers with
    :meth:`say` (what was chosen, or why nothing was)."""

    DEFAULT_CSS = """
    SeatEntry {
        height: auto;
        margin-bottom: 1;
    }
    SeatEntry > Input {
        width: 100%;
        background: $boost;
    }
    SeatEntry > #seat-entry-answer {
        height: auto;
        max-height: 6;
        color: $text-muted;
        display: none;
    }
    SeatEntry > #seat-entry-answer.-refused {
        color: $error;
    }
    """

    @dataclass
    class Submitted(Message):
        """Enter was pressed on ``text``."""

        entry: SeatEntry
        text: str

    def compose(self) -> ComposeResult:
        yield Label("Type seats (T)", classes="pane-title")
        yield Input(placeholder=EXAMPLE, compact=True, id="seat-entry-input")
        yield Static("", id="seat-entry-answer", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def answer(self) -> str:
        """What the line under the input says now."""
        return str(self.query_one("#seat-entry-answer", Static).content)

    def say(self, text: str, *, refused: bool = False) -> None:
        answer = self.query_one("#seat-entry-answer", Static)
        answer.update(text)
        answer.set_class(refused, "-refused")
        answer.display = bool(text)

    def clear(self) -> None:
        self.input.value = ""

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, event.value))

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        event.stop()
        if event.value:
            self.say("")  # the last answer was about what was typed before
