"""The kiosk's venue layouts, kept between events: the second event at a venue reuses the
expanded map, a re-planned venue gets its new one, and a broken layout is an error."""

from __future__ import annotations

import copy
import gc
import threading
from typing import Any

import pytest
from conftest import TINY_LAYOUT

from kiosk.app.layouts import LayoutCache, layout_digest
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
