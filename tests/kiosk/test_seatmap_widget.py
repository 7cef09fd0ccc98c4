"""The seat-map widget driven as a buyer drives it: arrow keys, space/enter, tab, escape and
the mouse, on the shipped layouts with made-up tickets (no server: the widget only draws what
it is given and says what was picked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.app.seatmap import FLASH_SECONDS, MARKS, Mark, SeatMapLegend, SeatMapView
from kiosk.app.seatmap._canvas import SeatCanvas
from shared.models import SeatStatus, TicketInfo
from shared.seatmap import SeatMap, load_seatmap, parse_seatmap

SEATMAPS = Path(__file__).parents[2] / "seatmaps"
PRICES = [Decimal("60.00"), Decimal("45.00"), Decimal("30.00"), Decimal("20.00"), Decimal("15.00")]

#: A small room with a standing area of six places, for picking places by count.
CLUB = {
    "formatVersion": 1,
    "name": "Club",
    "grid": {"width": 20, "height": 8},
    "stage": {"label": "Stage", "x": 4, "y": 0, "width": 12, "height": 1},
    "priceCategories": [{"id": "seat", "name": "Seated"}, {"id": "ga", "name": "Standing"}],
    "sections": [
        {
            "id": "front",
            "name": "Front",
            "category": "seat",
            "rows": [{"labels": "A-B", "x": 4, "y": 2, "seats": "1-12"}],
        }
    ],
    "generalAdmission": [
        {
            "id": "floor",
            "name": "Floor",
            "capacity": 6,
            "category": "ga",
            "x": 2,
            "y": 5,
            "width": 16,
            "height": 3,
        }
    ],
}


def layout(name: str) -> SeatMap:
    return load_seatmap(SEATMAPS / f"{name}.json")


def make_tickets(
    seatmap: SeatMap, states: Mapping[str, SeatStatus] | None = None
) -> list[TicketInfo]:
    """One ticket per place, AVAILABLE unless ``states`` (by seat ID) says otherwise; each
    price category costs the next price of ``PRICES``."""
    states = states or {}
    price = {c.id: PRICES[i % len(PRICES)] for i, c in enumerate(seatmap.categories)}
    return [
        TicketInfo(
            ticket_id=number,
            seat_id=place.seat_id,
            seat_number=place.label,
            section=place.section,
            row=place.row,
            category=place.category,
            price=price[place.category],
            ticket_status=states.get(place.seat_id, SeatStatus.AVAILABLE),
        )
        for number, place in enumerate(seatmap.places(), start=1)
    ]


def with_status(
    tickets: Iterable[TicketInfo], states: Mapping[str, SeatStatus]
) -> list[TicketInfo]:
    return [
        t.model_copy(update={"ticket_status": states[t.seat_id]}) if t.seat_id in states else t
        for t in tickets
    ]


class MapApp(App[None]):
    """The widget on a screen of its own, with a button after it (where tab leads) and an
    escape binding of the screen's (what escape does when the map does not want it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "escaped", "Back")]

    def __init__(self, seatmap: SeatMap, tickets: list[TicketInfo], **options: Any) -> None:
        super().__init__()
        self.seatmap, self.tickets, self.options = seatmap, tickets, options
        self.changes: list[SeatMapView.SelectionChanged] = []
        self.refusals: list[str] = []
        self.views: list[SeatMapView.ViewChanged] = []
        self.escapes = 0

    def compose(self) -> ComposeResult:
        yield SeatMapView(self.seatmap, self.tickets, currency="GBP", id="map", **self.options)
        yield SeatMapLegend(
            overview=self.seatmap.capacity >= 5000, standing=bool(self.seatmap.general_admission)
        )
        yield Button("Hold seats", id="hold")

    def on_mount(self) -> None:
        self.query_one(SeatMapView).focus()

    def on_seat_map_view_selection_changed(self, message: SeatMapView.SelectionChanged) -> None:
        self.changes.append(message)

    def on_seat_map_view_selection_refused(self, message: SeatMapView.SelectionRefused) -> None:
        self.refusals.append(message.reason)

    def on_seat_map_view_view_changed(self, message: SeatMapView.ViewChanged) -> None:
        self.views.append(message)

    def action_escaped(self) -> None:
        self.escapes += 1

    @property
    def map(self) -> SeatMapView:
        return self.query_one(SeatMapView)


def cursor(app: MapApp) -> str | None:
    ticket = app.map.highlighted
    return None if ticket is None else ticket.seat_id


def picked(app: MapApp) -> list[str]:
    return [t.seat_id for t in app.map.selected]


async def put_cursor(pilot: Pilot[None], app: MapApp, seat_id: str) -> None:
    assert app.map.move_cursor_to(seat_id)
    await pilot.pause()
    assert cursor(app) == seat_id


# --- Moving ----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_cursor_starts_on_a_free_seat_in_front_of_the_stage() -> None:
    theatre = layout("theatre")
    app = MapApp(theatre, make_tickets(theatre, {"stalls-c:A:7": SeatStatus.BOOKED}))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        ticket = app.map.highlighted
        assert ticket is not None
        assert (ticket.section, ticket.row) == ("stalls-c", "A")
        assert ticket.ticket_status is SeatStatus.AVAILABLE
        assert "Stalls Centre, row A, seat" in app.map.status_text
        assert "£60.00" in app.map.status_text


@pytest.mark.anyio
async def test_arrow_keys_jump_aisles_and_empty_lines() -> None:
    theatre = layout("theatre")
    app = MapApp(theatre, make_tickets(theatre))
    async with app.run_test(size=(100, 40)) as pilot:
        # Dress circle row A: seats 1-12, two blank cells, 13-34.
        await put_cursor(pilot, app, "circle:A:12")
        await pilot.press("right")
        assert cursor(app) == "circle:A:13"
        await pilot.press("left", "left")
        assert cursor(app) == "circle:A:11"
        # Stalls centre ends at seat 14; one blank cell, then stalls right seat 1.
        await put_cursor(pilot, app, "stalls-c:A:14")
        await pilot.press("right")
        assert cursor(app) == "stalls-r:A:1"
        # No row I: H is followed by J.
        await put_cursor(pilot, app, "stalls-c:H:5")
        await pilot.press("down")
        assert cursor(app) == "stalls-c:J:5"
        # From the back of the stalls over two empty lines into the circle, same column.
        await put_cursor(pilot, app, "stalls-c:T:7")
        await pilot.press("down")
        assert cursor(app) == "circle:A:23"
        await pilot.press("up")
        assert cursor(app) == "stalls-c:T:7"


@pytest.mark.anyio
async def test_moving_off_the_edge_stays_put_and_never_jumps_far_sideways() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio))
    async with app.run_test(size=(80, 30)) as pilot:
        # Left side, row A is the column beside the stage; to its right is the stage, then
        # the right side at the same height: straight across, not down into the centre.
        await put_cursor(pilot, app, "left:A:6")
        await pilot.press("right")
        assert cursor(app) == "right:A:5"
        await put_cursor(pilot, app, "centre:H:30")
        await pilot.press("down", "right")
        assert cursor(app) == "centre:H:30"


@pytest.mark.anyio
async def test_tab_moves_between_sections_then_on_to_the_next_control() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio))
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "left:C:3")
        await pilot.press("tab")
        assert (cursor(app) or "").startswith("centre:")
        await pilot.press("tab")
        assert (cursor(app) or "").startswith("right:")
        await pilot.press("shift+tab")
        assert (cursor(app) or "").startswith("centre:")
        await pilot.press("tab", "tab")
        assert app.focused is app.query_one("#hold")


# --- Picking ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_space_and_enter_pick_and_unpick_with_a_running_total() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio))
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "centre:A:5")
        await pilot.press("space", "right", "enter")
        assert picked(app) == ["centre:A:5", "centre:A:6"]
        assert app.changes[-1].total == Decimal("120.00")
        assert "2 places selected · total £120.00" in app.map.status_text
        await pilot.press("left", "space")
        assert picked(app) == ["centre:A:6"]
        assert [t.seat_id for t in app.changes[-1].selected] == ["centre:A:6"]
        assert app.changes[-1].total == Decimal("60.00")
        # A standard seat costs less: the total follows the price of what is picked.
        await put_cursor(pilot, app, "centre:H:10")
        assert "£45.00" in app.map.status_text
        await pilot.press("enter")
        assert app.map.total == Decimal("105.00")
        app.map.clear_selection()
        await pilot.pause()
        assert picked(app) == [] and app.changes[-1].total == 0


@pytest.mark.anyio
async def test_the_eleventh_seat_is_refused_with_a_reason() -> None:
    theatre = layout("theatre")
    app = MapApp(theatre, make_tickets(theatre))
    async with app.run_test(size=(100, 40)) as pilot:
        await put_cursor(pilot, app, "stalls-c:B:1")
        for _ in range(10):
            await pilot.press("space", "right")
        assert len(app.map.selected) == 10
        assert app.refusals == []
        await pilot.press("space")
        assert len(app.map.selected) == 10
        assert cursor(app) not in picked(app)
        assert app.refusals == [
            "At most 10 seats per booking: deselect one before choosing another."
        ]
        assert "At most 10 seats" in app.map.status_text
        # Unpicking one makes room again, and moving on clears the message.
        await pilot.press("left", "space", "right", "space")
        assert len(app.map.selected) == 10 and cursor(app) in picked(app)
        assert "At most" not in app.map.status_text


@pytest.mark.anyio
async def test_a_smaller_limit_is_kept_too() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio), max_selected=2)
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "centre:B:1")
        await pilot.press("space", "right", "space", "right", "space")
        assert picked(app) == ["centre:B:1", "centre:B:2"]
        assert app.refusals and "At most 2 seats" in app.refusals[0]


@pytest.mark.anyio
async def test_booked_and_held_seats_cannot_be_picked() -> None:
    studio = layout("studio")
    states = {"centre:C:4": SeatStatus.BOOKED, "centre:C:5": SeatStatus.RESERVED}
    app = MapApp(studio, make_tickets(studio, states))
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "centre:C:4")
        assert "booked" in app.map.status_text
        await pilot.press("enter", "right", "space")
        assert picked(app) == []
        assert app.refusals == [
            "Centre, row C, seat 4 is already booked.",
            "Centre, row C, seat 5 is being held by someone else right now.",
        ]
        assert app.changes == []


@pytest.mark.anyio
async def test_a_click_picks_the_seat_under_the_mouse() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio, {"centre:D:2": SeatStatus.BOOKED}))
    async with app.run_test(size=(80, 30)) as pilot:
        for seat in ("centre:D:9", "right:B:2", "centre:D:2"):
            region = app.map.region_of(seat)
            assert region is not None
            assert await pilot.click(offset=region.offset)
        assert picked(app) == ["centre:D:9", "right:B:2"]
        assert cursor(app) == "centre:D:2"
        assert app.refusals == ["Centre, row D, seat 2 is already booked."]
        region = app.map.region_of("centre:D:9")
        assert region is not None
        await pilot.click(offset=region.offset)
        assert picked(app) == ["right:B:2"]


@pytest.mark.anyio
async def test_a_wheelchair_space_is_picked_with_its_companion_seat() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio, {"centre:H:29": SeatStatus.BOOKED}))
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "centre:H:1")
        assert "available, wheelchair space" in app.map.status_text
        await pilot.press("p")
        assert picked(app) == ["centre:H:1", "centre:H:2"]
        await pilot.press("p")
        assert picked(app) == []
        await put_cursor(pilot, app, "centre:H:30")
        await pilot.press("p")
        assert picked(app) == []
        assert app.refusals == ["Centre, row H, seat 30 has no free companion seat beside it."]
        await put_cursor(pilot, app, "centre:H:3")
        await pilot.press("p")  # not a wheelchair space: nothing
        assert picked(app) == []


# --- New statuses ----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_new_statuses_drop_picked_seats_someone_else_took() -> None:
    studio = layout("studio")
    tickets = make_tickets(studio)
    app = MapApp(studio, tickets)
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "centre:E:3")
        await pilot.press("space", "right", "space", "right", "space")
        assert picked(app) == ["centre:E:3", "centre:E:4", "centre:E:5"]
        changes = len(app.changes)
        app.map.update_tickets(
            with_status(tickets, {"centre:E:4": SeatStatus.RESERVED, "left:A:1": SeatStatus.BOOKED})
        )
        await pilot.pause()
        assert picked(app) == ["centre:E:3", "centre:E:5"]
        assert len(app.changes) == changes + 1
        assert [t.seat_id for t in app.changes[-1].dropped] == ["centre:E:4"]
        assert app.changes[-1].total == Decimal("90.00")
        await pilot.press("left")
        assert "held by someone else" in app.map.status_text
        # Statuses that take nothing of mine change nothing of mine.
        app.map.update_tickets(with_status(tickets, {"left:A:2": SeatStatus.BOOKED}))
        await pilot.pause()
        assert len(app.changes) == changes + 1
        await pilot.press("space")
        assert picked(app) == ["centre:E:3", "centre:E:5", "centre:E:4"]


@pytest.mark.anyio
async def test_flash_marks_changed_seats_for_a_moment() -> None:
    studio = layout("studio")
    tickets = make_tickets(studio)
    app = MapApp(studio, tickets)
    async with app.run_test(size=(80, 30)) as pilot:
        await put_cursor(pilot, app, "centre:A:1")
        before = app.export_screenshot()
        app.map.flash([t.ticket_id for t in tickets if t.seat_id == "centre:D:8"])
        await pilot.pause()
        assert app.export_screenshot() != before
        await pilot.pause(FLASH_SECONDS + 0.3)
        assert app.export_screenshot() == before


# --- Standing areas --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_standing_area_is_picked_by_count() -> None:
    club = parse_seatmap(CLUB)
    taken = {"floor:GA:1": SeatStatus.BOOKED, "floor:GA:3": SeatStatus.RESERVED}
    app = MapApp(club, make_tickets(club, taken))
    async with app.run_test(size=(60, 20)) as pilot:
        await put_cursor(pilot, app, "front:B:6")
        await pilot.press("down")  # off the last row, into the standing area
        assert app.map.highlighted is not None and app.map.highlighted.section == "floor"
        assert "Floor · Standing · £45.00 each · 4 places left" in app.map.status_text
        await pilot.press("enter", "space")
        assert picked(app) == ["floor:GA:2", "floor:GA:4"]
        assert "2 places left · 2 picked" in app.map.status_text
        await pilot.press("minus")
        assert picked(app) == ["floor:GA:2"]
        await pilot.press("space", "space", "space")
        assert picked(app) == ["floor:GA:2", "floor:GA:4", "floor:GA:5", "floor:GA:6"]
        assert app.changes[-1].total == Decimal("180.00")
        await pilot.press("space")
        assert app.refusals == ["Floor has no places left."]
        assert "0 places left · 4 picked" in app.map.status_text
        await pilot.press("up")
        assert (cursor(app) or "").startswith("front:B:")


@pytest.mark.anyio
async def test_the_arena_floor_is_one_block_on_the_overview_too() -> None:
    arena = layout("arena")
    app = MapApp(arena, make_tickets(arena, {"floor:GA:1": SeatStatus.BOOKED}))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert app.map.is_overview
        region = app.map.region_of("floor")
        assert region is not None
        assert await pilot.click(offset=region.offset)
        await pilot.press("enter")
        assert app.map.is_overview  # a standing area has no seats to zoom into
        assert picked(app) == ["floor:GA:2", "floor:GA:3"]
        assert "Standing floor · £45.00 · 5,497 of 5,500 left" in app.map.status_text


# --- Large venues ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stadium() -> tuple[SeatMap, list[TicketInfo]]:
    seatmap = layout("stadium")
    return seatmap, make_tickets(seatmap)


@pytest.fixture(scope="module")
def busy_stadium(stadium: tuple[SeatMap, list[TicketInfo]]) -> tuple[SeatMap, list[TicketInfo]]:
    """Sections in turn empty, 30%, 60%, 95% and fully sold; every 7th seat held."""
    seatmap, tickets = stadium
    states: dict[str, SeatStatus] = {}
    for number, section in enumerate(seatmap.sections):
        share = (0.0, 0.3, 0.6, 0.95, 1.0)[number % 5]
        sold = int(len(section.seats) * share)
        for index, seat in enumerate(section.seats):
            if index < sold:
                states[seat.seat_id] = SeatStatus.BOOKED
            elif index % 7 == 3:
                states[seat.seat_id] = SeatStatus.RESERVED
    return seatmap, with_status(tickets, states)


@pytest.mark.anyio
async def test_the_stadium_opens_on_sections_and_zooms_in_and_out(
    stadium: tuple[SeatMap, list[TicketInfo]],
) -> None:
    app = MapApp(*stadium)
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        assert app.map.is_overview and app.map.highlighted is None
        assert "500 left" in app.map.status_text and "enter: see its seats" in app.map.status_text
        section = app.map.status_text.split(" · ", 1)[0]
        await pilot.press("enter")
        assert not app.map.is_overview
        assert app.views[-1].section == section and not app.views[-1].overview
        ticket = app.map.highlighted
        assert ticket is not None and section == f"Section {ticket.section}"
        await pilot.press("right", "space")
        assert len(app.map.selected) == 1
        await pilot.press("escape")
        assert app.map.is_overview and app.views[-1].overview
        assert app.escapes == 0  # the map took it
        # On the overview the status line still says the section; escape now goes to the screen.
        assert app.map.status_text.startswith(section)
        await pilot.press("escape")
        assert app.escapes == 1
        await pilot.press("right", "enter")
        ticket = app.map.highlighted
        assert ticket is not None and f"Section {ticket.section}" != section
        assert len(app.map.selected) == 1


@pytest.mark.anyio
async def test_a_stadium_section_keeps_its_row_labels_beside_the_view(
    stadium: tuple[SeatMap, list[TicketInfo]],
) -> None:
    """Rows 10 and up have no room for a label between the packed sections: the view keeps
    the cursor's section's labels in a margin at its left, and a click still hits its seat."""
    app = MapApp(*stadium)
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        await pilot.press("enter", *["down"] * 12)
        ticket = app.map.highlighted
        assert ticket is not None and ticket.row == "13"
        canvas = app.map.query_one(SeatCanvas)

        def margin_of(seat_id: str) -> str:
            region = app.map.region_of(seat_id)
            assert region is not None
            line = canvas.render_line(region.y - canvas.content_region.y)
            return line.text[: region.x - canvas.content_region.x]

        assert margin_of(ticket.seat_id).startswith("13 ")
        neighbour = next(t for t in app.tickets if t.section == ticket.section and t.row == "9")
        assert margin_of(neighbour.seat_id).startswith(" 9 ")
        region = app.map.region_of(neighbour.seat_id)
        assert region is not None and await pilot.click(offset=region.offset)
        picked = app.map.highlighted
        assert picked is not None and picked.seat_id == neighbour.seat_id


@pytest.mark.anyio
async def test_clicking_a_section_on_the_overview_shows_its_seats(
    stadium: tuple[SeatMap, list[TicketInfo]],
) -> None:
    app = MapApp(*stadium)
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        assert app.map.region_of("117:1:1") is not None  # a seat on the overview: its block
        region = app.map.region_of("305")
        assert region is not None
        assert await pilot.click(offset=region.offset)
        assert not app.map.is_overview
        ticket = app.map.highlighted
        assert ticket is not None and ticket.section == "305"
        assert app.views[-1].section == "Section 305"


@pytest.mark.anyio
async def test_the_overview_refits_when_the_terminal_shrinks(
    stadium: tuple[SeatMap, list[TicketInfo]],
) -> None:
    app = MapApp(*stadium)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        wide = app.export_screenshot()
        section = app.map.status_text.split(" · ", 1)[0]
        await pilot.resize_terminal(80, 24)
        assert app.export_screenshot() != wide
        assert app.map.is_overview and app.map.status_text.startswith(section)
        region = app.map.region_of("117")
        assert region is not None and region.right <= 80
        await pilot.press("enter")
        ticket = app.map.highlighted
        assert ticket is not None and f"Section {ticket.section}" == section


@pytest.mark.anyio
async def test_escape_belongs_to_the_screen_on_a_small_venue() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("escape")
        assert app.escapes == 1 and not app.map.is_overview


@pytest.mark.anyio
async def test_the_legend_names_every_state_with_its_own_glyph() -> None:
    studio = layout("studio")
    app = MapApp(studio, make_tickets(studio))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        legend = app.query_one(SeatMapLegend)
        text = "\n".join(line.text for line in legend.render_lines(legend.region.reset_offset))
        words = [
            "available",
            "your selection",
            "held by someone else",
            "booked",
            "wheelchair space",
            "companion seat",
            "restricted view",
        ]
        glyph_of = {MARKS[mark].words: MARKS[mark].glyph for mark in Mark}
        assert len({glyph_of[word] for word in words}) == len(words)
        for word in words:
            assert f"{glyph_of[word]} {word}" in text


# --- Snapshots -------------------------------------------------------------------------------

SnapCompare = Callable[..., bool]


class TestSeatMapSnapshots:
    """What a buyer sees; look at the SVGs under __snapshots__/ after updating them."""

    def test_studio_partly_sold_with_my_seats(self, snap_compare: SnapCompare) -> None:
        """At 80×24: the thrust stage, three sections with row labels, free seats as green
        dots, held (◌) and booked (×) ones, my three seats (✓ on yellow), wheelchair (w) and
        companion (c) places in row H, the cursor on centre D10, the price line and total."""
        studio = layout("studio")
        states = {
            **{f"centre:C:{n}": SeatStatus.BOOKED for n in range(3, 12)},
            **{f"centre:D:{n}": SeatStatus.RESERVED for n in (4, 5, 6)},
            **{f"left:{row}:{n}": SeatStatus.BOOKED for row in "ABC" for n in range(1, 11)},
            "right:A:4": SeatStatus.RESERVED,
            "centre:H:1": SeatStatus.BOOKED,
        }
        app = MapApp(studio, make_tickets(studio, states))

        async def pick(pilot: Pilot[None]) -> None:
            for seat in ("centre:B:8", "centre:B:9", "right:C:5", "centre:D:10"):
                app.map.move_cursor_to(seat)
                await pilot.pause()
                if seat != "centre:D:10":
                    await pilot.press("space")

        assert snap_compare(app, terminal_size=(80, 24), run_before=pick)

    def test_stadium_overview(
        self, snap_compare: SnapCompare, busy_stadium: tuple[SeatMap, list[TicketInfo]]
    ) -> None:
        """The stadium's 96 sections as blocks around the pitch, each shaded and coloured by
        how full it is (░ green, ▒ amber, ▓ red, █ grey sold out) and labelled with its number
        and places left; the cursor block in reverse; the legend explains the shades."""
        assert snap_compare(MapApp(*busy_stadium), terminal_size=(110, 50))

    def test_stadium_section_seats(
        self, snap_compare: SnapCompare, busy_stadium: tuple[SeatMap, list[TicketInfo]]
    ) -> None:
        """After enter on the overview: the seats of the section under the cursor, centred,
        with its neighbours around it, the cursor on its seat nearest the pitch, and the hint
        that escape goes back to all sections."""
        assert snap_compare(MapApp(*busy_stadium), terminal_size=(110, 40), press=["enter"])
