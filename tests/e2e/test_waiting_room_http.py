"""The waiting room over real HTTP: `boxoffice serve` with three gevent workers, many clients
long-polling at once. Admissions come in join order at the set rate, driven only by the
clients' own requests; tokens work for their user alone; the typed client and the
`boxoffice queue` command use the room the way a script would."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import JWT_SECRET, Catalog, bearer, surge

from server.auth import issue_token
from server.cli import main
from server.extensions import db
from server.waiting import end_surge
from shared.client import BoxofficeClient
from shared.errors import AdmissionRequired
from shared.models import ADMISSION_HEADER, QueueState

Connect = Callable[[str], BoxofficeClient]


@pytest.fixture
def connect(live_server: str) -> Iterator[Connect]:
    opened: list[BoxofficeClient] = []

    def client(user: str) -> BoxofficeClient:
        opened.append(BoxofficeClient(live_server, token=issue_token(user, JWT_SECRET)))
        return opened[-1]

    yield client
    for each in opened:
        each.close()


#: One admission every 10 s: long enough that nobody else is let in by the clock between the
#: first customer's admission and the next join, however busy the machine (at 60 a minute a
#: slow CI run let the second customer straight in).
SLOW_RATE = 6


def test_many_clients_are_admitted_in_order_at_the_rate(
    catalog: Catalog, connect: Connect, live_server: str
) -> None:
    """240 a minute, 30 clients long-polling: four at once, then four a second, and always
    the earliest joiners first."""
    event_id = catalog.event(catalog.venue()).id
    surge(live_server, event_id, per_minute=240)
    clients = [connect(f"fan-{n:02}") for n in range(30)]
    joined_at = time.monotonic()
    for client in clients:
        client.join_queue(event_id)
    admitted_at: dict[int, float] = {}
    failures: list[BaseException] = []

    def wait_turn(n: int, client: BoxofficeClient) -> None:
        try:
            status = client.queue_status(event_id)
            while status.state is QueueState.WAITING:
                status = client.queue_status(event_id, wait=10, position=status.position)
            assert status.state is QueueState.ADMITTED
            admitted_at[n] = time.monotonic() - joined_at
        except BaseException as error:
            failures.append(error)

    threads = [
        threading.Thread(target=wait_turn, args=(n, c), daemon=True) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    # Meanwhile, whoever is in has everyone who joined before them in too. (Asked from the
    # back of the queue forward: admissions between the answers cannot fake a gap.)
    while any(thread.is_alive() for thread in threads):
        states = {n: state_of(live_server, event_id, n) for n in range(29, -1, -3)}
        admitted = sorted(n for n, state in states.items() if state == "admitted")
        assert admitted == sorted(states)[: len(admitted)], states
        time.sleep(0.2)
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    assert sorted(admitted_at) == list(range(30))
    times = sorted(admitted_at.values())
    # the bucket's four at once, then the other 26 at four a second: the last after ~6.5 s
    assert 5.5 < times[-1] < 8.5, times
    assert 14 <= sum(1 for t in times if t <= 3.0) <= 18, times
    for n in range(1, 30):  # nobody in more than a poll's time before someone ahead
        assert admitted_at[n] >= admitted_at[n - 1] - 0.8, admitted_at


def state_of(live_server: str, event_id: int, n: int) -> str:
    answer = httpx.get(
        f"{live_server}/events/{event_id}/queue", headers=bearer(f"fan-{n:02}"), timeout=10
    )
    state: str = answer.json()["state"]
    return state


def test_a_token_is_refused_to_anyone_else(
    catalog: Catalog, connect: Connect, live_server: str
) -> None:
    event_id = catalog.event(catalog.venue()).id
    surge(live_server, event_id, per_minute=60)
    ana = connect("ana")
    token = ana.join_queue(event_id).admission_token
    assert token is not None
    for user in ("ben", "cy"):
        stolen = httpx.post(
            f"{live_server}/bookings/{event_id}",
            json={"quantity": 1},
            headers={**bearer(user), ADMISSION_HEADER: token},
        )
        assert stolen.status_code == 403
        assert stolen.json()["type"] == "/problems/admission-required"
    held = ana.hold_best(event_id, 2)  # the client sends it by itself
    assert len(held.tickets) == 2


def test_the_typed_client_waits_its_turn(
    catalog: Catalog, connect: Connect, live_server: str
) -> None:
    event_id = catalog.event(catalog.venue()).id
    surge(live_server, event_id, per_minute=SLOW_RATE)
    connect("first").join_queue(event_id)
    client = connect("second")
    with pytest.raises(AdmissionRequired) as refused:
        client.event(event_id)
    assert refused.value.event_id == event_id
    assert refused.value.queue_url == f"/events/{event_id}/queue"
    status = client.join_queue(event_id)
    assert status.state is QueueState.WAITING
    assert (status.position, status.queue_length) == (1, 1)
    assert status.estimated_wait_seconds is not None and 0 < status.estimated_wait_seconds <= 60
    assert status.status_url == f"/events/{event_id}/queue"
    while status.state is QueueState.WAITING:
        status = client.queue_status(event_id, wait=5, position=status.position)
    assert status.state is QueueState.ADMITTED and status.expires_at is not None
    assert len(client.event(event_id).tickets) > 0
    assert client.event_summary(event_id).sections
    end_surge(db.session(), None, event_id)


def test_the_queue_command(catalog: Catalog, connect: Connect, live_server: str) -> None:
    event_id = catalog.event(catalog.venue()).id
    surge(live_server, event_id, per_minute=SLOW_RATE)
    connect("first").join_queue(event_id)

    def run(*args: str, user: str = "scripted", **env: str) -> Result:
        token = issue_token(user, JWT_SECRET)
        environment = {"BOXOFFICE_SERVER": live_server, "BOXOFFICE_TOKEN": token, **env}
        return CliRunner().invoke(main, list(args), env=environment)

    shown = run("queue", str(event_id), "--json")
    assert shown.exit_code == 0, shown.output
    status = json.loads(shown.stdout)
    assert status["state"] in ("waiting", "admitted")
    refused = run("events", "show", str(event_id))
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: Event") and "waiting room" in refused.stderr

    waited = run("queue", str(event_id), "--wait")
    assert waited.exit_code == 0, waited.output
    lines = waited.stdout.splitlines()
    assert lines[-1].startswith("export BOXOFFICE_ADMISSION_TOKEN=")
    assert "your turn" in waited.stdout
    token = lines[-1].split("=", 1)[1]

    seats = run("events", "show", str(event_id), "--no-map", BOXOFFICE_ADMISSION_TOKEN=token)
    assert seats.exit_code == 0, seats.output
    wrong = run("events", "show", str(event_id), BOXOFFICE_ADMISSION_TOKEN="nonsense")
    assert wrong.exit_code == 2 and "BOXOFFICE_ADMISSION_TOKEN" in wrong.stderr

    for n in range(3):
        connect(f"ahead-{n}").join_queue(event_id)
    text = run("queue", str(event_id), user="later")
    assert text.exit_code == 0
    assert re.match(
        rf"Event {event_id}: number \d of \d in the queue, wait about \d+ s\.$", text.stdout
    )
    left = run("queue", str(event_id), "--leave", user="later")
    assert left.exit_code == 0 and "left the queue" in left.stdout
    end_surge(db.session(), None, event_id)
    opened = run("queue", str(event_id), "--json", user="later")
    deadline = time.monotonic() + 3
    while json.loads(opened.stdout)["state"] != "open" and time.monotonic() < deadline:
        time.sleep(0.2)
        opened = run("queue", str(event_id), "--json", user="later")
    assert json.loads(opened.stdout)["state"] == "open"
