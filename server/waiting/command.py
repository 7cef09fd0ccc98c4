"""What ``boxoffice surge`` does, so the command in :mod:`server.cli` stays a few lines."""

from __future__ import annotations

import click
import redis
from flask import Flask

from server.extensions import db
from server.waiting.room import Surge, WaitingRoom
from server.waiting.surge import SurgeError, UnknownEvent, end_surge, read_surge, start_surge

__all__ = ["change_surge", "describe"]


def describe(event_id: int, surge: Surge | None) -> str:
    if surge is None:
        return f"Event {event_id} is open to everyone (no waiting room)."
    staff = (
        f"{surge.staff_share:.0%} of them kept for box-office staff"
        if surge.staff_share > 0
        else "staff queue with everyone else"
    )
    return (
        f"Event {event_id} is high-demand: its waiting room admits {surge.per_minute} people "
        f"a minute, plus one per hold that ends; {staff}."
    )


def change_surge(
    app: Flask, event_id: int, *, rate: int | None, staff_share: float | None, off: bool
) -> str:
    """Apply the command's options and say what the event's setting is now."""
    client: redis.Redis | None = app.extensions.get("boxoffice.redis")
    room = WaitingRoom(client, app.config["REDIS_PREFIX"]) if client is not None else None
    try:
        with app.app_context():
            if off:
                end_surge(db.session(), room, event_id)
                return describe(event_id, None)
            if rate is not None:
                return describe(event_id, start_surge(db.session(), event_id, rate, staff_share))
            return describe(event_id, read_surge(db.session(), event_id))
    except UnknownEvent as unknown:
        raise click.ClickException(str(unknown)) from None
    except SurgeError as error:
        raise click.BadParameter(str(error)) from None
    except redis.RedisError as error:
        raise click.ClickException(
            f"event {event_id} is open again, but its queue could not be cleared ({error}); "
            f"run boxoffice surge {event_id} --off again"
        ) from None
