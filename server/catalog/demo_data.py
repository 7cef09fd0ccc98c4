"""A deterministic demo box office as plain data, so loaders, tests and benchmarks share it.

``demo_catalog`` is the hand-written catalogue a demo starts with: 20 partner venues in the
UK and Ireland, 72 performers and about 200 events over the next 90 days, with touring shows
and runs. ``generated_events`` makes as many plausible events as a benchmark wants from word
lists weighted so that full-text search meets a realistic mix of common and rare terms.

The hand-written tables are in ``server.catalog.demo_tables`` and the weighted words in
``server.catalog.demo_words``. Nothing here touches a database; ``server.catalog.demo``
writes it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain

from server.catalog.demo_tables import (
    EVENT_KINDS,
    KINDS_BY_LAYOUT,
    PERFORMER_ROWS,
    SHOWS,
    VENUE_ROWS,
    EventKind,
    Show,
)
from server.catalog.demo_words import Fields, draw_noun, sentence

__all__ = [
    "DemoCatalog",
    "DemoEvent",
    "DemoPerformer",
    "DemoVenue",
    "demo_catalog",
    "generated_events",
]


@dataclass(frozen=True, slots=True)
class DemoVenue:
    """A partner venue; ``layout`` names a file in ``seatmaps/`` without ``.json``."""

    key: str
    title: str
    location: str
    layout: str


@dataclass(frozen=True, slots=True)
class DemoPerformer:
    key: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """One showing; ``prices`` are best-first, mapped by position onto the layout's categories."""

    title: str
    description: str
    venue_key: str
    start_time: datetime
    end_time: datetime
    performer_keys: tuple[str, ...]
    prices: tuple[Decimal, ...]
    show_key: str


@dataclass(frozen=True, slots=True)
class DemoCatalog:
    venues: tuple[DemoVenue, ...]
    performers: tuple[DemoPerformer, ...]
    events: tuple[DemoEvent, ...]


# --- Venues and performers ----------------------------------------------------------------

_VENUES: tuple[DemoVenue, ...] = tuple(DemoVenue(*row) for row in VENUE_ROWS)
_PERFORMERS: tuple[DemoPerformer, ...] = tuple(
    DemoPerformer(key, name, description) for key, name, _, description in PERFORMER_ROWS
)
_PERFORMER_KIND: dict[str, str] = {key: kind for key, _, kind, _ in PERFORMER_ROWS}


# --- Dates, times and prices --------------------------------------------------------------

_LAST_DAY = 89  # day offsets 1.._LAST_DAY from now's date: all after now, all within 90 days
_EVENINGS = (time(19, 0), time(19, 30), time(20, 0))
_RUN_EVENING = time(19, 30)
_MATINEE = time(14, 30)
_MORNING = time(11, 0)
_CENT = Decimal("0.01")


def _utc_date(now: datetime) -> date:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC).date()


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _uk_offset(day: date) -> timedelta:
    """UK and Irish clocks: BST from the last Sunday in March to the last in October.

    Computed rather than read from a time-zone database, which not every machine has; the
    01:00 changeover never matters for afternoon and evening shows.
    """
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    return timedelta(hours=1) if summer else timedelta()


def _local(day: date, at: time) -> datetime:
    """Local wall-clock ``at`` on ``day`` as a UTC datetime."""
    return datetime.combine(day, at, UTC) - _uk_offset(day)


def _price_ladder(top: int, bottom: int) -> tuple[Decimal, ...]:
    """Four best-first prices from ``top`` down to ``bottom``, rounded to 50p."""
    step = Decimal(top - bottom) / 3
    return tuple(_to_50p(Decimal(top) - step * i) for i in range(4))


def _to_50p(amount: Decimal) -> Decimal:
    return ((amount * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2).quantize(_CENT)


def _day_slots(schedule: str, weekday: int, evening: time) -> tuple[time, ...]:
    """The start times a show gives on a day of the week (Monday is 0)."""
    if schedule == "run":
        week = (
            (),
            (evening,),
            (evening,),
            (evening,),
            (evening,),
            (_MATINEE, evening),
            (_MATINEE,),
        )
        return week[weekday]
    if schedule == "family":
        return {5: (_MORNING, _MATINEE), 6: (_MATINEE,)}.get(weekday, ())
    return (evening,)


class _Planner:
    """Books shows into days so that no venue or performer is in two places on one day."""

    def __init__(self, first_day: date, venues: Sequence[DemoVenue], rng: random.Random) -> None:
        self._first_day = first_day
        self._rng = rng
        self._busy: set[tuple[str, int]] = set()
        self._load = {venue.key: 0 for venue in venues}
        self._by_layout: dict[str, list[DemoVenue]] = {}
        for venue in venues:
            self._by_layout.setdefault(venue.layout, []).append(venue)

    def book(self, show: Show) -> list[DemoEvent]:
        """All dates of ``show``: one leg per venue, legs a few days apart, like a tour."""
        # The least-booked venues first, so that every city gets a fair share of shows.
        candidates = self._by_layout[show.layout]
        ranked = sorted(candidates, key=lambda v: (self._load[v.key], self._rng.random()))
        venues = ranked[: show.venues]
        self._rng.shuffle(venues)
        per_venue = [show.dates // show.venues] * show.venues
        for index in range(show.dates % show.venues):
            per_venue[index] += 1
        prices = _price_ladder(*show.price)
        length = timedelta(minutes=show.minutes)
        cursor = self._rng.randint(1, _LAST_DAY)
        events: list[DemoEvent] = []
        for venue, count in zip(venues, per_venue, strict=True):
            evening = _RUN_EVENING if show.schedule == "run" else self._rng.choice(_EVENINGS)
            slots = self._place(show, venue.key, count, evening, cursor)
            self._load[venue.key] += slots[-1][0] - slots[0][0] + 1
            for offset, at in slots:
                start = _local(self._first_day + timedelta(days=offset), at)
                events.append(
                    DemoEvent(
                        title=show.title,
                        description=show.description,
                        venue_key=venue.key,
                        start_time=start,
                        end_time=start + length,
                        performer_keys=show.performers,
                        prices=prices,
                        show_key=show.key,
                    )
                )
            cursor = slots[-1][0] + self._rng.randint(1, 4)
        return events

    def _place(
        self, show: Show, venue_key: str, count: int, evening: time, cursor: int
    ) -> list[tuple[int, time]]:
        """The first free block of ``count`` performances from ``cursor``, wrapping round."""
        holders = [f"venue:{venue_key}", *(f"performer:{key}" for key in show.performers)]
        for start in chain(range(cursor, _LAST_DAY + 1), range(1, cursor)):
            slots = self._slots_from(start, count, show.schedule, evening)
            if slots is None:
                continue
            days = range(slots[0][0], slots[-1][0] + 1)
            if any((holder, day) in self._busy for holder in holders for day in days):
                continue
            self._busy.update((holder, day) for holder in holders for day in days)
            return slots
        raise RuntimeError(f"no room in the demo calendar for {show.key} at {venue_key}")

    def _slots_from(
        self, start: int, count: int, schedule: str, evening: time
    ) -> list[tuple[int, time]] | None:
        slots: list[tuple[int, time]] = []
        offset = start
        while len(slots) < count:
            if offset > _LAST_DAY:
                return None
            weekday = (self._first_day + timedelta(days=offset)).weekday()
            for at in _day_slots(schedule, weekday, evening)[: count - len(slots)]:
                slots.append((offset, at))
            offset += 1
        return slots


def demo_catalog(now: datetime, *, seed: int = 2026) -> DemoCatalog:
    """The demo catalogue for the 90 days after ``now``; the same for one UTC date and seed.

    Raises ``ValueError`` when ``now`` is naive, because "after now" would be ambiguous.
    """
    planner = _Planner(_utc_date(now), _VENUES, random.Random(seed))
    events = [event for show in SHOWS for event in planner.book(show)]
    events.sort(key=lambda event: (event.start_time, event.venue_key))
    return DemoCatalog(venues=_VENUES, performers=_PERFORMERS, events=tuple(events))


# --- Generated events for benchmarks ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Kind:
    """How to word one kind of generated event, who may perform it and what it costs."""

    performer_kinds: tuple[str, ...]
    minutes: tuple[int, ...]
    prices: tuple[Decimal, ...]
    matinees: bool
    titles: tuple[str, ...]
    openings: tuple[str, ...]
    extras: tuple[str, ...]


def _kind(spec: EventKind) -> _Kind:
    """A ``_Kind`` from its table entry, with the price ladder and one template a line."""

    def lines(text: str) -> tuple[str, ...]:
        return tuple(line.strip() for line in text.splitlines() if line.strip())

    return _Kind(
        tuple(spec.performers.split()),
        spec.minutes,
        _price_ladder(*spec.price),
        spec.matinees,
        lines(spec.titles),
        lines(spec.openings),
        lines(spec.extras),
    )


_KINDS: dict[str, _Kind] = {name: _kind(spec) for name, spec in EVENT_KINDS.items()}
_DATES_PER_SHOW = (1, 1, 1, 1, 2, 2, 3, 4, 6, 8)
_GENERATED_DAYS = 730


def generated_events(
    count: int,
    venues: Sequence[DemoVenue],
    performers: Sequence[DemoPerformer],
    now: datetime,
    *,
    seed: int = 7,
) -> Iterator[DemoEvent]:
    """``count`` plausible events over the two years after ``now``, for benchmarks.

    Shows get 1-8 dates, at one venue or touring venues of the same layout. Demo performers
    are matched to the kind of event; other performers may appear in anything. Venues may be
    double-booked: the point is volume and a realistic mix of search terms.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count and not venues:
        raise ValueError("generated events need at least one venue")
    first_day = _utc_date(now)
    # Start times by day offset: the three evening times, then the matinee.
    starts: list[tuple[datetime, ...]] = []
    weekend: list[bool] = []
    for offset in range(_GENERATED_DAYS + 8 * 4 + 1):
        day = first_day + timedelta(days=offset)
        starts.append(tuple(_local(day, at) for at in (*_EVENINGS, _MATINEE)))
        weekend.append(day.weekday() >= 5)
    by_layout: dict[str, list[DemoVenue]] = {}
    for venue in venues:
        by_layout.setdefault(venue.layout, []).append(venue)
    cast: dict[str, list[DemoPerformer]] = {}
    for performer in performers:
        cast.setdefault(_PERFORMER_KIND.get(performer.key, "any"), []).append(performer)
    pools = {
        name: [p for k in kind.performer_kinds for p in cast.get(k, ())] + cast.get("any", [])
        or list(performers)
        for name, kind in _KINDS.items()
    }
    rng = random.Random(seed)
    rand = rng.random
    made = 0
    show = 0
    while made < count:
        show += 1
        home = venues[int(rand() * len(venues))]
        kinds = KINDS_BY_LAYOUT.get(home.layout, KINDS_BY_LAYOUT["theatre"])
        name = kinds[int(rand() * len(kinds))]
        kind = _KINDS[name]
        pool = pools[name]
        if name == "festival" or not pool:
            billed = rng.sample(pool, min(3, len(pool)))
        else:
            billed = [pool[int(rand() * len(pool))]]
        fields = Fields(rng, billed[0].name if billed else f"The {draw_noun(rng)} Company")
        title = sentence(kind.titles[int(rand() * len(kind.titles))], fields)
        templates = [kind.openings[int(rand() * len(kind.openings))]]
        extras = int(rand() * 3)
        if extras == 1:
            templates.append(kind.extras[int(rand() * len(kind.extras))])
        elif extras == 2:
            templates += rng.sample(kind.extras, 2)
        description = " ".join(sentence(template, fields) for template in templates)
        length = timedelta(minutes=kind.minutes[int(rand() * len(kind.minutes))])
        keys = tuple(performer.key for performer in billed)
        show_key = f"generated-{seed}-{show}"
        tour = by_layout[home.layout] if rand() < 0.5 else [home]
        offset = 1 + int(rand() * _GENERATED_DAYS)
        dates = _DATES_PER_SHOW[int(rand() * len(_DATES_PER_SHOW))]
        for _ in range(min(dates, count - made)):
            if kind.matinees and weekend[offset]:
                start = starts[offset][3]
            else:
                start = starts[offset][int(rand() * 3)]
            yield DemoEvent(
                title=title,
                description=description,
                venue_key=tour[int(rand() * len(tour))].key,
                start_time=start,
                end_time=start + length,
                performer_keys=keys,
                prices=kind.prices,
                show_key=show_key,
            )
            made += 1
            offset += 1 + int(rand() * 4)
