"""When a waiting client's long-poll is answered, and how often its request looks again.

Every admission moves everyone in the queue up one place. Answering each waiting client at
every move would cost every one of them a request per admission; instead a client is told
when its turn comes, or when it has moved up a quarter of the way (at least one place), or
when its ``wait`` runs out. So the front of the queue hears of every step and the back about
twice a minute. Likewise a waiting request looks again every ``poll`` seconds near the front,
and less often — up to every 15 s — where a quarter of the way takes long; the front keeps
the room's admissions going.

Answers are what waiting costs: 3,000 clients waiting (nobody shopping) took 1.08–1.14 of
the app's two cores at a tenth of the way and 5 s, and 0.68–0.69 at a quarter and 15 s — CPU
the admitted buyers need (``python -m bench queue-wait``; docs/benchmarks.md, the on-sale).
"""

from __future__ import annotations

from server.waiting.room import Placement, RoomStatus

__all__ = ["MAX_LOOK_SECONDS", "next_look_seconds", "worth_telling"]

MAX_LOOK_SECONDS = 15.0


def _step(position: int) -> int:
    """How far a client at ``position`` moves before it is told."""
    return max(1, position // 4)


def worth_telling(seen: int, status: RoomStatus) -> bool:
    """Whether to answer a client who last saw position ``seen``."""
    if status.placement is not Placement.WAITING or status.position is None:
        return True
    return status.position > seen or seen - status.position >= _step(seen)


def next_look_seconds(status: RoomStatus, poll: float) -> float:
    """Seconds until the waiting request asks the room again."""
    position, wait = status.position, status.estimated_wait_seconds
    if not position or not wait:
        return poll
    per_place = wait / position
    return min(MAX_LOOK_SECONDS, max(poll, _step(position) * per_place / 2))
