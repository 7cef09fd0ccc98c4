"""The waiting room of a high-demand event, on the real Redis and Postgres: who gets in, in
what order, how fast, with which token — and that everything else stays open."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import JWT_SECRET, Catalog, SuiteServices, bearer
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server import create_app
from server.api.queue import waiting
from server.auth import issue_token
from server.cli import main
from server.extensions import db
from server.waiting import (
    PassCheck,
    Placement,
    RoomStatus,
    Surge,
    SurgeError,
    WaitingRoom,
    WaitingSettings,
    end_surge,
    start_surge,
)
from server.waiting.polling import next_look_seconds, worth_telling
from shared.models import ADMISSION_HEADER


class FakeClock:
    """Seconds since the epoch that move only when told."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))  # whole seconds, and steps of 1/8 s: exact sums

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def room(app: Flask, catalog: Catalog, clock: FakeClock) -> WaitingRoom:
    """A waiting room on the suite's Redis with a clock the test moves."""
    return WaitingRoom(app.extensions["boxoffice.redis"], app.config["REDIS_PREFIX"], clock=clock)


def make_surge(event_id: int, per_minute: int, staff_share: float | None = None) -> Surge:
    """Mark the event high-demand in Postgres and make this worker see it at once."""
    surge = start_surge(db.session(), event_id, per_minute, staff_share)
    waiting().surges.forget(event_id)
    return surge


def staff_bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, JWT_SECRET, staff=True)}"}


def admitted(room: WaitingRoom, surge: Surge, users: list[str]) -> list[str]:
    return [u for u in users if room.status(surge, u).placement is Placement.ADMITTED]


# order and rate -------------------------------------------------------------------------------
def test_people_are_admitted_in_the_order_they_joined(
    room: WaitingRoom, catalog: Catalog, clock: FakeClock
) -> None:
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=60)
    users = [f"fan-{n}" for n in (3, 1, 4, 15, 9, 2, 6)]
    for n, user in enumerate(users):
        status = room.join(surge, user)
        if n == 0:  # a full bucket: the first comes straight in
            assert status.placement is Placement.ADMITTED
        else:
            assert (status.placement, status.position) == (Placement.WAITING, n)
            assert status.queue_length == n
    order = [users[0]]
    for _ in range(len(users) - 1):
        clock.advance(1.0)  # one a second
        room.status(surge, users[-1])
        order += [u for u in admitted(room, surge, users) if u not in order]
    assert order == users


def test_joining_twice_keeps_your_place(room: WaitingRoom, catalog: Catalog) -> None:
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=1)
    for user in ("ana", "ben", "cy"):
        room.join(surge, user)
    again = room.join(surge, "ben")
    assert (again.placement, again.position) == (Placement.WAITING, 1)
    assert room.join(surge, "ana").placement is Placement.ADMITTED  # and keeps the pass
    assert room.status(surge, "cy").position == 2


def test_the_rate_is_respected(room: WaitingRoom, catalog: Catalog, clock: FakeClock) -> None:
    """120 a minute: the bucket's two at once, then two a second, however often anyone asks."""
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=120)
    users = [f"fan-{n:03}" for n in range(100)]
    for user in users:
        room.join(surge, user)
    assert len(admitted(room, surge, users)) == 2
    per_second = []
    for _ in range(5):
        before = len(admitted(room, surge, users))
        for _ in range(8):  # eight requests a second drive the room
            clock.advance(0.125)
            room.status(surge, users[-1])
        per_second.append(len(admitted(room, surge, users)) - before)
    assert per_second == [2, 2, 2, 2, 2]
    last = room.status(surge, users[-1])
    assert last.position == 100 - 12
    assert last.estimated_wait_seconds == 44  # 88 people at 2 a second


def test_a_restarted_server_sees_the_same_queue(
    client: FlaskClient, catalog: Catalog, services: SuiteServices, app: Flask
) -> None:
    event_id = catalog.event(catalog.venue()).id  # not read again under the other app
    make_surge(event_id, per_minute=1)
    places = {}
    for user in ("ana", "ben", "cy", "dee"):
        answer = client.post(f"/events/{event_id}/queue", headers=bearer(user))
        places[user] = answer.get_json()["position"]
    assert places == {"ana": None, "ben": 1, "cy": 2, "dee": 3}
    restarted = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": services.database_url,
            "REDIS_URL": services.redis_url,
            "REDIS_PREFIX": services.redis_prefix,
            "DATA_DIR": services.data_dir,
            "JWT_SECRET": JWT_SECRET,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "PAYMENTS_URL": services.payments_url,
        }
    )
    try:
        with restarted.app_context():
            fresh = restarted.test_client()
            for user in ("ben", "cy", "dee"):
                status = fresh.get(f"/events/{event_id}/queue", headers=bearer(user)).get_json()
                assert (status["state"], status["position"]) == ("waiting", places[user])
            assert fresh.get(f"/events/{event_id}/queue", headers=bearer("ana")).get_json()[
                "state"
            ] == ("admitted")
    finally:
        with restarted.app_context():
            db.engine.dispose()


# the admission token --------------------------------------------------------------------------
def _admit(client: FlaskClient, event_id: int, user: str) -> str:
    status = client.post(f"/events/{event_id}/queue", headers=bearer(user)).get_json()
    assert status["state"] == "admitted", status
    token: str = status["admissionToken"]
    return token


def test_the_seat_map_and_holds_need_a_token(client: FlaskClient, catalog: Catalog) -> None:
    venue = catalog.venue()
    event = catalog.event(venue)
    make_surge(event.id, per_minute=60)
    for answer in (
        client.get(f"/events/{event.id}"),
        client.get(f"/events/{event.id}?view=summary", headers=bearer("ana")),
        client.post(f"/bookings/{event.id}", json={"quantity": 2}, headers=bearer("ana")),
    ):
        assert answer.status_code == 403
        problem = answer.get_json()
        assert answer.content_type == "application/problem+json"
        assert problem["type"] == "/problems/admission-required"
        assert problem["queueURL"] == f"/events/{event.id}/queue"
        assert problem["eventID"] == event.id
        assert f"POST /events/{event.id}/queue" in problem["detail"]
    # the catalog stays open, and so do the show's other dates and the seat stream's route
    assert client.get("/events").status_code == 200
    assert client.get(f"/venues/{venue.id}/events").status_code == 200
    assert client.get(f"/events/{event.id}/venues").status_code == 200

    token = _admit(client, event.id, "ana")
    headers = {**bearer("ana"), ADMISSION_HEADER: token}
    seat_map = client.get(f"/events/{event.id}", headers=headers)
    assert seat_map.status_code == 200
    ticket = seat_map.get_json()["tickets"][0]["ticketID"]
    held = client.post(f"/bookings/{event.id}", json={"ticketIDs": [ticket]}, headers=headers)
    assert held.status_code == 201
    # paying is not gated: nobody is cut off at the till
    paid = client.post(
        held.get_json()["paymentInputURL"],
        json={"paymentDetails": {"method": "cash"}},
        headers=bearer("ana"),
    )
    assert paid.status_code == 200


def test_a_token_is_for_its_user_only(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    make_surge(event.id, per_minute=60)
    token = _admit(client, event.id, "ana")
    stolen = client.get(f"/events/{event.id}", headers={**bearer("ben"), ADMISSION_HEADER: token})
    assert stolen.status_code == 403
    assert "not yours" in stolen.get_json()["detail"]
    # ben waits his turn, and his own token is not ana's either
    ben = client.post(f"/events/{event.id}/queue", headers=bearer("ben")).get_json()
    assert ben["state"] == "waiting"
    mixed = client.get(f"/events/{event.id}", headers={**bearer("ana"), ADMISSION_HEADER: "x"})
    assert mixed.status_code == 403
    assert client.get(
        f"/events/{event.id}", headers={**bearer("ana"), ADMISSION_HEADER: token}
    ).status_code == (200)


def test_an_unused_token_lapses_and_a_used_one_lasts_the_session(
    room: WaitingRoom, catalog: Catalog, clock: FakeClock
) -> None:
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=1)
    ana = room.join(surge, "ana")
    assert ana.token is not None and ana.expires_ms is not None
    assert ana.token.startswith(f"{surge.event_id}.")
    assert ana.expires_ms == int(clock() * 1000) + 120_000
    assert room.join(surge, "ben").placement is Placement.WAITING
    clock.advance(61)
    ben = room.status(surge, "ben")  # ben's turn comes a minute later...
    assert ben.placement is Placement.ADMITTED
    ben_token = ben.token
    clock.advance(60)  # ...and ana never used hers within two minutes
    assert room.use_pass(surge.event_id, "ana", ana.token) is PassCheck.EXPIRED
    assert room.status(surge, "ana").placement is Placement.NOT_QUEUED
    # ben uses his in time: from then on it lasts the fifteen-minute session
    assert room.use_pass(surge.event_id, "ben", ben_token) is PassCheck.OK
    clock.advance(800)
    assert room.use_pass(surge.event_id, "ben", ben_token) is PassCheck.OK
    clock.advance(101)
    assert room.use_pass(surge.event_id, "ben", ben_token) is PassCheck.EXPIRED


def test_an_expired_token_is_refused_over_http(
    catalog: Catalog, services: SuiteServices, app: Flask, client: FlaskClient
) -> None:
    """One-second admissions, on an app of their own."""
    event_id = catalog.event(catalog.venue()).id  # not read again under the other app
    make_surge(event_id, per_minute=60)
    quick = create_app(
        {
            **{k: app.config[k] for k in ("TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL")},
            **{k: app.config[k] for k in ("REDIS_PREFIX", "DATA_DIR", "JWT_SECRET", "SECRET_KEY")},
            "PAYMENTS_URL": services.payments_url,
            "ADMISSION_UNUSED_SECONDS": 1,
        }
    )
    try:
        with quick.app_context():
            fast = quick.test_client()
            token = _admit(fast, event_id, "ana")
            time.sleep(1.2)
            late = fast.get(
                f"/events/{event_id}", headers={**bearer("ana"), ADMISSION_HEADER: token}
            )
            assert late.status_code == 403
            assert "ran out" in late.get_json()["detail"]
            status = fast.get(f"/events/{event_id}/queue", headers=bearer("ana")).get_json()
            assert status["state"] == "not-queued"
    finally:
        with quick.app_context():
            db.engine.dispose()


# more admissions when holds end ---------------------------------------------------------------
def test_a_released_hold_lets_the_next_one_in(client: FlaskClient, catalog: Catalog) -> None:
    """One a minute, so only the released hold can admit ben within the test."""
    event = catalog.event(catalog.venue())
    make_surge(event.id, per_minute=1)
    headers = {**bearer("ana"), ADMISSION_HEADER: _admit(client, event.id, "ana")}
    for user in ("ben", "cy"):
        client.post(f"/events/{event.id}/queue", headers=bearer(user))
    held = client.post(f"/bookings/{event.id}", json={"quantity": 2}, headers=headers)
    assert held.status_code == 201
    status = client.get(f"/events/{event.id}/queue", headers=bearer("ben")).get_json()
    assert status["state"] == "waiting"
    assert (
        client.delete(f"/bookings/{held.get_json()['bookingID']}", headers=headers).status_code
        == 204
    )
    ben = client.get(f"/events/{event.id}/queue", headers=bearer("ben")).get_json()
    assert ben["state"] == "admitted"
    cy = client.get(f"/events/{event.id}/queue", headers=bearer("cy")).get_json()
    assert (cy["state"], cy["position"]) == ("waiting", 1)


def test_holds_that_end_shorten_the_estimate(
    room: WaitingRoom, catalog: Catalog, clock: FakeClock, app: Flask
) -> None:
    """Turnover counts: with holds ending, the same place is a shorter wait."""
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=6)
    for n in range(30):
        room.join(surge, f"fan-{n}")
    before = room.status(surge, "fan-29").estimated_wait_seconds
    stream = room.keys.stream(surge.event_id)
    store = app.extensions["boxoffice.redis"]
    for n in range(10):  # ten two-seat holds come and go
        store.xadd(stream, {"k": "held", "t": f"{2 * n + 1},{2 * n + 2}", "c": "api"})
        store.xadd(stream, {"k": "expired", "t": f"{2 * n + 1},{2 * n + 2}", "c": ""})
    clock.advance(1)
    after = room.status(surge, "fan-29")
    assert after.position is not None and before is not None
    assert after.position == 29 - 10  # ten let in at once, on top of the rate
    assert after.estimated_wait_seconds is not None
    assert after.estimated_wait_seconds < before * after.position / 29


# the box office's lane ------------------------------------------------------------------------
def test_staff_are_admitted_while_a_thousand_wait(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    make_surge(event.id, per_minute=60, staff_share=0.2)
    for n in range(1000):
        client.post(f"/events/{event.id}/queue", headers=bearer(f"fan-{n:04}"))
    last = client.get(f"/events/{event.id}/queue", headers=bearer("fan-0999")).get_json()
    assert last["state"] == "waiting" and last["position"] > 990
    started = time.monotonic()
    joined = client.post(f"/events/{event.id}/queue", headers=staff_bearer("till-1")).get_json()
    if joined["state"] == "waiting":
        assert (joined["lane"], joined["position"]) == ("staff", 1)
        joined = client.get(
            f"/events/{event.id}/queue?wait=5&position=1", headers=staff_bearer("till-1")
        ).get_json()
    assert joined["state"] == "admitted"
    assert time.monotonic() - started < 2.5
    still = client.get(f"/events/{event.id}/queue", headers=bearer("fan-0999")).get_json()
    assert still["state"] == "waiting" and still["queueLength"] > 990
    seat_map = client.get(
        f"/events/{event.id}",
        headers={**staff_bearer("till-1"), ADMISSION_HEADER: joined["admissionToken"]},
    )
    assert seat_map.status_code == 200


def test_staff_get_their_share_and_no_more(
    room: WaitingRoom, catalog: Catalog, clock: FakeClock
) -> None:
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=60, staff_share=0.25)
    public = [f"fan-{n}" for n in range(100)]
    staff = [f"till-{n}" for n in range(20)]
    for user in public:
        room.join(surge, user)
    for user in staff:
        room.join(surge, user, staff=True)
    for _ in range(40):
        clock.advance(0.5)
        room.status(surge, public[-1])
    staff_in, public_in = len(admitted(room, surge, staff)), len(admitted(room, surge, public))
    # a full bucket each at first, then 20 s at one a second: a quarter of it to the staff
    # (one every 4 s), the rest to the public
    assert staff_in == 1 + 5
    assert public_in == 1 + 15
    last = room.status(surge, "till-19")
    assert (last.position, last.estimated_wait_seconds) == (14, 14 * 4)


def test_with_no_staff_share_staff_queue_with_everyone(room: WaitingRoom, catalog: Catalog) -> None:
    surge = make_surge(catalog.event(catalog.venue()).id, per_minute=1, staff_share=0)
    room.join(surge, "ana")
    status = room.join(surge, "till-1", staff=True)
    assert (status.staff_lane, status.position) == (False, 1)


# surge on and off -----------------------------------------------------------------------------
def test_surge_off_opens_the_event_again(client: FlaskClient, catalog: Catalog, app: Flask) -> None:
    event = catalog.event(catalog.venue())
    make_surge(event.id, per_minute=1)
    _admit(client, event.id, "ana")
    client.post(f"/events/{event.id}/queue", headers=bearer("ben"))
    assert client.get(f"/events/{event.id}").status_code == 403
    assert end_surge(db.session(), waiting(app).room, event.id) is True
    waiting(app).surges.forget(event.id)
    assert client.get(f"/events/{event.id}").status_code == 200
    ben = client.get(f"/events/{event.id}/queue", headers=bearer("ben")).get_json()
    assert ben["state"] == "open"
    again = client.post(f"/bookings/{event.id}", json={"quantity": 1}, headers=bearer("ben"))
    assert again.status_code == 201
    assert end_surge(db.session(), waiting(app).room, event.id) is False


def test_a_worker_sees_a_surge_within_a_second(client: FlaskClient, catalog: Catalog) -> None:
    """Another process (the CLI) changed it: no forget() here, only the cache's age."""
    event = catalog.event(catalog.venue())
    assert client.get(f"/events/{event.id}").status_code == 200
    start_surge(db.session(), event.id, 30)
    time.sleep(WaitingSettings().surge_cache_seconds + 0.1)
    assert client.get(f"/events/{event.id}").status_code == 403


def test_queue_of_an_ordinary_or_unknown_event(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    joined = client.post(f"/events/{event.id}/queue", headers=bearer("ana"))
    assert joined.status_code == 200
    assert joined.get_json()["state"] == "open"
    assert client.post("/events/999/queue", headers=bearer("ana")).status_code == 404
    assert client.post(f"/events/{event.id}/queue").status_code == 401
    bad = client.get(f"/events/{event.id}/queue?wait=31", headers=bearer("ana"))
    assert bad.status_code == 400
    assert bad.get_json()["errors"][0]["parameter"] == "wait"


def test_leaving_lets_the_next_one_move_up(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    make_surge(event.id, per_minute=1)
    for user in ("ana", "ben", "cy"):
        client.post(f"/events/{event.id}/queue", headers=bearer(user))
    assert client.delete(f"/events/{event.id}/queue", headers=bearer("ben")).status_code == 204
    cy = client.get(f"/events/{event.id}/queue", headers=bearer("cy")).get_json()
    assert cy["position"] == 1
    ben = client.get(f"/events/{event.id}/queue", headers=bearer("ben")).get_json()
    assert ben["state"] == "not-queued"


def test_long_poll_answers_when_the_place_changes(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    make_surge(event.id, per_minute=120)  # a second at 2 a second: the bucket's 2, then 2 more
    for n in range(5):
        client.post(f"/events/{event.id}/queue", headers=bearer(f"fan-{n}"))
    first = client.get(f"/events/{event.id}/queue", headers=bearer("fan-4")).get_json()
    assert first["position"] == 3
    started = time.monotonic()
    moved = client.get(
        f"/events/{event.id}/queue?wait=10&position=3", headers=bearer("fan-4")
    ).get_json()
    assert moved["position"] < 3
    assert time.monotonic() - started < 2
    stale = client.get(f"/events/{event.id}/queue?wait=10&position=7", headers=bearer("fan-4"))
    assert stale.get_json()["position"] != 7  # told at once


def test_the_back_of_the_queue_is_told_less_often() -> None:
    """Every admission moves everyone: the front hears of each step, the back of each
    quarter of the way."""

    def at(position: int, wait: int | None = None) -> RoomStatus:
        return RoomStatus(Placement.WAITING, position=position, estimated_wait_seconds=wait)

    assert worth_telling(3, at(2))
    assert not worth_telling(3, at(3))
    assert not worth_telling(3000, at(2300))
    assert worth_telling(3000, at(2250))
    assert worth_telling(5, at(6))  # moved back (rejoined): say so
    assert worth_telling(3000, RoomStatus(Placement.ADMITTED, token="1.x"))
    # the front looks every half second, the back every 15 s at most
    assert next_look_seconds(at(2, 1), 0.5) == 0.5
    assert next_look_seconds(at(3000, 1500), 0.5) == 15.0
    assert next_look_seconds(at(40, 40), 0.5) == 5.0  # ten places at one a second
    assert next_look_seconds(at(8, 2), 0.5) == 0.5


# the command ----------------------------------------------------------------------------------
@pytest.fixture
def cli_env(services: SuiteServices, tmp_path: Any) -> dict[str, str]:
    return {**services.server_environment(), "BOXOFFICE_DATA_DIR": str(tmp_path)}


def _setting(event_id: int) -> tuple[Any, Any]:
    db.session.rollback()
    row = db.session.execute(
        text("SELECT admission_per_minute, staff_admission_share FROM events WHERE id = :id"),
        {"id": event_id},
    ).one()
    return row[0], float(row[1])


def test_the_surge_command(catalog: Catalog, cli_env: dict[str, str]) -> None:
    event = catalog.event(catalog.venue())
    run = CliRunner().invoke
    on = run(main, ["surge", str(event.id), "--rate", "120", "--staff-share", "0.3"], env=cli_env)
    assert on.exit_code == 0, on.output
    assert "admits 120 people a minute" in on.output and "30%" in on.output
    assert _setting(event.id) == (120, 0.3)
    shown = run(main, ["surge", str(event.id)], env=cli_env)
    assert "high-demand" in shown.output
    off = run(main, ["surge", str(event.id), "--off"], env=cli_env)
    assert off.exit_code == 0 and "open to everyone" in off.output
    assert _setting(event.id) == (None, 0.3)
    for wrong, says in (
        (["surge", str(event.id), "--rate", "0"], "0 is not in the range"),
        (["surge", str(event.id), "--staff-share", "0.5"], "--staff-share goes with --rate"),
        (["surge", str(event.id), "--off", "--rate", "5"], "--off goes alone"),
        (["surge", "999", "--rate", "5"], "no event with ID 999"),
    ):
        result = run(main, wrong, env=cli_env)
        assert result.exit_code != 0 and says in result.output, result.output
        assert "Traceback" not in result.output


def test_a_surge_needs_a_sensible_rate(catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    with pytest.raises(SurgeError):
        start_surge(db.session(), event.id, 0)
    with pytest.raises(SurgeError):
        start_surge(db.session(), event.id, 10, staff_share=1.0)


def test_staff_tokens_say_so(tmp_path: Any) -> None:
    import jwt

    env = {"BOXOFFICE_DATA_DIR": str(tmp_path), "BOXOFFICE_JWT_SECRET": "s" * 40}
    staff = CliRunner().invoke(main, ["token", "till-1", "--staff"], env=env).output.strip()
    plain = CliRunner().invoke(main, ["token", "ana"], env=env).output.strip()
    assert jwt.decode(staff, "s" * 40, algorithms=["HS256"])["role"] == "staff"
    assert "role" not in jwt.decode(plain, "s" * 40, algorithms=["HS256"])


@pytest.fixture(autouse=True)
def _fresh_surge_cache(app: Flask) -> Iterator[None]:
    """Event IDs restart with every test: no setting read in one may leak into the next."""
    waiting(app).surges.forget()
    yield
    waiting(app).surges.forget()
