"""Words for generated events: picks from the demo word lists, filled into templates.

Words are weighted so that full-text search meets a realistic mix of common and rare terms.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from server.catalog import demo_tables

__all__ = ["Fields", "draw_noun", "sentence"]


class _Zipf:
    """Picks words with weight 1/rank, so the first words are common and the tail is rare."""

    __slots__ = ("_cumulative", "_total", "_words")

    def __init__(self, text: str) -> None:
        self._words = tuple(word for word in text.replace("\n", "").split("|") if word)
        self._cumulative = list(accumulate(1 / rank for rank in range(1, len(self._words) + 1)))
        self._total = self._cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        return self._words[bisect(self._cumulative, rng.random() * self._total)]


_ADJECTIVES = _Zipf(demo_tables.ADJECTIVES)
_NOUNS = _Zipf(demo_tables.NOUNS)
_PRAISE = _Zipf(demo_tables.PRAISE)
_PLACES = _Zipf(demo_tables.PLACES)
_NAME_STARTS = _Zipf(demo_tables.NAME_STARTS)
_NAME_ENDS = _Zipf(demo_tables.NAME_ENDS)
_FIRST_NAMES = _Zipf(demo_tables.FIRST_NAMES)
_SURNAMES = _Zipf(demo_tables.SURNAMES)
_GERUNDS = _Zipf(demo_tables.GERUNDS)
_TOPICS = _Zipf(demo_tables.TOPICS)
_COMPOSERS = _Zipf(demo_tables.COMPOSERS)
_WORKS = _Zipf(demo_tables.WORKS)
_OPERAS = _Zipf(demo_tables.OPERAS)
_BALLETS = _Zipf(demo_tables.BALLETS)
_JAZZ_GREATS = _Zipf(demo_tables.JAZZ_GREATS)


def _town(rng: random.Random) -> str:
    return _NAME_STARTS(rng) + _NAME_ENDS(rng)


def _surname(rng: random.Random) -> str:
    return _SURNAMES(rng) if rng.random() < 0.5 else _town(rng)


_PICKERS: dict[str, Callable[[random.Random], str]] = {
    "Adj": _ADJECTIVES,
    "Noun": _NOUNS,
    "Praise": _PRAISE,
    "Place": _PLACES,
    "Town": _town,
    "Name": _FIRST_NAMES,
    "Surname": _surname,
    "Gerund": _GERUNDS,
    "Topic": _TOPICS,
    "Composer": _COMPOSERS,
    "Work": _WORKS,
    "Opera": _OPERAS,
    "Ballet": _BALLETS,
    "JazzGreat": _JAZZ_GREATS,
}


class Fields(dict[str, str]):
    """Template fields drawn on first use, so a title and its description share their words.

    ``{Noun2}`` is a second draw from the same list, ``{noun}`` is ``{Noun}`` in lower case
    and ``{a_noun}`` is the same with "a" or "an" in front.
    """

    __slots__ = ("_rng",)

    def __init__(self, rng: random.Random, performer: str) -> None:
        super().__init__(performer=performer)
        self._rng = rng

    def __missing__(self, key: str) -> str:
        if key.startswith("a_"):
            word = self[key[2:]]
            value = f"an {word}" if word[0] in "aeiouAEIOU" else f"a {word}"
        elif key[0].islower():
            value = self[key[0].upper() + key[1:]].lower()
        else:
            value = _PICKERS[key.rstrip("0123456789")](self._rng)
        self[key] = value
        return value


def draw_noun(rng: random.Random) -> str:
    """A noun from the word list, common ones more often."""
    return _NOUNS(rng)


def sentence(template: str, fields: Fields) -> str:
    """Fill ``template`` from ``fields`` and capitalise its first letter."""
    text = template.format_map(fields)
    return text[:1].upper() + text[1:]
