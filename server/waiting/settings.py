"""The waiting room's timings: from the app's config, else ``BOXOFFICE_*`` variables, else
defaults (read here rather than in :mod:`server.config`, so the waiting room stays one
package)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["WaitingSettings"]


@dataclass(frozen=True, slots=True)
class WaitingSettings:
    """Config key = the field name in capitals (``ADMISSION_UNUSED_SECONDS``); environment
    variable = that with ``BOXOFFICE_`` in front."""

    #: An admission token not used within this long lapses, and the next in line moves up.
    admission_unused_seconds: float = 120.0
    #: Once used, a token keeps working this long: choosing seats, holding, extending.
    admission_session_seconds: float = 900.0
    #: A full token bucket admits this many seconds' worth of the rate at once.
    admission_burst_seconds: float = 1.0
    #: How often a long-polling request looks again (and so drives admissions).
    queue_poll_seconds: float = 0.5
    #: The longest ``?wait=`` a status request may block for.
    queue_max_wait_seconds: int = 30
    #: How long a worker trusts what it read of an event's surge setting.
    surge_cache_seconds: float = 1.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WaitingSettings:
        values: dict[str, Any] = {}
        for field in fields(cls):
            key = field.name.upper()
            raw = config.get(key)
            if raw is None:
                raw = os.environ.get(f"BOXOFFICE_{key}") or None
            if raw is not None:
                kind = int if field.type in ("int", int) else float
                try:
                    values[field.name] = kind(raw)
                except ValueError:
                    raise ValueError(f"BOXOFFICE_{key} must be a number, not {raw!r}") from None
                if values[field.name] <= 0:
                    raise ValueError(f"BOXOFFICE_{key} must be above 0, not {raw!r}")
        return cls(**values)
