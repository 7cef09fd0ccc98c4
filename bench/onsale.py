"""The on-sale (issue 6): 5,000 buyers after the 18,000-place arena, with and without the
waiting room, on ``boxoffice serve --workers 2`` (gevent) and the embedded PostgreSQL/Redis.

The arena (``seatmaps/arena.json``: 12,496 seats and a 5,500-place standing floor) becomes a
venue through the server's own catalog code, with one event per scenario. Each scenario gets
a server of its own, and its buyers (``bench._onsale_buyers``) arrive over the first
``ARRIVAL_SECONDS``:

- **no waiting room**: at most ``SHOPPERS`` buyers shop at once, the rest wait their turn in
  this process (not on the server);
- **waiting room**: ``boxoffice surge EVENT --rate N`` first; every buyer joins the queue and
  long-polls its place, then shops with its admission token.

Rate limits are off (``served`` sets ``BOXOFFICE_RATE_LIMITS=off``): every buyer comes from
127.0.0.1. Afterwards PostgreSQL is asked directly whether any seat was sold twice. CPU is
read per part of the stack (the load generator shares the two cores), and other processes'
use of the machine is recorded. ``--quick``: 800 buyers after the 1,526-seat theatre.

``BOXOFFICE_BENCH_ONSALE_RATE`` (admissions a minute) and ``BOXOFFICE_BENCH_ONSALE_BUYERS``
override the defaults.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench._booking_cpu import PARTS, CpuMeter
from bench._common import (
    RESULTS_DIR,
    SERVE_WORKERS,
    BenchServices,
    boxoffice_cli,
    fresh_database,
    say,
    served,
)
from bench._machine import CpuWatch, describe_machine, machine_info, wait_for_quiet
from bench._onsale_buyers import ATTEMPTS, SHOPPERS, Plan, Sale, run_buyers
from bench._onsale_report import plot, report, summarise_sale
from bench._onsale_venue import add_onsale_events, check_sales, load_venue
from server.auth import issue_token

__all__ = ["run", "sell"]

LAYOUT, QUICK_LAYOUT = "arena", "theatre"
BUYERS, QUICK_BUYERS = 5_000, 800
RATE, QUICK_RATE = 600, 1_200
"""Waiting-room admissions a minute (``boxoffice surge --rate``)."""
ARRIVAL_SECONDS, QUICK_ARRIVAL_SECONDS = 10.0, 3.0
DEADLINE, QUICK_DEADLINE = 600.0, 120.0
"""Seconds after which buyers stop (reported as ``out of time``), so a run always ends."""
SCENARIOS = (("no waiting room", False), ("waiting room", True))
IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
QUIET_TIMEOUT = 20.0


def _mark_high_demand(
    services: BenchServices, url: str, base_url: str, event_id: int, rate: int
) -> str:
    """Mark the event high-demand, then wait until every worker refuses a map without a pass
    (each trusts its reading of the setting for a second)."""
    said = boxoffice_cli(services, url, "surge", str(event_id), "--rate", str(rate))
    headers = {"Authorization": f"Bearer {issue_token('bench-probe', services.jwt_secret)}"}
    deadline, refused = time.monotonic() + 15, 0
    while refused < 6:
        answer = httpx.get(f"{base_url}/events/{event_id}?view=summary", headers=headers)
        refused = refused + 1 if answer.status_code == 403 else 0
        if time.monotonic() > deadline:
            raise RuntimeError("the server never saw the surge")
        time.sleep(0.1)
    return said


def sell(
    services: BenchServices,
    url: str,
    event_id: int,
    tokens: list[str],
    *,
    waiting_room: bool,
    rate: int,
    arrival_seconds: float,
    deadline: float,
    shopping: bool = True,
) -> tuple[Sale, dict[str, float], dict[str, Any]]:
    """One server, one event, every buyer; returns what they saw, CPU cores per part, and
    how the run went (surge, other processes). ``shopping=False``: admitted buyers leave."""
    notes: dict[str, Any] = {}
    with served(services, url) as base_url:
        if waiting_room:
            notes["surge"] = _mark_high_demand(services, url, base_url, event_id, rate)
            say(notes["surge"])
        notes["other_cores_before"] = wait_for_quiet(services, timeout=QUIET_TIMEOUT)
        meter = CpuMeter(services, urlsplit(base_url).port)
        plan = Plan(
            base_url,
            event_id,
            tokens,
            waiting_room,
            arrival_seconds,
            deadline,
            shopping=shopping,
        )
        with CpuWatch(services) as watch:
            before, began = meter.sample(), time.perf_counter()
            sale = run_buyers(plan)
            cpu, seconds = meter.sample() - before, time.perf_counter() - began
    cores = {part: cpu[part] / seconds for part in PARTS} | {"other": watch.other_cores}
    return sale, cores, notes


def run(services: BenchServices, *, quick: bool = False) -> dict[str, Any]:
    """Both scenarios, the checks, the plots; prints the Markdown report, returns the numbers."""
    if importlib.util.find_spec("matplotlib") is None:  # say so now, not after the sale
        raise SystemExit("bench onsale draws its plots with matplotlib: pip install -e '.[bench]'")
    layout = QUICK_LAYOUT if quick else LAYOUT
    buyers = int(os.environ.get("BOXOFFICE_BENCH_ONSALE_BUYERS") or 0) or (
        QUICK_BUYERS if quick else BUYERS
    )
    rate = int(os.environ.get("BOXOFFICE_BENCH_ONSALE_RATE") or 0) or (
        QUICK_RATE if quick else RATE
    )
    sales: dict[str, Sale] = {}
    scenarios: dict[str, Any] = {}
    with fresh_database(services, "onsale") as url:
        venue_id, capacity = load_venue(url, layout)
        events = add_onsale_events(url, venue_id, [name for name, _ in SCENARIOS])
        machine = machine_info(services, url)
        say(f"onsale: issuing {buyers:,} buyers' tokens")
        tokens = [issue_token(f"buyer-{n}", services.jwt_secret) for n in range(buyers)]
        for (name, waiting_room), event_id in zip(SCENARIOS, events, strict=True):
            say(f"onsale: {name}: {buyers:,} buyers, {layout} ({capacity:,} places)")
            sale, cores, notes = sell(
                services,
                url,
                event_id,
                tokens,
                waiting_room=waiting_room,
                rate=rate,
                arrival_seconds=QUICK_ARRIVAL_SECONDS if quick else ARRIVAL_SECONDS,
                deadline=QUICK_DEADLINE if quick else DEADLINE,
            )
            check = check_sales(url, event_id, sale.paid)
            sales[name] = sale
            scenarios[name] = summarise_sale(sale, capacity, check, cores) | notes
            say(
                f"onsale: {name}: {scenarios[name]['seats_sold']:,} seats sold in "
                f"{sale.seconds:.0f} s, double bookings {check['double_bookings']}"
            )
    images = plot(sales, capacity, RESULTS_DIR if quick else IMAGES, "-quick" if quick else "")
    results: dict[str, Any] = {
        "benchmark": "onsale",
        "quick": quick,
        "machine": machine,
        "settings": {
            "layout": layout,
            "capacity": capacity,
            "buyers": buyers,
            "workers": SERVE_WORKERS,
            "waiting_room_rate_per_minute": rate,
            "shoppers_at_once": SHOPPERS,
            "attempts": ATTEMPTS,
            "arrival_seconds": QUICK_ARRIVAL_SECONDS if quick else ARRIVAL_SECONDS,
            "deadline_seconds": QUICK_DEADLINE if quick else DEADLINE,
            "rate_limits": "off",
            "client": "asyncio, one keep-alive connection per buyer (bench._booking_http), orjson",
        },
        "scenarios": scenarios,
        "images": [str(path) for path in images],
    }
    print(f"Machine: {describe_machine(machine)}\n")
    print(report(results))
    return results
