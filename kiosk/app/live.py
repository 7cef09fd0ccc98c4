"""Following an event's seat changes while its seat map is open.

:class:`SeatFeed` reads the server's stream in a worker thread and hands its screen the changes
in batches: an on-sale sends hundreds a second, and one map update and one repaint per
``COALESCE_SECONDS`` keep the keys answering. :class:`LiveTickets` keeps the tickets the map
should show, the last seat map fetched with the changes since on top; :func:`fold` turns a
batch into new statuses; :func:`describe` says in words what the map's highlight shows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from kiosk.app.api import BoxofficeApi, SeatChangeStream
from kiosk.app.formatting import SeatNames
from shared.models import SeatChange, SeatChangeKind, SeatStatus, TicketInfo

__all__ = [
    "COALESCE_SECONDS",
    "NAMED",
    "LiveTickets",
    "SeatFeed",
    "SeatUpdate",
    "describe",
    "fold",
]

#: Changes arriving within this long of the first one of a batch are shown together.
COALESCE_SECONDS = 0.1
#: Seats named for each kind of change in :func:`describe`; more are counted.
NAMED = 6
_WORDS = {
    SeatStatus.RESERVED: "held",
    SeatStatus.BOOKED: "booked",
    SeatStatus.AVAILABLE: "free again",
}


@dataclass(frozen=True, slots=True)
class SeatUpdate:
    """A batch of changes folded: the newest status of each ticket that changed."""

    statuses: dict[int, SeatStatus] = field(default_factory=dict)
    #: The server could not say everything that was missed: fetch the seat map again.
    reload: bool = False


def fold(changes: Iterable[SeatChange]) -> SeatUpdate:
    """The statuses after ``changes`` (the stream is in order, so the last word wins); only
    what comes after a ``reload`` counts, the rest is in the seat map fetched again."""
    statuses: dict[int, SeatStatus] = {}
    reload = False
    for change in changes:
        status = change.seat_status
        if change.kind is SeatChangeKind.RELOAD or status is None:
            statuses.clear()
            reload = True
            continue
        for ticket_id in change.ticket_ids:
            statuses.pop(ticket_id, None)  # keep the order of the newest change
            statuses[ticket_id] = status
    return SeatUpdate(statuses, reload)


class LiveTickets:
    """An event's tickets as its seat map should show them: the last seat map fetched, with
    the stream's changes on top.

    A fetch may have been read before changes that arrive while it is on its way, so every
    change since it was asked for is put back on top of it when it comes. Changes wait in
    between until the screen can show them (:meth:`take_waiting`): not while the map loads,
    nor while my own hold is on its way (its seats would look taken by someone else).
    """

    def __init__(self) -> None:
        self.tickets: dict[int, TicketInfo] = {}
        self._since_fetch: list[SeatChange] = []
        self._waiting: list[SeatChange] = []

    def fetching(self) -> None:
        """A fresh seat map has been asked for: it will show everything that came before."""
        self._since_fetch, self._waiting = [], []

    def fetched(self, tickets: Iterable[TicketInfo]) -> list[int]:
        """The seat map came; returns the tickets that changed while it was on its way and
        have not been shown changing (to highlight on the fresh map)."""
        self.tickets = {t.ticket_id: t for t in tickets}
        self._apply(self._since_fetch)
        waiting, self._waiting = self._waiting, []
        return [i for change in waiting for i in change.ticket_ids if i in self.tickets]

    def arrived(self, changes: Sequence[SeatChange]) -> bool:
        """Keep ``changes`` to show. True when the stream says it missed too much: the seat
        map must be fetched again, and only what came after that goes on top of it."""
        must_fetch = fold(changes).reload
        if must_fetch:
            self.fetching()
            last = max(i for i, change in enumerate(changes) if change.seat_status is None)
            changes = changes[last + 1 :]
        self._since_fetch += changes
        self._waiting += changes
        return must_fetch

    def take_waiting(self) -> list[int]:
        """Apply the changes waiting to be shown; returns the tickets whose status changed."""
        waiting, self._waiting = self._waiting, []
        return self._apply(waiting)

    def _apply(self, changes: Sequence[SeatChange]) -> list[int]:
        changed: list[int] = []
        tickets = self.tickets
        for ticket_id, status in fold(changes).statuses.items():
            ticket = tickets.get(ticket_id)
            if ticket is not None and ticket.ticket_status is not status:
                tickets[ticket_id] = ticket.model_copy(update={"ticket_status": status})
                changed.append(ticket_id)
        return changed


def describe(tickets: Sequence[TicketInfo], names: SeatNames) -> str:
    """``Just now: Stalls B2, B3 held; Stalls B8 booked.``: the changed seats' new statuses,
    so that what the highlight marks does not rest on colour alone."""
    parts: list[str] = []
    for status, words in _WORDS.items():
        group = [t for t in tickets if t.ticket_status is status]
        if group:
            more = f" and {len(group) - NAMED:,} more" if len(group) > NAMED else ""
            parts.append(f"{names.listing(group[:NAMED])}{more} {words}")
    return f"Just now: {'; '.join(parts)}." if parts else ""


class SeatFeed(Widget):
    """Follows one event's seat changes between :meth:`start` and :meth:`stop` (and stops when
    removed), posting :class:`SeatsChanged` batches; nothing on screen.

    The stream is closed from the UI thread on stop, so no worker thread is left waiting on a
    quiet event's connection when the screen is left or the app exits.
    """

    DEFAULT_CSS = """
    SeatFeed {
        display: none;
    }
    """

    @dataclass
    class SeatsChanged(Message):
        """Changes that came together, oldest first."""

        feed: SeatFeed
        changes: tuple[SeatChange, ...]

    @dataclass
    class Lost(Message):
        """The stream failed for good (``error``, a ``shared.errors`` error); :meth:`start`
        tries again."""

        feed: SeatFeed
        error: BaseException

    @dataclass
    class _Arrived(Message, bubble=False):
        """One change, from the worker thread to the UI thread."""

        change: SeatChange

    def __init__(self, api: BoxofficeApi, event_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._api = api
        self.event_id = event_id
        #: What the stream said last: a restart resumes after it, missing nothing.
        self.last_id: str | None = None
        self._following = False
        #: The open stream, for stop() to close; the lock orders that against its opening.
        self._stream: SeatChangeStream | None = None
        self._lock = threading.Lock()
        self._pending: list[SeatChange] = []
        self._timer: Timer | None = None

    @property
    def running(self) -> bool:
        return self._following

    def start(self) -> None:
        """Follow the event (again, resuming after :attr:`last_id`); nothing if following."""
        if self._following or not self.is_mounted:
            return
        self._following = True
        self._follow(self.last_id)

    def stop(self) -> None:
        """Stop following now; changes not yet handed on are dropped (a reload covers them)."""
        self._following = False
        with self._lock:
            self.workers.cancel_group(self, "seat-feed")
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
        self._pending = []
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def on_unmount(self) -> None:
        self.stop()

    @work(thread=True, exclusive=True, group="seat-feed", exit_on_error=False)
    def _follow(self, last_id: str | None) -> None:
        worker = get_current_worker()
        stream = self._api.seat_changes(self.event_id, last_event_id=last_id)
        with self._lock:
            cancelled = worker.is_cancelled  # stopped while opening: no stream to close then
            if not cancelled:
                self._stream = stream
        try:
            if cancelled:
                return
            for change in stream:
                if worker.is_cancelled:
                    return
                self.post_message(self._Arrived(change))
        finally:
            stream.close()

    @on(_Arrived)
    def _arrived(self, message: _Arrived) -> None:
        if not self._following:
            return
        self.last_id = message.change.id
        self._pending.append(message.change)
        if self._timer is None:
            self._timer = self.set_timer(COALESCE_SECONDS, self._hand_on)

    def _hand_on(self) -> None:
        self._timer = None
        batch: Sequence[SeatChange] = self._pending
        self._pending = []
        if batch and self._following:
            self.post_message(self.SeatsChanged(self, tuple(batch)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "seat-feed" or event.worker.is_cancelled:
            return
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._following = False
            self.post_message(self.Lost(self, event.worker.error))
        elif event.state is WorkerState.SUCCESS:
            self._following = False  # the stream ended by itself: a start() may follow again
