"""How long until your turn: your position over the rate your lane is admitted at."""

from __future__ import annotations

import math

__all__ = ["estimated_wait_seconds"]


def estimated_wait_seconds(
    position: int,
    *,
    per_minute: int,
    staff_share: float,
    staff_lane: bool,
    staff_waiting: bool,
    turnover_per_second: float,
) -> int:
    """Seconds until ``position`` (1 = next) is admitted.

    Staff get their share of the rate. The public get the rest — all of it while no staff
    wait — plus the recent turnover: holds ending per second, each of which lets one more
    in.
    """
    per_second = per_minute / 60
    staff_rate = per_second * staff_share
    if staff_lane:
        rate = staff_rate if staff_share > 0 else per_second
    else:
        rate = per_second - staff_rate if staff_waiting else per_second
        rate += max(0.0, turnover_per_second)
    if rate <= 0:
        return 0
    return math.ceil(position / rate)
