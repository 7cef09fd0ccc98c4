"""Getting printed tickets out of the kiosk: to the configured print command, or into a folder.

Nothing is lost when printing fails: the PDF is saved first whenever the print command cannot
be trusted with it, and the error says where it went.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import subprocess
from pathlib import Path

__all__ = ["PRINT_TIMEOUT", "TicketDeliveryError", "deliver_tickets"]

#: Seconds a print command may take to accept the PDF before it counts as failed.
PRINT_TIMEOUT = 30.0


class TicketDeliveryError(Exception):
    """Tickets could not be printed or saved; ``str()`` is a sentence to show staff."""

    def __init__(self, message: str, *, saved_to: Path | None = None) -> None:
        super().__init__(message)
        #: Where the PDF was kept despite the failure, if anywhere.
        self.saved_to = saved_to


def deliver_tickets(
    pdf: bytes,
    booking_id: str,
    *,
    print_command: str | None,
    folder: Path,
    timeout: float = PRINT_TIMEOUT,
) -> str:
    """Send ``pdf`` to ``print_command`` on stdin (e.g. ``lp``), or save ``<folder>/<booking_id>.pdf``.

    Returns a one-line message for the screen. A failing print command raises
    ``TicketDeliveryError`` after saving the PDF to ``folder``. Blocks until the command ends,
    so call it from a worker thread.
    """
    if not print_command or not print_command.strip():
        try:
            return f"Tickets saved to {_save(pdf, booking_id, folder)}"
        except OSError as error:
            raise TicketDeliveryError(f"Could not save the tickets: {_reason(error)}") from None
    problem = _run_printer(pdf, print_command, timeout)
    if problem is None:
        return f"Tickets sent to the printer ({print_command.strip()})"
    try:
        path = _save(pdf, booking_id, folder)
    except OSError as error:
        raise TicketDeliveryError(
            f"Printing failed: {problem}; the tickets could not be saved either: {_reason(error)}"
        ) from None
    raise TicketDeliveryError(f"Printing failed: {problem}. Tickets saved to {path}", saved_to=path)


def _run_printer(pdf: bytes, print_command: str, timeout: float) -> str | None:
    """What went wrong with the print command, or None when it took the PDF."""
    try:
        argv = shlex.split(print_command)
    except ValueError as error:
        return f"the print command {print_command!r} cannot be read ({error})"
    try:
        done = subprocess.run(argv, input=pdf, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"{argv[0]} did not finish within {timeout:g} s"
    except OSError as error:
        return f"the print command {argv[0]!r} could not be started ({_reason(error)})"
    if done.returncode < 0:
        return f"{argv[0]} was stopped by signal {-done.returncode}"
    if done.returncode > 0:
        said = _last_line(done.stderr) or _last_line(done.stdout)
        return f"{argv[0]} exited with status {done.returncode}" + (f": {said}" if said else "")
    return None


def _last_line(output: bytes) -> str:
    lines = output.decode(errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _reason(error: OSError) -> str:
    """``Permission denied: '/srv/tickets'`` rather than ``[Errno 13] ...``."""
    where = f": {error.filename!r}" if error.filename else ""
    return f"{error.strerror}{where}" if error.strerror else str(error)


def _save(pdf: bytes, booking_id: str, folder: Path) -> Path:
    """Write the PDF whole or not at all, so a half-written file is never left to print."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", booking_id).lstrip(".") or "tickets"
    path = folder / f"{name}.pdf"
    partial = folder / f".{name}.pdf.partial"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        partial.write_bytes(pdf)
        partial.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return path
