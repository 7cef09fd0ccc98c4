"""Holds and confirmations over real HTTP, 50 concurrent clients, several gunicorn workers.

Per round, on ``boxoffice serve --workers N`` with fresh 5,000-seat events:

- **hot**: all clients ask for the same 100 seats, one per request, each request a new user,
  for a fixed time (``wrk``; an asyncio client if wrk is not installed);
- **spread**: each client holds 1-4 random seats it believes free until the event is full;
- **confirm**: 1,000 two-seat bookings are held, then paid by the 50 clients, half in cash
  and half by card through the payment simulator.

Rounds run at 2, 3 and 4 workers, then twice more at the best, so the headline numbers are
medians of 3 rounds. After each workload the database and Redis are checked: no seat held
twice, every contested seat won once, every paid booking's tickets booked once. CPU time is
read from the processes (app, payment simulator, PostgreSQL, Redis, the load generator).
Last, pgbench runs the SQL of one hold on its own, for the ratio to the raw database.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench._booking_cpu import PARTS, CpuMeter
from bench._booking_db import (
    HALL_SEATS,
    add_events,
    check_confirmations,
    check_hot,
    check_spread,
    load_hall,
    serialization_failures,
    ticket_ids,
    transactions,
)
from bench._booking_load import (
    CLIENTS,
    Tokens,
    WorkloadResult,
    confirm,
    hold_for_payment,
    hot_python,
    spread,
)
from bench._booking_pgbench import pgbench_binary, pgbench_database, run_pgbench
from bench._booking_report import report
from bench._booking_summary import (
    HOT_SEATS,
    TARGETS,
    best_workers,
    headline,
    integrity,
    verdicts,
)
from bench._booking_wrk import run_wrk, wrk_binary
from bench._common import BenchServices, fresh_database, say, served, summarise
from bench._machine import CpuWatch, machine_info, wait_for_quiet
from server.auth import issue_token

__all__ = ["TARGETS", "run"]

WORKER_COUNTS, QUICK_WORKER_COUNTS = (2, 3, 4), (2,)
EXTRA_RUNS = 2  # at the best worker count, for a median of 3
HOT_SECONDS, QUICK_HOT_SECONDS = 11, 5  # > 10 s: PostgreSQL's idle backends report by then
CONFIRMATIONS, QUICK_CONFIRMATIONS = 500, 200
PGBENCH_RUNS, QUICK_PGBENCH_RUNS = 3, 1
PGBENCH_SECONDS, QUICK_PGBENCH_SECONDS = 8, 4
TOKENS, QUICK_TOKENS = 50_000, 20_000
QUIET_TIMEOUT = 10.0


def _issue_tokens(services: BenchServices, count: int) -> tuple[Tokens, Path]:
    """One token per user, reused across events (a user holds at most once per event)."""
    users = [f"bench-{n}" for n in range(count)]
    tokens = [issue_token(user, services.jwt_secret) for user in users]
    path = services.data_dir / "tokens.txt"
    path.write_text("\n".join(tokens) + "\n")
    return Tokens(users, tokens), path


def _per_request(cpu: Mapping[str, float], requests: int) -> dict[str, float]:
    """CPU milliseconds per request, per part of the stack."""
    return {part: cpu[part] * 1000 / max(requests, 1) for part in PARTS}


def _cores(cpu: Mapping[str, float], seconds: float) -> dict[str, float]:
    return {part: cpu[part] / max(seconds, 1e-9) for part in PARTS}


def _client_side(result: WorkloadResult) -> dict[str, Any]:
    requests = sum(result.statuses.values())
    return {
        "seconds": result.seconds,
        "requests": requests,
        "requests_per_s": requests / result.seconds,
        "statuses": dict(result.statuses),
        "latency_ms": summarise(result.latencies_ms),
        "unexpected": result.other,
    }


# --- The workloads of one round ---------------------------------------------------------


def _hot(
    services: BenchServices,
    url: str,
    base_url: str,
    meter: CpuMeter,
    event_id: int,
    tokens: Tokens,
    tokens_file: Path,
    seconds: float,
) -> dict[str, Any]:
    seats = ticket_ids(url, event_id)[:HOT_SEATS]
    tokens.restart()
    xacts, before = transactions(url), meter.sample()
    if wrk_binary():
        out = run_wrk(base_url, event_id, seats, tokens_file, seconds=seconds, connections=CLIENTS)
        statuses: Counter[int] = out["statuses"]
        results: dict[str, Any] = {
            "generator": "wrk",
            "seconds": out["seconds"],
            "requests": out["requests"],
            "statuses": dict(statuses),
            "latency_ms": out["latency_ms"],
            "unexpected": [f"{out['out_of_tokens']} requests without a token"]
            if out["out_of_tokens"]
            else [],
            "socket_errors": out["socket_errors"] + out["timeouts"],
        }
    else:
        result = asyncio.run(hot_python(base_url, event_id, seats, tokens, seconds=seconds))
        statuses = result.statuses
        results = {"generator": "asyncio (wrk not installed)", **_client_side(result)}
        results["socket_errors"] = 0
    cpu = meter.sample() - before
    postgres_transactions = transactions(url) - xacts
    requests = results["requests"]
    results |= {
        "answers_per_s": requests / results["seconds"],
        "won": statuses.get(201, 0),
        "refused": statuses.get(409, 0),
        "other": requests - statuses.get(201, 0) - statuses.get(409, 0),
        "postgres_transactions": postgres_transactions,
        "cpu_ms_per_request": _per_request(cpu, requests),
        "cores": _cores(cpu, results["seconds"]),
        "check": check_hot(url, event_id, seats),
    }
    return results


def _spread(
    services: BenchServices,
    url: str,
    base_url: str,
    meter: CpuMeter,
    event_id: int,
    tokens: Tokens,
    seed: int,
) -> dict[str, Any]:
    tokens.restart()
    before = meter.sample()
    result = asyncio.run(spread(base_url, event_id, tokens, seed=seed))
    cpu = meter.sample() - before
    results = _client_side(result)
    requests = results["requests"]
    results |= {
        "seats_held": result.seats_won,
        "seats_per_s": result.seats_won / result.seconds,
        "holds_per_s": result.statuses.get(201, 0) / result.seconds,
        "conflicts": result.statuses.get(409, 0),
        "errors": requests - result.statuses.get(201, 0) - result.statuses.get(409, 0),
        "refreshes": result.refreshes,
        "refresh_ms": summarise(result.refresh_ms),
        "cpu_ms_per_request": _per_request(cpu, requests),
        "cpu_ms_per_hold": _per_request(cpu, result.statuses.get(201, 0)),
        "cores": _cores(cpu, result.seconds),
        "check": check_spread(services, url, event_id, result.won),
    }
    return results


def _confirm(
    services: BenchServices,
    url: str,
    base_url: str,
    meter: CpuMeter,
    event_id: int,
    tokens: Tokens,
    count: int,
) -> dict[str, Any]:
    tokens.restart()
    seats = ticket_ids(url, event_id)[: 2 * count]
    held, holding = asyncio.run(hold_for_payment(base_url, event_id, seats, tokens, seats=2))
    failures, before = serialization_failures(services), meter.sample()
    result, paid = asyncio.run(confirm(base_url, held, tokens))
    cpu = meter.sample() - before
    retries = serialization_failures(services)
    results = _client_side(result)
    requests = results["requests"]
    confirmed = sum(len(ids) for ids in paid.values())
    results |= {
        "held": len(held),
        "holding": _client_side(holding),
        "confirmed": confirmed,
        "confirmations_per_s": confirmed / result.seconds,
        "paid_by": {method: len(ids) for method, ids in paid.items()},
        "busy_503": result.statuses.get(503, 0),
        "serialization_failures": retries - failures if failures >= 0 else -1,
        "cpu_ms_per_request": _per_request(cpu, requests),
        "cores": _cores(cpu, result.seconds),
        "check": check_confirmations(
            url, event_id, [b for ids in paid.values() for b in ids], 2 * len(held)
        ),
    }
    return results


def _round(
    services: BenchServices,
    url: str,
    venue_id: int,
    workers: int,
    number: int,
    tokens: Tokens,
    tokens_file: Path,
    *,
    quick: bool,
) -> dict[str, Any]:
    """Start ``boxoffice serve --workers N``, run hot, spread and confirm, stop it."""
    hot_event, spread_event, confirm_event = add_events(url, venue_id, 3, f"r{number}")
    with served(services, url, workers=workers) as base_url:
        meter = CpuMeter(services, urlsplit(base_url).port)
        other = wait_for_quiet(services, timeout=QUIET_TIMEOUT) if not quick else 0.0
        with CpuWatch(services) as watch:
            label = f"booking: round {number}, {workers} workers"
            say(f"{label}: hot, {QUICK_HOT_SECONDS if quick else HOT_SECONDS} s")
            hot = _hot(
                services, url, base_url, meter, hot_event, tokens, tokens_file,
                QUICK_HOT_SECONDS if quick else HOT_SECONDS,
            )  # fmt: skip
            say(f"{label}: spread, {HALL_SEATS:,} seats")
            spread_results = _spread(
                services, url, base_url, meter, spread_event, tokens, seed=number
            )
            count = QUICK_CONFIRMATIONS if quick else CONFIRMATIONS
            say(f"{label}: confirm {count:,} bookings")
            confirm_results = _confirm(services, url, base_url, meter, confirm_event, tokens, count)
    say(
        f"{label}: hot {hot['answers_per_s']:,.0f}/s p99 {hot['latency_ms']['p99']:.0f} ms; "
        f"spread {spread_results['seats_per_s']:,.0f} seats/s "
        f"p99 {spread_results['latency_ms']['p99']:.0f} ms; "
        f"confirm {confirm_results['confirmations_per_s']:,.0f}/s"
    )
    return {
        "workers": workers,
        "other_cores_before": other,
        "other_cores": watch.other_cores,
        "hot": hot,
        "spread": spread_results,
        "confirm": confirm_results,
    }


def run(services: BenchServices, *, quick: bool = False) -> dict[str, Any]:
    """All rounds, pgbench, the checks; prints the Markdown report and returns the numbers."""
    say(f"booking: issuing {QUICK_TOKENS if quick else TOKENS:,} tokens")
    tokens, tokens_file = _issue_tokens(services, QUICK_TOKENS if quick else TOKENS)
    rounds: list[dict[str, Any]] = []
    with fresh_database(services, "booking") as url:
        venue_id = load_hall(url)
        machine = machine_info(services, url)
        for number, workers in enumerate(QUICK_WORKER_COUNTS if quick else WORKER_COUNTS, 1):
            rounds.append(
                _round(services, url, venue_id, workers, number, tokens, tokens_file, quick=quick)
            )
        best = best_workers(rounds)
        for _ in range(0 if quick else EXTRA_RUNS):
            number = len(rounds) + 1
            rounds.append(
                _round(services, url, venue_id, best, number, tokens, tokens_file, quick=quick)
            )
    pgbench: list[dict[str, Any]] = []
    if pgbench_binary():
        with pgbench_database(services) as (pg_url, event_id, first, count):
            for number in range(1, (QUICK_PGBENCH_RUNS if quick else PGBENCH_RUNS) + 1):
                say(f"booking: pgbench run {number}, 50 clients")
                pgbench.append(
                    run_pgbench(
                        services, pg_url, event_id, first, count,
                        seconds=QUICK_PGBENCH_SECONDS if quick else PGBENCH_SECONDS,
                    )
                )  # fmt: skip
    at_best = [r for r in rounds if r["workers"] == best]
    summary = headline(at_best)
    machine["gunicorn_workers"] = best
    results: dict[str, Any] = {
        "benchmark": "booking",
        "quick": quick,
        "machine": machine,
        "clients": CLIENTS,
        "seats": HALL_SEATS,
        "hot_seats": HOT_SEATS,
        "best_workers": best,
        "runs_at_best": len(at_best),
        "targets": TARGETS,
        "headline": summary,
        "verdicts": verdicts(summary),
        "integrity": integrity(rounds),
        "by_workers": {
            str(r["workers"]): {
                "hot_answers_per_s": r["hot"]["answers_per_s"],
                "hot_p99_ms": r["hot"]["latency_ms"]["p99"],
                "spread_seats_per_s": r["spread"]["seats_per_s"],
                "spread_p99_ms": r["spread"]["latency_ms"]["p99"],
                "confirmations_per_s": r["confirm"]["confirmations_per_s"],
            }
            for r in rounds[: len(QUICK_WORKER_COUNTS if quick else WORKER_COUNTS)]
        },
        "pgbench": pgbench,
        "rounds": rounds,
    }
    if pgbench:
        tps = statistics.median(p["tps"] for p in pgbench)
        results["pgbench_median"] = {
            "tps": tps,
            "seats_per_s": statistics.median(p["seats_per_s"] for p in pgbench),
            "p50_ms": statistics.median(p["latency_ms"]["p50"] for p in pgbench),
            "p99_ms": statistics.median(p["latency_ms"]["p99"] for p in pgbench),
            "postgres_cpu_ms_per_tx": statistics.median(
                p["postgres_cpu_ms_per_tx"] for p in pgbench
            ),
            "pgbench_cores": statistics.median(p["pgbench_cores"] for p in pgbench),
        }
        results["ratio_holds_to_pgbench"] = summary["spread"]["holds_per_s"] / tps
    print(report(results))
    return results
