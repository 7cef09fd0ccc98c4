"""The waiting room of a high-demand event: your place in the queue, the estimated wait and
a bar that fills as the queue moves; it opens the seat map by itself when it is your turn.

The event screen shows this one instead of the seat map when the server answers
``AdmissionRequired``. It joins the queue (keeping any place already held) and long-polls the
server, which answers as soon as the place changes; the client then sends the admission token
with the seat map and holds by itself. While you wait, the venue's seating is laid out, so the
map opens at once when your turn comes (a stadium's takes half a second otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from kiosk.app.formatting import when
from kiosk.app.layouts import prepare_venue
from kiosk.app.screens.base import KioskScreen
from shared.errors import BoxofficeError
from shared.models import QueueLane, QueueState, QueueStatus

__all__ = ["WaitingScreen", "describe_wait"]

#: Seconds one status request may wait for news. Short enough that leaving the app is never
#: held up for long by a request in flight (a worker thread cannot be interrupted).
POLL_SECONDS = 10


def describe_wait(seconds: int | None) -> str:
    """``About 3 minutes``, the way a person would say it."""
    if seconds is None:
        return ""
    if seconds < 60:
        return "Less than a minute to wait"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"About {minutes} minute{'s' if minutes != 1 else ''} to wait"
    return f"About {minutes / 60:.1f} hours to wait"


class WaitingScreen(KioskScreen):
    """Esc leaves the queue and goes back."""

    # With the screen, not in a .tcss beside it: the package data ships only app/*.tcss.
    DEFAULT_CSS = """
    #waiting {
        align: center middle;
        height: 1fr;
    }
    #waiting-box {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $accent;
    }
    #waiting-box > * {
        width: 100%;
        margin-bottom: 1;
    }
    #waiting-event {
        color: $text-muted;
    }
    #waiting-place {
        text-style: bold;
    }
    #waiting-progress Bar {
        width: 1fr;
    }
    """

    crumb = "Waiting room"

    @dataclass
    class StatusChanged(Message):
        status: QueueStatus

    @dataclass
    class EventNamed(Message):
        text: str

    def __init__(self, event_id: int, *, venue_id: int | None = None) -> None:
        """``venue_id`` if known; else it is learnt from the event's showings."""
        super().__init__()
        self.event_id = event_id
        self.venue_id = venue_id
        #: The furthest back this screen saw you: where the bar starts.
        self.first_position: int | None = None
        self.status: QueueStatus | None = None
        self._moved_on = False

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="waiting"), Vertical(id="waiting-box"):
            yield Label("Waiting room", id="waiting-title", classes="screen-title")
            yield Static("", id="waiting-event", markup=False)
            yield Static(
                "So many people want tickets right now that we let them in a few at a time. "
                "Joining the queue…",
                id="waiting-place",
                markup=False,
            )
            yield ProgressBar(show_eta=False, show_percentage=False, id="waiting-progress")
            yield Static("", id="waiting-wait", markup=False)
            yield Static(
                "The seat map opens by itself when it is your turn. Esc leaves the queue.",
                id="waiting-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.reload()
        self.name_event()

    def reload(self) -> None:
        self.follow_queue()

    # server calls ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def follow_queue(self) -> None:
        """Join, then ask again and again; each answer comes as soon as the place changes."""
        worker = get_current_worker()
        status = self.api.join_queue(self.event_id)
        self.answer(self.StatusChanged(status))
        while status.state is QueueState.WAITING and not worker.is_cancelled:
            status = self.api.queue_status(
                self.event_id, wait=POLL_SECONDS, position=status.position
            )
            self.answer(self.StatusChanged(status))

    @work(thread=True, exclusive=True, group="queue-event", exit_on_error=False)
    def name_event(self) -> None:
        """What the queue is for (the show's dates stay open to all, so this works), then the
        venue's layout, ready for the seat map."""
        try:
            showings = self.api.showings(self.event_id)
        except BoxofficeError:
            return  # the queue matters more than its caption
        mine = [s for s in showings.showings if s.event_id == self.event_id]
        place = f"  ·  {when(mine[0].start_time)}  ·  {mine[0].venue.title}" if mine else ""
        self.answer(self.EventNamed(f"{showings.title}{place}"))
        if mine and self.venue_id is None:
            self.venue_id = mine[0].venue.venue_id
        if self.venue_id is not None:
            prepare_venue(self.api, self.kiosk.layouts, self.venue_id)

    # answers -----------------------------------------------------------------------------
    @on(EventNamed)
    def _named(self, message: EventNamed) -> None:
        self.query_one("#waiting-event", Static).update(message.text)

    @on(StatusChanged)
    def _status_changed(self, message: StatusChanged) -> None:
        status = self.status = message.status
        if status.state in (QueueState.ADMITTED, QueueState.OPEN):
            self._your_turn()
        elif status.state is QueueState.NOT_QUEUED:
            self.reload()  # an admission that lapsed, or a queue that was reset: join again
        else:
            self._show_place(status)

    def _show_place(self, status: QueueStatus) -> None:
        position = status.position or 1
        if self.first_position is None or position > self.first_position:
            self.first_position = position
        ahead = position - 1
        lane = "Box-office lane: " if status.lane is QueueLane.STAFF else ""
        place = (
            f"{lane}You are next."
            if ahead == 0
            else f"{lane}You are number {position:,} in the queue ({ahead:,} ahead of you)."
        )
        self.query_one("#waiting-place", Static).update(place)
        self.query_one("#waiting-wait", Static).update(describe_wait(status.estimated_wait_seconds))
        self.query_one(ProgressBar).update(
            total=self.first_position, progress=self.first_position - position
        )

    def _your_turn(self) -> None:
        from kiosk.app.screens.event import EventScreen

        if self._moved_on:
            return
        self._moved_on = True
        bar = self.query_one(ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#waiting-place", Static).update("It's your turn!")
        self.query_one("#waiting-wait", Static).update("")
        if self.app.screen is self:
            self.app.switch_screen(EventScreen(self.event_id, venue_id=self.venue_id))

    # leaving -----------------------------------------------------------------------------
    def action_back(self) -> None:
        self._leave()
        super().action_back()

    def on_unmount(self) -> None:
        self._leave()  # the kiosk's idle reset closes this screen too

    async def leave_now(self, seconds: float = 2.0) -> None:
        """Give the place up and wait (a little) until the server has it: the app is closing."""
        if not self._moved_on:
            self._moved_on = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.to_thread(self._give_place_up), seconds)

    def _leave(self) -> None:
        """Give the place up so the next in line moves up (best effort, in the background)."""
        if not self._moved_on:
            self._moved_on = True
            self.app.run_worker(
                self._give_place_up, thread=True, group="queue-leave", exit_on_error=False
            )

    def _give_place_up(self) -> None:
        with contextlib.suppress(BoxofficeError):
            self.api.leave_queue(self.event_id)
