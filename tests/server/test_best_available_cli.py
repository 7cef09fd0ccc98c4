"""``boxoffice hold EVENT_ID --best N [--category C]`` against a live server: the server picks
the seats, the command prints them like any hold, and misuse is one line and exit code 2."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from conftest import JWT_SECRET, Catalog

from server.auth import issue_token
from server.cli import main
from shared.models import BookingInfo

Run = Callable[..., Result]


@pytest.fixture
def run(live_server: str) -> Run:
    def invoke(*args: str, user: str = "ana") -> Result:
        env = {"BOXOFFICE_SERVER": live_server, "BOXOFFICE_TOKEN": issue_token(user, JWT_SECRET)}
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def fails(result: Result, code: int, message: str) -> str:
    """The exit code, and exactly one line on stderr that starts with ``error: message``."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    return result.stderr


def test_best_picks_and_holds_in_one_command(catalog: Catalog, run: Run) -> None:
    event_id = str(catalog.event(catalog.venue(), "Jazz Night").id)
    held = ok(run("hold", event_id, "--best", "2"))
    assert held.startswith("Held 2 seats: A5, A6\n")
    assert "GBP 80.00" in held and "boxoffice pay " in held
    info = BookingInfo.model_validate_json(
        ok(run("hold", event_id, "--best", "4", "--category", "back", "--json", user="ben"))
    )
    assert [t.seat_id for t in info.tickets] == [f"stalls:B:{n}" for n in (6, 7, 8, 9)]
    assert info.status.value == "PENDING"


def test_no_seats_together_is_a_conflict_saying_so(catalog: Catalog, run: Run) -> None:
    event_id = str(catalog.event(catalog.venue()).id)
    message = fails(run("hold", event_id, "--best", "6", "--category", "back"), 4, "no seats")
    assert "no 6 adjacent seats available together in category back" in message
    fails(run("hold", event_id, "--best", "2", "--category", "gold"), 2, "invalid request: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "hold needs SEAT... or --best N"),
        (("A1", "--best", "2"), "give SEAT... or --best N, not both"),
        (("A1", "--category", "back"), "--category goes with --best N"),
        (("--best", "2", "--section", "stalls"), "--section goes with SEAT labels"),
    ],
)
def test_seats_or_best_exactly_one(
    catalog: Catalog, run: Run, args: tuple[str, ...], message: str
) -> None:
    event_id = str(catalog.event(catalog.venue()).id)
    fails(run("hold", event_id, *args), 2, message)


def test_best_out_of_range_is_clicks_usage_error(run: Run) -> None:
    result = run("hold", "1", "--best", "11")
    assert result.exit_code == 2
    assert "--best" in result.stderr and "1<=x<=10" in result.stderr
