"""What waiting costs (issue 6): buyers in a high-demand event's waiting room, nobody shopping.

Every buyer joins the queue and long-polls its place exactly as in ``bench.onsale``
(``?wait=30&position=N``); once admitted it leaves. For ``SECONDS`` the app's workers answer
nothing but the queue, so their CPU is what the waiting room costs: CPU the admitted buyers
need on the same cores. Reported: answers a second and the cores per part of the stack.
``--quick``: 500 buyers for 20 s.
"""

from __future__ import annotations

import os
from typing import Any

from bench._common import SERVE_WORKERS, BenchServices, fresh_database
from bench._machine import describe_machine, machine_info
from bench._onsale_venue import add_onsale_events, load_venue
from bench.onsale import sell
from server.auth import issue_token

__all__ = ["run"]

BUYERS, QUICK_BUYERS = 3_000, 500
SECONDS, QUICK_SECONDS = 60.0, 20.0
"""How long the buyers wait before they leave (the queue never empties in that time)."""
RATE = 600
"""Admissions a minute, as in the on-sale."""
ARRIVAL_SECONDS = 10.0


def run(services: BenchServices, *, quick: bool = False) -> dict[str, Any]:
    """One server, one high-demand event, ``BUYERS`` waiting; prints the Markdown report."""
    buyers = int(os.environ.get("BOXOFFICE_BENCH_QUEUE_BUYERS") or 0) or (
        QUICK_BUYERS if quick else BUYERS
    )
    seconds = QUICK_SECONDS if quick else SECONDS
    with fresh_database(services, "queue_wait") as url:
        venue_id, _capacity = load_venue(url, "theatre")
        (event_id,) = add_onsale_events(url, venue_id, ["waiting only"])
        machine = machine_info(services, url)
        tokens = [issue_token(f"waiter-{n}", services.jwt_secret) for n in range(buyers)]
        sale, cores, notes = sell(
            services,
            url,
            event_id,
            tokens,
            waiting_room=True,
            rate=RATE,
            arrival_seconds=ARRIVAL_SECONDS,
            deadline=seconds,
            shopping=False,
        )
    elapsed = sale.seconds
    results: dict[str, Any] = {
        "benchmark": "queue-wait",
        "quick": quick,
        "machine": machine,
        "settings": {
            "buyers": buyers,
            "seconds": seconds,
            "rate_per_minute": RATE,
            "workers": SERVE_WORKERS,
            "poll": "?wait=30&position=N",
        },
        "seconds": elapsed,
        "answers": sale.polls,
        "answers_per_s": sale.polls / elapsed,
        "outcomes": dict(sale.outcomes),
        "statuses": {step: dict(counts) for step, counts in sale.statuses.items()},
        "cores": cores,
    } | notes
    print(f"Machine: {describe_machine(machine)}\n")
    print(
        "| buyers waiting | seconds | answers | answers/s | admitted | CPU cores: app / Redis / generator / other |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {buyers:,} | {elapsed:.0f} | {sale.polls:,} | {sale.polls / elapsed:.0f} | "
        f"{sale.outcomes.get('admitted', 0):,} | {cores['app']:.2f} / {cores['redis']:.2f} / "
        f"{cores['generator']:.2f} / {cores['other']:.2f} |"
    )
    return results
