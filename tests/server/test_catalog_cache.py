"""The catalog cache: venues, events and searches come from Redis until the catalog changes
through its loading functions, searches for a short time at most; seat status never does.

Edits made behind the code's back (plain SQL) show which answers are cached: they stay unseen
until the next catalog change or the entry's expiry."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from conftest import TINY_LAYOUT, Catalog, bearer
from flask.testing import FlaskClient
from sqlalchemy import text

from server.catalog.loading import CatalogError, replace_seatmap
from server.extensions import db
from shared.seatmap import parse_seatmap


def _sql(statement: str, **params: Any) -> None:
    """An edit that bypasses the catalog's loading functions, as a manual fix would."""
    db.session.execute(text(statement), params)
    db.session.commit()


def _titles(client: FlaskClient, query: str) -> list[str]:
    response = client.get("/events", query_string={"searchQuery": query})
    assert response.status_code == 200
    return [e["title"] for e in response.get_json()["events"]]


def test_a_cached_venue_is_replaced_when_its_seat_map_changes(
    client: FlaskClient, catalog: Catalog
) -> None:
    venue = catalog.venue()
    first = client.get(f"/venues/{venue.id}").get_json()
    assert first["seatingArrangement"]["name"] == "Tiny Room"
    _sql("UPDATE venues SET title = 'Renamed by hand' WHERE id = :id", id=venue.id)
    assert client.get(f"/venues/{venue.id}").get_json()["title"] == "The Tiny Room"  # cached

    rebuilt = copy.deepcopy(TINY_LAYOUT)
    rebuilt["name"] = "Tiny Room, rebuilt"
    rebuilt["generalAdmission"][0]["capacity"] = 50
    replace_seatmap(db.session, venue, parse_seatmap(rebuilt))
    db.session.commit()

    now = client.get(f"/venues/{venue.id}").get_json()
    assert now["seatingArrangement"]["name"] == "Tiny Room, rebuilt"
    assert now["seatingCapacity"] == 78
    assert now["title"] == "Renamed by hand"  # the whole catalog cache went, not just the map


def test_a_seat_map_cannot_change_under_existing_events(catalog: Catalog) -> None:
    venue = catalog.venue()
    catalog.event(venue)
    rebuilt = copy.deepcopy(TINY_LAYOUT)
    rebuilt["name"] = "Tiny Room, rebuilt"
    with pytest.raises(CatalogError, match="has events"):
        replace_seatmap(db.session, venue, parse_seatmap(rebuilt))
    db.session.rollback()
    arrangement = db.session.execute(
        text("SELECT seating_arrangement FROM venues WHERE id = :id"), {"id": venue.id}
    ).scalar_one()
    assert arrangement["name"] == "Tiny Room"


def test_a_new_event_is_found_at_once_though_searches_are_cached(
    client: FlaskClient, catalog: Catalog
) -> None:
    venue = catalog.venue()
    catalog.event(venue, "Orchestra Night", days=2)
    assert _titles(client, "orchestra") == ["Orchestra Night"]
    assert client.get(f"/venues/{venue.id}/events").get_json()["events"][0]["title"] == (
        "Orchestra Night"
    )
    catalog.event(venue, "Orchestra Matinee", days=1)
    assert _titles(client, "orchestra") == ["Orchestra Matinee", "Orchestra Night"]
    listed = client.get(f"/venues/{venue.id}/events").get_json()["events"]
    assert [e["title"] for e in listed] == ["Orchestra Matinee", "Orchestra Night"]


def test_search_results_are_cached_for_a_short_time_only(
    client: FlaskClient, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("server.api.catalog.SEARCH_SECONDS", 1)
    event = catalog.event(catalog.venue(), "Orchestra Night")
    assert _titles(client, "orchestra") == ["Orchestra Night"]
    _sql("UPDATE events SET title = 'Quartet Night' WHERE id = :id", id=event.id)
    assert _titles(client, "orchestra") == ["Orchestra Night"]  # cached
    time.sleep(1.2)
    assert _titles(client, "orchestra") == []
    assert _titles(client, "quartet") == ["Quartet Night"]


def test_pages_and_bad_cursors_are_answered_as_without_the_cache(
    client: FlaskClient, catalog: Catalog
) -> None:
    venue = catalog.venue()
    for day in range(1, 6):
        catalog.event(venue, f"Orchestra Night {day}", days=day)
    seen: list[str] = []
    cursor = None
    for _ in range(2):  # twice: the second walk is served from the cache
        seen, cursor = [], None
        while True:
            params = {
                "searchQuery": "orchestra",
                "limit": 2,
                **({"nextCursor": cursor} if cursor else {}),
            }
            page = client.get("/events", query_string=params).get_json()
            seen += [e["title"] for e in page["events"]]
            if not (cursor := page["nextCursor"]):
                break
        assert seen == [f"Orchestra Night {day}" for day in range(1, 6)]
    forged = client.get("/events", query_string={"searchQuery": "orchestra", "nextCursor": "x.y"})
    assert forged.status_code == 400
    assert forged.get_json()["type"] == "/problems/invalid-cursor"
    assert client.get("/venues/999/events").status_code == 404


def test_seat_status_is_fresh_on_every_request_while_the_event_is_cached(
    client: FlaskClient, catalog: Catalog
) -> None:
    event = catalog.event(catalog.venue(), "Songs")
    first = client.get(f"/events/{event.id}")
    ticket = first.get_json()["tickets"][0]["ticketID"]
    _sql("UPDATE events SET title = 'Renamed by hand' WHERE id = :id", id=event.id)

    held = client.post(f"/bookings/{event.id}", json={"ticketIDs": [ticket]}, headers=bearer("ana"))
    assert held.status_code == 201
    after_hold = client.get(f"/events/{event.id}")
    assert after_hold.get_json()["event"]["title"] == "Songs"  # the event's facts: cached
    assert after_hold.get_json()["tickets"][0]["ticketStatus"] == "RESERVED"  # at once
    assert after_hold.headers["ETag"] != first.headers["ETag"]
    summary = client.get(f"/events/{event.id}?view=summary").get_json()
    assert summary["sections"][0]["reserved"] == 1

    paid = client.post(
        held.get_json()["paymentInputURL"],
        json={"paymentDetails": {"method": "cash"}},
        headers=bearer("ana"),
    )
    assert paid.status_code == 200
    assert client.get(f"/events/{event.id}").get_json()["tickets"][0]["ticketStatus"] == "BOOKED"

    catalog.event(catalog.venue("Another Room"), "Unrelated")  # any catalog change clears it
    assert client.get(f"/events/{event.id}").get_json()["event"]["title"] == "Renamed by hand"
