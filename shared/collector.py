"""Making many objects at once without Python's cyclic garbage collector in the way.

A stadium event is ~150,000 objects decoded from the server's answer and ~100,000 more for
its expanded layout, none of them in a reference cycle. While they pile up the collector
keeps passing over them (and, each time enough have survived, over the whole heap), which
in a kiosk more than doubled the decode; and once they are in, the survivors it has counted
soon trigger a full pass over everything, a 0.3-0.5 s stall on whatever key comes next.

:func:`many_new_objects` pauses the collector while such a batch is made, then files the new
objects with the long-lived ones at once (:func:`settle_new_objects`), so they neither get
rescanned as young objects nor count towards the next full pass. They are still looked at by
every full pass like everything else: garbage among them is freed as usual.
"""

from __future__ import annotations

import gc
import threading
from contextlib import AbstractContextManager

__all__ = ["many_new_objects", "settle_new_objects"]


def settle_new_objects() -> None:
    """Move every object made since the last collection into the oldest generation.

    ``gc.freeze()`` then ``gc.unfreeze()`` does exactly that; skipped when the program has
    frozen objects of its own, which the ``unfreeze`` would let go.
    """
    if not gc.get_freeze_count():
        gc.freeze()
        gc.unfreeze()


class _CollectorPause:
    """Counted, so that batches made in several threads at once resume the collector only
    when the last one ends, and only if it was running before the first began."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if not self._active:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._active += 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._active -= 1
            if self._active:
                return
            settle_new_objects()
            if self._was_enabled:
                gc.enable()


_pause = _CollectorPause()


def many_new_objects() -> AbstractContextManager[None]:
    """``with many_new_objects(): ...``: the collector paused for the block, the objects made
    in it settled afterwards (even if the block raises)."""
    return _pause
