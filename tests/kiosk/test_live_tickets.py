"""The tickets an open seat map shows while changes stream in: a seat map fetched before a
change it crossed on the way still shows that change, a change waits while the map cannot show
it, and the server's "reload" drops everything it covers."""

from __future__ import annotations

from decimal import Decimal

from kiosk.app.live import LiveTickets
from shared.models import Channel, SeatChange, SeatChangeKind, SeatStatus, TicketInfo

FREE, HELD, BOOKED = SeatStatus.AVAILABLE, SeatStatus.RESERVED, SeatStatus.BOOKED


def tickets(*statuses: SeatStatus) -> list[TicketInfo]:
    """Stalls A1, A2, … with the given statuses; ticket IDs 1, 2, …"""
    return [
        TicketInfo(
            ticket_id=number,
            seat_id=f"stalls:A:{number}",
            seat_number=str(number),
            section="Stalls",
            row="A",
            category="Standard",
            price=Decimal("25.00"),
            ticket_status=status,
        )
        for number, status in enumerate(statuses, start=1)
    ]


def change(kind: SeatChangeKind, *ticket_ids: int) -> SeatChange:
    return SeatChange(
        id=f"1700000000000-{len(ticket_ids)}",
        kind=kind,
        event_id=1,
        ticket_ids=list(ticket_ids),
        channel=None if kind in (SeatChangeKind.EXPIRED, SeatChangeKind.RELOAD) else Channel.API,
    )


def statuses(live: LiveTickets) -> list[SeatStatus]:
    return [live.tickets[i].ticket_status for i in sorted(live.tickets)]


def test_a_change_that_crossed_the_fetch_is_on_the_map_it_brought() -> None:
    """The hold on seat 2 came in while the map was on its way, and the map was read before
    it: the map still shows seat 2 held, and highlights it as new."""
    live = LiveTickets()
    live.fetching()
    assert live.arrived([change(SeatChangeKind.HELD, 2)]) is False

    assert live.fetched(tickets(FREE, FREE, FREE)) == [2]
    assert statuses(live) == [FREE, HELD, FREE]
    assert live.take_waiting() == [], "shown with the map, not again"


def test_a_change_already_in_the_fetched_map_is_not_called_a_change() -> None:
    live = LiveTickets()
    live.fetched(tickets(FREE, BOOKED))
    live.arrived([change(SeatChangeKind.BOOKED, 2), change(SeatChangeKind.HELD, 1)])
    assert live.take_waiting() == [1]
    assert statuses(live) == [HELD, BOOKED]


def test_changes_wait_until_taken_and_the_newest_word_wins() -> None:
    """While my own hold is on its way the screen takes nothing; afterwards the seat held
    and let go again in the meantime is simply free."""
    live = LiveTickets()
    live.fetched(tickets(FREE, FREE, FREE))
    live.arrived([change(SeatChangeKind.HELD, 1, 3)])
    live.arrived([change(SeatChangeKind.EXPIRED, 1)])
    assert live.take_waiting() == [3]
    assert statuses(live) == [FREE, FREE, HELD]


def test_a_reload_asks_for_the_map_again_and_keeps_only_what_followed_it() -> None:
    live = LiveTickets()
    live.fetched(tickets(FREE, FREE, FREE))
    missed = [
        change(SeatChangeKind.HELD, 1),
        change(SeatChangeKind.RELOAD),
        change(SeatChangeKind.BOOKED, 3),
    ]
    assert live.arrived(missed) is True
    # The fresh map was read after the hold on 1 and before the purchase of 3.
    assert live.fetched(tickets(HELD, FREE, FREE)) == [3]
    assert statuses(live) == [HELD, FREE, BOOKED]


def test_changes_to_tickets_the_map_does_not_have_are_left_out() -> None:
    live = LiveTickets()
    live.fetched(tickets(FREE))
    live.arrived([change(SeatChangeKind.HELD, 1, 99)])
    assert live.take_waiting() == [1]
    assert sorted(live.tickets) == [1]
