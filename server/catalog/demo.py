"""Load the demo catalog: partner venues with real layouts, performers and ~200 events."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import text

from server.catalog.demo_data import DemoCatalog, demo_catalog
from server.catalog.loading import add_event, add_performer, add_venue
from server.extensions import db
from server.models import Performer, Venue
from shared.seatmap import SeatMap, load_seatmap

__all__ = ["SEATMAPS_DIR", "catalog_is_empty", "load_demo", "load_demo_if_empty", "prices_for"]

SEATMAPS_DIR = Path(__file__).resolve().parents[2] / "seatmaps"


def catalog_is_empty() -> bool:
    return bool(db.session.execute(text("SELECT NOT EXISTS (SELECT 1 FROM venues)")).scalar_one())


def prices_for(seatmap: SeatMap, prices: tuple[Decimal, ...]) -> dict[str, Decimal]:
    """Map best-first prices onto the layout's best-first categories, repeating the last."""
    return {
        category.id: prices[min(index, len(prices) - 1)]
        for index, category in enumerate(seatmap.categories)
    }


def load_demo(catalog: DemoCatalog, *, progress: bool = False) -> None:
    """Write ``catalog`` in one transaction: it all loads or none of it does."""
    layouts = {
        name: load_seatmap(SEATMAPS_DIR / f"{name}.json")
        for name in sorted({venue.layout for venue in catalog.venues})
    }
    venues: dict[str, Venue] = {}
    performers: dict[str, Performer] = {}
    session = db.session()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not progress,
        transient=False,
    ) as bar:
        task = bar.add_task("Demo catalog", total=len(catalog.events))
        for venue in catalog.venues:
            venues[venue.key] = add_venue(
                session, venue.title, venue.location, layouts[venue.layout]
            )
        for performer in catalog.performers:
            performers[performer.key] = add_performer(
                session, performer.name, performer.description
            )
        for event in catalog.events:
            layout = layouts[next(v.layout for v in catalog.venues if v.key == event.venue_key)]
            add_event(
                session,
                venues[event.venue_key],
                title=event.title,
                description=event.description,
                start_time=event.start_time,
                end_time=event.end_time,
                prices=prices_for(layout, event.prices),
                performers=[performers[key] for key in event.performer_keys],
                show_key=event.show_key,
            )
            bar.advance(task)
        session.commit()


def load_demo_if_empty(*, progress: bool = False, now: datetime | None = None) -> bool:
    """Load the demo catalog unless there are venues already; says whether it loaded."""
    if not catalog_is_empty():
        return False
    load_demo(demo_catalog(now or datetime.now(UTC)), progress=progress)
    return True
