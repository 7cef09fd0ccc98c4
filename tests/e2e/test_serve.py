"""`boxoffice serve` as a user runs it: gunicorn workers, embedded servers, clean shutdown."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from conftest import SuiteServices
from live_server import BOXOFFICE, clean_environment, free_port, stop, wait_until_answering


@pytest.fixture
def serve_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = clean_environment()
    env["BOXOFFICE_DATA_DIR"] = str(tmp_path / "data")
    yield env


def test_serve_runs_several_gunicorn_workers_and_stops_on_sigterm(
    services: SuiteServices, app: object, serve_env: dict[str, str]
) -> None:
    port = free_port()
    env = {**serve_env, **services.server_environment()}
    process = subprocess.Popen(
        [*BOXOFFICE, "serve", "--port", str(port), "--workers", "3"], env=env
    )
    try:
        response = wait_until_answering(f"http://127.0.0.1:{port}/venues", process, 60)
        assert "venues" in response.json()
        gunicorn = psutil.Process(process.pid).children(recursive=True)
        assert len(gunicorn) == 4, "one gunicorn master and three workers"
    finally:
        code = stop(process)
    assert code == 0
    assert not any(_alive(p) for p in gunicorn), "gunicorn and its workers are gone"


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _servers_under(folder: Path) -> list[psutil.Process]:
    """Postgres, Redis and the payment simulator started for this data folder."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if str(folder) in command and _alive(process):
            found.append(process)
    return found


@pytest.mark.slow
def test_fresh_machine_serve_demo_starts_embedded_servers_and_stops_them(
    serve_env: dict[str, str],
) -> None:
    """The README's first command: no URLs configured, an empty data folder, --demo."""
    data_dir = Path(serve_env["BOXOFFICE_DATA_DIR"])
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen([*BOXOFFICE, "serve", "--demo", "--port", str(port)], env=serve_env)
    try:
        venues = wait_until_answering(f"http://127.0.0.1:{port}/venues?limit=100", process, 120)
        print(f"fresh start with demo catalog answered after {time.monotonic() - started:.1f} s")
        assert len(venues.json()["venues"]) >= 15
        events = httpx.get(f"http://127.0.0.1:{port}/events?searchQuery=tour&limit=5").json()
        assert events["events"], "the demo catalog has touring shows"
        running = " ".join(" ".join(p.cmdline()) for p in _servers_under(data_dir))
        assert "postgres" in running and "redis-server" in running and "simulator" in running
    finally:
        code = stop(process)
    assert code == 0
    deadline = time.monotonic() + 15
    while _servers_under(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _servers_under(data_dir), "every server it started is stopped"
