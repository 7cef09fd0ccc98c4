"""Exit codes and one-line error messages, so scripts can branch on ``$?`` and people can read
what went wrong without a traceback."""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any

import click

from shared.errors import (
    BoxofficeError,
    Conflict,
    HoldExpired,
    InvalidPayment,
    InvalidRequest,
    NotFound,
    PaymentDeclined,
    RateLimited,
    SeatsUnavailable,
    ServiceUnavailable,
    Unauthorized,
)

__all__ = ["BoxofficeCommand", "BoxofficeGroup", "CliError", "ExitCode", "error_for", "labelled"]


class ExitCode(IntEnum):
    """What ``boxoffice`` client commands exit with; documented in the README."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NOT_FOUND = 3
    CONFLICT = 4
    PAYMENT_DECLINED = 5
    UNAVAILABLE = 6


class CliError(Exception):
    """An error that ends a command: ``error: <message>`` on stderr, then ``exit_code``."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.FAILURE) -> None:
        self.message = " ".join(message.split())  # one line, whatever the server wrote
        super().__init__(self.message)
        self.exit_code = exit_code

    def show(self) -> None:
        click.echo(f"error: {self.message}", err=True)


def _tickets(ids: list[int]) -> str:
    return f"ticket{'s' if len(ids) != 1 else ''} {', '.join(map(str, ids))}"


def labelled(ids: list[int], labels: Mapping[int, str] | None = None) -> str:
    """``A12, A13 (tickets 101, 102)`` when the seats are known, else ``tickets 101, 102``."""
    labels = labels or {}
    known = [labels[i] for i in ids if i in labels]
    if not ids:
        return "some seats"
    if len(known) != len(ids):
        return _tickets(ids)
    return f"{', '.join(known)} ({_tickets(ids)})"


def error_for(error: BoxofficeError) -> CliError:
    """The exit code and sentence for an API error."""
    message = error.message.rstrip()
    if isinstance(error, SeatsUnavailable):
        return CliError(f"seats taken: {labelled(error.ticket_ids)}: {message}", ExitCode.CONFLICT)
    if isinstance(error, HoldExpired):
        return CliError(f"hold expired: {labelled(error.ticket_ids)}: {message}", ExitCode.CONFLICT)
    if isinstance(error, Conflict):
        return CliError(f"{error.title.lower()}: {message}", ExitCode.CONFLICT)
    if isinstance(error, PaymentDeclined):
        code = f" ({error.code})" if error.code else ""
        return CliError(
            f"payment declined{code}: {message} The seats are still held; "
            "pay again with another card or --cash.",
            ExitCode.PAYMENT_DECLINED,
        )
    if isinstance(error, InvalidPayment):
        field = f" ({error.field})" if error.field else ""
        return CliError(f"invalid payment details{field}: {message}", ExitCode.USAGE)
    if isinstance(error, InvalidRequest):
        return CliError(f"invalid request: {message}", ExitCode.USAGE)
    if isinstance(error, Unauthorized):
        return CliError(
            f"not signed in: {message} Set BOXOFFICE_TOKEN (boxoffice token USER prints one).",
            ExitCode.USAGE,
        )
    if isinstance(error, NotFound):
        return CliError(f"not found: {message}", ExitCode.NOT_FOUND)
    if isinstance(error, ServiceUnavailable | RateLimited):
        wait = error.retry_after
        later = f" Try again in {wait:g} s." if wait else ""
        return CliError(f"{error.title.lower()}: {message}{later}", ExitCode.UNAVAILABLE)
    return CliError(message, ExitCode.FAILURE)


def _translate(invoke: Callable[[], Any]) -> Any:
    """Run a command; print any failure as one line and exit with its documented code."""
    try:
        return invoke()
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # click's own: usage errors exit 2 with the usage, Ctrl-C says "Aborted!"
    except CliError as error:
        failure = error
    except BoxofficeError as error:
        failure = error_for(error)
    except OSError as error:
        if error.errno == errno.EPIPE:
            raise  # the reader has gone (``| head -1``): click ends quietly
        failure = CliError(f"unexpected error: {error}")
    except Exception as error:
        failure = CliError(f"unexpected error: {type(error).__name__}: {error}")
    failure.show()
    raise click.exceptions.Exit(int(failure.exit_code))


class BoxofficeCommand(click.Command):
    """A command whose failures are one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        return _translate(lambda: super(BoxofficeCommand, self).invoke(ctx))


class BoxofficeGroup(click.Group):
    """A group whose subcommands are :class:`BoxofficeCommand` by default."""

    command_class = BoxofficeCommand
