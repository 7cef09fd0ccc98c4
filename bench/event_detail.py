"""``GET /events/{eventID}`` for a 50,000-seat stadium event: latency and size per view.

The stadium and one event at it are loaded the ordinary way (``add_venue``, ``add_event``:
one ticket per place), then each view is fetched over real HTTP from ``boxoffice serve``:
the full seat list with and without gzip, the per-section summary, and a revalidation with
``If-None-Match``. Time is to the last byte of the body, which is counted as sent (not
decompressed). One full request is then profiled in-process to show where the time goes.
"""

from __future__ import annotations

import cProfile
import gc
import gzip
import io
import pstats
import statistics
import sysconfig
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench._common import (
    BenchServices,
    fresh_database,
    in_process,
    libpq,
    make_app,
    markdown_table,
    median_summary,
    say,
    served,
    summarise,
)
from bench._machine import CpuWatch, describe_machine, machine_info, wait_for_quiet
from server.catalog.demo import SEATMAPS_DIR, prices_for
from server.catalog.loading import add_event, add_performer, add_venue
from shared.seatmap import load_seatmap

__all__ = ["VIEWS", "View", "load_stadium_event", "run"]

RUNS = 3
WARMUP = 3
PROFILED = 3
TARGET_P50_MS = 150.0
_REPO_ROOT = Path(__file__).resolve().parents[1]
_STADIUM_PRICES = tuple(Decimal(p) for p in ("145", "95", "75", "55", "35"))


@dataclass(frozen=True, slots=True)
class View:
    """One way of asking for the event; ``requests`` per run (``quick`` per quick run)."""

    name: str
    params: Mapping[str, str]
    headers: Mapping[str, str]
    requests: int
    quick: int
    revalidate: bool = False


# Every view of this event takes hundreds of milliseconds, so the full views get the 50
# requests the brief allows for slow ones (17 per run) and the others 200 (67 per run).
VIEWS = (
    View("full, gzip", {}, {"Accept-Encoding": "gzip"}, 17, 3),
    View("full, no gzip", {}, {"Accept-Encoding": "identity"}, 17, 3),
    View("summary, gzip", {"view": "summary"}, {"Accept-Encoding": "gzip"}, 67, 6),
    View("If-None-Match, gzip", {}, {"Accept-Encoding": "gzip"}, 67, 6, revalidate=True),
)


def load_stadium_event(database_url: str) -> tuple[int, int, dict[str, float]]:
    """The stadium layout and one event with a price for every category: (event id, places)."""
    seatmap = load_seatmap(SEATMAPS_DIR / "stadium.json")
    timings: dict[str, float] = {}
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            began = time.perf_counter()
            venue = add_venue(session, "Harrowfield Stadium", "London, UK", seatmap)
            timings["add_venue_s"] = time.perf_counter() - began
            headliner = add_performer(session, "Ironbridge", "Stadium rock veterans.")
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
            began = time.perf_counter()
            event = add_event(
                session,
                venue,
                title="Ironbridge: Thirty Years Live",
                description="Stadium rock veterans celebrating thirty years of arena riffs.",
                start_time=start,
                end_time=start + timedelta(hours=3),
                prices=prices_for(seatmap, _STADIUM_PRICES),
                performers=[headliner],
            )
            timings["add_event_s"] = time.perf_counter() - began
            session.commit()
            return event.id, seatmap.capacity, timings
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int
    milliseconds: float
    wire_bytes: int
    headers: httpx.Headers


def fetch(client: httpx.Client, path: str, view: View, etag: str | None = None) -> Fetched:
    """One request, timed to the last byte; the body is read raw (still compressed)."""
    headers = dict(view.headers)
    if etag:
        headers["If-None-Match"] = etag
    began = time.perf_counter()
    with client.stream("GET", path, params=dict(view.params), headers=headers) as response:
        size = sum(len(chunk) for chunk in response.iter_raw())
    elapsed = (time.perf_counter() - began) * 1000
    return Fetched(response.status_code, elapsed, size, response.headers)


def measure_view(
    client: httpx.Client, path: str, view: View, count: int, *, warmup: int = 0
) -> tuple[list[float], Fetched]:
    """Milliseconds of ``count`` requests after ``warmup`` untimed ones, and the last response."""
    etag = None
    if view.revalidate:
        etag = fetch(client, path, VIEWS[0]).headers.get("ETag")
        if not etag:
            raise RuntimeError("the full view sent no ETag to revalidate with")
    expected = 304 if view.revalidate else 200
    for _ in range(warmup):
        fetch(client, path, view, etag)
    elapsed = []
    last = None
    for _ in range(count):
        last = fetch(client, path, view, etag)
        if last.status != expected:
            raise RuntimeError(f"{view.name}: HTTP {last.status}, expected {expected}")
        elapsed.append(last.milliseconds)
    assert last is not None
    return elapsed, last


def profile_full_view(app: Flask, event_id: int) -> tuple[str, dict[str, float]]:
    """One full, gzipped request in-process: timed with and without the cyclic GC, profiled.

    50,000 ticket dicts set off many garbage collections, which cProfile charges to whatever
    allocated; timing with ``gc`` off shows their share.
    """
    path, headers = f"/events/{event_id}", {"Accept-Encoding": "gzip"}
    sql: list[float] = []
    with in_process(app) as (client, clock):

        def once() -> float:
            clock.seconds = 0.0
            began = time.perf_counter()
            client.get(path, headers=headers)
            sql.append(clock.seconds * 1000)
            return (time.perf_counter() - began) * 1000

        once()
        with_gc = statistics.median(once() for _ in range(PROFILED))
        gc.disable()
        try:
            without_gc = statistics.median(once() for _ in range(PROFILED))
        finally:
            gc.enable()
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(path, headers=headers)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    split = {
        "in_process_ms": with_gc,
        "in_process_gc_off_ms": without_gc,
        "sql_statements_ms": statistics.median(sql),
    }
    return _trim_profile(text.getvalue()), split


def _trim_profile(text: str) -> str:
    """pstats output without the long install prefixes."""
    paths = sysconfig.get_paths()
    for prefix in (paths["purelib"], paths["platlib"], paths["stdlib"], str(_REPO_ROOT)):
        text = text.replace(prefix + "/", "")
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


# --- What would make it fast: the pieces of cheaper designs, timed on the same event -------

_TICKETS = (
    "SELECT id, seat_id, seat_number, section, row, category, price::text, status "
    "FROM tickets WHERE event_id = %s ORDER BY id"
)
_STATUS_LETTERS = (
    "SELECT string_agg(CASE status WHEN 'BOOKED' THEN 'B' ELSE 'A' END, '' ORDER BY id) "
    "FROM tickets WHERE event_id = %s"
)
_VALIDATOR = (
    "SELECT count(*) FILTER (WHERE status = 'BOOKED'), sum(version) FROM tickets "
    "WHERE event_id = %s"
)
_KEYS = ("ticketID", "seatID", "seatNumber", "section", "row", "category", "price")
_STATUS_JSON = {"A": b'"AVAILABLE"}', "B": b'"BOOKED"}', "R": b'"RESERVED"}'}


def what_if(database_url: str, event_id: int, repeats: int = 7) -> dict[str, float]:
    """p50 milliseconds of the building blocks of cheaper designs (prototypes, not our code).

    "lean" keeps today's design but skips SQLAlchemy rows and enums; "skeleton" keeps the
    immutable part of each ticket's JSON per event (it never changes once the event exists)
    and adds only the statuses, fetched as one letter per seat.
    """

    def p50(work: Callable[[], object]) -> float:
        elapsed = []
        for _ in range(repeats):
            began = time.perf_counter()
            work()
            elapsed.append((time.perf_counter() - began) * 1000)
        return statistics.median(elapsed)

    with psycopg.connect(libpq(database_url)) as conn:

        def lean() -> bytes:
            rows = conn.execute(_TICKETS, (event_id,)).fetchall()
            tickets = [
                {**dict(zip(_KEYS, row[:7], strict=True)), "ticketStatus": row[7]} for row in rows
            ]
            return orjson.dumps({"tickets": tickets})

        rows = conn.execute(_TICKETS, (event_id,)).fetchall()
        skeleton = [orjson.dumps(dict(zip(_KEYS, row[:7], strict=True)))[:-1] for row in rows]

        def from_skeleton() -> bytes:
            row = conn.execute(_STATUS_LETTERS, (event_id,)).fetchone()
            letters = row[0] if row else ""
            parts = (
                head + b',"ticketStatus":' + _STATUS_JSON[letter]
                for head, letter in zip(skeleton, letters, strict=True)
            )
            return b"[" + b",".join(parts) + b"]"

        body = lean()
        return {
            "validator query (count booked, sum of versions)": p50(
                lambda: conn.execute(_VALIDATOR, (event_id,)).fetchone()
            ),
            "statuses as one string (string_agg)": p50(
                lambda: conn.execute(_STATUS_LETTERS, (event_id,)).fetchone()
            ),
            "lean: psycopg tuples, dicts, orjson": p50(lean),
            "skeleton + statuses joined": p50(from_skeleton),
            "skeleton + statuses joined + gzip 1": p50(lambda: gzip.compress(from_skeleton(), 1)),
            "gzip level 4 of the full JSON (today)": p50(lambda: gzip.compress(body, 4)),
            "gzip level 1 of the full JSON": p50(lambda: gzip.compress(body, 1)),
            "gzip level 1 size, bytes": float(len(gzip.compress(body, 1))),
        }


def run(services: BenchServices, *, quick: bool = False) -> dict[str, Any]:
    """Load the stadium event, measure every view, profile, print the Markdown report."""
    with fresh_database(services, "detail") as url:
        say("event-detail: loading the stadium and one event")
        event_id, places, load = load_stadium_event(url)
        say(f"event-detail: {places:,} places loaded {load}")
        machine = machine_info(services, url)
        path = f"/events/{event_id}"
        per_view: dict[str, list[dict[str, float]]] = {view.name: [] for view in VIEWS}
        sizes: dict[str, dict[str, Any]] = {}
        other_cores: list[float] = []
        with (
            served(services, url) as base_url,
            httpx.Client(base_url=base_url, timeout=60) as client,
        ):
            for number in range(1, RUNS + 1):
                if not quick:
                    wait_for_quiet(services)
                with CpuWatch(services) as watch:
                    for view in VIEWS:
                        count = view.quick if quick else view.requests
                        say(f"event-detail: run {number}/{RUNS}: {view.name} x {count}")
                        warmup = WARMUP if number == 1 else 0
                        elapsed, last = measure_view(client, path, view, count, warmup=warmup)
                        per_view[view.name].append(summarise(elapsed))
                        sizes[view.name] = {
                            "status": last.status,
                            "wire_bytes": last.wire_bytes,
                            "content_encoding": last.headers.get("Content-Encoding", "none"),
                        }
                other_cores.append(watch.other_cores)
            plain = client.get(path, headers={"Accept-Encoding": "identity"})
            sizes["full, no gzip"]["json_bytes"] = len(plain.content)
            tickets = len(plain.json()["tickets"])
        say("event-detail: profiling one full request in-process")
        profile, split = profile_full_view(make_app(services, url), event_id)
        say("event-detail: what-if building blocks")
        alternatives = what_if(url, event_id)
    medians = {name: median_summary(runs) for name, runs in per_view.items()}
    results: dict[str, Any] = {
        "benchmark": "event-detail",
        "quick": quick,
        "places": places,
        "tickets_in_response": tickets,
        "runs": RUNS,
        "target_p50_ms": TARGET_P50_MS,
        "machine": machine,
        "other_processes_cores_per_run": other_cores,
        "load": load,
        "views": medians,
        "sizes": sizes,
        "profile_split": split,
        "profile": profile,
        "what_if_p50_ms": alternatives,
    }
    results["target_met"] = medians["full, gzip"]["p50"] < TARGET_P50_MS
    print(report(results))
    return results


def report(results: dict[str, Any]) -> str:
    """The Markdown that goes into docs/benchmarks.md."""
    views, sizes = results["views"], results["sizes"]
    table = markdown_table(
        ("view", "n", "status", "p50 ms", "p95 ms", "bytes sent", "encoding"),
        [
            (
                name,
                int(stats["n"]),
                sizes[name]["status"],
                stats["p50"],
                stats["p95"],
                f"{sizes[name]['wire_bytes']:,}",
                sizes[name]["content_encoding"],
            )
            for name, stats in views.items()
        ],
    )
    what_if_table = markdown_table(
        ("building block (prototype)", "p50 ms"),
        [
            (name, f"{value:,.0f}" if name.endswith("bytes") else value)
            for name, value in results["what_if_p50_ms"].items()
        ],
    )
    verdict = "met" if results["target_met"] else "MISSED"
    if results["quick"]:
        verdict += " (quick run: few requests)"
    return (
        f"## Event detail: {results['places']:,} places, {results['runs']} runs "
        f"(medians of runs)\n\n"
        f"Machine: {describe_machine(results['machine'])}; other processes kept "
        f"{max(results['other_processes_cores_per_run']):.2f} cores busy at most during a run\n\n"
        f"Load: {', '.join(f'{k} {v:.1f}' for k, v in results['load'].items())}; "
        f"JSON of the full view: {sizes['full, no gzip']['json_bytes']:,} bytes, "
        f"{results['tickets_in_response']:,} tickets\n\n{table}\n\n"
        f"Target: full view p50 < {results['target_p50_ms']:.0f} ms: {verdict} "
        f"(p50 {views['full, gzip']['p50']:.1f} ms with gzip)\n\n"
        f"Cheaper designs, their pieces timed directly on this event:\n\n{what_if_table}\n\n"
        f"One full gzipped request in-process (median of {PROFILED}): "
        f"{results['profile_split']['in_process_ms']:.1f} ms, with the garbage collector off "
        f"{results['profile_split']['in_process_gc_off_ms']:.1f} ms; its SQL statements "
        f"(execution and transfer, before any row becomes a Python object) "
        f"{results['profile_split']['sql_statements_ms']:.1f} ms. cProfile of another:\n\n"
        f"```\n{results['profile']}\n```\n"
    )
