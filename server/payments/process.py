"""Start the payment simulator as a child process for ``boxoffice serve`` and the tests.

Under the data folder::

    payments.jsonl   the simulator's journal: charges survive restarts
    payments.log     gunicorn's error and access log
    run/payments.sock

When ``run/payments.sock`` would be too long for a unix socket, the socket goes to a short
``<tmp>/boxoffice-<hash>`` folder instead (the same folder ``server.services`` picks).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from server.payments.simulator.cli import gunicorn_command

__all__ = [
    "PaymentServiceError",
    "payment_service_in_use",
    "payment_socket_path",
    "running_payment_service",
]

_SOCKET_PATH_MAX = 100  # sockaddr_un.sun_path is 104-108 bytes, minus a margin
_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 10.0
_LOG_TAIL_LINES = 20


class PaymentServiceError(RuntimeError):
    """The simulator did not start; the message ends with the tail of its log."""


def payment_socket_path(data_dir: Path) -> Path:
    """``<data>/run/payments.sock``, or a short temp path when that is too long for a socket."""
    data_dir = data_dir.resolve()
    digest = hashlib.sha256(f"{os.geteuid()}:{data_dir}".encode()).hexdigest()[:12]
    for folder in (
        data_dir / "run",
        Path(tempfile.gettempdir()) / f"boxoffice-{digest}",
        Path("/tmp") / f"boxoffice-{digest}",
    ):
        path = folder / "payments.sock"
        if len(os.fsencode(path)) <= _SOCKET_PATH_MAX:
            return path
    raise PaymentServiceError(f"No folder short enough for a unix socket for {data_dir}")


def payment_service_in_use(data_dir: Path) -> str | None:
    """The URL of a simulator already serving ``data_dir`` (a running ``boxoffice serve``'s):
    its journal is locked, so a command that needs the ledger asks that one."""
    socket_path = payment_socket_path(data_dir)
    return f"unix://{socket_path}" if _answers(socket_path) else None


@contextlib.contextmanager
def running_payment_service(
    data_dir: Path,
    *,
    slow_seconds: float = 30.0,
    log: Callable[[str], None] | None = None,
) -> Iterator[str]:
    """Run the simulator on a unix socket and yield its base URL (``unix:///.../payments.sock``).

    Stopped on exit (SIGTERM, then SIGKILL after 10 s), exceptions included. The child also
    stops by itself if this process dies without cleaning up.
    """
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path = payment_socket_path(data_dir)
    _make_private_dir(socket_path.parent)
    if _answers(socket_path):
        raise PaymentServiceError(f"A payment simulator already listens on {socket_path}")
    journal, log_path = data_dir / "payments.jsonl", data_dir / "payments.log"
    env = {
        **os.environ,
        "BOXOFFICE_SIMULATOR_JOURNAL": str(journal),
        "BOXOFFICE_SIMULATOR_SLOW_SECONDS": repr(float(slow_seconds)),
        "BOXOFFICE_SIMULATOR_PARENT_PID": str(os.getpid()),
    }
    command = gunicorn_command(f"unix:{socket_path}", log_file=log_path)
    with log_path.open("ab") as output:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in a terminal is for the API, which stops us after
        )
    owner = os.getpid()
    try:
        url = f"unix://{socket_path}"
        started = time.monotonic()
        _wait_until_healthy(process, socket_path, log_path)
        if log is not None:
            took = time.monotonic() - started
            log(f"Payment simulator (test mode) on {url}, journal {journal} ({took:.1f} s)")
        yield url
    finally:
        if os.getpid() == owner:  # a forked child leaving the block must not stop it
            _stop(process)


def _wait_until_healthy(process: subprocess.Popen[bytes], socket_path: Path, log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    transport = httpx.HTTPTransport(uds=str(socket_path))
    with httpx.Client(transport=transport, base_url="http://payments", timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                message = f"The payment simulator exited with code {process.returncode}"
                raise PaymentServiceError(_with_log_tail(message, log))
            if _answers(socket_path):  # httpx would leak the socket of a refused connect
                with contextlib.suppress(httpx.TransportError):
                    if client.get("/healthz").status_code == 200:
                        return
            time.sleep(0.02)
    message = f"The payment simulator did not answer within {_START_TIMEOUT:.0f} s"
    raise PaymentServiceError(_with_log_tail(message, log))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM gunicorn (it stops its worker), SIGKILL the whole group if it takes too long."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=_STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # the worker, should gunicorn have died first
    process.wait()


def _answers(socket_path: Path) -> bool:
    """Whether something accepts connections on the socket (a stale file does not)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(socket_path))
        except OSError:
            return False
        return True


def _make_private_dir(path: Path) -> None:
    """A 0700 socket folder; refuse one (say in /tmp) that someone else made."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.lstat().st_uid != os.geteuid() or path.is_symlink():
        raise PaymentServiceError(f"{path} belongs to someone else; remove it")


def _with_log_tail(message: str, log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()[-_LOG_TAIL_LINES:]
    except OSError:
        return message
    return f"{message}\n--- last lines of {log} ---\n" + "\n".join(lines)
