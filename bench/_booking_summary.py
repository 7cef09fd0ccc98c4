"""Summing up the booking benchmark's rounds: medians, the best worker count, the checks."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bench._booking_cpu import PARTS
from bench._booking_db import HALL_SEATS

__all__ = ["HOT_SEATS", "TARGETS", "best_workers", "headline", "integrity", "verdicts"]

HOT_SEATS = 100
TARGETS = {
    "spread_seats_per_s": 1000.0,
    "spread_p99_ms": 250.0,
    "hot_answers_per_s": 1500.0,
    "hot_p99_ms": 100.0,
}


def _median_of(rounds: Sequence[Mapping[str, Any]], *path: str) -> float:
    def get(item: Mapping[str, Any]) -> float:
        value: Any = item
        for key in path:
            value = value[key]
        return float(value)

    return statistics.median(get(item) for item in rounds)


def headline(rounds: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Median over the rounds of every number the report shows."""
    m: Callable[..., float] = lambda *path: _median_of(rounds, *path)  # noqa: E731
    latency = ("n", "mean", "p50", "p95", "p99")
    out: dict[str, Any] = {}
    for workload, numbers in {
        "hot": ("answers_per_s", "won", "refused", "other", "postgres_transactions", "requests"),
        "spread": (
            "seats_per_s", "holds_per_s", "requests_per_s", "conflicts", "errors",
            "refreshes", "requests", "seconds",
        ),
        "confirm": (
            "confirmations_per_s", "confirmed", "busy_503", "serialization_failures",
            "requests", "seconds",
        ),
    }.items():  # fmt: skip
        out[workload] = {name: m(workload, name) for name in numbers}
        out[workload]["latency_ms"] = {q: m(workload, "latency_ms", q) for q in latency}
        out[workload]["cpu_ms_per_request"] = {
            part: m(workload, "cpu_ms_per_request", part) for part in PARTS
        }
        out[workload]["cores"] = {part: m(workload, "cores", part) for part in PARTS}
    out["confirm"]["busy_503_all_rounds"] = sum(r["confirm"]["busy_503"] for r in rounds)
    out["spread"]["cpu_ms_per_hold"] = {
        part: m("spread", "cpu_ms_per_hold", part) for part in PARTS
    }
    return out


def best_workers(rounds: Sequence[Mapping[str, Any]]) -> int:
    """The worker count with the most seats held per second (then hot answers per second)."""
    top = max(rounds, key=lambda r: (r["spread"]["seats_per_s"], r["hot"]["answers_per_s"]))
    return int(top["workers"])


def verdicts(headline: Mapping[str, Any]) -> dict[str, bool]:
    spread_, hot = headline["spread"], headline["hot"]
    return {
        "spread_seats_per_s": spread_["seats_per_s"] >= TARGETS["spread_seats_per_s"],
        "spread_p99_ms": spread_["latency_ms"]["p99"] < TARGETS["spread_p99_ms"],
        "hot_answers_per_s": hot["answers_per_s"] >= TARGETS["hot_answers_per_s"],
        "hot_p99_ms": hot["latency_ms"]["p99"] < TARGETS["hot_p99_ms"],
    }


def integrity(rounds: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """What must be zero (or exact) in every round, summed over the rounds."""
    totals: Counter[str] = Counter()
    for r in rounds:
        spread_check, hot, conf = r["spread"]["check"], r["hot"], r["confirm"]
        totals["double_holds"] += (
            spread_check["double_holds_in_answers"]
            + spread_check["double_holds_in_postgres"]
            + spread_check["redis_postgres_disagree"]
            + hot["check"]["double_holds_in_postgres"]
        )
        totals["spread_seats_not_5000"] += int(
            not spread_check["seats_held_in_answers"]
            == spread_check["seats_held_in_postgres"]
            == spread_check["seats_held_in_redis"]
            == HALL_SEATS
        )
        totals["hot_winners_not_100"] += int(
            not hot["won"] == hot["check"]["seats_held_in_postgres"] == HOT_SEATS
        )
        totals["errors"] += r["spread"]["errors"] + hot["other"] + hot["socket_errors"]
        totals["confirm_not_200"] += conf["requests"] - conf["statuses"].get(200, 0)
        totals["paid_not_booked"] += (
            conf["check"]["paid_not_booked"] + conf["check"]["paid_tickets_not_booked"]
        )
        totals["tickets_booked_twice"] += conf["check"]["tickets_in_two_booked_bookings"]
    return dict(totals)
