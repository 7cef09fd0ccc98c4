"""``python -m bench search|event-detail|booking|kiosk-seatmap|kiosk-event|streams|onsale|
queue-wait|all [--quick]``: run benchmarks, print Markdown.

Progress goes to stderr, the report to stdout, the raw numbers to ``bench/results/*.json``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from bench import (
    booking,
    event_detail,
    kiosk_event,
    kiosk_seatmap,
    onsale,
    queue_wait,
    search,
    streams,
)
from bench._common import BenchServices, bench_services, say, write_results

BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {
    "search": search.run,
    "event-detail": event_detail.run,
    "booking": booking.run,
    "kiosk-seatmap": kiosk_seatmap.run,
    "kiosk-event": kiosk_event.run,
    "streams": streams.run,
    "onsale": onsale.run,
    "queue-wait": queue_wait.run,
}


def _stop_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl-C, so every server started is stopped."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("benchmark", choices=[*BENCHMARKS, "all"])
    parser.add_argument(
        "--quick", action="store_true", help="a smaller run (about a minute) to check it works"
    )
    args = parser.parse_args(argv)
    chosen = list(BENCHMARKS) if args.benchmark == "all" else [args.benchmark]
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    services: BenchServices
    with bench_services() as services:
        for name in chosen:
            say(f"{name}: starting{' (quick)' if args.quick else ''}")
            results = BENCHMARKS[name](services, quick=args.quick)
            path = write_results(name, results, quick=args.quick)
            say(f"{name}: results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
