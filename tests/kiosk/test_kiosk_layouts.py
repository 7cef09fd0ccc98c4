"""The kiosk's venue layouts, kept between events: the second event at a venue reuses the
expanded map, a re-planned venue gets its new one, and a broken layout is an error."""

from __future__ import annotations

import asyncio
import copy
import gc
import threading
import time
from typing import Any

import pytest
from conftest import TINY_LAYOUT
from kiosk_app_helpers import FixedBoxoffice, frozen_clock, wait_for

from kiosk.app.app import KioskApp
from kiosk.app.layouts import LayoutCache, layout_digest
from kiosk.app.screens import EventScreen
from kiosk.app.seatmap import SeatMapView
from shared.models import EventDetail, VenueDetail
from shared.seatmap import SeatMapError


def test_the_next_event_at_a_venue_reuses_its_layout() -> None:
    cache = LayoutCache()
    first = cache.get(1, TINY_LAYOUT, "The Tiny Room")
    # The next event's answer carries its own copy of the same layout, keys in another order.
    again = dict(reversed(list(copy.deepcopy(TINY_LAYOUT).items())))
    assert cache.get(1, again, "The Tiny Room") is first
    assert first.capacity == 33 and len(cache) == 1


def test_a_changed_layout_is_parsed_anew_and_replaces_the_old_one() -> None:
    cache = LayoutCache()
    before = cache.get(1, TINY_LAYOUT, "The Tiny Room")
    replanned: dict[str, Any] = copy.deepcopy(TINY_LAYOUT)
    replanned["generalAdmission"][0]["capacity"] = 9
    after = cache.get(1, replanned, "The Tiny Room")
    assert after is not before and after.capacity == 37
    assert len(cache) == 1  # the venue's old layout is not kept
    assert layout_digest(replanned) != layout_digest(TINY_LAYOUT)


def test_two_venues_with_the_same_layout_each_have_theirs() -> None:
    cache = LayoutCache()
    assert cache.get(1, TINY_LAYOUT, "A") is not cache.get(2, TINY_LAYOUT, "B")
    assert len(cache) == 2


def test_only_the_most_recently_used_venues_are_kept() -> None:
    cache = LayoutCache(size=2)
    one = cache.get(1, TINY_LAYOUT, "one")
    cache.get(2, TINY_LAYOUT, "two")
    assert cache.get(1, TINY_LAYOUT, "one") is one  # venue 1 is now the most recent
    cache.get(3, TINY_LAYOUT, "three")  # so venue 2 goes
    assert len(cache) == 2
    assert cache.get(1, TINY_LAYOUT, "one") is one


def test_a_broken_layout_is_an_error_and_is_not_kept() -> None:
    cache = LayoutCache()
    broken: dict[str, Any] = copy.deepcopy(TINY_LAYOUT)
    broken["sections"][0]["rows"][0]["seats"] = "1 to 10"
    with pytest.raises(SeatMapError, match=r"^The Tiny Room: \$\.sections\[0\]\.rows\[0\]"):
        cache.get(1, broken, "The Tiny Room")
    assert len(cache) == 0
    assert gc.isenabled()  # paused while the seats were made, running again after the error


def test_screens_loading_at_once_all_get_a_layout() -> None:
    cache = LayoutCache()
    found: list[int] = []

    def load() -> None:
        found.append(cache.get(1, TINY_LAYOUT, "The Tiny Room").capacity)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [33] * 4 and len(cache) == 1 and gc.isenabled()


def test_a_layout_being_parsed_is_parsed_once_however_many_ask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The event screen lays the venue out while the event's answer comes; when the answer
    asks for the same layout meanwhile it waits for that parse instead of doing its own."""
    from kiosk.app import layouts

    parses: list[str] = []
    started = threading.Event()
    real_parse = layouts.parse_seatmap

    def slow_parse(document: dict[str, Any], **options: Any) -> Any:
        parses.append(options["source"])
        started.set()
        time.sleep(0.2)
        return real_parse(document, **options)

    monkeypatch.setattr(layouts, "parse_seatmap", slow_parse)
    cache = LayoutCache()
    assert not cache.knows(1)
    early = threading.Thread(target=cache.get, args=(1, TINY_LAYOUT, "early"))
    early.start()
    assert started.wait(5)
    layout = cache.get(1, copy.deepcopy(TINY_LAYOUT), "answer")
    early.join()
    assert parses == ["early"] and layout.capacity == 33
    assert cache.knows(1) and not cache.knows(2)


def test_a_failed_parse_lets_the_next_one_try() -> None:
    cache = LayoutCache()
    broken: dict[str, Any] = copy.deepcopy(TINY_LAYOUT)
    broken["sections"][0]["rows"][0]["seats"] = "1 to 10"
    with pytest.raises(SeatMapError):
        cache.get(1, broken, "The Tiny Room")
    with pytest.raises(SeatMapError):  # not stuck waiting for the first attempt
        cache.get(1, broken, "The Tiny Room")
    assert cache.get(1, TINY_LAYOUT, "The Tiny Room").capacity == 33


class VenueCounting(FixedBoxoffice):
    """Notes each venue whose details (and layout) the screens asked for (not the stand-in's
    own use of them to make an event's answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.venues_asked: list[int] = []
        self._making = threading.local()

    def venue(self, venue_id: int) -> VenueDetail:
        if not getattr(self._making, "event", False):
            self.venues_asked.append(venue_id)
        return super().venue(venue_id)

    def event(self, event_id: int) -> EventDetail:
        self._making.event = True
        try:
            return super().event(event_id)
        finally:
            self._making.event = False


def test_an_event_opened_from_a_list_lays_its_venue_out_while_its_answer_comes() -> None:
    api = VenueCounting()
    app = KioskApp(api, "box-office", clock=frozen_clock)

    async def scenario() -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            for event_id in (1, 3):  # two events at the Tiny Room
                screen = EventScreen(event_id, venue_id=1)
                await app.push_screen(screen)
                await wait_for(pilot, lambda s=screen: bool(s.query(SeatMapView)), "the map")
                app.pop_screen()
                await pilot.pause()

    asyncio.run(scenario())
    assert api.venues_asked == [1]  # the second event found the venue's layout kept
    assert app.layouts.knows(1) and len(app.layouts) == 1
