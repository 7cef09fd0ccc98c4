"""``boxoffice queue``: a high-demand event's waiting room from a script — your place, the
estimated wait, and the admission token once it is your turn."""

from __future__ import annotations

import click

from kiosk.cli._common import SIGNED_IN, console, echo_json, json_option, open_client, server_option
from kiosk.cli._errors import BoxofficeCommand, CliError, ExitCode
from shared.client import BoxofficeClient
from shared.models import QueueLane, QueueState, QueueStatus

__all__ = ["queue"]

#: Seconds each long-poll may wait for news (the server allows 30).
POLL_SECONDS = 30


def _wait(seconds: int | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 60:
        return f"about {seconds} s"
    minutes = round(seconds / 60)
    return f"about {minutes} min" if minutes < 120 else f"about {minutes / 60:.1f} h"


def describe(status: QueueStatus) -> str:
    """One line a person reads."""
    event = f"Event {status.event_id}"
    if status.state is QueueState.OPEN:
        return f"{event} is open to everyone: no waiting room, no token needed."
    if status.state is QueueState.NOT_QUEUED:
        return f"{event}: not in the queue (boxoffice queue {status.event_id} joins it)."
    if status.state is QueueState.ADMITTED:
        until = status.expires_at.astimezone().strftime("%H:%M:%S") if status.expires_at else ""
        return (
            f"{event}: your turn. Valid until {until}; for the next commands:\n"
            f"export BOXOFFICE_ADMISSION_TOKEN={status.admission_token}"
        )
    lane = " (staff lane)" if status.lane is QueueLane.STAFF else ""
    of = f" of {status.queue_length:,}" if status.queue_length else ""
    return (
        f"{event}: number {status.position:,}{of} in the queue{lane}, "
        f"wait {_wait(status.estimated_wait_seconds)}."
    )


def _show(status: QueueStatus, as_json: bool) -> None:
    if as_json:
        echo_json(status)
    else:
        console().print(describe(status), soft_wrap=True)


def _follow(client: BoxofficeClient, status: QueueStatus, as_json: bool) -> QueueStatus:
    """Long-poll until admitted (or the event opens); one line per change of place."""
    while status.state is QueueState.WAITING:
        before = status.position
        status = client.queue_status(status.event_id, wait=POLL_SECONDS, position=before)
        if status.state is not QueueState.WAITING or status.position != before:
            _show(status, as_json)
    return status


@click.command(cls=BoxofficeCommand, epilog=SIGNED_IN)
@click.argument("event_id", type=click.IntRange(min=1))
@click.option("--wait", is_flag=True, help="Stay in line, printing each change, until admitted.")
@click.option("--leave", is_flag=True, help="Give up your place (or an unused admission).")
@server_option
@json_option
def queue(event_id: int, wait: bool, leave: bool, server: str, as_json: bool) -> None:
    """Join EVENT_ID's waiting room (or keep your place) and print your place and wait.

    A high-demand event's seat map and holds need an admission token: once it is your turn,
    this prints it; export it as BOXOFFICE_ADMISSION_TOKEN for the next commands. --json
    prints the API's queue status (one line per change with --wait).
    """
    if wait and leave:
        raise CliError("--wait and --leave do not go together", ExitCode.USAGE)
    with open_client(server, signed_in=True) as client:
        if leave:
            client.leave_queue(event_id)
            if not as_json:
                console().print(f"Event {event_id}: left the queue.")
            return
        status = client.join_queue(event_id)
        _show(status, as_json)
        if wait:
            final = _follow(client, status, as_json)
            if final.state is QueueState.NOT_QUEUED:
                raise CliError(
                    f"event {event_id}: no longer in the queue; join again", ExitCode.CONFLICT
                )
