"""CPU seconds used by each part of the stack during a workload: app, payments, database, Redis.

Processes are found by their ancestry, never by name: the ``boxoffice serve`` process on our
port and everything under it (the gunicorn master and workers, the payment simulator), and
the embedded PostgreSQL and Redis of the benchmark's own data folder. Backends that exited
meanwhile are counted through their parent's ``children`` times.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench._common import BenchServices

__all__ = ["PARTS", "CpuMeter", "CpuSample", "serve_process"]

PARTS = ("app", "payments", "postgres", "redis", "generator")


def serve_process(port: int) -> psutil.Process:
    """The ``boxoffice serve --port PORT`` process started by ``bench._common.served``."""
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        if "serve" in command and "--port" in command and str(port) in command:
            return process
    raise RuntimeError(f"no boxoffice serve process on port {port}")


def _pid_from(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(path.read_text().split()[0])
    return None


def _seconds(process: psutil.Process, *, with_children: bool) -> float:
    with contextlib.suppress(psutil.Error):
        times = process.cpu_times()
        total = float(times.user + times.system)
        if with_children:
            total += float(times.children_user + times.children_system)
        return total
    return 0.0


@dataclass(frozen=True, slots=True)
class CpuSample:
    """CPU seconds per part at one moment (cumulative since each process started)."""

    seconds: Mapping[str, float]

    def __sub__(self, earlier: CpuSample) -> dict[str, float]:
        return {part: self.seconds[part] - earlier.seconds.get(part, 0.0) for part in PARTS}


@dataclass(frozen=True)
class CpuMeter:
    """Reads the CPU time of every part.

    ``generator`` is this process and the children it has waited for (``wrk``): a load
    generator run as a subprocess counts once it has exited.
    """

    services: BenchServices
    port: int | None
    """The API's port; None when no API runs (pgbench)."""

    def _trees(self) -> Iterator[tuple[str, psutil.Process, bool]]:
        if self.port is not None:
            serve = serve_process(self.port)
            yield "app", serve, False
            for child in serve.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    command = " ".join(child.cmdline())
                    part = "payments" if "simulator" in command else "app"
                    yield part, child, part == "app" and "server.wsgi" in command
        for part, pid_file in (
            ("postgres", "postgres/postmaster.pid"),
            ("redis", "redis/redis.pid"),
        ):
            pid = _pid_from(self.services.data_dir / pid_file)
            if pid is None:
                continue
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(pid)
                yield part, root, True
                for child in root.children(recursive=True):
                    yield part, child, False

    def sample(self) -> CpuSample:
        seconds = dict.fromkeys(PARTS, 0.0)
        seen: set[int] = set()
        for part, process, with_children in self._trees():
            if process.pid in seen:
                continue
            seen.add(process.pid)
            seconds[part] += _seconds(process, with_children=with_children)
        own = os.times()
        seconds["generator"] = own.user + own.system + own.children_user + own.children_system
        return CpuSample(seconds)
