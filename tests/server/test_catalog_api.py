"""The browse and search half of the API, through the Flask test client on real Postgres."""

from __future__ import annotations

import gzip
from datetime import timedelta
from typing import Any

import orjson
from conftest import TINY_CAPACITY, Catalog
from flask.testing import FlaskClient
from pydantic import TypeAdapter

from shared.models import (
    EventDetail,
    EventPage,
    EventSeatSummary,
    ShowingList,
    VenueDetail,
    VenuePage,
)


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["type"] == f"/problems/{slug}"
    assert body["status"] == status
    assert body["title"]
    return body


def walk(client: FlaskClient, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of every page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = dict(params)
        if cursor:
            query["nextCursor"] = cursor
        page = client.get(path, query_string=query).get_json()
        items.extend(page[key])
        cursor = page["nextCursor"]
        if not cursor:
            return items


# --- venues -------------------------------------------------------------------------------


def test_venues_are_listed_by_title_in_pages(client: FlaskClient, catalog: Catalog) -> None:
    for title in ["Corn Exchange", "Assembly Rooms", "Brewery Arts", "Dome", "Empire"]:
        catalog.venue(title, "York")
    first = client.get("/venues?limit=2")
    assert first.status_code == 200
    page = VenuePage.model_validate(first.get_json())
    assert [v.title for v in page.venues] == ["Assembly Rooms", "Brewery Arts"]
    assert page.venues[0].seating_capacity == TINY_CAPACITY
    assert page.limit == 2 and page.next_cursor
    titles = [v["title"] for v in walk(client, "/venues", "venues", limit=2)]
    assert titles == ["Assembly Rooms", "Brewery Arts", "Corn Exchange", "Dome", "Empire"]


def test_venue_detail_carries_its_seating_arrangement(
    client: FlaskClient, catalog: Catalog
) -> None:
    venue = catalog.venue("The Lantern", "Bristol")
    response = client.get(f"/venues/{venue.id}")
    detail = VenueDetail.model_validate(response.get_json())
    assert detail.title == "The Lantern" and detail.location == "Bristol"
    assert detail.seating_arrangement["name"] == "Tiny Room"
    assert detail.seating_arrangement["sections"][0]["rows"][1]["seats"] == "1-5, gap, 6-9"


def test_catalog_responses_are_cacheable_and_revalidate_with_304(
    client: FlaskClient, catalog: Catalog
) -> None:
    catalog.venue()
    response = client.get("/venues")
    assert "max-age=" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/venues", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    catalog.venue("Another Hall")
    assert client.get("/venues", headers={"If-None-Match": etag}).status_code == 200


def test_unknown_venue_is_a_404_problem(client: FlaskClient, catalog: Catalog) -> None:
    body = problem(client.get("/venues/999"), 404, "not-found")
    assert "999" in body["detail"]
    problem(client.get("/venues/99999999999999999999999"), 404, "not-found")
    problem(client.get("/venues/abc"), 404, "not-found")
    problem(client.get("/venues/999/events"), 404, "not-found")


def test_a_venues_upcoming_events_come_in_start_order(
    client: FlaskClient, catalog: Catalog
) -> None:
    hall, other = catalog.venue("Hall"), catalog.venue("Other")
    catalog.event(hall, "Later", days=5)
    catalog.event(hall, "Sooner", days=2)
    catalog.event(hall, "Over", days=-2)
    catalog.event(other, "Elsewhere", days=3)
    events = walk(client, f"/venues/{hall.id}/events", "events", limit=1)
    assert [e["title"] for e in events] == ["Sooner", "Later"]
    assert all(e["venue"]["venueID"] == hall.id for e in events)


# --- search -------------------------------------------------------------------------------


def search(client: FlaskClient, **params: Any) -> list[str]:
    response = client.get("/events", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [e["title"] for e in EventPage.model_validate(response.get_json()).to_wire()["events"]]


def test_search_stems_words_and_requires_every_word(client: FlaskClient, catalog: Catalog) -> None:
    hall = catalog.venue("Hall", "Leeds")
    catalog.event(hall, "Swan Lake", description="A ballet with dancers dancing to Tchaikovsky.")
    catalog.event(hall, "Folk Night", description="Dance the night away with a ceilidh band.")
    catalog.event(hall, "Quiet Symphony", description="An orchestra plays Brahms.")
    assert sorted(search(client, searchQuery="dance")) == ["Folk Night", "Swan Lake"]
    assert search(client, searchQuery="dance ballet") == ["Swan Lake"]
    assert search(client, searchQuery="orchestras") == ["Quiet Symphony"]
    assert search(client, searchQuery="dance -ballet") == ["Folk Night"]
    assert search(client, searchQuery="nothing-like-this") == []


def test_a_last_word_ending_in_a_star_matches_as_a_prefix_for_search_as_you_type(
    client: FlaskClient, catalog: Catalog
) -> None:
    hall = catalog.venue("Hall", "Leeds")
    catalog.event(hall, "Swan Lake", description="A ballet.")
    catalog.event(hall, "Quiet Symphony", description="An orchestra plays Brahms.")
    catalog.event(hall, "Orchard Picnic", description="Songs under the apple trees.")
    assert search(client, searchQuery="orch") == []  # whole words only, as before
    assert sorted(search(client, searchQuery="orch*")) == ["Orchard Picnic", "Quiet Symphony"]
    assert search(client, searchQuery="brahms orch*") == ["Quiet Symphony"]
    assert search(client, searchQuery="swan la*") == ["Swan Lake"]
    assert search(client, searchQuery='"swan la*') == []  # inside an open quote: a plain word


def test_search_covers_performers_and_the_venue(client: FlaskClient, catalog: Catalog) -> None:
    leeds, york = catalog.venue("Grand Theatre", "Leeds"), catalog.venue("Minster Hall", "York")
    quartet = catalog.performer("The Borealis Quartet", "Strings")
    catalog.event(leeds, "Late Beethoven", performers=[quartet])
    catalog.event(york, "Carols")
    assert search(client, searchQuery="borealis") == ["Late Beethoven"]
    assert search(client, searchQuery="york") == ["Carols"]
    assert search(client, searchQuery="grand theatre") == ["Late Beethoven"]
    body = client.get("/events", query_string={"searchQuery": "borealis"}).get_json()
    assert body["events"][0]["performers"] == [{"performerID": quartet.id, "name": quartet.name}]


def test_search_ranks_title_matches_above_description_matches(
    client: FlaskClient, catalog: Catalog
) -> None:
    hall = catalog.venue()
    catalog.event(hall, "An Evening of Song", description="Featuring one jazz number.", days=1)
    catalog.event(hall, "Jazz at Midnight", description="Late-night jazz and more jazz.", days=2)
    assert search(client, searchQuery="jazz") == ["Jazz at Midnight", "An Evening of Song"]


def test_search_filters_by_date_range(client: FlaskClient, catalog: Catalog) -> None:
    hall = catalog.venue()
    for day in (1, 3, 5, 7):
        catalog.event(hall, f"Gig on day {day}", description="rock", days=day)
    start = (catalog.now + timedelta(days=2)).date().isoformat()
    end = (catalog.now + timedelta(days=5)).date().isoformat()
    assert search(client, searchQuery="rock", startDate=start, endDate=end) == [
        "Gig on day 3",
        "Gig on day 5",
    ]
    assert search(client, startDate=start, endDate=end) == ["Gig on day 3", "Gig on day 5"]
    moment = (catalog.now + timedelta(days=3, hours=1)).isoformat()
    assert search(client, startDate=moment) == ["Gig on day 5", "Gig on day 7"]


def test_walking_pages_returns_every_match_once_while_events_are_added(
    client: FlaskClient, catalog: Catalog
) -> None:
    hall = catalog.venue()
    for day in range(1, 26):
        catalog.event(hall, f"Choir concert {day}", description="choir", days=day)
    for params in ({"searchQuery": "choir"}, {}):
        seen: list[int] = []
        cursor = None
        pages = 0
        while True:
            query = {**params, "limit": 4, **({"nextCursor": cursor} if cursor else {})}
            page = client.get("/events", query_string=query).get_json()
            seen.extend(e["eventID"] for e in page["events"])
            pages += 1
            if pages == 2:  # someone adds events while we page
                catalog.event(hall, "Choir extra early", description="choir", days=0.5)
                catalog.event(hall, "Choir extra late", description="choir", days=40)
            cursor = page["nextCursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)), "an event was returned twice"
        originals = {e.id for e in _events_titled(client, "Choir concert")}
        assert originals <= set(seen), "an event was skipped"


def _events_titled(client: FlaskClient, prefix: str) -> list[Any]:
    from server.extensions import db
    from server.models import Event

    return [e for e in db.session.query(Event).all() if e.title.startswith(prefix)]


def test_bad_query_parameters_get_400_naming_the_parameter(
    client: FlaskClient, catalog: Catalog
) -> None:
    cases = {
        "limit=0": "limit",
        "limit=101": "limit",
        "limit=ten": "limit",
        "startDate=2026-13-45": "startDate",
        "endDate=yesterday": "endDate",
        "startDate=2026-12-10&endDate=2026-12-01": "endDate",
        "searchQuery=" + "a" * 201: "searchQuery",
        "searchQuery=bad%00byte": "searchQuery",
        "serchQuery=typo": "serchQuery",
        "limit=5&limit=6": "limit",
    }
    for query, parameter in cases.items():
        body = problem(client.get(f"/events?{query}"), 400, "invalid-parameter")
        assert body["errors"][0]["parameter"] == parameter, query
        assert body["detail"].startswith(parameter), body


def test_forged_or_foreign_cursors_are_refused(client: FlaskClient, catalog: Catalog) -> None:
    hall = catalog.venue()
    for day in range(1, 4):
        catalog.event(hall, f"Opera {day}", description="opera", days=day)
    cursor = client.get("/events?searchQuery=opera&limit=1").get_json()["nextCursor"]
    assert client.get(f"/events?searchQuery=opera&limit=1&nextCursor={cursor}").status_code == 200
    body = problem(
        client.get(f"/events?searchQuery=ballet&nextCursor={cursor}"), 400, "invalid-cursor"
    )
    assert "different query" in body["detail"]
    problem(client.get(f"/events?searchQuery=opera&nextCursor={cursor}x"), 400, "invalid-cursor")
    problem(client.get("/events?nextCursor=eyJpZCI6MX0"), 400, "invalid-cursor")
    problem(client.get(f"/venues?nextCursor={cursor}"), 400, "invalid-cursor")


# --- one event ----------------------------------------------------------------------------


def test_event_detail_lists_every_seat_with_its_status(
    client: FlaskClient, catalog: Catalog
) -> None:
    hall = catalog.venue("Hall", "Leeds")
    singer = catalog.performer("Mara Vell")
    event = catalog.event(hall, "Songs", description="Songs.", performers=[singer])
    response = client.get(f"/events/{event.id}")
    assert response.headers["Cache-Control"] == "no-cache"
    detail = EventDetail.model_validate(response.get_json())
    assert detail.event.title == "Songs"
    assert [p.name for p in detail.event.performers] == ["Mara Vell"]
    assert [(p.category, p.name, str(p.price)) for p in detail.event.prices] == [
        ("front", "Front", "40.00"),
        ("back", "Back", "25.50"),
    ]
    assert detail.venue.tickets_available == TINY_CAPACITY == len(detail.tickets)
    assert detail.venue.seating_arrangement["name"] == "Tiny Room"
    a1 = next(t for t in detail.tickets if t.row == "A" and t.seat_number == "1")
    assert (a1.seat_id, a1.section, a1.category, str(a1.price)) == (
        "stalls:A:1",
        "stalls",
        "front",
        "40.00",
    )
    standing = [t for t in detail.tickets if t.section == "standing"]
    assert len(standing) == 5 and {t.row for t in standing} == {None}
    assert {t.ticket_status for t in detail.tickets} == {"AVAILABLE"}


def test_booked_seats_show_as_booked(client: FlaskClient, catalog: Catalog) -> None:
    from sqlalchemy import text

    from server.extensions import db

    event = catalog.event(catalog.venue())
    db.session.execute(
        text("UPDATE tickets SET status = 'BOOKED' WHERE event_id = :e AND row = 'B'"),
        {"e": event.id},
    )
    db.session.commit()
    detail = client.get(f"/events/{event.id}").get_json()
    booked = {t["seatNumber"] for t in detail["tickets"] if t["ticketStatus"] == "BOOKED"}
    assert booked == {str(n) for n in range(1, 10)}
    assert detail["venue"]["ticketsAvailable"] == TINY_CAPACITY - 9
    summary = EventSeatSummary.model_validate(
        client.get(f"/events/{event.id}?view=summary").get_json()
    )
    stalls = next(s for s in summary.sections if s.section == "stalls")
    assert (stalls.available, stalls.reserved, stalls.booked) == (19, 0, 9)
    assert stalls.booked_seats == "B1-9"
    assert stalls.available_seats == "A1-10,C1-9"
    standing = next(s for s in summary.sections if s.section == "standing")
    assert (standing.name, standing.available, standing.available_seats) == ("Standing", 5, "1-5")


def test_large_event_detail_is_gzipped_on_request(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    response = client.get(f"/events/{event.id}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    body = orjson.loads(gzip.decompress(response.get_data()))
    assert len(body["tickets"]) == TINY_CAPACITY


def test_event_view_must_be_known(client: FlaskClient, catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    body = problem(client.get(f"/events/{event.id}?view=overview"), 400, "invalid-parameter")
    assert "summary" in body["detail"]
    problem(client.get("/events/424242"), 404, "not-found")


def test_a_touring_show_lists_every_venue_and_time(client: FlaskClient, catalog: Catalog) -> None:
    leeds, york = catalog.venue("Grand", "Leeds"), catalog.venue("Royal", "York")
    first = catalog.event(leeds, "Hamlet", show_key="hamlet-tour", days=2)
    catalog.event(york, "Hamlet", show_key="hamlet-tour", days=9)
    catalog.event(leeds, "Hamlet", show_key="hamlet-tour", days=4)
    catalog.event(leeds, "Macbeth", show_key="macbeth", days=3)
    catalog.event(york, "Hamlet", show_key="hamlet-tour", days=-10)  # already played
    showings = ShowingList.model_validate(client.get(f"/events/{first.id}/venues").get_json())
    assert showings.title == "Hamlet"
    assert [(s.venue.location, s.tickets_available) for s in showings.showings] == [
        ("Leeds", TINY_CAPACITY),
        ("Leeds", TINY_CAPACITY),
        ("York", TINY_CAPACITY),
    ]
    problem(client.get("/events/999/venues"), 404, "not-found")


# --- HTTP semantics -----------------------------------------------------------------------


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.post("/venues")
    problem(response, 405, "method-not-allowed")
    assert "GET" in response.headers["Allow"]


def test_unknown_path_is_404_problem(client: FlaskClient) -> None:
    problem(client.get("/nowhere"), 404, "not-found")


def test_openapi_document_covers_every_route(client: FlaskClient, app_context: Any) -> None:
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    routes = set()
    for rule in app_context.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = (
            rule.rule.replace("<id:venue_id>", "{venueID}")
            .replace("<id:event_id>", "{eventID}")
            .replace("<booking_id>", "{bookingID}")
        )
        routes.add(path)
    assert routes == set(document["paths"])
    for path, item in document["paths"].items():
        for operation in item.values():
            assert {"200", "201", "204"} & set(operation["responses"]), path
    TypeAdapter(dict).validate_python(document["components"]["schemas"]["EventDetail"])


def test_seat_map_revalidates_cheaply_until_a_seat_changes(
    client: FlaskClient, catalog: Catalog
) -> None:
    from conftest import bearer

    event = catalog.event(catalog.venue())
    first = client.get(f"/events/{event.id}", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    same = client.get(
        f"/events/{event.id}", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert same.status_code == 304 and same.get_data() == b""
    summary = client.get(f"/events/{event.id}?view=summary", headers={"If-None-Match": etag})
    assert summary.status_code == 200, "the summary is a different representation"
    ticket = orjson.loads(gzip.decompress(first.get_data()))["tickets"][0]["ticketID"]
    held = client.post(f"/bookings/{event.id}", json={"ticketIDs": [ticket]}, headers=bearer("a"))
    assert held.status_code == 201
    changed = client.get(
        f"/events/{event.id}", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert changed.status_code == 200
    statuses = {
        t["ticketID"]: t["ticketStatus"]
        for t in orjson.loads(gzip.decompress(changed.get_data()))["tickets"]
    }
    assert statuses[ticket] == "RESERVED"


def test_search_finds_matches_far_ahead_in_date_order(
    client: FlaskClient, catalog: Catalog
) -> None:
    """Search looks a month ahead first; matches months or years away must still come, in order."""
    hall = catalog.venue()
    for day in (400, 2, 45, 1, 800):
        catalog.event(hall, f"Harp recital day {day}", description="harp", days=day)
    catalog.event(hall, "Evening", description="a harp in the pit", days=3)
    assert search(client, searchQuery="harp") == [
        "Harp recital day 1",
        "Harp recital day 2",
        "Harp recital day 45",
        "Harp recital day 400",
        "Harp recital day 800",
        "Evening",
    ]
    titles = [e["title"] for e in walk(client, "/events", "events", searchQuery="harp", limit=2)]
    assert titles == search(client, searchQuery="harp")
