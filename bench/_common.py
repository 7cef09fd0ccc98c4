"""What every benchmark needs: real servers, a fresh database, gunicorn, statistics, results.

PostgreSQL and Redis are the embedded servers under a temporary folder unless
``BOXOFFICE_DATABASE_URL`` / ``BOXOFFICE_REDIS_URL`` name others; either way each benchmark
gets a database of its own that is dropped afterwards, and the API runs as ``boxoffice serve``
(gunicorn workers) in a subprocess on a free port, as a user would run it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from server.services import normalise_database_url, running_services

__all__ = [
    "RESULTS_DIR",
    "SERVE_WORKERS",
    "WORKER_CLASS",
    "BenchServices",
    "StatementClock",
    "bench_services",
    "boxoffice_cli",
    "fresh_database",
    "in_process",
    "libpq",
    "make_app",
    "markdown_table",
    "median_summary",
    "percentile",
    "say",
    "serve_environment",
    "served",
    "summarise",
    "write_results",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SERVE_WORKERS = 2
#: gunicorn worker class for ``boxoffice serve`` (``serve``'s default unless
#: ``BOXOFFICE_BENCH_WORKER_CLASS`` says otherwise, to compare gevent with gthread).
WORKER_CLASS = os.environ.get("BOXOFFICE_BENCH_WORKER_CLASS", "gevent")
_SERVE_START_TIMEOUT = 90.0
_SERVE_STOP_TIMEOUT = 30.0
_STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the results."""
    print(f"[{time.monotonic() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BenchServices:
    """The servers one benchmark session runs against, and the secrets its API uses."""

    database_url: str
    """SQLAlchemy URL of the server's default database (a fresh one is made per benchmark)."""
    redis_url: str
    data_dir: Path
    embedded_postgres: bool
    embedded_redis: bool
    secret_key: str
    jwt_secret: str
    redis_prefix: str


def libpq(url: str) -> str:
    """psycopg's own conninfo for a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def bench_services() -> Iterator[BenchServices]:
    """Embedded PostgreSQL and Redis in a temporary folder (or the configured ones), then clean up.

    Never the machine's own 5432/6379 unless the environment names them: the embedded servers
    listen on unix sockets only.
    """
    database_url = os.environ.get("BOXOFFICE_DATABASE_URL") or None
    redis_url = os.environ.get("BOXOFFICE_REDIS_URL") or None
    data_dir = Path(tempfile.mkdtemp(prefix="boxoffice-bench-"))
    prefix = f"boxoffice-bench-{secrets.token_hex(4)}:"
    try:
        with running_services(
            data_dir, database_url=database_url, redis_url=redis_url, log=say
        ) as urls:
            try:
                yield BenchServices(
                    database_url=normalise_database_url(urls.database_url),
                    redis_url=urls.redis_url,
                    data_dir=data_dir,
                    embedded_postgres=database_url is None,
                    embedded_redis=redis_url is None,
                    secret_key=secrets.token_urlsafe(32),
                    jwt_secret=secrets.token_urlsafe(32),
                    redis_prefix=prefix,
                )
            finally:
                if redis_url:  # a shared Redis: remove what the benchmark wrote
                    _delete_redis_keys(urls.redis_url, prefix)
    finally:
        left = _processes_mentioning(data_dir)
        if left:
            say(f"WARNING: still running under {data_dir}: {left}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def _delete_redis_keys(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _processes_mentioning(folder: Path) -> list[int]:
    """Pids whose command line or working folder lies under ``folder`` (there should be none)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
            cwd = str((proc / "cwd").readlink())
            if str(folder) in command or cwd.startswith(str(folder)):
                found.append(int(proc.name))
    return found


@contextlib.contextmanager
def fresh_database(services: BenchServices, label: str) -> Iterator[str]:
    """A new, migrated database for one benchmark; dropped afterwards. Yields its URL."""
    name = f"boxoffice_bench_{label}_{secrets.token_hex(3)}"
    admin_url = libpq(services.database_url)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(services.database_url).set(database=name).render_as_string(False)
    try:
        app = make_app(services, url)
        from flask_migrate import upgrade

        from server.extensions import db

        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            db.engine.dispose()
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(services: BenchServices, database_url: str) -> Flask:
    """The same app gunicorn serves, in-process: for profiling and for timing without HTTP."""
    from server import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": services.redis_url,
            "REDIS_PREFIX": services.redis_prefix,
            "DATA_DIR": services.data_dir / "serve",
            "SECRET_KEY": services.secret_key,
            "JWT_SECRET": services.jwt_secret,
            "CLEANUP_SECONDS": 0,  # no background thread in the benchmark's own process
        }
    )


# --- In-process, for timing without HTTP and for profiling ----------------------------------


class StatementClock:
    """Times every SQL statement an engine runs; optionally keeps their text for EXPLAIN."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        self.captured: list[tuple[str, Any]] = []
        self.capturing = False
        self._began = 0.0
        self._engine = engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._before)
        event.remove(self._engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.capturing:
            self.captured.append((statement, params))
        self._began = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.seconds += time.perf_counter() - self._began


@contextlib.contextmanager
def in_process(app: Flask) -> Iterator[tuple[FlaskClient, StatementClock]]:
    """The app's test client inside an app context, and a clock on its SQL statements."""
    from server.extensions import db

    with app.app_context():
        clock = StatementClock(db.engine)
        try:
            yield app.test_client(), clock
        finally:
            clock.close()
            db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(
    services: BenchServices, database_url: str, *, workers: int = SERVE_WORKERS
) -> Iterator[str]:
    """Run ``boxoffice serve --workers N`` on a free port until the block ends; yield its URL."""
    port = _free_port()
    log_path = services.data_dir / f"serve-{port}.log"
    env = serve_environment(services, database_url) | {
        "BOXOFFICE_RATE_LIMITS": "off",  # thousands of requests from one address, on purpose
    }
    command = [sys.executable, "-c", "from server.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", str(workers), "--worker-class", WORKER_CLASS]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a stuck server can be killed whole
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url, process, log_path)
        say(f"boxoffice serve --workers {workers} answers on {base_url} (pid {process.pid})")
        yield base_url
    finally:
        _stop(process)
        say(f"boxoffice serve (pid {process.pid}) stopped")
        _keep_errors(log_path)


#: Lines of a server log's warnings and errors kept after a run (the first ones).
_KEPT_LOG_LINES = 5000


def serve_environment(services: BenchServices, database_url: str) -> dict[str, str]:
    """This process's environment without BOXOFFICE_* settings, plus what a ``boxoffice``
    command needs to run on the benchmark's servers."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOXOFFICE_")}
    return env | {
        "BOXOFFICE_DATABASE_URL": database_url,
        "BOXOFFICE_REDIS_URL": services.redis_url,
        "BOXOFFICE_REDIS_PREFIX": services.redis_prefix,
        "BOXOFFICE_DATA_DIR": str(services.data_dir / "serve"),
        "BOXOFFICE_SECRET_KEY": services.secret_key,
        "BOXOFFICE_JWT_SECRET": services.jwt_secret,
    }


def _keep_errors(log_path: Path) -> None:
    """Copy the server log's warnings and errors to bench/results/: the log itself goes with
    the temporary folder, and a 500 or a 503 under load must be explained."""
    if not log_path.exists():
        return
    marks = ('"level":"WARNING"', '"level":"ERROR"', '"level":"CRITICAL"', "Traceback")
    lines = log_path.read_text(errors="replace").splitlines()
    kept = [line for line in lines if any(mark in line for mark in marks)][:_KEPT_LOG_LINES]
    if not kept:
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = RESULTS_DIR / f"serve-errors-{stamp}-{log_path.stem}.log"
    target.write_text("\n".join(kept) + "\n")
    say(f"the server logged {len(kept)} warnings or errors: {target}")


def boxoffice_cli(services: BenchServices, database_url: str, *arguments: str) -> str:
    """Run one ``boxoffice`` command (``surge 7 --rate 600``) on the servers ``served`` uses,
    as an operator would beside it; returns what it printed."""
    env = serve_environment(services, database_url)
    command = [sys.executable, "-c", "from server.cli import main; main()", *arguments]
    done = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"boxoffice {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def _wait_until_answering(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _SERVE_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"boxoffice serve exited with {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/venues?limit=1", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"boxoffice serve did not answer in time:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (serve forwards it to gunicorn), then SIGKILL the whole group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(_SERVE_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    with contextlib.suppress(ProcessLookupError):  # gunicorn workers outliving the master
        os.killpg(process.pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 40) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


# --- Statistics ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linearly interpolated between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(values: Sequence[float]) -> dict[str, float]:
    """Count, mean and the percentiles reported everywhere (p50, p95, p99)."""
    return {
        "n": len(values),
        "mean": statistics.fmean(values) if values else float("nan"),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
    }


def median_summary(runs: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Each statistic's median over several runs; ``n`` is the total sample count."""
    runs = list(runs)
    merged: dict[str, float] = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        merged[key] = sum(values) if key == "n" else statistics.median(values)
    return merged


# --- Results ------------------------------------------------------------------------------


def write_results(name: str, payload: Mapping[str, Any], *, quick: bool) -> Path:
    """Keep the raw numbers as JSON under ``bench/results/`` (gitignored)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{name}-{stamp}{'-quick' if quick else ''}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; floats with one decimal, so it pastes straight into the docs."""

    def cell(value: object) -> str:
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)
