"""Event search at 100,000 events: latency over real HTTP against a naive ``ILIKE`` scan.

The catalog is the generated one benchmarks share (``generated_events``: Zipf-weighted words,
so searches meet common and rare terms), loaded with COPY because the ordinary loader would
also create 300 tickets per event. A fixed, seeded mix of searches then runs against
``boxoffice serve`` and, to see where the time goes, in-process (no HTTP) with every SQL
statement timed; a sample also runs as the naive SQL a first version would have used.
"""

from __future__ import annotations

import http.client
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from flask import Flask
from flask.testing import FlaskClient

from bench._common import (
    BenchServices,
    StatementClock,
    fresh_database,
    in_process,
    make_app,
    markdown_table,
    median_summary,
    say,
    served,
    summarise,
)
from bench._machine import CpuWatch, describe_machine, machine_info, wait_for_quiet
from bench._search_sql import explain, load_events, match_counts, time_naive, what_if
from server.catalog.demo_data import DemoPerformer, demo_catalog

__all__ = ["SearchRequest", "request_mix", "run"]

EVENTS, QUICK_EVENTS = 100_000, 10_000
REQUESTS, QUICK_REQUESTS = 500, 120
WARMUP = 100
RUNS = 3
NAIVE_SAMPLE, QUICK_NAIVE_SAMPLE = 40, 20
TARGET_P95_MS = 15.0
WHAT_IF_QUERIES = ("night", "Manchester", "jazz night", "Glass Foxes", "gondolier")

# Chosen from the generated catalog; the report shows how many events each kind matches.
COMMON_WORDS = ("night", "family", "tour", "comedy", "orchestra", "live", "music", "opera")
RARE_WORDS = (
    "gondolier", "phosphorescent", "idomeneo", "pagliacci", "mingus",
    "lescaut", "kerfuffle", "oubliette", "samphire", "rusalka",
)  # fmt: skip
TWO_WORDS = (
    "jazz night", "string quartet", "swan lake", "magic flute", "piano concerto",
    "stand-up comedy", "beethoven symphony", "family musical",
)  # fmt: skip
CITIES = ("Manchester", "Dublin", "Galway", "Leeds", "Cardiff", "Glasgow")
KINDS = ("common word", "rare word", "two words", "performer", "city")
_KIND_WEIGHTS = (30, 15, 20, 20, 15)
_DATED_SHARE = 0.3
_SECOND_PAGE_SHARE = 0.15
_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search as a client sends it; ``page`` 2 follows the first page's ``nextCursor``."""

    kind: str
    query: str
    start: date | None = None
    end: date | None = None
    page: int = 1

    def params(self, cursor: str | None = None) -> dict[str, str]:
        params = {"searchQuery": self.query}
        if self.start and self.end:
            params |= {"startDate": self.start.isoformat(), "endDate": self.end.isoformat()}
        if cursor:
            params["nextCursor"] = cursor
        return params

    @property
    def groups(self) -> tuple[str, ...]:
        """The report rows this request counts in."""
        dated = "with a date range" if self.start else "no date range"
        return (self.kind, dated, "second page" if self.page == 2 else "first page", "all")


def request_mix(
    count: int, performers: Sequence[DemoPerformer], today: date, *, seed: int = 42
) -> list[SearchRequest]:
    """A fixed, seeded mix of realistic searches."""
    rng = random.Random(seed)
    names = [p.name for p in rng.sample(list(performers), 12)]
    words: dict[str, Sequence[str]] = {
        "common word": COMMON_WORDS,
        "rare word": RARE_WORDS,
        "two words": TWO_WORDS,
        "performer": names,
        "city": CITIES,
    }
    mix = []
    for _ in range(count):
        kind = rng.choices(KINDS, weights=_KIND_WEIGHTS)[0]
        query = rng.choice(words[kind])
        start = end = None
        if rng.random() < _DATED_SHARE:
            start = today + timedelta(days=rng.randrange(0, 700))
            end = start + timedelta(days=_WINDOW_DAYS - 1)  # endDate is inclusive
        page = 2 if rng.random() < _SECOND_PAGE_SHARE else 1
        mix.append(SearchRequest(kind, query, start, end, page))
    return mix


# --- Measuring ----------------------------------------------------------------------------


def time_floor(client: httpx.Client, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds of ``GET /venues?limit=1`` with httpx and with the standard library.

    What HTTP, gunicorn, Flask and one trivial query cost on their own; the difference
    between the two clients is httpx's own CPU time, which every HTTP number here includes.
    """
    with_httpx, with_stdlib = [], []
    for _ in range(count):
        began = time.perf_counter()
        client.get("/venues", params={"limit": "1"}).raise_for_status()
        with_httpx.append((time.perf_counter() - began) * 1000)
    connection = http.client.HTTPConnection(client.base_url.host, client.base_url.port)
    try:
        for _ in range(count):
            began = time.perf_counter()
            connection.request("GET", "/venues?limit=1")
            response = connection.getresponse()
            response.read()
            with_stdlib.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                raise RuntimeError(f"GET /venues?limit=1: HTTP {response.status}")
    finally:
        connection.close()
    return with_httpx, with_stdlib


def resolve_cursors(client: httpx.Client, mix: Sequence[SearchRequest]) -> list[str | None]:
    """The first page's ``nextCursor`` for each second-page request (None: no second page)."""
    cursors: list[str | None] = []
    for request in mix:
        cursor = None
        if request.page == 2:
            response = client.get("/events", params=request.params())
            response.raise_for_status()
            cursor = response.json()["nextCursor"]
        cursors.append(cursor)
    return cursors


def time_http(
    client: httpx.Client, mix: Sequence[SearchRequest], cursors: Sequence[str | None]
) -> list[float]:
    """Milliseconds per request, as a keep-alive client on the same machine sees them."""
    elapsed = []
    for request, cursor in zip(mix, cursors, strict=True):
        began = time.perf_counter()
        response = client.get("/events", params=request.params(cursor))
        elapsed.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{request}: HTTP {response.status_code} {response.text[:300]}")
    return elapsed


def time_in_process(
    client: FlaskClient,
    clock: StatementClock,
    mix: Sequence[SearchRequest],
    cursors: Sequence[str | None],
) -> tuple[list[float], list[float]]:
    """(whole request, its SQL statements) in milliseconds, without HTTP or gunicorn."""
    totals, sql = [], []
    for request, cursor in zip(mix, cursors, strict=True):
        clock.seconds = 0.0
        began = time.perf_counter()
        response = client.get("/events", query_string=request.params(cursor))
        totals.append((time.perf_counter() - began) * 1000)
        sql.append(clock.seconds * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{request}: HTTP {response.status_code}")
    return totals, sql


def captured_statement(app: Flask, query: str) -> tuple[str, Any]:
    """The search statement our endpoint runs for ``query``, with its parameters."""
    with in_process(app) as (client, clock):
        clock.capturing = True
        client.get("/events", query_string={"searchQuery": query})
    return next(sql for sql in clock.captured if "_vector @@" in sql[0])


def _grouped(mix: Sequence[SearchRequest], values: Sequence[float]) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for request, value in zip(mix, values, strict=True):
        for group in request.groups:
            groups[group].append(value)
    return groups


def _medians(runs: Sequence[dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    """Per group, each statistic's median over the runs."""
    return {
        group: median_summary(summarise(run[group]) for run in runs if group in run)
        for group in runs[0]
    }


# --- The benchmark ------------------------------------------------------------------------

ROW_ORDER = (*KINDS, "no date range", "with a date range", "first page", "second page", "all")


def run(services: BenchServices, *, quick: bool = False) -> dict[str, Any]:
    """Load, measure, print the Markdown report and return the results."""
    count = QUICK_EVENTS if quick else EVENTS
    now = datetime.now(UTC)
    catalog = demo_catalog(now)
    mix = request_mix(QUICK_REQUESTS if quick else REQUESTS, catalog.performers, now.date())
    warmup = request_mix(WARMUP, catalog.performers, now.date(), seed=7)
    runs: dict[str, list[Any]] = defaultdict(list)
    with fresh_database(services, "search") as url:
        say(f"search: loading {count:,} events")
        load = load_events(url, count, now)
        say(f"search: loaded in {load['total_s']:.1f} s {load}")
        machine = machine_info(services, url)
        matches = match_counts(url, ((r.kind, r.query) for r in mix))
        app = make_app(services, url)
        with (
            served(services, url) as base_url,
            httpx.Client(base_url=base_url, timeout=30) as client,
        ):
            time_http(client, warmup, [None] * len(warmup))
            cursors = resolve_cursors(client, mix)
            mix = [  # a second page only where the first page had a nextCursor
                r if c or r.page == 1 else SearchRequest(r.kind, r.query, r.start, r.end, 1)
                for r, c in zip(mix, cursors, strict=True)
            ]
            picked = random.Random(3).sample(
                range(len(mix)), QUICK_NAIVE_SAMPLE if quick else NAIVE_SAMPLE
            )
            sample = [mix[i] for i in picked]
            sample_cursors = [cursors[i] for i in picked]
            naive_sample = [(r.query, r.start, r.end, r.page) for r in sample]
            for number in range(1, RUNS + 1):
                if not quick:
                    wait_for_quiet(services)
                with CpuWatch(services) as watch:
                    say(f"search: run {number}/{RUNS}: {len(mix)} requests over HTTP")
                    floor_httpx, floor_stdlib = time_floor(client, 100)
                    runs["floor"].append(summarise(floor_httpx))
                    runs["floor_stdlib"].append(summarise(floor_stdlib))
                    runs["http"].append(_grouped(mix, time_http(client, mix, cursors)))
                    runs["http_sample"].append(
                        _grouped(sample, time_http(client, sample, sample_cursors))
                    )
                    say(f"search: run {number}/{RUNS}: the same in-process, SQL timed")
                    with in_process(app) as (test_client, clock):
                        if number == 1:
                            time_in_process(test_client, clock, warmup, [None] * len(warmup))
                        totals, sql = time_in_process(test_client, clock, mix, cursors)
                    runs["app"].append(_grouped(mix, totals))
                    runs["sql"].append(_grouped(mix, sql))
                    say(f"search: run {number}/{RUNS}: naive ILIKE SQL, {len(sample)} queries")
                    if number == 1:
                        time_naive(url, naive_sample[:10])
                    runs["naive"].append(_grouped(sample, time_naive(url, naive_sample)))
                runs["other_cores"].append(watch.other_cores)
        plans = {
            f"{kind} ({query})": explain(url, *captured_statement(app, query))
            for kind, query in (("common word", "night"), ("rare word", "gondolier"))
        }
        say("search: what-if orderings, SQL alone")
        alternatives = what_if(url, {q: captured_statement(app, q) for q in WHAT_IF_QUERIES})
    results: dict[str, Any] = {
        "benchmark": "search",
        "quick": quick,
        "events": count,
        "requests_per_run": len(mix),
        "runs": RUNS,
        "target_p95_ms": TARGET_P95_MS,
        "machine": machine,
        "other_processes_cores_per_run": runs["other_cores"],
        "load": load,
        "matches_per_kind": matches,
        "http": _medians(runs["http"]),
        "in_process": _medians(runs["app"]),
        "sql": _medians(runs["sql"]),
        "naive_sql_on_sample": _medians(runs["naive"]),
        "http_on_sample": _medians(runs["http_sample"]),
        "http_floor": median_summary(runs["floor"]),
        "http_floor_stdlib_client": median_summary(runs["floor_stdlib"]),
        "explain": plans,
        "what_if": alternatives,
    }
    results["target_met"] = results["http"]["all"]["p95"] < TARGET_P95_MS
    print(report(results))
    return results


def report(results: dict[str, Any]) -> str:
    """The Markdown that goes into docs/benchmarks.md."""
    http, app, sql = results["http"], results["in_process"], results["sql"]
    naive, sample = results["naive_sql_on_sample"], results["http_on_sample"]
    matches = results["matches_per_kind"]
    rows = [
        (
            group,
            int(http[group]["n"]),
            f"{matches[group]:,.0f}" if group in matches else "",
            http[group]["p50"],
            http[group]["p95"],
            http[group]["p99"],
            app[group]["p50"],
            sql[group]["p50"],
            sql[group]["p95"],
        )
        for group in ROW_ORDER
        if group in http
    ]
    latency = markdown_table(
        ("searches", "n", "events matched", "HTTP p50", "HTTP p95", "HTTP p99",
         "in-process p50", "SQL p50", "SQL p95"),
        rows,
    )  # fmt: skip
    baseline = markdown_table(
        ("searches (sample)", "n", "naive ILIKE SQL p50", "naive p95", "ours, HTTP p50",
         "ours, HTTP p95"),
        [
            (group, int(naive[group]["n"]), naive[group]["p50"], naive[group]["p95"],
             sample[group]["p50"], sample[group]["p95"])
            for group in ROW_ORDER
            if group in naive
        ],
    )  # fmt: skip
    alternatives = results["what_if"]["sql_p50_ms"]
    names = [name for name in next(iter(alternatives.values())) if name != "matches"]
    what_if_table = markdown_table(
        ("query", "events matched", *names),
        [
            (query, f"{row['matches']:,.0f}", *(row[name] for name in names))
            for query, row in alternatives.items()
        ],
    )
    verdict = "met" if results["target_met"] else "MISSED"
    if results["quick"]:
        verdict = f"not judged, a quick run has {results['events']:,} events; would be {verdict}"
    plans = "\n\n".join(
        f"EXPLAIN (ANALYZE, BUFFERS), {name}:\n\n```\n{plan}\n```"
        for name, plan in results["explain"].items()
    )
    return (
        f"## Search: {results['events']:,} events, {results['requests_per_run']} requests x "
        f"{results['runs']} runs (medians of runs, ms)\n\n"
        f"Machine: {describe_machine(results['machine'])}; other processes kept "
        f"{max(results['other_processes_cores_per_run']):.2f} cores busy at most during a run\n\n"
        f"Load: {results['load']['total_s']:.1f} s "
        f"({', '.join(f'{k} {v:.1f}' for k, v in results['load'].items())})\n\n"
        f"{latency}\n\nFloor, `GET /venues?limit=1` over HTTP: p50 "
        f"{results['http_floor']['p50']:.1f} ms, p95 {results['http_floor']['p95']:.1f} ms with "
        f"httpx; p50 {results['http_floor_stdlib_client']['p50']:.1f} ms, p95 "
        f"{results['http_floor_stdlib_client']['p95']:.1f} ms with http.client.\n\n"
        f"Baseline on a sample of the mix:\n\n{baseline}\n\n"
        f"SQL alone, p50 of 15 (ms): our statement as the server runs it (prepared; "
        f"PostgreSQL chose {results['what_if']['prepared_generic_plans']} generic and "
        f"{results['what_if']['prepared_custom_plans']} custom plans), unprepared, and "
        f"cheaper orderings:\n\n{what_if_table}\n\n"
        f"Target: p95 < {results['target_p95_ms']:.0f} ms over HTTP: {verdict} "
        f"(p95 {results['http']['all']['p95']:.1f} ms)\n\n{plans}\n"
    )
