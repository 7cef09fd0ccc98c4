"""What every client command shares: ``--server``, ``--json``, the token, and output that is a
table for people and JSON for scripts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import click
from rich.console import Console

from kiosk.cli._errors import CliError, ExitCode
from shared.client import DEFAULT_SERVER, BoxofficeClient
from shared.models import WireModel

__all__ = [
    "EXIT_CODES",
    "SIGNED_IN",
    "TOKEN_HELP",
    "console",
    "echo_json",
    "json_option",
    "money",
    "open_client",
    "server_option",
    "when",
]

F = TypeVar("F", bound=Callable[..., Any])

TOKEN_HELP = "set BOXOFFICE_TOKEN (boxoffice token USER prints one)"
EXIT_CODES = (
    "Exit codes: 0 ok, 2 bad usage, 3 not found, 4 conflict, 5 payment declined, "
    "6 server unavailable, 1 anything else."
)
SIGNED_IN = f"Needs BOXOFFICE_TOKEN (boxoffice token USER prints one). {EXIT_CODES}"


def _check_server(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http:// or https:// URL")
    return value


def server_option(command: F) -> F:
    return click.option(
        "--server",
        metavar="URL",
        envvar="BOXOFFICE_SERVER",
        default=DEFAULT_SERVER,
        show_default=True,
        show_envvar=True,
        callback=_check_server,
        help="Base URL of the Boxoffice API.",
    )(command)


def json_option(command: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print the API's JSON instead of a table."
    )(command)


def open_client(server: str, *, signed_in: bool = False) -> BoxofficeClient:
    """A client for ``server``; ``signed_in`` commands refuse to start without a token."""
    token = os.environ.get("BOXOFFICE_TOKEN", "").strip()
    if signed_in and not token:
        raise CliError(TOKEN_HELP, ExitCode.USAGE)
    client = BoxofficeClient(server, token=token or None)
    for admission in os.environ.get("BOXOFFICE_ADMISSION_TOKEN", "").split():
        try:  # a high-demand event's waiting-room token, from `boxoffice queue --wait`
            client.use_admission(admission)
        except ValueError as error:
            client.close()
            raise CliError(f"BOXOFFICE_ADMISSION_TOKEN: {error}", ExitCode.USAGE) from None
    return client


def console() -> Console:
    """Colour on a terminal, plain text in a pipe or a file (rich decides; NO_COLOR works)."""
    return Console(highlight=False, markup=False)


def echo_json(model: WireModel) -> None:
    """One compact JSON document per line: the API's own field names."""
    click.echo(json.dumps(model.to_wire(), ensure_ascii=False, separators=(",", ":")))


def when(moment: datetime, *, short: bool = False) -> str:
    """A time in the machine's own zone, as a person writes it (``short`` for tables)."""
    local = moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M" if short else "%a %d %b %Y %H:%M %Z").strip()


def money(amount: Decimal, currency: str = "") -> str:
    return f"{currency} {amount:,.2f}".strip()
