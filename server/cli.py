"""The ``boxoffice`` command: serve the API, manage the database, issue tokens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.metadata import EntryPoint, entry_points
from types import FrameType
from typing import Any

import click
from flask import Flask

from server.config import data_dir_from_environment, load_config

__all__ = ["main"]

#: Idle keep-alive connections stay open this long. gunicorn's default of 2 s races clients
#: that wait out a ``Retry-After: 2`` and then reuse the connection just as the server closes
#: it ("server disconnected without sending a response"); load balancers idle for 60 s.
KEEP_ALIVE_SECONDS = 75
#: gunicorn options per ``--worker-class``. gevent (the default): each open SSE stream or
#: waiting client is a greenlet, so a worker holds thousands while still selling (measured in
#: docs/benchmarks.md); gthread: 4 threads, and every open stream occupies one of them.
WORKER_CLASSES = {
    "gevent": ["--worker-class", "gevent", "--worker-connections", "10000"],
    "gthread": ["--worker-class", "gthread", "--threads", "4"],
}


class _PluginGroup(click.Group):
    """Adds the client's commands (entry points ``boxoffice.commands``) only when asked for,
    so server commands start fast and ``server`` never imports the client package."""

    def _plugins(self) -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group="boxoffice.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and (plugin := self._plugins().get(cmd_name)):
            loaded: click.Command = plugin.load()
            return loaded
        return command


@click.group(cls=_PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Boxoffice: seat booking for venues."""


@contextmanager
def _app_with_services(
    *, echo: bool = True, payments: bool = False
) -> Iterator[tuple[Flask, dict[str, str]]]:
    """Start embedded Postgres/Redis (and, with ``payments``, the simulated payment service)
    unless their URLs are configured, and yield an app on them plus the environment that
    points gunicorn workers at the same servers."""
    from server import create_app
    from server.extensions import db
    from server.payments.process import PaymentServiceError, running_payment_service
    from server.services import ServiceStartError, services_from_environment

    data_dir = data_dir_from_environment()
    log = (lambda message: click.echo(message, err=True)) if echo else None
    try:
        with ExitStack() as stack:
            urls = stack.enter_context(services_from_environment(data_dir, log=log))
            env = {
                "BOXOFFICE_DATABASE_URL": urls.database_url,
                "BOXOFFICE_REDIS_URL": urls.redis_url,
                "BOXOFFICE_DATA_DIR": str(data_dir),
            }
            payments_url = os.environ.get("BOXOFFICE_PAYMENTS_URL")
            if payments and not payments_url:
                payments_url = stack.enter_context(
                    running_payment_service(data_dir / "payments", log=log)
                )
            if payments_url:
                env["BOXOFFICE_PAYMENTS_URL"] = payments_url
            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": urls.database_url,
                    "REDIS_URL": urls.redis_url,
                    "DATA_DIR": data_dir,
                    "PAYMENTS_URL": payments_url,
                    "CLEANUP_SECONDS": 0,
                }
            )
            try:
                yield app, env
            finally:
                with app.app_context():
                    db.engine.dispose()  # close pooled connections before the servers stop
    except (ServiceStartError, PaymentServiceError) as error:
        raise click.ClickException(str(error)) from None


def _upgrade(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="gunicorn worker processes.",
)
@click.option(
    "--worker-class",
    type=click.Choice(sorted(WORKER_CLASSES)),
    default="gevent",
    show_default=True,
    help="gevent holds thousands of open streams per worker; gthread ties a thread to each.",
)
@click.option("--demo", is_flag=True, help="Load the demo catalog if the database is empty.")
def serve(host: str, port: int, workers: int, worker_class: str, demo: bool) -> None:
    """Serve the API with gunicorn (embedded Postgres and Redis unless configured)."""
    with _app_with_services(payments=True) as (app, env):
        _upgrade(app)
        if demo:
            from server.catalog.demo import load_demo_if_empty

            with app.app_context():
                load_demo_if_empty(progress=True)
        command = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            *WORKER_CLASSES[worker_class],
            "--config", "python:server.live.gunicorn_conf",
            "--graceful-timeout", "10",
            "--keep-alive", str(KEEP_ALIVE_SECONDS),
            "--no-control-socket",
            "server.wsgi:app",
        ]  # fmt: skip
        click.echo(f"Boxoffice API on http://{host}:{port}  (Ctrl-C stops it)", err=True)
        # No gunicorn access log: the app logs each request itself, as JSON (server.ops).
        from server.ops.multiproc import metrics_environment

        with metrics_environment(data_dir_from_environment()) as metrics_env:
            _run_until_stopped(command, {**os.environ, **env, **metrics_env})


@main.command()
@click.option(
    "--mode",
    type=click.Choice(["box-office", "kiosk"]),
    default="box-office",
    show_default=True,
    help="Which terminal to open.",
)
def demo(mode: str) -> None:
    """Try Boxoffice: the API with the demo catalog on a free port, and the kiosk on it.

    The server's log goes to demo-server.log in the data folder; closing the kiosk stops it.
    """
    import socket
    import time

    import httpx

    from server.auth import issue_token

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    boxoffice = [sys.executable, "-c", "from server.cli import main; main()"]
    log_path = data_dir_from_environment() / "demo-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    click.echo(f"Starting the demo server on {url} (first start: ~15 s)…", err=True)

    def closed(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # the terminal went away: still stop the server

    previous = {sig: signal.signal(sig, closed) for sig in (signal.SIGHUP, signal.SIGTERM)}
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [*boxoffice, "serve", "--demo", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # stopped by us, not by the terminal's Ctrl-C
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            if server.poll() is not None:
                raise click.ClickException(f"the demo server stopped; see {log_path}")
            if time.monotonic() > deadline:
                raise click.ClickException(f"the demo server did not start; see {log_path}")
            try:
                if httpx.get(f"{url}/venues?limit=1", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        config: dict[str, Any] = load_config()
        token = issue_token(
            f"demo-{mode}",
            config["JWT_SECRET"],
            hours=config["TOKEN_HOURS"],
            staff=mode == "box-office",  # the counter's own lane in a waiting room
        )
        env = {**os.environ, "BOXOFFICE_TOKEN": token, "BOXOFFICE_SERVER": url}
        if mode == "kiosk" and not env.get("BOXOFFICE_STAFF_KEY"):
            env["BOXOFFICE_STAFF_KEY"] = "demo"  # a kiosk without a staff key cannot be closed
            click.echo("Self-service kiosk: Ctrl+Q, then the staff key demo, closes it.", err=True)
        subprocess.run([*boxoffice, "kiosk", "--server", url, "--mode", mode], env=env)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_until_stopped(command: list[str], env: dict[str, str]) -> None:
    """Run gunicorn in the foreground; SIGTERM or Ctrl-C stops it, then our services stop."""
    process = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame: FrameType | None) -> None:
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                code = process.wait()
                break
            except KeyboardInterrupt:
                process.send_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if code not in (0, -signal.SIGINT, -signal.SIGTERM):
        raise click.ClickException(f"gunicorn stopped with exit code {code}")


@main.group()
def db() -> None:
    """Database schema and data."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply schema migrations (``serve`` does this too)."""
    with _app_with_services() as (app, _env):
        _upgrade(app)
    click.echo("Database schema is current.", err=True)


@db.command("load-demo")
def db_load_demo() -> None:
    """Load the demo catalog into an empty database."""
    from server.catalog.demo import load_demo_if_empty

    with _app_with_services() as (app, _env):
        _upgrade(app)
        with app.app_context():
            loaded = load_demo_if_empty(progress=True)
    click.echo("Demo catalog loaded." if loaded else "The catalog is not empty; left it alone.")


@main.command()
def cleanup() -> None:
    """Mark pending bookings whose hold ran out EXPIRED (the server also does this itself)."""
    from server.booking.cleanup import run_cleanup_once

    with _app_with_services() as (app, _env):
        count = run_cleanup_once(app)
    click.echo(f"{count} pending booking{'s' if count != 1 else ''} marked expired.")


@main.command()
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Only payments in flight longer than this (default BOXOFFICE_RECONCILE_GRACE_SECONDS "
    "or 120; at least BOXOFFICE_PAYMENTS_TIMEOUT).",
)
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 1_000_000))
def reconcile(grace: float | None, limit: int) -> None:
    """Settle payments a crash cut off between charge and confirmation: book the seats if
    they are still free, else refund (the server also does this itself)."""
    from collections import Counter

    from sqlalchemy.exc import OperationalError

    from server.booking.reconcile import run_reconcile_once
    from server.payments.process import payment_service_in_use

    if not os.environ.get("BOXOFFICE_PAYMENTS_URL"):
        running = payment_service_in_use(data_dir_from_environment() / "payments")
        if running:  # the serving simulator holds the journal: ask it
            os.environ["BOXOFFICE_PAYMENTS_URL"] = running
    with _app_with_services(echo=False, payments=True) as (app, _env):
        timeout = float(app.config["PAYMENTS_TIMEOUT"])
        if grace is not None and grace < timeout:
            message = f"must be at least the payment timeout ({timeout:g} s)"
            raise click.BadParameter(message, param_hint="--grace")
        try:
            done = run_reconcile_once(app, grace_seconds=grace, limit=limit)
        except OperationalError as error:
            raise click.ClickException(f"the database is not answering: {error.orig}") from None
    for settled in done:
        click.echo(str(settled))
    counts = Counter(settled.outcome for settled in done)
    click.echo(
        f"{len(done)} payment{'s' if len(done) != 1 else ''} in flight: "
        f"{counts['confirmed']} confirmed, {counts['refunded']} refunded, "
        f"{counts['closed']} closed without a charge, {counts['pending']} left for later."
    )


@main.command()
@click.argument("user_id")
@click.option(
    "--hours",
    default=None,
    type=click.FloatRange(min=0.01, max=24 * 365),
    help="Lifetime of the token (default BOXOFFICE_TOKEN_HOURS or 12).",
)
@click.option("--staff", is_flag=True, help="Box-office staff: their own lane in a waiting room.")
def token(user_id: str, hours: float | None, staff: bool) -> None:
    """Print a Bearer token for USER_ID, signed with the server's secret."""
    from server.auth import issue_token

    config: dict[str, Any] = load_config()
    try:
        click.echo(
            issue_token(
                user_id, config["JWT_SECRET"], hours=hours or config["TOKEN_HOURS"], staff=staff
            )
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="USER_ID") from None


@main.command()
@click.argument("event_id", type=click.IntRange(min=1))
@click.option(
    "--rate",
    type=click.IntRange(1, 60_000),
    metavar="N",
    help="Admit N people a minute from the waiting room (plus one per hold that ends).",
)
@click.option(
    "--staff-share",
    type=click.FloatRange(0, 0.9),
    metavar="F",
    help="Share of the rate kept for box-office staff tokens, 0 to 0.9 (0.2 unless changed).",
)
@click.option("--off", is_flag=True, help="Open the event to everyone again.")
def surge(event_id: int, rate: int | None, staff_share: float | None, off: bool) -> None:
    """Mark EVENT_ID high-demand: its seat map and holds then need an admission token from
    its waiting room. Without options: show the setting."""
    from server.waiting.command import change_surge

    if off and (rate is not None or staff_share is not None):
        raise click.UsageError("--off goes alone, without --rate or --staff-share")
    if staff_share is not None and rate is None:
        raise click.UsageError("--staff-share goes with --rate N")
    with _app_with_services(echo=False) as (app, _env):
        _upgrade(app)
        click.echo(change_surge(app, event_id, rate=rate, staff_share=staff_share, off=off))
