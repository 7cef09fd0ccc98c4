"""``boxoffice venues`` and ``boxoffice events search|show``: the catalog from a terminal or a
script, without writing HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import islice
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kiosk.cli._common import (
    EXIT_CODES,
    console,
    echo_json,
    json_option,
    money,
    open_client,
    server_option,
    when,
)
from kiosk.cli._errors import BoxofficeCommand, BoxofficeGroup, CliError
from shared.models import EventDetail, EventInfo, EventSeatSummary, EventVenue

__all__ = ["MAP_SEAT_LIMIT", "events", "venues"]

#: Above this many places ``events show`` prints the section table only, unless ``--map``.
MAP_SEAT_LIMIT = 2000


class _DateOrTime(click.ParamType[str]):
    """``YYYY-MM-DD`` (a whole day) or an ISO 8601 time, checked before asking the server."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if not any(_parses(parse, text) for parse in (date.fromisoformat, datetime.fromisoformat)):
            self.fail(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time", param, ctx)
        return text


def _parses(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        numeric = column in {"ID", "Seats", "Price", "Available", "Held", "Booked", "Total"}
        wraps = column in {"Venue", "Event", "Section", "Category"}
        table.add_column(column, justify="right" if numeric else "left", no_wrap=not wraps)
    return table


@click.command(cls=BoxofficeCommand, epilog=EXIT_CODES)
@server_option
@json_option
def venues(server: str, as_json: bool) -> None:
    """List the partner venues (--json: one venue per line)."""
    with open_client(server) as client:
        if as_json:
            for venue in client.iter_venues():
                echo_json(venue)
            return
        table = _table("ID", "Venue", "Location", "Seats")
        for venue in client.iter_venues():
            table.add_row(
                str(venue.venue_id), venue.title, venue.location, f"{venue.seating_capacity:,}"
            )
    console().print(table)


@click.group(cls=BoxofficeGroup)
def events() -> None:
    """Find events and see which seats are free."""


@events.command("search", epilog=EXIT_CODES)
@click.argument("query", nargs=-1)
@click.option("--from", "start", type=_DateOrTime(), help="Starting on or after (YYYY-MM-DD).")
@click.option("--to", "end", type=_DateOrTime(), help="Starting on or before (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N events.")
@server_option
@json_option
def search(
    query: tuple[str, ...],
    start: str | None,
    end: str | None,
    limit: int | None,
    server: str,
    as_json: bool,
) -> None:
    """Search upcoming events: every word of QUERY must match (none: all, by date).

    Walks every page; --json prints one event per line, best match first.
    """
    page_size = min(limit or 50, 100)
    with open_client(server) as client:
        found = client.search_events(" ".join(query), start=start, end=end, page_size=page_size)
        if limit is not None:
            found = islice(found, limit)
        if as_json:
            for event in found:
                echo_json(event)
            return
        table = _table("ID", "When", "Event", "Venue")
        for event in found:
            venue = f"{event.venue.title}, {event.venue.location}"
            table.add_row(
                str(event.event_id), when(event.start_time, short=True), event.title, venue
            )
    out = console()
    if table.row_count:
        out.print(table)
    else:
        out.print("No events found.")


@events.command("show", epilog=EXIT_CODES)
@click.argument("event_id", type=click.IntRange(min=1))
@click.option(
    "--map/--no-map",
    "draw",
    default=None,
    help=f"Draw the seat map (default: only up to {MAP_SEAT_LIMIT:,} seats).",
)
@server_option
@json_option
def show(event_id: int, draw: bool | None, server: str, as_json: bool) -> None:
    """Show an event: venue, time, prices, the seat map and free seats per section.

    --json prints GET /events/EVENT_ID (every ticket), or with --no-map its summary view.
    """
    with open_client(server) as client:
        if as_json:
            echo_json(client.event_summary(event_id) if draw is False else client.event(event_id))
            return
        summary = client.event_summary(event_id)
        big = summary.venue.seating_capacity > MAP_SEAT_LIMIT
        detail = client.event(event_id) if draw or (draw is None and not big) else None
    out = console()
    _print_header(out, summary.event, summary.venue)
    if detail is not None:
        _print_map(out, detail, summary)
    elif draw is None:
        out.print(
            f"({summary.venue.seating_capacity:,} places: the map is not drawn; add --map for it)"
        )
        out.print()
    _print_sections(out, summary)


def _print_header(out: Console, event: EventInfo, venue: EventVenue) -> None:
    out.print(Text.assemble((event.title, "bold"), f"  (event {event.event_id})"))
    out.print(f"{venue.title}, {venue.location}  (venue {venue.venue_id})")
    end = event.end_time.astimezone()
    same_day = end.date() == event.start_time.astimezone().date()
    out.print(f"{when(event.start_time)} – {end.strftime('%H:%M') if same_day else when(end)}")
    if event.performers:
        out.print("With " + ", ".join(p.name for p in event.performers))
    if event.description:
        out.print(event.description)
    out.print()
    prices = _table("Category", "Price")
    for price in event.prices:
        prices.add_row(price.name, money(price.price))
    out.print(prices)
    out.print()


def _print_map(out: Console, detail: EventDetail, summary: EventSeatSummary) -> None:
    # Imported here: validating seat maps needs jsonschema, which other commands can skip.
    from kiosk.cli._seatmap_text import LEGEND, draw_seat_map
    from shared.seatmap import SeatMapError, parse_seatmap

    try:
        seatmap = parse_seatmap(detail.venue.seating_arrangement, source=detail.venue.title)
    except SeatMapError as error:
        raise CliError(f"the venue's seat map cannot be drawn: {error}") from None
    status = {ticket.seat_id: ticket.ticket_status for ticket in detail.tickets}
    standing = {section.section: section.available for section in summary.sections}
    for line in draw_seat_map(seatmap, status, standing):
        out.print(line, soft_wrap=True)
    out.print(LEGEND)
    out.print()


def _print_sections(out: Console, summary: EventSeatSummary) -> None:
    table = _table("Section", "Available", "Held", "Booked", "Total")
    totals = [0, 0, 0]
    for section in summary.sections:
        counts = [section.available, section.reserved, section.booked]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        table.add_row(section.name, *(f"{n:,}" for n in counts), f"{sum(counts):,}")
    table.add_row("All", *(f"{n:,}" for n in totals), f"{sum(totals):,}", style="bold")
    out.print(table)
