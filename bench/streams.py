"""Thousands of open seat streams while selling (issue 6, "Serving for concurrency").

``boxoffice serve --workers 2`` with each gunicorn worker class, on a 5,000-seat event:

1. **holds alone**: ``HOLD_CLIENTS`` keep-alive clients hold one fresh seat each (a new user
   per hold) at ``HOLD_RATE`` holds/s in all, for ``ROUND_SECONDS``, ``ROUNDS`` times;
2. **open the crowd**: ``STREAMS`` SSE streams on the event, in batches of ``OPEN_BATCH``;
3. **holds elsewhere**: the same holds on another event, so the streams stay idle (heartbeats);
4. **holds under the crowd's eyes**: the same holds on the watched event — each hold is a
   ``held`` message to every stream.

Recorded: streams asked for, opened and still open at the end; whether every stream got
every hold; how long a hold took to reach the streams (hold sent → ``held`` seen, on
``PROBES`` streams that parse what they get); hold latency with and without the streams;
the workers' memory (RSS) and CPU. The streams are raw asyncio sockets in this process (one
event loop), which costs far less CPU than httpx would on a machine the server shares.

gthread gets ``GTHREAD_STREAMS`` streams: each one takes one of its 2 × 4 threads for good, so
past eight the streams wait, and so does every hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson
import psutil

from bench._booking_db import add_events, load_hall, ticket_ids
from bench._booking_http import RawConnection, bearer
from bench._common import (
    BenchServices,
    _free_port,
    _stop,
    _wait_until_answering,
    fresh_database,
    markdown_table,
    say,
    serve_environment,
    summarise,
)
from bench._machine import CpuWatch, machine_info, wait_for_quiet
from server.auth import issue_token

__all__ = ["run"]

WORKERS = 2
STREAMS, QUICK_STREAMS = 2_000, 300
GTHREAD_STREAMS = 40
HOLD_CLIENTS = 4
HOLD_RATE = 10.0
"""Holds per second in all: with 2,000 streams that is 20,000 messages a second to send."""
ROUND_SECONDS, QUICK_ROUND_SECONDS = 10.0, 4.0
ROUNDS, QUICK_ROUNDS = 3, 1
PROBES = 40
OPEN_BATCH = 100
OPEN_TIMEOUT = 10.0
HOLD_TIMEOUT = 5.0


# --- the server -------------------------------------------------------------------------------


@contextlib.contextmanager
def _serve(
    services: BenchServices, database_url: str, worker_class: str
) -> Iterator[tuple[str, int]]:
    """``boxoffice serve --workers 2 --worker-class …`` on a free port; yields (URL, pid)."""
    port = _free_port()
    log_path = services.data_dir / f"serve-{port}.log"
    env = serve_environment(services, database_url) | {
        "BOXOFFICE_RATE_LIMITS": "off",  # 10 holds/s from one address for minutes, on purpose
    }
    command = [sys.executable, "-c", "from server.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", str(WORKERS), "--worker-class", worker_class]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url, process, log_path)
        say(f"boxoffice serve --worker-class {worker_class} answers on {base_url}")
        yield base_url, process.pid
    finally:
        started = time.monotonic()
        _stop(process)
        say(f"stopped in {time.monotonic() - started:.1f} s")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _workers(serve_pid: int) -> list[psutil.Process]:
    """gunicorn's workers: the grandchildren of ``boxoffice serve``."""
    found = []
    for child in psutil.Process(serve_pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.parent() and "gunicorn" in " ".join(child.parent().cmdline()):
                found.append(child)
    return found


def _rss_mib(workers: list[psutil.Process]) -> float:
    return float(sum(worker.memory_info().rss for worker in workers)) / 2**20


def _cpu_seconds(workers: list[psutil.Process]) -> float:
    return float(sum(sum(worker.cpu_times()[:2]) for worker in workers))


# --- streams ----------------------------------------------------------------------------------


class _Stream(asyncio.Protocol):
    """One SSE connection: counts messages; a probe also notes when it first saw each seat."""

    def __init__(self, request: bytes, seen: dict[int, float] | None) -> None:
        self.request = request
        self.status: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.open = False
        self.messages = 0
        self.seen = seen
        self.transport: asyncio.Transport | None = None
        self._head = bytearray()
        self._tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        if not self.status.done():
            self._head += data
            end = self._head.find(b"\r\n\r\n")
            if end < 0:
                return
            self.open = self._head.startswith(b"HTTP/1.1 200")
            self.status.set_result(int(self._head[9:12]))
            data = bytes(self._head[end + 4 :])
        self.messages += data.count(b"\nevent: ")
        if self.seen is not None:
            self._note(data)

    def _note(self, data: bytes) -> None:
        now = time.perf_counter()
        *lines, self._tail = (self._tail + data).split(b"\n")
        for line in lines:
            if line.startswith(b"data: "):
                change = orjson.loads(line[6:])
                if change["kind"] == "held":
                    for ticket in change["ticketIDs"]:
                        self.seen.setdefault(ticket, now)  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.status.done():
            self.status.set_result(0)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _open_streams(base_url: str, event_id: int, count: int) -> list[_Stream]:
    """``count`` streams, ``OPEN_BATCH`` at a time; the first ``PROBES`` parse what they get."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"GET /events/{event_id}/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    streams: list[_Stream] = []
    for start in range(0, count, OPEN_BATCH):
        batch = [
            _Stream(request, {} if len(streams) + n < PROBES else None)
            for n in range(min(OPEN_BATCH, count - start))
        ]
        await asyncio.gather(
            *(loop.create_connection(lambda s=s: s, host, port) for s in batch),  # type: ignore[misc]
            return_exceptions=True,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(s.status for s in batch if s.transport)), OPEN_TIMEOUT
            )
        streams += batch
    return streams


# --- holds ------------------------------------------------------------------------------------


@dataclass
class _Holds:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    timeouts: int = 0
    sent_at: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0


async def _hold_round(
    base_url: str, event_id: int, seats: Iterator[int], tokens: Iterator[str], seconds: float
) -> _Holds:
    """``HOLD_RATE`` holds a second from ``HOLD_CLIENTS`` clients, one fresh seat and user each."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = f"/bookings/{event_id}"
    result = _Holds()
    interval = HOLD_CLIENTS / HOLD_RATE
    began = time.perf_counter()
    end = began + seconds

    async def client(offset: float) -> None:
        connection = RawConnection(host, port)
        due = began + offset
        while (now := time.perf_counter()) < end:
            await asyncio.sleep(max(0.0, due - now))
            due += interval
            seat = next(seats)
            body = orjson.dumps({"ticketIDs": [seat]})
            result.sent_at[seat] = time.perf_counter()
            try:
                answer = await asyncio.wait_for(
                    connection.request("POST", path, body, bearer(next(tokens))), HOLD_TIMEOUT
                )
            except (TimeoutError, ConnectionError):
                result.timeouts += 1
                connection.close()
                connection = RawConnection(host, port)
                continue
            result.latencies_ms.append(answer.milliseconds)
            result.statuses[answer.status] += 1
        connection.close()

    await asyncio.gather(*(client(n * interval / HOLD_CLIENTS) for n in range(HOLD_CLIENTS)))
    result.seconds = time.perf_counter() - began
    return result


def _hold_summary(rounds: list[_Holds]) -> dict[str, Any]:
    latencies = [ms for r in rounds for ms in r.latencies_ms]
    statuses: Counter[int] = sum((r.statuses for r in rounds), Counter())
    seconds = sum(r.seconds for r in rounds)
    return {
        **summarise(latencies),
        "held_per_second": statuses[201] / seconds if seconds else 0.0,
        "statuses": dict(statuses),
        "timeouts": sum(r.timeouts for r in rounds),
    }


# --- one worker class -------------------------------------------------------------------------


async def _measure(
    services: BenchServices,
    base_url: str,
    serve_pid: int,
    event_id: int,
    other_event: tuple[int, Iterator[int]],
    seats: Iterator[int],
    tokens: Iterator[str],
    *,
    streams_wanted: int,
    rounds: int,
    seconds: float,
) -> dict[str, Any]:
    workers = _workers(serve_pid)
    result: dict[str, Any] = {"streams_wanted": streams_wanted, "rss_mib_idle": _rss_mib(workers)}

    say(f"holds alone: {rounds} × {seconds:.0f} s at {HOLD_RATE:.0f}/s")
    alone = []
    with CpuWatch(services) as watch:
        for _ in range(rounds):
            alone.append(await _hold_round(base_url, event_id, seats, tokens, seconds))
    result["holds_alone"] = _hold_summary(alone) | {"other_cores": watch.other_cores}

    say(f"opening {streams_wanted} streams")
    began = time.perf_counter()
    streams = await _open_streams(base_url, event_id, streams_wanted)
    result["opened"] = sum(s.open for s in streams)
    result["open_seconds"] = time.perf_counter() - began
    result["rss_mib_streams"] = _rss_mib(workers)
    say(f"{result['opened']} of {streams_wanted} opened in {result['open_seconds']:.1f} s")

    say(f"holds on another event while the streams idle: {rounds} × {seconds:.0f} s")
    idle = []
    with CpuWatch(services) as watch:
        for _ in range(rounds):
            idle.append(
                await _hold_round(base_url, other_event[0], other_event[1], tokens, seconds)
            )
    result["holds_streams_idle"] = _hold_summary(idle) | {"other_cores": watch.other_cores}

    say(f"holds on the watched event: {rounds} × {seconds:.0f} s")
    counted_before = [s.messages for s in streams]
    cpu_before, wall_before = _cpu_seconds(workers), time.perf_counter()
    client_before = time.process_time()
    crowd = []
    with CpuWatch(services) as watch:
        for _ in range(rounds):
            crowd.append(await _hold_round(base_url, event_id, seats, tokens, seconds))
        await asyncio.sleep(1.0)  # the last messages on their way
    wall = time.perf_counter() - wall_before
    result["holds_with_streams"] = _hold_summary(crowd) | {"other_cores": watch.other_cores}
    result["worker_cores_with_streams"] = (_cpu_seconds(workers) - cpu_before) / wall
    result["client_cores_with_streams"] = (time.process_time() - client_before) / wall
    result["rss_mib_end"] = _rss_mib(workers)

    held = sum(r.statuses[201] for r in crowd)
    opened = [(s, before) for s, before in zip(streams, counted_before, strict=True) if s.open]
    result["still_open"] = len(opened)
    result["holds_made_with_streams"] = held
    result["streams_with_every_hold"] = sum(s.messages - before >= held for s, before in opened)
    sent = {seat: t for r in crowd for seat, t in r.sent_at.items()}
    delays = [
        (seen - sent[seat]) * 1000
        for s, _ in opened
        if s.seen is not None
        for seat, seen in s.seen.items()
        if seat in sent
    ]
    result["delivery_ms"] = summarise(delays)
    for stream in streams:
        stream.close()
    return result


def run(services: BenchServices, *, quick: bool = False) -> dict[str, Any]:
    rounds = QUICK_ROUNDS if quick else ROUNDS
    seconds = QUICK_ROUND_SECONDS if quick else ROUND_SECONDS
    streams = QUICK_STREAMS if quick else STREAMS
    plan = {"gevent": streams, "gthread": GTHREAD_STREAMS}
    with fresh_database(services, "streams") as database_url:
        venue = load_hall(database_url)
        events = add_events(database_url, venue, 2 * len(plan), "streams")
        holds_needed = int(HOLD_RATE * seconds * rounds * 3 * 1.5) + 100
        say(f"issuing {holds_needed * len(plan)} tokens")
        tokens = iter(
            [
                issue_token(f"streams-{n}", services.jwt_secret)
                for n in range(holds_needed * len(plan))
            ]
        )
        results: dict[str, Any] = {
            "machine": machine_info(services, database_url),
            "settings": {
                "workers": WORKERS,
                "hold_rate": HOLD_RATE,
                "hold_clients": HOLD_CLIENTS,
                "round_seconds": seconds,
                "rounds": rounds,
                "probes": PROBES,
            },
            "worker_classes": {},
        }
        for (worker_class, wanted), event_id, other_id in zip(
            plan.items(), events[::2], events[1::2], strict=True
        ):
            seats = iter(ticket_ids(database_url, event_id))
            other = (other_id, iter(ticket_ids(database_url, other_id)))
            wait_for_quiet(services)
            with _serve(services, database_url, worker_class) as (base_url, pid):
                results["worker_classes"][worker_class] = asyncio.run(
                    _measure(
                        services,
                        base_url,
                        pid,
                        event_id,
                        other,
                        seats,
                        tokens,
                        streams_wanted=wanted,
                        rounds=rounds if worker_class == "gevent" else 1,
                        seconds=seconds,
                    )
                )
    results["report"] = report(results)
    print(results["report"])
    return results


def report(results: Mapping[str, Any]) -> str:
    """The Markdown tables of docs/benchmarks.md."""
    rows, holds = [], []
    for name, r in results["worker_classes"].items():
        rows.append(
            [
                name,
                r["streams_wanted"],
                r["opened"],
                r["still_open"],
                f"{r['streams_with_every_hold']} / {r['still_open']}",
                f"{r['delivery_ms']['p50']:.0f} / {r['delivery_ms']['p99']:.0f}",
                f"{r['rss_mib_idle']:.0f} → {r['rss_mib_streams']:.0f} → {r['rss_mib_end']:.0f}",
                f"{r['worker_cores_with_streams']:.2f}",
                f"{r['client_cores_with_streams']:.2f}",
            ]
        )
        for phase, label in (
            ("holds_alone", "no stream open"),
            ("holds_streams_idle", "streams open, idle"),
            ("holds_with_streams", "every hold sent to every stream"),
        ):
            h = r[phase]
            holds.append(
                [
                    name,
                    label,
                    h["n"],
                    f"{h['held_per_second']:.1f}",
                    h["p50"],
                    h["p95"],
                    h["p99"],
                    h["timeouts"],
                    f"{h['other_cores']:.2f}",
                ]
            )
    return "\n\n".join(
        [
            markdown_table(
                [
                    "workers",
                    "streams asked",
                    "opened",
                    "open at end",
                    "got every hold",
                    "hold → stream p50 / p99 (ms)",
                    "workers' RSS idle → open → end (MiB)",
                    "worker CPU (cores)",
                    "load generator CPU (cores)",
                ],
                rows,
            ),
            markdown_table(
                [
                    "workers",
                    "holds while",
                    "n",
                    "held/s",
                    "p50 (ms)",
                    "p95 (ms)",
                    "p99 (ms)",
                    f"timeouts (> {HOLD_TIMEOUT:.0f} s)",
                    "other processes (cores)",
                ],
                holds,
            ),
        ]
    )
