"""A hold that runs out while the customer is paying, against a live server whose holds last
a few seconds: the kiosk says so, goes back to a refreshed map, and never sells a seat that
someone else has since taken."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Catalog, Connect, SuiteServices, clients_of, suite_server
from flask import Flask
from kiosk_app_helpers import wait_for
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app.app import KioskApp
from kiosk.app.screens import EventScreen, HoldScreen
from kiosk.app.seatmap import SeatMapView
from shared.client import BoxofficeClient
from shared.models import BookingStatus, SeatStatus

HOLD_SECONDS = 3


@pytest.fixture(scope="module")
def short_hold_server(
    services: SuiteServices, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`boxoffice serve` on the suite's databases, with holds of HOLD_SECONDS."""
    settings = {
        "BOXOFFICE_HOLD_SECONDS": str(HOLD_SECONDS),
    }
    data_dir = tmp_path_factory.mktemp("short-holds")
    with suite_server(services, data_dir, workers=2, settings=settings) as base:
        yield base


@pytest.fixture
def connect(short_hold_server: str) -> Iterator[Connect]:
    with clients_of(short_hold_server) as client:
        yield client


def drive(app: KioskApp, event_id: int, scenario: Callable[[Pilot[Any]], Any]) -> None:
    async def run() -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            screen = EventScreen(event_id)
            await app.push_screen(screen)
            await wait_for(pilot, lambda: screen.detail is not None, "the seat map")
            seat_map = screen.query_one(SeatMapView)
            seat_map.focus()
            await pilot.press("space", "right", "space", "h")
            await wait_for(pilot, lambda: isinstance(app.screen, HoldScreen), "the hold")
            await scenario(pilot)

    asyncio.run(run())


def test_the_countdown_running_out_goes_back_to_a_refreshed_map(
    catalog: Catalog, connect: Callable[[str], BoxofficeClient]
) -> None:
    event_id = catalog.event(catalog.venue()).id
    app = KioskApp(connect("kiosk"), "box-office")

    async def scenario(pilot: Pilot[Any]) -> None:
        hold = pilot.app.screen
        assert isinstance(hold, HoldScreen)
        hold.query_one("#number", Input).focus()
        await pilot.press(*"4242")  # the customer is still typing when time runs out
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, EventScreen), "the map", 8)
        assert any(n.title == "Hold expired" for n in pilot.app._notifications)
        seat_map = pilot.app.screen.query_one(SeatMapView)
        held = {t.ticket_id for t in hold.booking.tickets}
        await wait_for(
            pilot,
            lambda: {t.ticket_id for t in seat_map.selected} == held,
            "the seats, free again, still picked on the map",
        )
        status = connect("kiosk").booking(hold.booking.booking_id).status
        assert status in {BookingStatus.EXPIRED, BookingStatus.CANCELLED}

    drive(app, event_id, scenario)


def test_paying_after_the_hold_ran_out_and_the_seats_were_taken(
    catalog: Catalog, connect: Callable[[str], BoxofficeClient]
) -> None:
    """This terminal's clock lags the server's, so the form is still open when the hold is gone."""
    event_id = catalog.event(catalog.venue()).id
    app = KioskApp(
        connect("kiosk"), "box-office", clock=lambda: datetime.now(UTC) - timedelta(seconds=60)
    )
    other = connect("faster")

    async def scenario(pilot: Pilot[Any]) -> None:
        hold = pilot.app.screen
        assert isinstance(hold, HoldScreen)
        ids = [t.ticket_id for t in hold.booking.tickets]
        await asyncio.sleep(HOLD_SECONDS + 0.5)
        other.pay(other.hold(event_id, ids), {"method": "cash"})  # free again, and sold
        for field, value in (
            ("#number", "4242424242424242"),
            ("#expiry", "12/39"),
            ("#cvc", "123"),
        ):
            hold.query_one(field, Input).focus()
            await pilot.press(*value, "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, EventScreen), "the map")
        message = next(n.message for n in pilot.app._notifications if n.title == "Hold expired")
        labels = [f"Stalls {t.row}{t.seat_number}" for t in hold.booking.tickets[:1]]
        labels += [f"{t.row}{t.seat_number}" for t in hold.booking.tickets[1:]]
        assert all(label in message for label in labels) and "Nothing was charged" in message
        seat_map = pilot.app.screen.query_one(SeatMapView)
        await wait_for(pilot, lambda: not seat_map.selected, "the taken seats to drop")
        own = connect("kiosk")
        assert own.booking(hold.booking.booking_id).status is BookingStatus.EXPIRED
        sold = {t.ticket_id: t.ticket_status for t in own.event(event_id).tickets}
        assert all(sold[i] is SeatStatus.BOOKED for i in ids)  # once, to the other customer

    drive(app, event_id, scenario)
