"""The `boxoffice` client commands against a live server: what a person reads, what a script
parses, and the documented exit code with one line on stderr for each way it can go wrong."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import JWT_SECRET, TINY_CAPACITY, Catalog
from live_server import free_port

from server.auth import issue_token
from server.cli import main
from shared.client import BoxofficeClient
from shared.models import BookingInfo, EventDetail, EventSeatSummary, EventSummary, VenueSummary

Run = Callable[..., Result]

#: Two sections that both have a row A, so ``A3`` alone is ambiguous.
TWO_LEVELS = {
    "formatVersion": 1,
    "name": "Two Levels",
    "grid": {"width": 10, "height": 6},
    "stage": {"label": "STAGE", "x": 2, "y": 0, "width": 6, "height": 1},
    "priceCategories": [{"id": "std", "name": "Standard"}],
    "sections": [
        {
            "id": "stalls",
            "name": "Stalls",
            "category": "std",
            "rows": [{"label": "A", "x": 2, "y": 2, "seats": "1-6"}],
        },
        {
            "id": "circle",
            "name": "Circle",
            "category": "std",
            "rows": [{"label": "A", "x": 2, "y": 4, "seats": "1-6"}],
        },
    ],
}


@pytest.fixture
def run(live_server: str) -> Run:
    """``boxoffice ARGS`` in-process, as ``user`` (None: no token) against ``server``."""

    def invoke(*args: str, user: str | None = "ana", server: str | None = None) -> Result:
        env = {
            "BOXOFFICE_SERVER": server or live_server,
            "BOXOFFICE_TOKEN": issue_token(user, JWT_SECRET) if user else None,
        }
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


@pytest.fixture
def api(live_server: str) -> Iterator[Callable[[str], BoxofficeClient]]:
    """Another customer, using the API directly."""
    opened: list[BoxofficeClient] = []

    def connect(user: str) -> BoxofficeClient:
        opened.append(BoxofficeClient(live_server, token=issue_token(user, JWT_SECRET)))
        return opened[-1]

    yield connect
    for client in opened:
        client.close()


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


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def ticket_ids(client: BoxofficeClient, event_id: int) -> dict[str, int]:
    return {t.seat_id: t.ticket_id for t in client.event(event_id).tickets}


# catalog ------------------------------------------------------------------------------------
def test_venues_prints_a_table_or_json_lines(catalog: Catalog, run: Run) -> None:
    catalog.venue("Alder Hall", "Leeds")
    catalog.venue("Birch Hall", "York")
    table = ok(run("venues"))
    assert "Alder Hall" in table and "York" in table and str(TINY_CAPACITY) in table
    venues = [VenueSummary.model_validate(v) for v in json_lines(ok(run("venues", "--json")))]
    assert [v.title for v in venues] == ["Alder Hall", "Birch Hall"]


def test_events_search_walks_pages_stops_at_the_limit_and_checks_dates(
    catalog: Catalog, run: Run
) -> None:
    venue = catalog.venue()
    for n in range(1, 4):
        catalog.event(venue, f"Jazz Night {n}", days=n)
    catalog.event(venue, "Poetry Reading")
    found = json_lines(ok(run("events", "search", "jazz", "--json")))
    assert [EventSummary.model_validate(e).title for e in found] == [
        "Jazz Night 1",
        "Jazz Night 2",
        "Jazz Night 3",
    ]
    assert len(json_lines(ok(run("events", "search", "--json", "--limit", "2")))) == 2
    assert len(json_lines(ok(run("events", "search", "--json")))) == 4
    table = ok(run("events", "search", "jazz", "night"))
    assert "Jazz Night 2" in table and "The Tiny Room, Leeds" in table
    assert "Poetry" not in table
    assert ok(run("events", "search", "opera")) == "No events found.\n"
    bad = run("events", "search", "--from", "2026-13-01")
    assert bad.exit_code == 2 and "is not a date" in bad.stderr


def test_events_show_draws_held_and_booked_seats_and_counts_them(
    catalog: Catalog, run: Run, api: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue(), "Jazz Night").id
    ben = api("ben")
    ids = ticket_ids(ben, event_id)
    ben.hold(event_id, [ids["stalls:A:1"], ids["stalls:A:2"]])
    cara = api("cara")
    cara.pay(cara.hold(event_id, [ids["stalls:B:7"], ids["standing:GA:1"]]), {"method": "cash"})

    lines = ok(run("events", "show", str(event_id))).splitlines()
    assert lines[0] == f"Jazz Night  (event {event_id})"
    assert lines[1].startswith("The Tiny Room, Leeds  (venue ")
    assert "    #STAGE##" in lines
    row_a = lines.index(" A hhoooooooo A")
    assert lines[row_a + 1 : row_a + 4] == [" B ooooo oxoo B", " C ooooo oooo C", "  Standing 4/5"]
    sections = {line.split()[0]: line.split()[1:] for line in lines if line.split()}
    assert sections["Stalls"] == ["25", "2", "1", "28"]
    assert sections["Standing"] == ["4", "0", "1", "5"]
    assert sections["All"] == ["29", "2", "2", "33"]
    assert sections["Front"] == ["40.00"]

    detail = EventDetail.model_validate_json(ok(run("events", "show", str(event_id), "--json")))
    assert {t.seat_id: t.ticket_status.value for t in detail.tickets}["stalls:A:2"] == "RESERVED"
    summary = EventSeatSummary.model_validate_json(
        ok(run("events", "show", str(event_id), "--json", "--no-map"))
    )
    assert [(s.section, s.booked_seats) for s in summary.sections] == [
        ("stalls", "B7"),
        ("standing", "1"),
    ]


def test_events_show_of_a_big_venue_prints_the_sections_unless_asked_for_the_map(
    catalog: Catalog, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.cli.catalog.MAP_SEAT_LIMIT", 20)
    event_id = str(catalog.event(catalog.venue()).id)
    overview = ok(run("events", "show", event_id))
    assert "add --map" in overview and "oooo" not in overview and "Stalls" in overview
    assert " A oooooooooo A" in ok(run("events", "show", event_id, "--map")).splitlines()
    assert "oooo" not in ok(run("events", "show", "--no-map", str(int(event_id))))


# booking ------------------------------------------------------------------------------------
def test_hold_by_label_range_and_seat_id_then_pay_and_show_the_booking(
    catalog: Catalog, run: Run
) -> None:
    event_id = str(catalog.event(catalog.venue(), "Jazz Night").id)
    held = ok(run("hold", event_id, "A1", "b2-3", "stalls:C:9"))
    assert held.startswith("Held 4 seats: A1, B2, B3, C9\n")
    assert "GBP 116.50" in held  # 40.00 + 3 × 25.50
    booking_id = next(line.split()[1] for line in held.splitlines() if line.startswith("Booking"))
    assert f"boxoffice pay {booking_id} --card NUMBER --expiry MM/YY --cvc NNN" in held
    assert "PENDING, held until" in ok(run("booking", booking_id))

    paid = ok(run("pay", booking_id, "--card", "4242 4242 4242 4242"))
    assert paid.startswith("Paid: A1, B2, B3, C9\n") and "BOOKED on" in paid
    info = BookingInfo.model_validate_json(ok(run("booking", booking_id, "--json")))
    assert info.status.value == "BOOKED" and len(info.tickets) == 4


def test_hold_json_then_release_frees_the_seats(catalog: Catalog, run: Run) -> None:
    event_id = str(catalog.event(catalog.venue()).id)
    info = BookingInfo.model_validate_json(ok(run("hold", event_id, "A4", "A5", "--json")))
    assert [t.seat_id for t in info.tickets] == ["stalls:A:4", "stalls:A:5"]
    released = ok(run("release", info.booking_id))
    assert released == f"Released booking {info.booking_id}: A4, A5 are free again.\n"
    after = BookingInfo.model_validate_json(ok(run("booking", info.booking_id, "--json")))
    assert after.status.value == "CANCELLED"
    cash = BookingInfo.model_validate_json(ok(run("hold", event_id, "A4", "--json")))
    assert json.loads(ok(run("pay", cash.booking_id, "--cash", "--json"))) == {
        "bookingIDs": [cash.booking_id],
        "bookingStatus": "BOOKED",
    }


def test_a_label_in_two_sections_needs_a_section(catalog: Catalog, run: Run) -> None:
    venue = catalog.venue("Two Levels", layout=TWO_LEVELS)
    event_id = str(catalog.event(venue, prices={"std": "20.00"}).id)
    message = fails(run("hold", event_id, "A3"), 2, "A3 is in 2 sections")
    assert "--section circle or --section stalls" in message
    fails(run("hold", event_id, "A3-4"), 2, "A3-4 is in 2 sections")
    held = ok(run("hold", event_id, "A3", "A4", "--section", "Circle"))
    assert "Held 2 seats: A3, A4" in held and "Circle" in held
    fails(run("hold", event_id, "A3", "--section", "balcony"), 2, "--section balcony")


# exit codes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [("hold", "1", "A1"), ("pay", "b", "--cash"), ("release", "b"), ("booking", "b")],
)
def test_signed_in_commands_need_a_token(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args, user=None)
    assert fails(result, 2, "set BOXOFFICE_TOKEN") == (
        "error: set BOXOFFICE_TOKEN (boxoffice token USER prints one)\n"
    )


def test_bad_usage_exits_2(catalog: Catalog, run: Run, live_server: str) -> None:
    event_id = str(catalog.event(catalog.venue()).id)
    fails(run("pay", "b"), 2, "pay needs either --card NUMBER or --cash")
    fails(run("pay", "b", "--cash", "--card", "4242424242424242"), 2, "pay needs either")
    fails(run("pay", "b", "--card", "4111111111111111"), 2, "--card needs --expiry MM/YY")
    env = {"BOXOFFICE_SERVER": live_server, "BOXOFFICE_TOKEN": "forged"}
    forged = CliRunner().invoke(main, ["booking", "b"], env=env)
    fails(forged, 2, "not signed in: ")
    held = BookingInfo.model_validate_json(ok(run("hold", event_id, "A1", "--json")))
    fails(run("pay", held.booking_id, "--card", "1234"), 2, "--card needs")
    bad_card = run("pay", held.booking_id, "--card", "1234", "--expiry", "12/39", "--cvc", "123")
    fails(bad_card, 2, "invalid payment details (paymentDetails.cardNumber): ")
    for command in ("pay", "release", "booking"):
        odd = run(command, "../venues", "--cash") if command == "pay" else run(command, "../venues")
        assert odd.exit_code == 2 and "'../venues' is not a booking ID" in odd.stderr
    wrong_url = run("venues", server="localhost:8000")
    assert wrong_url.exit_code == 2 and "not an http:// or https:// URL" in wrong_url.stderr


def test_what_does_not_exist_exits_3(catalog: Catalog, run: Run) -> None:
    event_id = catalog.event(catalog.venue()).id
    fails(run("events", "show", str(event_id + 100)), 3, "not found: ")
    fails(run("booking", "00000000-0000-0000-0000-000000000000"), 3, "not found: ")
    fails(run("hold", str(event_id), "Z9"), 3, f"event {event_id} has no seat Z9")
    fails(run("hold", str(event_id), "A9-12"), 3, f"event {event_id} has no seats A9-12")
    fails(run("hold", str(event_id + 100), "1"), 3, "not found: ")


def test_conflicts_exit_4_naming_the_taken_seats(
    catalog: Catalog, run: Run, api: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id
    ben = api("ben")
    ids = ticket_ids(ben, event_id)
    ben.hold(event_id, [ids["stalls:A:1"], ids["stalls:A:2"]])
    taken = fails(run("hold", str(event_id), "A2-3"), 4, "seats taken: ")
    assert taken == f"error: seats taken: A2 (ticket {ids['stalls:A:2']}); nothing was held\n"
    by_id = fails(run("hold", str(event_id), str(ids["stalls:A:1"])), 4, "seats taken: ")
    assert f"ticket {ids['stalls:A:1']}" in by_id
    info = BookingInfo.model_validate_json(ok(run("hold", str(event_id), "C1", "--json")))
    ok(run("pay", info.booking_id, "--cash"))
    fails(run("release", info.booking_id), 4, "booking closed: ")


def test_a_declined_card_exits_5_and_keeps_the_hold(catalog: Catalog, run: Run) -> None:
    event_id = str(catalog.event(catalog.venue()).id)
    info = BookingInfo.model_validate_json(ok(run("hold", event_id, "A1", "--json")))
    declined = fails(run("pay", info.booking_id, "--card", "4000000000000002"), 5, "payment")
    assert declined.startswith("error: payment declined (card_declined): ")
    assert "PENDING" in ok(run("booking", info.booking_id))


def test_no_server_exits_6(run: Run) -> None:
    result = run("venues", server=f"http://127.0.0.1:{free_port()}")
    fails(result, 6, "service unavailable: Cannot reach the server at http://127.0.0.1:")
