"""Each process's readers of the event streams, and the inboxes of its open SSE responses.

One reader per event per process blocks in ``XREAD`` and hands what it reads to every open
stream of that event in the process, so a thousand clients watching one event cost one Redis
connection per worker, not a thousand. Under gevent the readers and the waiting responses are
greenlets; under threads, threads.

A new stream joins its event's reader *before* catching up, and catches up to the stream's
head at that moment: the reader delivers everything after its own position, which is never
past that head, and the inbox drops what the catch-up already covered — so nothing is missed
and nothing is sent twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import redis

from server.live.changes import KEEP_MS, LiveKeys, decode_entry
from server.live.sse import frame, stream_order
from shared.models import SeatChange, SeatChangeKind

__all__ = ["CatchUp", "Feeds", "Inbox", "Message", "Taken", "reload_message"]

log = logging.getLogger(__name__)

#: More missed messages than this and the client is told to reload the seat map instead.
REPLAY_LIMIT = 1_000
#: Messages an inbox keeps for a client that reads slowly before it is told to reload.
INBOX_LIMIT = 2_000
#: How long a reader blocks in XREAD; an event nobody watches any more loses its reader then.
BLOCK_MS = 5_000
#: Changes that come within this long of the last delivery go out together, so a stream gets
#: at most a few writes a second however fast seats sell: with thousands of streams the cost
#: is in the writes (one send per stream), not in the size of each.
COALESCE_SECONDS = 0.2

# KEYS[1] stream; ARGV: last ID ('' for none), replay limit, keep ms
# -> {head ID, 'fresh' | 'reload' | 'replay', [entries after the last ID]}
_CATCH_UP = """
local head = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local head_id
if #head == 0 then
    head_id = redis.call('XADD', KEYS[1], '*', 'k', 'opened')
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
else
    head_id = head[1][1]
end
if ARGV[1] == '' then return {head_id, 'fresh'} end
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return {head_id, 'reload'} end
local limit = tonumber(ARGV[2])
local missed = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', limit + 1)
if #missed > limit then return {head_id, 'reload'} end
return {head_id, 'replay', missed}
"""


@dataclass(frozen=True, slots=True)
class Message:
    """A seat change framed once per process, whatever the number of clients."""

    id: str
    order: tuple[int, int]
    frame: bytes

    @classmethod
    def of(cls, change: SeatChange) -> Message:
        return cls(change.id, stream_order(change.id) or (0, 0), frame(change))


@dataclass(frozen=True, slots=True)
class CatchUp:
    """Where a new stream starts: ``head``, after ``missed`` (None: too old or unknown)."""

    head: str
    missed: list[Message] | None


@dataclass(frozen=True, slots=True)
class Taken:
    messages: list[Message] = field(default_factory=list)
    #: Messages were dropped up to this ID (the client read too slowly): it must reload.
    skipped_to: str | None = None
    closed: bool = False


@dataclass(frozen=True, slots=True)
class _Skipped:
    """Put in an inbox instead of messages that did not fit: everything up to ``to`` is lost."""

    to: Message


class Inbox:
    """One open stream's messages: its event's reader pushes, the response takes.

    A deque and an event rather than a lock: with a thousand streams on an event every
    message is pushed a thousand times, and a (gevent) lock per push was a tenth of the
    worker's CPU. Each deque operation is atomic, so a reader and a taker need nothing more.
    """

    def __init__(self, event_id: int, limit: int = INBOX_LIMIT) -> None:
        self.event_id = event_id
        self.limit = limit
        #: Messages up to here were sent already (by the catch-up or an earlier take).
        self.after: tuple[int, int] = (0, 0)
        self._ready = threading.Event()
        self._items: deque[Message | _Skipped] = deque()
        self._closed = False

    def push(self, messages: Sequence[Message]) -> None:
        if len(self._items) + len(messages) > self.limit:  # a client that reads too slowly
            self._items.clear()
            self._items.append(_Skipped(messages[-1]))
        else:
            self._items.extend(messages)
        self._ready.set()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    def take(self, timeout: float) -> Taken:
        """What arrived, waiting up to ``timeout`` seconds (nothing: time for a heartbeat)."""
        deadline = time.monotonic() + timeout
        while True:
            if not self._items and not self._closed:
                self._ready.wait(max(0.0, deadline - time.monotonic()))
            self._ready.clear()
            if self._closed:
                return Taken(closed=True)
            fresh: list[Message] = []
            skipped_to = None
            for _ in range(len(self._items)):
                item = self._items.popleft()
                if isinstance(item, _Skipped):
                    fresh.clear()
                    if item.to.order > self.after:
                        skipped_to, self.after = item.to.id, item.to.order
                elif item.order > self.after:
                    fresh.append(item)
                    self.after = item.order
            if fresh or skipped_to or time.monotonic() >= deadline:
                return Taken(fresh, skipped_to)


@dataclass(eq=False)
class _Reader:
    event_id: int
    position: str
    inboxes: set[Inbox] = field(default_factory=set)


class Feeds:
    """This process's readers, one per watched event, and the way in for new streams."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        *,
        block_ms: int = BLOCK_MS,
        coalesce_seconds: float = COALESCE_SECONDS,
    ) -> None:
        self.client = client
        self.keys = LiveKeys(prefix)
        self.block_ms = block_ms
        self.coalesce_seconds = coalesce_seconds
        self._catch_up = client.register_script(_CATCH_UP)
        self._lock = threading.Lock()
        self._readers: dict[int, _Reader] = {}
        self._closed = False

    def subscribe(self, event_id: int, last_event_id: str | None) -> tuple[Inbox, CatchUp]:
        """Join the event's reader, then catch up from ``last_event_id`` to the head."""
        inbox = Inbox(event_id)
        self._join(inbox)
        try:
            catch_up = self._catch_up_from(event_id, last_event_id)
        except BaseException:
            self.unsubscribe(inbox)
            raise
        inbox.after = stream_order(catch_up.head) or (0, 0)
        return inbox, catch_up

    def unsubscribe(self, inbox: Inbox) -> None:
        with self._lock:
            reader = self._readers.get(inbox.event_id)
            if reader is not None:
                reader.inboxes.discard(inbox)

    def close_all(self) -> None:
        """The worker is stopping: end every open stream now (clients reconnect elsewhere)."""
        with self._lock:
            self._closed = True
            inboxes = [inbox for reader in self._readers.values() for inbox in reader.inboxes]
        for inbox in inboxes:
            inbox.close()

    # joining ------------------------------------------------------------------------------
    def _join(self, inbox: Inbox) -> None:
        with self._lock:
            if self._closed:
                inbox.close()
                return
            reader = self._readers.get(inbox.event_id)
            if reader is not None:
                reader.inboxes.add(inbox)
                return
        position = self._head(inbox.event_id)
        with self._lock:
            reader = self._readers.get(inbox.event_id)
            started = reader is None
            if reader is None:
                reader = self._readers[inbox.event_id] = _Reader(inbox.event_id, position)
            reader.inboxes.add(inbox)
        if started:
            name = f"stream-reader-{inbox.event_id}"
            threading.Thread(target=self._read, args=(reader,), daemon=True, name=name).start()

    def _head(self, event_id: int) -> str:
        newest = cast(list[Any], self.client.xrevrange(self.keys.stream(event_id), count=1))
        return _text(newest[0][0]) if newest else "0-0"

    def _catch_up_from(self, event_id: int, last_event_id: str | None) -> CatchUp:
        last = last_event_id if stream_order(last_event_id) is not None else None
        args: list[Any] = [last or "", REPLAY_LIMIT, KEEP_MS]
        try:
            reply = cast(list[Any], self._catch_up(keys=[self.keys.stream(event_id)], args=args))
        except redis.ResponseError:  # an ID Redis refuses: as unknown as one it never gave
            args[0] = ""
            reply = cast(list[Any], self._catch_up(keys=[self.keys.stream(event_id)], args=args))
            return CatchUp(_text(reply[0]), None)
        head, outcome = _text(reply[0]), _text(reply[1])
        if outcome == "fresh" and last_event_id is None:
            return CatchUp(head, [])
        if outcome != "replay":
            return CatchUp(head, None)
        missed = [decode_entry(event_id, entry_id, fields) for entry_id, fields in reply[2]]
        return CatchUp(head, [Message.of(change) for change in missed if change is not None])

    # reading ------------------------------------------------------------------------------
    def _read(self, reader: _Reader) -> None:
        delivered = 0.0
        while True:
            with self._lock:
                if not reader.inboxes or self._closed:
                    del self._readers[reader.event_id]
                    return
            messages = self._next(reader, self.block_ms)
            # The first change after a quiet spell goes out at once; the next ones wait for
            # the rest of the window and go out together.
            while messages and (wait := delivered + self.coalesce_seconds - time.monotonic()) > 0:
                messages += self._next(reader, max(1, int(wait * 1000)))
            if not messages:
                continue
            with self._lock:
                inboxes = list(reader.inboxes)
            for inbox in inboxes:
                inbox.push(messages)
            delivered = time.monotonic()

    def _next(self, reader: _Reader, block_ms: int) -> list[Message]:
        """What follows the reader's position, waiting up to ``block_ms`` (Redis down: none)."""
        stream = self.keys.stream(reader.event_id)
        try:
            reply = self.client.xread({stream: reader.position}, count=500, block=block_ms)
        except redis.RedisError as error:
            log.warning("reading seat changes of event %d: %s", reader.event_id, error)
            time.sleep(1)
            return []
        return self._decode(reader, cast(list[Any], reply or []))

    @staticmethod
    def _decode(reader: _Reader, reply: list[Any]) -> list[Message]:
        messages = []
        for _stream, entries in reply:
            for entry_id, fields in entries:
                reader.position = _text(entry_id)
                change = decode_entry(reader.event_id, entry_id, fields)
                if change is not None:
                    messages.append(Message.of(change))
        return messages


def reload_message(event_id: int, stream_id: str) -> Message:
    """Tell the client its missed changes are gone: fetch the seat map, then go on from here."""
    change = SeatChange(
        id=stream_id, kind=SeatChangeKind.RELOAD, event_id=event_id, ticket_ids=[], channel=None
    )
    return Message.of(change)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
