"""Graceful shutdown of `boxoffice serve --workers 2`: on SIGTERM a payment in flight still
completes with its normal answer, open seat streams end cleanly at once (clients reconnect
elsewhere), and the server exits 0 well within the graceful timeout."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SLOW_CARD_SECONDS, Catalog, SuiteServices, bearer
from flask import Flask
from live_server import BOXOFFICE, clean_environment, free_port, stop, wait_until_answering
from sqlalchemy import text

from server.extensions import db

#: `boxoffice serve --graceful-timeout`.
GRACEFUL_TIMEOUT = 10
SLOW_CARD = {"method": "card", "cardNumber": "4000 0000 0000 0077", "expiry": "12/39", "cvc": "123"}


@pytest.fixture
def server(
    services: SuiteServices, app: Flask, tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server of this test's own, to stop; its gateway waits out the slow test card."""
    port = free_port()
    env = {
        **clean_environment(),
        **services.server_environment(),
        "BOXOFFICE_DATA_DIR": str(tmp_path / "data"),
        "BOXOFFICE_PAYMENTS_TIMEOUT": str(SLOW_CARD_SECONDS + 3),
    }
    with (tmp_path / "server.log").open("wb") as log:  # kept for a failure's post-mortem
        process = subprocess.Popen(
            [*BOXOFFICE, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, 60)
        yield base, process
    finally:
        if process.poll() is None:
            stop(process)


class StreamReader:
    """An SSE connection read in a thread: its lines, and how and when it ended."""

    def __init__(self, base: str, event_id: int) -> None:
        self._http = httpx.Client(base_url=base, timeout=httpx.Timeout(10.0, read=None))
        request = self._http.build_request("GET", f"/events/{event_id}/stream")
        self.response = self._http.send(request, stream=True)
        assert self.response.status_code == 200
        self.lines: list[str] = []
        self.error: Exception | None = None
        self.ended_at: float | None = None
        self.opened = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in self.response.iter_lines():
                self.lines.append(line)
                if line.startswith("id:"):
                    self.opened.set()
        except Exception as error:  # a stream cut off mid-message: the test fails on it
            self.error = error
        self.ended_at = time.monotonic()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
        self._http.close()


def test_sigterm_lets_a_payment_finish_and_ends_streams_cleanly(
    server: tuple[str, subprocess.Popen[bytes]], catalog: Catalog
) -> None:
    base, process = server
    event = catalog.event(catalog.venue()).id
    seat = httpx.get(f"{base}/events/{event}").json()["tickets"][0]["ticketID"]
    user = bearer("late-payer")
    booking = httpx.post(f"{base}/bookings/{event}", json={"ticketIDs": [seat]}, headers=user)
    assert booking.status_code == 201
    streams = [StreamReader(base, event) for _ in range(3)]
    for stream in streams:
        assert stream.opened.wait(5), "the stream sent its opening position"
    idle = httpx.Client(base_url=base)  # a client keeping an idle connection open, as LBs do
    assert idle.get("/healthz").status_code == 200

    payment: dict[str, object] = {}

    def pay() -> None:
        response = httpx.post(
            f"{base}{booking.json()['paymentInputURL']}",
            json={"paymentDetails": SLOW_CARD},
            headers=user,
            timeout=30,
        )
        payment.update(status=response.status_code, body=response.json(), at=time.monotonic())

    paying = threading.Thread(target=pay)
    paying.start()
    time.sleep(0.5)  # the charge is now waiting on the payment service
    stopped_at = time.monotonic()
    process.send_signal(signal.SIGTERM)

    for stream in streams:
        stream.join(timeout=GRACEFUL_TIMEOUT)
    paying.join(timeout=GRACEFUL_TIMEOUT)
    code = process.wait(timeout=GRACEFUL_TIMEOUT + 5)
    exited_at = time.monotonic()
    idle.close()

    assert payment["status"] == 200, payment
    assert payment["body"] == {
        "bookingIDs": [booking.json()["bookingID"]],
        "bookingStatus": "BOOKED",
    }
    for stream in streams:
        assert stream.error is None, f"the stream was cut off: {stream.error!r}"
        assert stream.lines[-2] == ": server stopping; reconnect with Last-Event-ID", stream.lines
        assert stream.ended_at is not None
        assert stream.ended_at - stopped_at < 2, "streams end at once, not after the timeout"
        assert stream.ended_at < float(payment["at"]), "…even while a request is still running"
    assert code == 0
    assert exited_at - stopped_at < GRACEFUL_TIMEOUT, "exited within the graceful timeout"
    print(
        f"payment answered {float(payment['at']) - stopped_at:.2f} s and the server exited "
        f"{exited_at - stopped_at:.2f} s after SIGTERM"
    )
    status = db.session.execute(
        text("SELECT status FROM bookings WHERE id = :id"), {"id": booking.json()["bookingID"]}
    ).scalar_one()
    assert status == "BOOKED", "the sale made during shutdown was kept"
