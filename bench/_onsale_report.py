"""The on-sale's numbers: one scenario's summary, the Markdown tables, and the two plots."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench._common import markdown_table, summarise
from bench._onsale_buyers import Sale

__all__ = ["STEPS", "plot", "report", "summarise_sale"]

STEPS = ("queue", "map", "hold", "pay")
"""The steps every buyer goes through (``queue``: join → admitted, long-polls included)."""
_BIN_SECONDS = 10.0
_COLOURS = {"queue": "tab:purple", "map": "tab:blue", "hold": "tab:orange", "pay": "tab:green"}


def _statuses(sale: Sale, step: str) -> dict[str, int]:
    return {str(code): n for code, n in sorted(sale.statuses.get(step, {}).items())}


def summarise_sale(
    sale: Sale, capacity: int, check: Mapping[str, Any], cores: Mapping[str, float]
) -> dict[str, Any]:
    """What a scenario's buyers saw, rates over the selling time (first arrival → last sale)."""
    seats_sold = sum(seats for _, seats in sale.sales)
    selling = max((when for when, _ in sale.sales), default=sale.seconds) or 1e-9
    sold_out = check["tickets_booked"] == capacity
    return {
        "seconds": sale.seconds,
        "selling_seconds": selling,
        "sold_out": sold_out,
        "time_to_sell_out": selling if sold_out else None,
        "seats_sold": seats_sold,
        "capacity": capacity,
        "bookings": len(sale.paid),
        "holds": len(sale.holds),
        "holds_per_s": len(sale.holds) / selling,
        "confirmations_per_s": len(sale.paid) / selling,
        "seats_per_s": seats_sold / selling,
        "conflicts": sale.conflicts,
        "retried_503_429": sale.retries,
        "polls": sale.polls,
        "settled_for_fewer": sale.settled_for_fewer,
        "outcomes": dict(sale.outcomes),
        "steps": {step: summarise([ms for _, ms in sale.steps.get(step, [])]) for step in STEPS},
        "statuses": {step: _statuses(sale, step) for step in (*STEPS, "join", "poll")},
        "errors": sale.errors,
        "cores": dict(cores),
        "timeline": {
            "sales": sale.sales,
            "holds": sale.holds,
            **{step: sale.steps.get(step, []) for step in STEPS},
        },
        "check": dict(check),
    }


def report(results: Mapping[str, Any]) -> str:
    """Markdown: the sale per scenario, then each step's latency."""
    scenarios: Mapping[str, Any] = results["scenarios"]
    rows, steps = [], []
    for name, s in scenarios.items():
        sold = f"{s['seats_sold']:,} / {s['capacity']:,}"
        selling = (
            f"{s['time_to_sell_out']:.0f} s"
            if s["sold_out"]
            else f"not sold out; last sale at {s['selling_seconds']:.0f} s"
        )
        outcomes = s["outcomes"]
        cores = s["cores"]
        rows.append(
            [
                name,
                sold,
                selling,
                f"{s['holds_per_s']:.1f}",
                f"{s['confirmations_per_s']:.1f} ({s['seats_per_s']:.0f} seats/s)",
                s["conflicts"],
                s["retried_503_429"],
                outcomes.get("gave up", 0) + outcomes.get("out of time", 0),
                outcomes.get("found it sold out", 0) + outcomes.get("sold out while queued", 0),
                s["check"]["double_bookings"],
                f"{cores['app'] + cores['payments']:.2f} / {cores['postgres']:.2f} / "
                f"{cores['redis']:.2f} / {cores['generator']:.2f} / {cores['other']:.2f}",
            ]
        )
        for step in STEPS:
            stats = s["steps"][step]
            if not stats["n"]:
                continue
            refused = {code: n for code, n in s["statuses"][step].items() if code[0] != "2"}
            steps.append(
                [
                    name,
                    step,
                    stats["n"],
                    f"{stats['p50']:,.0f}",
                    f"{stats['p99']:,.0f}",
                    ", ".join(f"{code}: {n}" for code, n in refused.items()) or "-",
                ]
            )
    return "\n\n".join(
        [
            markdown_table(
                [
                    "scenario",
                    "seats sold",
                    "time to sell out",
                    "holds/s",
                    "confirmations/s",
                    "409 conflicts",
                    "503s retried",
                    "gave up",
                    "found it sold out",
                    "double bookings",
                    "CPU cores: app+payments / PG / Redis / generator / other",
                ],
                rows,
            ),
            markdown_table(
                ["scenario", "step", "times taken", "p50 (ms)", "p99 (ms)", "not 2xx"], steps
            ),
        ]
    )


def _binned(points: list[tuple[float, float]], q: float) -> tuple[list[float], list[float]]:
    """The ``q``-th percentile of the latencies that started in each ``_BIN_SECONDS``."""
    bins: dict[int, list[float]] = {}
    for when, ms in points:
        bins.setdefault(int(when // _BIN_SECONDS), []).append(ms)
    xs, ys = [], []
    for index in sorted(bins):
        values = sorted(bins[index])
        xs.append((index + 0.5) * _BIN_SECONDS)
        ys.append(values[min(len(values) - 1, int(len(values) * q / 100))])
    return xs, ys


def plot(sales: Mapping[str, Sale], capacity: int, folder: Path, suffix: str = "") -> list[Path]:
    """``onsale-sales{suffix}.png`` (seats sold over time, every scenario) and
    ``onsale-latency{suffix}.png`` (p50 and p99 per step in 10-s bins, one panel each)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for name, sale in sales.items():
        xs, ys, total = [0.0], [0], 0
        for when, seats in sorted(sale.sales):
            total += seats
            xs.append(when)
            ys.append(total)
        axes.step(xs, ys, where="post", label=name)
    axes.axhline(capacity, color="grey", linestyle=":", label=f"capacity ({capacity:,})")
    axes.set_xlabel("seconds since the on-sale opened")
    axes.set_ylabel("seats sold (paid)")
    axes.set_title("On-sale: seats sold over time")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    sales_png = folder / f"onsale-sales{suffix}.png"
    figure.savefig(sales_png, dpi=110)
    plt.close(figure)

    figure, panels = plt.subplots(
        1, len(sales), figsize=(6 * len(sales), 4.5), sharey=True, squeeze=False
    )
    for panel, (name, sale) in zip(panels[0], sales.items(), strict=True):
        for step in STEPS:
            points = sale.steps.get(step, [])
            if not points:
                continue
            xs, p50 = _binned(points, 50)
            panel.plot(xs, p50, color=_COLOURS[step], label=f"{step} p50")
            xs, p99 = _binned(points, 99)
            panel.plot(xs, p99, linestyle="--", color=_COLOURS[step], label=f"{step} p99")
        panel.set_yscale("log")
        panel.set_xlabel("seconds since the on-sale opened (step's start)")
        panel.set_title(name)
        panel.grid(alpha=0.3, which="both")
        panel.legend(fontsize="small")
    panels[0][0].set_ylabel("latency (ms, log scale)")
    figure.suptitle("On-sale: latency of each step over time (10-s bins)")
    figure.tight_layout()
    latency_png = folder / f"onsale-latency{suffix}.png"
    figure.savefig(latency_png, dpi=110)
    plt.close(figure)
    return [sales_png, latency_png]
