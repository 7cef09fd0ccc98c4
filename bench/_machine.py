"""The machine the numbers were taken on, and how busy other processes kept it meanwhile."""

from __future__ import annotations

import contextlib
import os
import platform
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
import redis

from bench._common import SERVE_WORKERS, WORKER_CLASS, BenchServices, libpq, say

__all__ = ["CpuWatch", "describe_machine", "machine_info", "wait_for_quiet"]

# --- Other processes' CPU -------------------------------------------------------------------
# The machine may be shared (other engineers' test suites): on 2 cores any other busy process
# shows up in our latencies, so every run records how many cores others used meanwhile.

_TICKS = os.sysconf("SC_CLK_TCK")


def _busy_ticks() -> int:
    """CPU ticks spent busy by the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # minus idle and iowait


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks used) for every process we may read."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(proc.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def _own_pids(services: BenchServices, table: Mapping[int, tuple[int, int]]) -> set[int]:
    """This process, the embedded servers of ``services`` and all their descendants."""
    roots = {os.getpid()}
    for pid_file in ("postgres/postmaster.pid", "redis/redis.pid"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            roots.add(int((services.data_dir / pid_file).read_text().split()[0]))
    children: dict[int, list[int]] = {}
    for pid, (parent, _ticks) in table.items():
        children.setdefault(parent, []).append(pid)
    own, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid not in own:
            own.add(pid)
            stack += children.get(pid, [])
    return own


class CpuWatch:
    """Measures how many cores processes other than ours kept busy during a ``with`` block."""

    def __init__(self, services: BenchServices) -> None:
        self.services = services
        self.other_cores = 0.0

    def __enter__(self) -> CpuWatch:
        self._began = time.monotonic()
        self._busy = _busy_ticks()
        self._table = _processes()
        return self

    def __exit__(self, *_: object) -> None:
        elapsed = time.monotonic() - self._began
        busy = _busy_ticks() - self._busy
        table = _processes()
        own = _own_pids(self.services, table) | _own_pids(self.services, self._table)
        ours = sum(
            ticks - self._table.get(pid, (0, 0))[1]
            for pid, (_parent, ticks) in table.items()
            if pid in own
        )
        self.other_cores = max(0.0, (busy - ours) / _TICKS / max(elapsed, 1e-9))


def wait_for_quiet(services: BenchServices, *, below: float = 0.2, timeout: float = 30.0) -> float:
    """Wait until other processes use less than ``below`` cores, but not past ``timeout``.

    The wait is short so that a busy machine cannot stall a run; each run records what
    others used anyway (``CpuWatch``).
    """
    deadline = time.monotonic() + timeout
    warned = False
    while True:
        with CpuWatch(services) as watch:
            time.sleep(2)
        if watch.other_cores < below or time.monotonic() > deadline:
            return watch.other_cores
        if not warned:
            say(f"other processes keep {watch.other_cores:.1f} cores busy; waiting for quiet")
            warned = True


# --- The machine ----------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return float("nan")


def machine_info(services: BenchServices, database_url: str) -> dict[str, Any]:
    """What the numbers depend on: cores, CPU, RAM, Python, PostgreSQL and Redis versions."""
    with psycopg.connect(libpq(database_url)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        settings: dict[str, str] = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings "
                "WHERE name IN ('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', "
                "'max_parallel_workers_per_gather', 'jit')"
            ).fetchall()
        )
    client = redis.Redis.from_url(services.redis_url)
    try:
        redis_version = str(client.info("server").get("redis_version", "?"))
    finally:
        client.close()
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": _cpu_model(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": (row[0] if row else "?")
        + (" (embedded)" if services.embedded_postgres else " (BOXOFFICE_DATABASE_URL)"),
        "postgres_settings": settings,
        "redis": redis_version + (" (embedded)" if services.embedded_redis else ""),
        "gunicorn_workers": SERVE_WORKERS,
        "worker_class": WORKER_CLASS,
        "load_average_at_start": os.getloadavg(),
    }


def describe_machine(machine: Mapping[str, Any]) -> str:
    """One line for the report."""
    return (
        f"{machine['cores']} cores ({machine['cpu']}), {machine['ram_gib']} GiB RAM, "
        f"Python {machine['python']}, PostgreSQL {machine['postgres']}, "
        f"Redis {machine['redis']}, gunicorn {machine['gunicorn_workers']} workers "
        f"({machine.get('worker_class', 'gthread')})"
    )
