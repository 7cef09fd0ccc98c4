"""``SeatStream``: an event's live seat changes, iterated in one thread and closable from any
other, so that a screen that stops watching leaves no thread waiting on the network.

A generator cannot be closed while another thread is inside it, and that thread sits in a
socket read until the next message (an idle event sends none; heartbeats are comments).
:meth:`SeatStream.close` therefore shuts the connection's socket down, which wakes the read at
once, and the iteration ends instead of reconnecting.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Generator, Iterator

import httpx

from shared.models import SeatChange

__all__ = ["SeatStream"]


class SeatStream(Iterator[SeatChange]):
    """What ``BoxofficeClient.seat_changes`` returns; ``changes`` makes the generator that
    reads the stream, given this object to report its responses to and to ask if closed."""

    def __init__(self, changes: Callable[[SeatStream], Generator[SeatChange, None, None]]) -> None:
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._response: httpx.Response | None = None
        self._changes = changes(self)

    def __iter__(self) -> SeatStream:
        return self

    def __next__(self) -> SeatChange:
        if self._closed.is_set():
            self._changes.close()  # a generator not running: closes here, in the reader
            raise StopIteration
        return next(self._changes)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """End the iteration, from any thread: the reader's next (or current) wait for a
        message stops at once. A transport without sockets (WSGI, mock) ends at its next
        message instead."""
        with self._lock:
            self._closed.set()
            response = self._response
        if response is not None:
            _shut_down(response)

    def wait_closed(self, seconds: float) -> bool:
        """Sleep before reconnecting, waking early if closed; True when closed."""
        return self._closed.wait(seconds)

    def opened(self, response: httpx.Response | None) -> bool:
        """The reader's current response (None once it is done); False if already closed,
        so a close that came while connecting still ends the stream."""
        with self._lock:
            self._response = response
            return not self._closed.is_set()


def _shut_down(response: httpx.Response) -> None:
    network = response.extensions.get("network_stream")
    sock = network.get_extra_info("socket") if network is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
