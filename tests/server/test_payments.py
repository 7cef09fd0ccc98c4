"""The payment service as the booking service sees it: the gateway over real HTTP to the
simulator running in its own gunicorn process, plus a few transport cases on a mock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from server.payments import (
    Charge,
    HttpPaymentGateway,
    PaymentDeclined,
    PaymentInvalid,
    PaymentServiceError,
    PaymentTimeout,
    PaymentUnavailable,
    running_payment_service,
)
from server.payments.process import payment_socket_path
from server.payments.simulator import create_simulator_app
from server.payments.simulator.app import LEDGER_EXTENSION
from server.payments.simulator.cli import gunicorn_command
from server.payments.simulator.ledger import JournalError

GOOD = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
NO_FUNDS = "4000 0000 0000 9995"
SLOW = "4000 0000 0000 0077"
SLOW_SECONDS = 2.0
EXPIRY = f"12/{(date.today().year + 3) % 100:02d}"


def card(number: str = GOOD, expiry: str = EXPIRY, cvc: str = "123") -> dict[str, Any]:
    return {"method": "card", "cardNumber": number, "expiry": expiry, "cvc": cvc}


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture(scope="module")
def payments_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    started = time.monotonic()
    with running_payment_service(
        tmp_path_factory.mktemp("payments"), slow_seconds=SLOW_SECONDS
    ) as url:
        startup = time.monotonic() - started
        print(f"payment simulator answered after {startup:.2f} s")
        assert startup < 2.0, "the simulator must start quickly"
        yield url


@pytest.fixture(scope="module")
def gateway(payments_url: str) -> Iterator[HttpPaymentGateway]:
    with HttpPaymentGateway(payments_url, timeout=5.0) as gateway:
        yield gateway


def charge(gateway: HttpPaymentGateway, key: str, details: dict[str, Any], **kw: Any) -> Charge:
    arguments: dict[str, Any] = {"amount": Decimal("12.50"), "currency": "GBP", **kw}
    return gateway.charge(idempotency_key=key, details=details, **arguments)


def test_good_card_is_charged_and_can_be_looked_up(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    charged = charge(gateway, key, card(), request_id="req-1")
    assert charged.status == "succeeded"
    assert charged.method == "card"
    assert charged.card_last4 == "4242"
    assert charged.amount == Decimal("12.50")
    assert charged.currency == "GBP"
    assert charged.idempotency_key == key
    assert charged.charge_id.startswith("ch_")
    assert abs(datetime.now(UTC) - charged.created_at) < timedelta(minutes=1)
    assert gateway.lookup(key) == charged


def test_cash_always_succeeds_without_card_fields(gateway: HttpPaymentGateway) -> None:
    charged = charge(gateway, new_key(), {"method": "cash"}, amount=Decimal("7"), currency="eur")
    assert (charged.status, charged.method, charged.card_last4) == ("succeeded", "cash", None)
    assert (charged.amount, charged.currency) == (Decimal("7.00"), "EUR")


@pytest.mark.parametrize(
    ("number", "code", "reason"),
    [
        (DECLINED, "card_declined", "Your card was declined."),
        (NO_FUNDS, "insufficient_funds", "Your card has insufficient funds."),
    ],
)
def test_declines_are_stored_under_their_key(
    gateway: HttpPaymentGateway, number: str, code: str, reason: str
) -> None:
    key = new_key()
    for _ in range(2):  # the second answer is the stored one
        with pytest.raises(PaymentDeclined) as declined:
            charge(gateway, key, card(number))
        assert (declined.value.code, declined.value.reason) == (code, reason)
        assert declined.value.message == reason
    with pytest.raises(PaymentDeclined):
        gateway.lookup(key)
    assert charge(gateway, new_key(), card()).status == "succeeded", "next attempt, next key"


def test_slow_card_times_out_and_lookup_later_tells_what_happened(payments_url: str) -> None:
    key = new_key()
    with HttpPaymentGateway(payments_url, timeout=0.5) as impatient:
        started = time.monotonic()
        with pytest.raises(PaymentTimeout):
            charge(impatient, key, card(SLOW))
        assert time.monotonic() - started < 1.5
        with pytest.raises(PaymentTimeout, match="still being processed"):
            impatient.lookup(key)
        with pytest.raises(PaymentTimeout, match="still being processed"):
            charge(impatient, key, card(SLOW))  # the same key while it runs: not a second charge
        found = None
        deadline = time.monotonic() + SLOW_SECONDS + 3
        while found is None and time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                found = impatient.lookup(key)
            except PaymentTimeout:
                continue
        assert found is not None and found.status == "succeeded"
        assert found.card_last4 == "0077"
        assert charge(impatient, key, card(SLOW)) == found


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (card("4242 4242 4242 4241"), "cardNumber"),  # fails the Luhn check
        (card("4242 4242 424"), "cardNumber"),  # 11 digits
        (card("4242 4242 4242 4242 4242"), "cardNumber"),  # 20 digits
        (card("4242-4242-4242-4242"), "cardNumber"),
        ({**card(), "cardNumber": 4242424242424242}, "cardNumber"),
        ({"method": "card", "expiry": EXPIRY, "cvc": "123"}, "cardNumber"),
        (card(expiry="13/30"), "expiry"),
        (card(expiry="00/30"), "expiry"),
        (card(expiry="1/30"), "expiry"),
        (card(expiry=f"{date.today().month:02d}/{date.today().year - 1}"), "expiry"),
        (card(expiry="12/2020"), "expiry"),
        ({"method": "card", "cardNumber": GOOD, "cvc": "123"}, "expiry"),
        (card(cvc="12"), "cvc"),
        (card(cvc="12345"), "cvc"),
        (card(cvc="12a"), "cvc"),
        ({**card(), "cvc": 123}, "cvc"),
        ({"method": "bitcoin"}, "method"),
        ({"method": None}, "method"),
        ({}, "method"),
        ({"method": "cash", "tip": "5"}, "tip"),
        ({**card(), "name": "A. Customer"}, "name"),
    ],
)
def test_invalid_payment_details_name_the_field(
    gateway: HttpPaymentGateway, details: dict[str, Any], field: str
) -> None:
    with pytest.raises(PaymentInvalid) as invalid:
        charge(gateway, new_key(), details)
    assert invalid.value.field == field
    assert invalid.value.message


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5.00")}, "amount"),
        ({"amount": Decimal("1.001")}, "amount"),
        ({"amount": Decimal("1000000")}, "amount"),
        ({"amount": Decimal("NaN")}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"currency": "GB"}, "currency"),
        ({"currency": "G8P"}, "currency"),
        ({"details": ["card"]}, "paymentDetails"),
        ({"details": {"method": "card", "cvc": Decimal(1)}}, "cvc"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 256}, "idempotency_key"),
        ({"idempotency_key": "has space"}, "idempotency_key"),
    ],
)
def test_invalid_arguments_name_the_field(
    gateway: HttpPaymentGateway, arguments: dict[str, Any], field: str
) -> None:
    call = {"idempotency_key": new_key(), "details": card(), **arguments}
    with pytest.raises(PaymentInvalid) as invalid:
        charge(gateway, call.pop("idempotency_key"), call.pop("details"), **call)
    assert invalid.value.field == field


def test_an_invalid_request_does_not_spend_its_key(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    with pytest.raises(PaymentInvalid):
        charge(gateway, key, card(cvc="1"))
    assert gateway.lookup(key) is None
    assert charge(gateway, key, card()).status == "succeeded"


def test_same_key_twice_is_one_charge(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    first = charge(gateway, key, card())
    assert charge(gateway, key, card(), request_id="retry") == first


def test_same_key_with_another_body_is_refused(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    first = charge(gateway, key, card())
    for details, amount in ((card(), Decimal("99.00")), (card(cvc="999"), Decimal("12.50"))):
        with pytest.raises(PaymentInvalid) as invalid:
            charge(gateway, key, details, amount=amount)
        assert invalid.value.field == "idempotency_key"
    assert gateway.lookup(key) == first


def test_racing_the_same_key_charges_once(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    results: list[Charge | Exception] = []
    barrier = threading.Barrier(8)

    def pay() -> None:
        barrier.wait()
        try:
            results.append(charge(gateway, key, card()))
        except PaymentTimeout as error:  # "still being processed" by a racing twin
            results.append(error)

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    charges = {result.charge_id for result in results if isinstance(result, Charge)}
    assert len(results) == 8
    assert charges == {gateway.lookup(key).charge_id}  # type: ignore[union-attr]


def test_refund_is_idempotent(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    charged = charge(gateway, key, card())
    refunded = gateway.refund(idempotency_key=key, request_id="refund-1")
    assert refunded.status == "refunded"
    assert refunded.charge_id == charged.charge_id
    assert refunded.amount == charged.amount
    assert gateway.refund(idempotency_key=key) == refunded
    assert gateway.lookup(key) == refunded
    # Stripe's rule: the key replays its first answer, even after a refund.
    assert charge(gateway, key, card()) == charged


def test_cash_can_be_refunded(gateway: HttpPaymentGateway) -> None:
    key = new_key()
    charge(gateway, key, {"method": "cash"})
    assert gateway.refund(idempotency_key=key).status == "refunded"


def test_nothing_to_refund_is_invalid(gateway: HttpPaymentGateway) -> None:
    with pytest.raises(PaymentInvalid) as unknown:
        gateway.refund(idempotency_key=new_key())
    assert unknown.value.field == "idempotency_key"
    declined = new_key()
    with pytest.raises(PaymentDeclined):
        charge(gateway, declined, card(DECLINED))
    with pytest.raises(PaymentInvalid, match="declined") as invalid:
        gateway.refund(idempotency_key=declined)
    assert invalid.value.field == "idempotency_key"


def test_lookup_of_an_unknown_key_is_none(gateway: HttpPaymentGateway) -> None:
    assert gateway.lookup(new_key()) is None


def test_a_restarted_simulator_remembers_everything(tmp_path: Path) -> None:
    good, declined, refunded = new_key(), new_key(), new_key()
    with running_payment_service(tmp_path) as url, HttpPaymentGateway(url) as gateway:
        charged = charge(gateway, good, card())
        with pytest.raises(PaymentDeclined):
            charge(gateway, declined, card(NO_FUNDS))
        charge(gateway, refunded, {"method": "cash"})
        was_refunded = gateway.refund(idempotency_key=refunded)
    with HttpPaymentGateway(url) as gateway, pytest.raises(PaymentUnavailable):
        gateway.lookup(good)  # it is stopped
    for _ in range(2):
        with running_payment_service(tmp_path) as url, HttpPaymentGateway(url) as gateway:
            assert gateway.lookup(good) == charged
            assert charge(gateway, good, card()) == charged
            with pytest.raises(PaymentDeclined) as again:
                gateway.lookup(declined)
            assert again.value.code == "insufficient_funds"
            assert gateway.lookup(refunded) == was_refunded
            assert gateway.refund(idempotency_key=refunded) == was_refunded
    lines = (tmp_path / "payments.jsonl").read_text().splitlines()
    assert len(lines) == 4, "three charges and one refund, each journaled once"
    assert "4242424242424242" not in "".join(lines), "no card number is stored"


def test_journal_drops_a_torn_last_line_and_is_locked(tmp_path: Path) -> None:
    journal = tmp_path / "payments.jsonl"
    key = new_key()

    def gateway_on(app: Any) -> HttpPaymentGateway:
        return HttpPaymentGateway("http://simulator", transport=httpx.WSGITransport(app=app))

    first = create_simulator_app(journal)
    with gateway_on(first) as gateway:
        charged = charge(gateway, key, card())
    with pytest.raises(JournalError, match="in use"):
        create_simulator_app(journal)
    first.extensions[LEDGER_EXTENSION].close()
    with journal.open("ab") as file:
        file.write(b'{"op":"charge","charge_id":"ch_tor')  # killed mid-write
    second = create_simulator_app(journal)
    with gateway_on(second) as gateway:
        assert gateway.lookup(key) == charged
        charge(gateway, new_key(), {"method": "cash"})
    second.extensions[LEDGER_EXTENSION].close()
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [entry["op"] for entry in entries] == ["charge", "charge"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "url", [lambda _: f"http://127.0.0.1:{_free_port()}", lambda p: f"unix://{p}/none.sock"]
)
def test_nobody_listening_is_unavailable(tmp_path: Path, url: Callable[[Path], str]) -> None:
    with HttpPaymentGateway(url(tmp_path)) as gateway:
        with pytest.raises(PaymentUnavailable) as unavailable:
            charge(gateway, new_key(), card())
        assert "try again" in unavailable.value.message
        with pytest.raises(PaymentUnavailable):
            gateway.lookup(new_key())


def _gunicorns() -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if "gunicorn" in " ".join(child.cmdline())
    ]


def _gone(processes: list[psutil.Process], seconds: float = 0.0) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_stopped_on_exception_and_refuses_a_second_copy(tmp_path: Path) -> None:
    before = set(_gunicorns())
    with pytest.raises(RuntimeError, match="boom"), running_payment_service(tmp_path):
        started = [p for p in _gunicorns() if p not in before]
        assert len(started) == 2, "a gunicorn master and one worker"
        with (
            pytest.raises(PaymentServiceError, match="already listens"),
            running_payment_service(tmp_path),
        ):
            pass
        raise RuntimeError("boom")
    assert _gone(started)
    assert not payment_socket_path(tmp_path).exists()


def test_simulator_stops_when_its_parent_dies(tmp_path: Path) -> None:
    """A killed ``boxoffice serve`` (or test run) leaves no simulator behind."""
    parent = subprocess.Popen(["sleep", "60"])
    socket_path = tmp_path / "p.sock"
    env = {**os.environ, "BOXOFFICE_SIMULATOR_PARENT_PID": str(parent.pid)}
    env.pop("BOXOFFICE_SIMULATOR_JOURNAL", None)
    simulator = subprocess.Popen(
        gunicorn_command(f"unix:{socket_path}", log_file=tmp_path / "log"),
        env=env,
        start_new_session=True,
    )
    try:
        with HttpPaymentGateway(f"unix://{socket_path}") as gateway:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    assert gateway.lookup(new_key()) is None
                    break
                except PaymentUnavailable:
                    time.sleep(0.05)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert simulator.wait(timeout=10) == 0
    finally:
        parent.kill()
        parent.wait()
        if simulator.poll() is None:
            os.killpg(simulator.pid, signal.SIGKILL)
            simulator.wait()


def test_a_long_data_path_puts_the_socket_in_a_short_folder(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    path = payment_socket_path(deep)
    assert len(os.fsencode(path)) <= 100
    assert path.name == "payments.sock"
    assert payment_socket_path(tmp_path) == tmp_path.resolve() / "run" / "payments.sock"


# -- transport cases, on httpx.MockTransport ------------------------------------------------


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> HttpPaymentGateway:
    return HttpPaymentGateway("http://payments.test", transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"error": {"type": "api_error"}}),
        httpx.Response(503, text="<html>busy</html>"),
        httpx.Response(201, text="not json"),
        httpx.Response(201, json={"status": "succeeded"}),
    ],
)
def test_server_failures_are_unavailable(response: httpx.Response) -> None:
    with _mock(lambda _request: response) as gateway, pytest.raises(PaymentUnavailable):
        charge(gateway, new_key(), card())


def test_a_read_timeout_is_not_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    with _mock(handler) as gateway, pytest.raises(PaymentTimeout):
        charge(gateway, new_key(), card())
    assert len(calls) == 1


def test_a_dropped_connection_is_retried_once_with_the_same_key() -> None:
    calls: list[httpx.Request] = []
    created = datetime.now(UTC).isoformat()

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        body = {
            "id": "ch_1",
            "idempotency_key": request.headers["Idempotency-Key"],
            "amount": "12.50",
            "currency": "GBP",
            "status": "succeeded",
            "method": "card",
            "card_last4": "4242",
            "created_at": created,
        }
        return httpx.Response(201, json=body)

    key = new_key()
    with _mock(handler) as gateway:
        assert charge(gateway, key, card(), request_id="r-7").charge_id == "ch_1"
    assert [r.headers["Idempotency-Key"] for r in calls] == [key, key]
    assert [r.headers["X-Request-ID"] for r in calls] == ["r-7", "r-7"]
    assert json.loads(calls[0].content)["source"] == card()
