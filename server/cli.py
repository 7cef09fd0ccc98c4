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
@click.option("--demo", is_flag=True, help="Load the demo catalog if the database is empty.")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
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
            "--worker-class", "gthread",
            "--threads", "4",
            "--graceful-timeout", "10",
            "--keep-alive", str(KEEP_ALIVE_SECONDS),
            "--access-logfile", "-",
            "--no-control-socket",
            "server.wsgi:app",
        ]  # fmt: skip
        click.echo(f"Boxoffice API on http://{host}:{port}  (Ctrl-C stops it)", err=True)
        _run_until_stopped(command, {**os.environ, **env})


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
@click.argument("user_id")
@click.option(
    "--hours",
    default=None,
    type=click.FloatRange(min=0.01, max=24 * 365),
    help="Lifetime of the token (default BOXOFFICE_TOKEN_HOURS or 12).",
)
def token(user_id: str, hours: float | None) -> None:
    """Print a Bearer token for USER_ID, signed with the server's secret."""
    from server.auth import issue_token

    config: dict[str, Any] = load_config()
    try:
        click.echo(issue_token(user_id, config["JWT_SECRET"], hours=hours or config["TOKEN_HOURS"]))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="USER_ID") from None
