"""The rows of the seat list: only seats still to be had, with their section, row, price,
category and features in words; a standing area as one row; a stadium one section at a time."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kiosk.app.available_seats import LIST_ALL_UP_TO, AvailableSeats, SortOrder
from kiosk.app.formatting import SeatNames
from shared.models import SeatStatus, TicketInfo
from shared.seatmap import SeatMap, load_seatmap

SEATMAPS = Path(__file__).parents[2] / "seatmaps"


def tickets_of(layout: SeatMap, taken: dict[str, SeatStatus]) -> list[TicketInfo]:
    prices = {c.id: Decimal(60 - 10 * i) for i, c in enumerate(layout.categories)}
    return [
        TicketInfo(
            ticket_id=number,
            seat_id=place.seat_id,
            seat_number=place.label,
            section=place.section,
            row=place.row,
            category=place.category,
            price=prices[place.category],
            ticket_status=taken.get(place.seat_id, SeatStatus.AVAILABLE),
        )
        for number, place in enumerate(layout.places(), start=1)
    ]


def available(name: str, taken: dict[str, SeatStatus]) -> AvailableSeats:
    layout = load_seatmap(SEATMAPS / f"{name}.json")
    seats = AvailableSeats(layout, SeatNames(layout))
    seats.load(tickets_of(layout, taken))
    return seats


def test_only_free_seats_with_their_features_in_words() -> None:
    seats = available(
        "studio", {"centre:H:1": SeatStatus.BOOKED, "centre:H:3": SeatStatus.RESERVED}
    )
    rows = {row.key: row for row in seats.rows(section="centre")}
    assert "centre:H:1" not in rows and "centre:H:3" not in rows
    assert rows["centre:H:2"].features == "companion seat"
    assert rows["centre:H:30"].features == "wheelchair"
    assert rows["centre:H:30"].wheelchair_space
    assert rows["centre:H:4"].features == ""
    h4 = rows["centre:H:4"]
    assert (h4.section, h4.row, h4.seat, h4.ticket_id) == ("centre", "H", "4", h4.ticket_id)
    assert seats.free_in["centre"] == len(rows)
    assert seats.total_free == sum(seats.free_in.values()) == 302


def test_restricted_view_is_said_and_prices_can_be_filtered_and_sorted() -> None:
    seats = available("theatre", {})
    restricted = [r for r in seats.rows() if "restricted view" in r.features]
    assert restricted and all(r.category == "Restricted view" for r in restricted)
    value = seats.rows(category="C")
    assert value and {r.category for r in value} == {"Value"}
    cheapest = seats.rows(order=SortOrder.CHEAPEST)
    assert [r.price for r in cheapest] == sorted(r.price for r in cheapest)
    dearest = seats.rows(order=SortOrder.DEAREST)
    assert dearest[0].price == max(r.price for r in cheapest)
    in_place = seats.rows()
    assert [r.order for r in in_place] == sorted(r.order for r in in_place)


def test_a_standing_area_is_one_row_with_its_free_places() -> None:
    seats = available("arena", {"floor:GA:1": SeatStatus.BOOKED})
    floor = seats.rows(section="floor")
    assert len(floor) == 1
    assert floor[0].standing and floor[0].key == "floor" and floor[0].left == 5_499


def test_a_stadium_is_listed_one_section_at_a_time() -> None:
    seats = available("stadium", {})
    assert seats.total_free > LIST_ALL_UP_TO and not seats.list_all
    assert len(seats.rows(section="101")) == seats.free_in["101"] == 500
    assert available("studio", {}).list_all
