"""Live seat updates over real HTTP: `boxoffice serve` with several gevent workers, real Redis.

A stream sees other clients' holds, releases, purchases and expiries, with the channel that
made each change and never the user; a reconnect with Last-Event-ID gets exactly what it
missed, or ``reload`` when that is gone; a change made through one worker reaches streams
served by the others; the typed client resumes by itself after the network drops.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
from conftest import Catalog, SuiteServices, bearer, suite_server
from flask import Flask

from server.live.changes import LiveKeys
from shared.client import BoxofficeClient
from shared.errors import SeatsUnavailable
from shared.models import Channel, SeatChange, SeatChangeKind

Message = dict[str, str]
#: Hold length and heartbeat of the `quick_server`.
QUICK_HOLD_SECONDS = 2
QUICK_HEARTBEAT_SECONDS = 1


@pytest.fixture(scope="module")
def quick_server(
    services: SuiteServices, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`boxoffice serve --workers 2` whose holds last 2 s and whose streams beat every 1 s."""
    settings = {
        "BOXOFFICE_HOLD_SECONDS": str(QUICK_HOLD_SECONDS),
        "BOXOFFICE_STREAM_HEARTBEAT_SECONDS": str(QUICK_HEARTBEAT_SECONDS),
    }
    data_dir = tmp_path_factory.mktemp("quick")
    with suite_server(services, data_dir, workers=2, settings=settings) as base:
        yield base


# --- clients ----------------------------------------------------------------------------------


class RawStream:
    """One SSE connection read in a thread, so the test sees the bytes' blocks as they come:
    messages (``id``, ``event``, ``data``), bare positions (``id``), ``retry``, comments."""

    def __init__(self, base: str, event_id: int, *, last_event_id: str | None = None) -> None:
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.base = base
        self._http = httpx.Client(base_url=base, timeout=httpx.Timeout(10.0, read=None))
        request = self._http.build_request("GET", f"/events/{event_id}/stream", headers=headers)
        self.response = self._http.send(request, stream=True)
        assert self.response.status_code == 200, self.response.read()
        assert self.response.headers["content-type"].startswith("text/event-stream")
        self.lines: list[str] = []
        self._items: queue.Queue[Message] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        block: Message = {}
        try:
            for line in self.response.iter_lines():
                self.lines.append(line)
                if not line:
                    if block:
                        self._items.put(block)
                    block = {}
                    continue
                name, _, value = line.partition(":")
                block[name or "comment"] = value.removeprefix(" ")
        except (httpx.HTTPError, OSError):
            pass
        self._items.put({"closed": ""})

    def next(self, timeout: float = 5.0) -> Message:
        try:
            return self._items.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"nothing on the stream within {timeout} s") from None

    def opening(self) -> tuple[list[Message], Message]:
        """What the server starts with: replayed messages, then the position (or ``reload``)."""
        replayed = []
        while True:
            item = self.next()
            if "retry" in item:
                continue
            if "data" not in item or item.get("event") == "reload":
                return replayed, item
            replayed.append(item)

    def changes(self, count: int, timeout: float = 5.0) -> list[Message]:
        """The next ``count`` messages (comments and bare positions skipped)."""
        found: list[Message] = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            item = self.next(max(0.01, deadline - time.monotonic()))
            assert "closed" not in item, f"the stream ended after {found}"
            if "data" in item:
                found.append(item)
        return found

    def server_pid(self) -> int:
        """The gunicorn worker serving this stream."""
        client_port = self.response.extensions["network_stream"].get_extra_info("client_addr")[1]
        server_port = httpx.URL(self.base).port
        for conn in psutil.net_connections("tcp"):
            if (
                conn.pid
                and conn.laddr
                and conn.raddr
                and conn.laddr.port == server_port
                and conn.raddr.port == client_port
            ):
                return int(conn.pid)
        raise AssertionError("no server process owns this stream's connection")

    def close(self) -> None:
        sock = self.response.extensions["network_stream"].get_extra_info("socket")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self.response.close()
        self._http.close()


class DroppingNetwork:
    """A TCP relay to the server whose connections the test can drop, holding new ones until
    it is told to carry on: a client's network going away for a while."""

    def __init__(self, base: str) -> None:
        self._target = ("127.0.0.1", httpx.URL(base).port or 80)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._up = threading.Event()
        self._up.set()
        self._closed = False
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with client:
            self._up.wait()
            if self._closed:
                return
            with socket.create_connection(self._target) as upstream:
                with self._lock:
                    self._open |= {client, upstream}
                back = threading.Thread(target=self._pump, args=(upstream, client), daemon=True)
                back.start()
                self._pump(client, upstream)
                back.join()
                with self._lock:
                    self._open -= {client, upstream}

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        """Cut every connection; new ones wait until :meth:`restore`."""
        self._up.clear()
        with self._lock:
            cut = list(self._open)
        for sock in cut:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self._up.set()

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self.drop()
        self.restore()


class Watcher:
    """The typed client's ``seat_changes`` running in a thread, through a droppable network."""

    def __init__(self, base: str, event_id: int, *, last_event_id: str | None = None) -> None:
        self.network = DroppingNetwork(base)
        self.client = BoxofficeClient(self.network.base, retries=2, backoff=0.2)
        self._changes: queue.Queue[SeatChange | Exception] = queue.Queue()
        self._thread = threading.Thread(
            target=self._watch, args=(event_id, last_event_id), daemon=True
        )
        self._thread.start()

    def _watch(self, event_id: int, last_event_id: str | None) -> None:
        try:
            for change in self.client.seat_changes(event_id, last_event_id=last_event_id):
                self._changes.put(change)
        except Exception as error:  # the test ended the network: the client gives up
            self._changes.put(error)
        finally:
            self.client.close()

    def next(self, timeout: float = 5.0) -> SeatChange:
        try:
            change = self._changes.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no seat change within {timeout} s") from None
        assert isinstance(change, SeatChange), change
        return change

    def close(self) -> None:
        self.network.close()
        self._thread.join(timeout=10)


def buyer(base: str, user: str, channel: Channel | str = Channel.API) -> BoxofficeClient:
    token = bearer(user)["Authorization"].removeprefix("Bearer ")
    return BoxofficeClient(base, token=token, channel=channel)


def ticket_ids(base: str, event_id: int) -> list[int]:
    return [t["ticketID"] for t in httpx.get(f"{base}/events/{event_id}").json()["tickets"]]


def data(message: Message) -> dict[str, object]:
    return json.loads(message["data"])  # type: ignore[no-any-return]


def summary(messages: list[Message]) -> list[tuple[str, list[int]]]:
    return [(data(m)["kind"], data(m)["ticketIDs"]) for m in messages]  # type: ignore[misc]


# --- what a stream shows ----------------------------------------------------------------------


def test_a_stream_sees_another_clients_hold_and_purchase_with_the_channel_not_the_user(
    live_server: str, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue()).id
    seats = ticket_ids(live_server, event)[:2]
    raw = RawStream(live_server, event)
    _, start = raw.opening()
    watcher = Watcher(live_server, event, last_event_id=start["id"])
    try:
        with buyer(live_server, "carol-smith", Channel.BOX_OFFICE) as counter:
            booking = counter.hold(event, seats)
            counter.pay(booking, {"method": "cash"})

        held, booked = watcher.next(), watcher.next()
        assert (held.kind, held.ticket_ids, held.channel) == ("held", seats, "box-office")
        assert (booked.kind, booked.ticket_ids, booked.channel) == ("booked", seats, "box-office")
        assert held.event_id == booked.event_id == event

        messages = raw.changes(2)
        assert [m["event"] for m in messages] == ["held", "booked"]
        assert [m["id"] for m in messages] == [held.id, booked.id]
        assert all(
            set(data(m)) == {"id", "kind", "eventID", "ticketIDs", "channel"} for m in messages
        )
        wire = "\n".join(raw.lines)
        assert "carol" not in wire and booking.booking_id not in wire, (
            "never who, never which booking"
        )
    finally:
        watcher.close()
        raw.close()


def test_a_replaced_hold_and_a_release_show_up_as_released(
    live_server: str, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue()).id
    a, b, c = ticket_ids(live_server, event)[:3]
    raw = RawStream(live_server, event)
    raw.opening()
    try:
        with buyer(live_server, "dave", Channel.KIOSK) as kiosk, buyer(live_server, "eve") as api:
            kiosk.hold(event, [a, b])
            with pytest.raises(SeatsUnavailable):
                api.hold(event, [b])  # refused: no seat changed, nothing to tell
            replaced = kiosk.hold(event, [b, c])
            kiosk.release(replaced.booking_id)
            kiosk.release(replaced.booking_id)  # again: already free, nothing new
            api.hold(event, [a])

        messages = raw.changes(5)
        assert summary(messages) == [
            ("held", [a, b]),
            ("released", [a]),
            ("held", [b, c]),
            ("released", [b, c]),
            ("held", [a]),
        ]
        assert [data(m)["channel"] for m in messages] == ["kiosk"] * 4 + ["api"]
        ids = [m["id"] for m in messages]
        assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("-")))), "in order"
    finally:
        raw.close()


def test_a_hold_that_runs_out_shows_up_as_expired_within_a_second_or_two(
    quick_server: str, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue()).id
    seats = ticket_ids(quick_server, event)[3:5]
    raw = RawStream(quick_server, event)
    raw.opening()
    try:
        with buyer(quick_server, "frank") as api:
            api.hold(event, seats)
        held_at = time.monotonic()
        assert summary(raw.changes(1)) == [("held", seats)]
        beats = 0
        while True:
            item = raw.next(timeout=QUICK_HOLD_SECONDS + 3)
            if item.get("comment") == "keep-alive":
                beats += 1
                continue
            if "data" in item:
                break
        waited = time.monotonic() - held_at
        assert summary([item]) == [("expired", seats)]
        assert data(item)["channel"] is None, "nobody made an expiry"
        assert QUICK_HOLD_SECONDS - 0.5 <= waited <= QUICK_HOLD_SECONDS + 2.0, waited
        assert beats >= 1, "a heartbeat comment while nothing happened"
        statuses = httpx.get(f"{quick_server}/events/{event}").json()["tickets"]
        assert {t["ticketStatus"] for t in statuses if t["ticketID"] in seats} == {"AVAILABLE"}
    finally:
        raw.close()


# --- resuming ---------------------------------------------------------------------------------


def test_a_reconnect_with_last_event_id_gets_exactly_what_it_missed(
    live_server: str, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue()).id
    a, b, c = ticket_ids(live_server, event)[:3]
    first = RawStream(live_server, event)
    _, start = first.opening()
    first.close()
    with buyer(live_server, "gina") as gina, buyer(live_server, "hal") as hal:
        held = gina.hold(event, [a])
        hal.hold(event, [b])
        gina.release(held.booking_id)

        resumed = RawStream(live_server, event, last_event_id=start["id"])
        try:
            missed, position = resumed.opening()
            assert summary(missed) == [("held", [a]), ("held", [b]), ("released", [a])]
            assert position["id"] == missed[-1]["id"]
            hal.hold(event, [b, c])  # live after the replay: once, not repeated
            assert summary(resumed.changes(1)) == [("held", [b, c])]
        finally:
            resumed.close()

    later = RawStream(live_server, event, last_event_id=missed[0]["id"])
    try:
        replayed, _ = later.opening()
        assert [m["id"] for m in replayed[:2]] == [m["id"] for m in missed[1:]]
        assert summary(replayed) == [("held", [b]), ("released", [a]), ("held", [b, c])]
    finally:
        later.close()


def test_an_unknown_or_trimmed_away_id_gets_reload(
    live_server: str, catalog: Catalog, app: Flask
) -> None:
    event = catalog.event(catalog.venue()).id
    seats = ticket_ids(live_server, event)
    with buyer(live_server, "ivan") as ivan:
        for seat in seats[:3]:
            ivan.hold(event, [seat])
    probe = RawStream(live_server, event, last_event_id="1-0")
    try:
        missed, reload = probe.opening()
        head = reload["id"]
    finally:
        probe.close()
    assert missed == [] and reload["event"] == "reload"
    assert data(reload) == {
        "id": head,
        "kind": "reload",
        "eventID": event,
        "ticketIDs": [],
        "channel": None,
    }

    # What MAXLEN does to old entries after many changes: the replay cannot be complete.
    redis, key = (
        app.extensions["boxoffice.redis"],
        LiveKeys(app.config["REDIS_PREFIX"]).stream(event),
    )
    oldest_change = redis.xrange(key)[0][0].decode()
    redis.xtrim(key, maxlen=2, approximate=False)
    for last_event_id, expected in [
        (oldest_change, "reload"),
        ("not-an-id", "reload"),
        (head, None),
    ]:
        stream = RawStream(live_server, event, last_event_id=last_event_id)
        try:
            missed, opening = stream.opening()
        finally:
            stream.close()
        assert missed == []
        assert opening.get("event") == expected, last_event_id
        assert opening["id"] == head


def test_the_typed_client_resumes_after_the_network_drops_and_misses_nothing(
    live_server: str, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue()).id
    a, b = ticket_ids(live_server, event)[:2]
    raw = RawStream(live_server, event)
    _, start = raw.opening()
    watcher = Watcher(live_server, event, last_event_id=start["id"])
    try:
        with buyer(live_server, "judy") as judy, buyer(live_server, "ken") as ken:
            first = judy.hold(event, [a])
            assert watcher.next().ticket_ids == [a]
            watcher.network.drop()
            second = ken.hold(event, [b])
            judy.release(first.booking_id)
            time.sleep(0.5)  # the client notices and is reconnecting, held up by the network
            watcher.network.restore()
            ken.pay(second, {"method": "cash"})
        seen = [watcher.next() for _ in range(3)]
        assert [(c.kind, c.ticket_ids) for c in seen] == [
            (SeatChangeKind.HELD, [b]),
            (SeatChangeKind.RELEASED, [a]),
            (SeatChangeKind.BOOKED, [b]),
        ]
        everything = raw.changes(4)
        assert [m["id"] for m in everything[1:]] == [c.id for c in seen], "same IDs, no gap"
    finally:
        watcher.close()
        raw.close()


# --- several workers --------------------------------------------------------------------------


def test_changes_made_through_one_worker_reach_streams_served_by_the_others(
    live_server: str, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue()).id
    seats = ticket_ids(live_server, event)
    streams: list[RawStream] = []
    try:
        while len({s.server_pid() for s in streams}) < 2:
            assert len(streams) < 15, "gunicorn gave every stream to one worker"
            streams.append(RawStream(live_server, event))
            streams[-1].opening()
        expected = []
        for n in range(8):  # each through a new connection, so several workers take them
            response = httpx.post(
                f"{live_server}/bookings/{event}",
                json={"ticketIDs": [seats[n]]},
                headers=bearer(f"crowd-{n}"),
            )
            assert response.status_code == 201, response.text
            expected.append(("held", [seats[n]]))
            if n % 3 == 0:
                booking = response.json()["bookingID"]
                httpx.delete(f"{live_server}/bookings/{booking}", headers=bearer(f"crowd-{n}"))
                expected.append(("released", [seats[n]]))
        seen = [s.changes(len(expected)) for s in streams]
        assert all(summary(messages) == expected for messages in seen)
        assert len({tuple(m["id"] for m in messages) for messages in seen}) == 1
    finally:
        for stream in streams:
            stream.close()


def test_an_unknown_event_has_no_stream(live_server: str, catalog: Catalog) -> None:
    response = httpx.get(f"{live_server}/events/987654/stream")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "There is no event with ID 987654."
