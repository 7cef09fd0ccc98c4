"""What the embedded servers share: the start error, socket folder, locks and pid checks."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PG_PORT",
    "PG_SYSTEM_USER",
    "START_TIMEOUT",
    "STOP_TIMEOUT",
    "Identity",
    "ServiceStartError",
    "is_server",
    "kill_group",
    "locked",
    "make_private_dir",
    "package_dir",
    "pid_alive",
    "read_lines",
    "socket_dir_for",
    "wait_gone",
]

PG_SYSTEM_USER = "boxoffice_pg"
"""OS user that runs PostgreSQL when we are root, since postgres refuses to run as root."""

PG_PORT = 5432  # only names the socket file: the server listens on no TCP port
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
_SOCKET_PATH_MAX = 100  # sockaddr_un.sun_path is 104-108 bytes, minus a margin


class ServiceStartError(RuntimeError):
    """A server did not come up; the message ends with the tail of its log."""

    def __init__(self, message: str, log_path: Path | None = None) -> None:
        self.log_path = log_path
        tail = _log_tail(log_path) if log_path is not None else ""
        if tail:
            message = f"{message}\n--- last lines of {log_path} ---\n{tail}"
        super().__init__(message)


@dataclass(frozen=True)
class Identity:
    """The unprivileged user and group a server runs as when we are root."""

    uid: int
    gid: int


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
        if len(os.fsencode(candidate / f".s.PGSQL.{PG_PORT}")) <= _SOCKET_PATH_MAX:
            return candidate
    raise ServiceStartError(f"No folder short enough for unix sockets: {candidates}")


def package_dir(name: str) -> Path:
    """Locate an installed package without importing it (both wheels warn on import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceStartError(f"The {name} package is missing; reinstall boxoffice")
    return Path(next(iter(spec.submodule_search_locations)))


def make_private_dir(path: Path, identity: Identity | None) -> None:
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
def locked(path: Path) -> Iterator[None]:
    """Serialise starts for one data folder across processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def pid_alive(pid: int) -> bool:
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


def is_server(pid: int, program: str, cwd: Path) -> bool:
    """Guard against a stale pid file whose pid now belongs to some other process."""
    if pid <= 0 or not pid_alive(pid):
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


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait for a process to exit; False when it outlives ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def kill_group(pid: int) -> None:
    """SIGKILL a server together with the children in its process group."""
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)


def read_lines(path: Path) -> list[str]:
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
