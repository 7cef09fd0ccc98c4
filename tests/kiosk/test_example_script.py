"""docs/examples/buy-two-seats.sh, run as a reader would: with bash, the installed `boxoffice`
on PATH, against a live server, so the documented example cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from conftest import JWT_SECRET, Catalog
from live_server import clean_environment, free_port

from server.auth import issue_token
from shared.client import BoxofficeClient

SCRIPT = Path(__file__).parents[2] / "docs" / "examples" / "buy-two-seats.sh"
BIN = Path(sys.executable).parent


def run_script(server: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert (BIN / "boxoffice").exists(), "install the project: pip install -e ."
    env = {
        **clean_environment(),
        "PATH": f"{BIN}:{clean_environment().get('PATH', '/usr/bin:/bin')}",
        "BOXOFFICE_SERVER": server,
        "BOXOFFICE_TOKEN": issue_token("dana", JWT_SECRET),
    }
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_example_buys_two_free_seats_side_by_side(catalog: Catalog, live_server: str) -> None:
    venue = catalog.venue()
    catalog.event(venue, "Poetry Reading", days=0.5)
    event_id = catalog.event(venue, "Jazz Night").id
    with BoxofficeClient(live_server, token=issue_token("ben", JWT_SECRET)) as ben:
        first = next(t for t in ben.event(event_id).tickets if t.seat_id == "stalls:A:1")
        ben.pay(ben.hold(event_id, [first.ticket_id]), {"method": "cash"})

    result = run_script(live_server, "jazz")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Event {event_id}: Jazz Night\n")
    assert "Paid: A2, A3" in result.stdout
    tickets = httpx.get(f"{live_server}/events/{event_id}", timeout=10).json()["tickets"]
    booked = {t["seatID"] for t in tickets if t["ticketStatus"] == "BOOKED"}
    assert booked == {"stalls:A:1", "stalls:A:2", "stalls:A:3"}


def test_the_example_stops_with_the_failing_commands_exit_code() -> None:
    result = run_script(f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 6
    assert result.stderr.startswith("error: service unavailable: Cannot reach the server")
    assert result.stdout == ""
