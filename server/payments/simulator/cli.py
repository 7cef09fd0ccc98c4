"""Run the simulator standalone: ``python -m server.payments.simulator --bind ... --journal ...``.

One gunicorn worker process with several threads (gthread): the charges live in that process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

__all__ = ["gunicorn_command", "main"]

_THREADS = 8
_GRACEFUL_SECONDS = 3
_APP = "simulator.app:app_from_environment()"
_ACCESS_FORMAT = '%(t)s "%(r)s" %(s)s %(M)sms request=%({x-request-id}i)s'


def gunicorn_command(bind: str, *, log_file: Path | None = None) -> list[str]:
    """The gunicorn command line serving the simulator on ``bind`` (``unix:PATH`` or host:port).

    gunicorn imports the app as the top-level package ``simulator`` (``--pythonpath``), which
    skips ``server/__init__.py`` and its seconds of imports: startup stays well under a second.
    Settings come from ``BOXOFFICE_SIMULATOR_*`` variables (see ``app_from_environment``).
    """
    log = str(log_file) if log_file is not None else "-"
    return [
        sys.executable, "-m", "gunicorn",
        "--bind", bind,
        "--workers", "1",
        "--worker-class", "gthread",
        "--threads", str(_THREADS),
        "--graceful-timeout", str(_GRACEFUL_SECONDS),
        "--no-control-socket",
        "--pythonpath", str(Path(__file__).resolve().parent.parent),
        "--error-logfile", log,
        "--access-logfile", log,
        "--access-logformat", _ACCESS_FORMAT,
        _APP,
    ]  # fmt: skip


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--bind",
    default="127.0.0.1:9000",
    show_default=True,
    help="unix:/path/payments.sock or host:port.",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON-lines journal replayed at start (default: remember nothing).",
)
@click.option(
    "--slow-seconds",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="How long the slow test card (4000 0000 0000 0077) takes.",
)
def main(bind: str, journal: Path | None, slow_seconds: float) -> None:
    """Simulated card processor in test mode (gunicorn replaces this process)."""
    env = dict(os.environ)
    env.pop("BOXOFFICE_SIMULATOR_PARENT_PID", None)
    env["BOXOFFICE_SIMULATOR_JOURNAL"] = str(journal.resolve()) if journal else ""
    env["BOXOFFICE_SIMULATOR_SLOW_SECONDS"] = repr(slow_seconds)
    command = gunicorn_command(bind)
    click.echo(f"Payment simulator (test mode) on {bind}", err=True)
    os.execve(sys.executable, command, env)
