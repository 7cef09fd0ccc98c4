"""The demo catalogue must look like a real box office and stay small enough to load quickly."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from server.catalog.demo_data import DemoCatalog, DemoEvent, demo_catalog, generated_events

#: Rough seats per layout, as the brief for seatmaps/ gives them.
CAPACITY = {"studio": 300, "theatre": 1_500, "arena": 18_000, "stadium": 50_000}

NOW = datetime(2026, 3, 20, 23, 30, tzinfo=UTC)

# Around both clock changes, late in the UTC day, and given in another time zone.
NOWS = [
    NOW,
    datetime(2026, 8, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 10, 20, 12, 0, tzinfo=UTC),
    datetime(2027, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.fixture(scope="module")
def catalog() -> DemoCatalog:
    return demo_catalog(NOW)


def layouts(catalog: DemoCatalog) -> dict[str, str]:
    return {venue.key: venue.layout for venue in catalog.venues}


def shows(catalog: DemoCatalog) -> dict[str, list[DemoEvent]]:
    by_show: dict[str, list[DemoEvent]] = defaultdict(list)
    for event in catalog.events:
        by_show[event.show_key].append(event)
    return by_show


def test_counts_are_those_of_a_mid_sized_box_office(catalog: DemoCatalog) -> None:
    venue_layouts = Counter(venue.layout for venue in catalog.venues)
    assert 18 <= len(catalog.venues) <= 22
    assert venue_layouts["stadium"] == 2
    assert 3 <= venue_layouts["arena"] <= 4
    assert venue_layouts["studio"] + venue_layouts["theatre"] >= 12
    assert 60 <= len(catalog.performers) <= 80
    assert 180 <= len(catalog.events) <= 230
    event_layouts = Counter(layouts(catalog)[event.venue_key] for event in catalog.events)
    assert event_layouts["stadium"] <= 8
    assert event_layouts["arena"] <= 30


def test_total_seats_stay_loadable(catalog: DemoCatalog) -> None:
    seats = sum(CAPACITY[layouts(catalog)[event.venue_key]] for event in catalog.events)
    assert seats <= 1_200_000


def test_venues_are_spread_over_cities(catalog: DemoCatalog) -> None:
    assert len({venue.location for venue in catalog.venues}) >= 12
    assert len({venue.location.split(", ")[-1] for venue in catalog.venues}) >= 2


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_every_event_is_in_the_next_90_days_and_ends_after_it_starts(now: datetime) -> None:
    for event in demo_catalog(now).events:
        assert event.start_time.utcoffset() == timedelta(0)
        assert now < event.start_time < now + timedelta(days=90)
        assert timedelta(hours=1) <= event.end_time - event.start_time <= timedelta(hours=3)


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_shows_start_in_the_evening_or_at_weekend_matinees(now: datetime) -> None:
    try:
        london = ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:
        pytest.skip("no time-zone database on this machine")
    starts = [event.start_time.astimezone(london) for event in demo_catalog(now).events]
    evening = [start for start in starts if time(19) <= start.time() <= time(20)]
    assert len(evening) >= 0.8 * len(starts)
    for start in starts:
        if start not in evening:
            assert start.weekday() >= 5, start
            assert 11 <= start.hour < 17, start


def test_no_venue_hosts_two_shows_on_one_day(catalog: DemoCatalog) -> None:
    seen: dict[tuple[str, object], str] = {}
    for event in catalog.events:
        key = (event.venue_key, event.start_time.date())
        assert seen.setdefault(key, event.show_key) == event.show_key


def test_touring_shows_share_everything_but_venue_and_time(catalog: DemoCatalog) -> None:
    by_show = shows(catalog)
    for events in by_show.values():
        first = events[0]
        for event in events:
            assert (event.title, event.description, event.performer_keys, event.prices) == (
                first.title,
                first.description,
                first.performer_keys,
                first.prices,
            )
    tours = [
        events
        for events in by_show.values()
        if 2 <= len({event.venue_key for event in events}) <= 5 and 3 <= len(events) <= 8
    ]
    assert len(tours) >= 5
    runs = [
        events
        for events in by_show.values()
        if len(events) >= 3 and len({event.venue_key for event in events}) == 1
    ]
    assert runs


def test_every_reference_resolves_and_keys_are_unique(catalog: DemoCatalog) -> None:
    venue_keys = [venue.key for venue in catalog.venues]
    performer_keys = [performer.key for performer in catalog.performers]
    assert len(set(venue_keys)) == len(venue_keys)
    assert len(set(performer_keys)) == len(performer_keys)
    # performers.name is unique in the database.
    assert len({performer.name for performer in catalog.performers}) == len(performer_keys)
    assert set(CAPACITY) >= {venue.layout for venue in catalog.venues}
    for event in catalog.events:
        assert event.venue_key in venue_keys
        assert event.performer_keys
        assert set(event.performer_keys) <= set(performer_keys)
        assert len(set(event.performer_keys)) == len(event.performer_keys)
    billed = {key for event in catalog.events for key in event.performer_keys}
    assert billed == set(performer_keys)


def test_prices_are_best_first_in_pence_and_fit_the_venue(catalog: DemoCatalog) -> None:
    bounds = {"studio": (10, 25), "stadium": (45, 150)}
    for event in catalog.events:
        assert len(event.prices) == 4
        assert list(event.prices) == sorted(set(event.prices), reverse=True)
        for price in event.prices:
            assert price.as_tuple().exponent == -2
        low, high = bounds.get(layouts(catalog)[event.venue_key], (5, 150))
        assert Decimal(low) <= event.prices[-1] and event.prices[0] <= Decimal(high)


def test_descriptions_carry_searchable_words(catalog: DemoCatalog) -> None:
    text = " ".join(f"{event.title} {event.description}" for event in catalog.events).lower()
    for word in ("orchestra", "symphony", "comedy", "acoustic", "tour", "dancing", "dance"):
        assert word in text
    for composer in ("beethoven", "mozart", "tchaikovsky", "dvořák"):
        assert composer in text
    for event in catalog.events:
        assert event.description.endswith(".")


def test_same_date_and_seed_give_the_same_catalog(catalog: DemoCatalog) -> None:
    assert demo_catalog(NOW.replace(hour=1)) == catalog
    assert demo_catalog(NOW, seed=1) != catalog


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        demo_catalog(datetime(2026, 3, 20))


def test_generated_events_are_many_varied_and_plausible(catalog: DemoCatalog) -> None:
    events = list(generated_events(100_000, catalog.venues, catalog.performers, NOW))
    assert len(events) == 100_000
    assert len({event.title for event in events}) >= 10_000
    assert len({event.show_key for event in events}) >= 20_000
    venue_keys = {venue.key for venue in catalog.venues}
    performer_keys = {performer.key for performer in catalog.performers}
    for event in events:
        assert event.venue_key in venue_keys
        assert set(event.performer_keys) <= performer_keys
        assert NOW < event.start_time < event.end_time
    assert max(event.start_time for event in events) - NOW > timedelta(days=600)
    words = Counter(
        word for event in events for word in f"{event.title} {event.description}".split()
    )
    assert len([word for word, seen in words.items() if seen < 50]) >= 1_000


def test_generated_events_are_deterministic(catalog: DemoCatalog) -> None:
    def make(seed: int) -> list[DemoEvent]:
        return list(generated_events(500, catalog.venues, catalog.performers, NOW, seed=seed))

    assert make(3) == make(3)
    assert make(3) != make(4)
    assert list(generated_events(0, catalog.venues, catalog.performers, NOW)) == []


def test_generated_events_work_without_demo_performers(catalog: DemoCatalog) -> None:
    events = list(generated_events(200, catalog.venues[:1], (), NOW))
    assert len(events) == 200
    assert {event.venue_key for event in events} == {catalog.venues[0].key}
    assert all(event.performer_keys == () for event in events)
