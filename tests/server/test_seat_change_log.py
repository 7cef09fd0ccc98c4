"""The seat-change stream tells the truth even when requests report out of order.

Each request reports its seat change after its hold script ran, so two requests can report in
the opposite order of their holds. These tests run the real hold scripts and the real change
scripts on real Redis in the unlucky orders, and check that what a client would believe after
reading the stream is what the hold keys say.
"""

from __future__ import annotations

import time
import uuid

import pytest
from flask import Flask

from server.booking.holds import Holder, HoldStore
from server.live.changes import ChangeLog, LiveKeys, decode_entry
from server.live.expiry import ExpirySweeper
from shared.models import Channel

EVENT = 7


@pytest.fixture
def redis_parts(app_context: Flask) -> tuple[HoldStore, ChangeLog, ExpirySweeper]:
    client = app_context.extensions["boxoffice.redis"]
    prefix = app_context.config["REDIS_PREFIX"]
    return HoldStore(client, prefix), ChangeLog(client, prefix), ExpirySweeper(client, prefix)


def now_ms() -> int:
    return int(time.time() * 1000)


def holder(user: str) -> Holder:
    return Holder(user, str(uuid.uuid4()))


def hold(store: HoldStore, seats: list[int], who: Holder, ttl_ms: int = 60_000) -> int:
    """The hold script alone (what the request does first); returns the expiry to report."""
    now = now_ms()
    assert store.hold(EVENT, seats, who, ttl_ms=ttl_ms, now_ms=now).ok
    return now + ttl_ms


def report_held(log: ChangeLog, seats: list[int], who: Holder, expires_ms: int) -> None:
    log.held(EVENT, seats, who, expires_ms=expires_ms, now_ms=now_ms(), channel=Channel.API)


def messages(log: ChangeLog) -> list[tuple[str, list[int]]]:
    entries = log.client.xrange(LiveKeys(log.keys.prefix).stream(EVENT))
    changes = [decode_entry(EVENT, entry_id, fields) for entry_id, fields in entries]
    return [(c.kind.value, c.ticket_ids) for c in changes if c is not None]


def believed(log: ChangeLog) -> dict[int, str]:
    """Seat -> what a client that read the whole stream thinks (held, free, booked)."""
    state: dict[int, str] = {}
    for kind, seats in messages(log):
        for seat in seats:
            state[seat] = {"held": "held", "booked": "booked"}.get(kind, "free")
    return state


def truth(store: HoldStore, seats: list[int]) -> dict[int, str]:
    values = store.holders(EVENT, seats)
    return {
        seat: "free" if value is None else "booked" if value.startswith("b|") else "held"
        for seat, value in values.items()
    }


def test_a_release_reported_after_someone_else_took_the_seat_is_not_told(
    redis_parts: tuple[HoldStore, ChangeLog, ExpirySweeper],
) -> None:
    store, log, _ = redis_parts
    ann, ben = holder("ann"), holder("ben")
    report_held(log, [5], ann, hold(store, [5], ann))
    store.release(EVENT, [5], ann)
    report_held(log, [5], ben, hold(store, [5], ben))  # ben is faster to report
    log.released(EVENT, [5], ann, channel=Channel.API)  # ann's report comes last
    assert messages(log) == [("held", [5]), ("held", [5])]
    assert believed(log) == truth(store, [5]) == {5: "held"}


def test_a_hold_replaced_before_it_was_reported_is_never_told(
    redis_parts: tuple[HoldStore, ChangeLog, ExpirySweeper],
) -> None:
    store, log, _ = redis_parts
    first, second = holder("cat"), holder("cat")
    first_expiry = hold(store, [1, 2], first)
    second_expiry = hold(store, [3], second)  # the same user chose again at once
    report_held(log, [3], second, second_expiry)
    report_held(log, [1, 2], first, first_expiry)
    assert messages(log) == [("held", [3])]
    assert believed(log).items() <= truth(store, [1, 2, 3]).items()


def test_seats_a_new_hold_let_go_are_released_even_if_that_hold_was_released_first(
    redis_parts: tuple[HoldStore, ChangeLog, ExpirySweeper],
) -> None:
    store, log, _ = redis_parts
    earlier, later = holder("dan"), holder("dan")
    report_held(log, [1], earlier, hold(store, [1], earlier))
    later_expiry = hold(store, [2], later)  # lets seat 1 go
    store.release(EVENT, [2], later)  # and is itself released before reporting
    log.released(EVENT, [2], later, channel=Channel.API)
    report_held(log, [2], later, later_expiry)
    assert messages(log) == [("held", [1]), ("released", [1])]
    assert believed(log) == {1: "free"}
    assert truth(store, [1, 2]) == {1: "free", 2: "free"}


def test_an_expired_hold_is_reported_once_and_an_extended_one_not_at_all(
    redis_parts: tuple[HoldStore, ChangeLog, ExpirySweeper],
) -> None:
    store, log, sweeper = redis_parts
    short, extended = holder("eve"), holder("fay")
    report_held(log, [8], short, hold(store, [8], short, ttl_ms=50))
    report_held(log, [9], extended, hold(store, [9], extended, ttl_ms=50))
    later = now_ms() + 60_000
    assert store.extend(EVENT, [9], extended, expires_at_ms=later)
    log.extended(EVENT, [9], extended, expires_ms=later, now_ms=now_ms())
    time.sleep(0.1)
    assert sweeper.sweep_once() == 1
    assert sweeper.sweep_once() == 0, "another worker sweeping finds nothing left"
    assert messages(log) == [("held", [8]), ("held", [9]), ("expired", [8])]
    assert believed(log) == truth(store, [8, 9]) == {8: "free", 9: "held"}


def test_the_sweeper_follows_a_hold_whose_extension_was_not_reported(
    redis_parts: tuple[HoldStore, ChangeLog, ExpirySweeper],
) -> None:
    store, log, sweeper = redis_parts
    slow = holder("gus")
    report_held(log, [4], slow, hold(store, [4], slow, ttl_ms=50))
    assert store.extend(EVENT, [4], slow, expires_at_ms=now_ms() + 300)  # report lost
    time.sleep(0.1)
    assert sweeper.sweep_once() == 0, "the key is still there: not expired"
    time.sleep(0.35)
    assert sweeper.sweep_once() == 1
    assert messages(log) == [("held", [4]), ("expired", [4])]


def test_a_sale_is_told_whatever_came_before(
    redis_parts: tuple[HoldStore, ChangeLog, ExpirySweeper],
) -> None:
    store, log, sweeper = redis_parts
    buyer = holder("hal")
    report_held(log, [6], buyer, hold(store, [6], buyer))
    store.mark_booked(EVENT, [6], buyer, until_ms=now_ms() + 60_000, now_ms=now_ms())
    log.booked(EVENT, [6], buyer, channel=Channel.BOX_OFFICE)
    assert sweeper.sweep_once() == 0
    assert messages(log) == [("held", [6]), ("booked", [6])]
    assert believed(log) == truth(store, [6]) == {6: "booked"}
