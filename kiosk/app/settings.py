"""How this terminal is set up: box office or self-service kiosk, and where tickets go."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["DEFAULT_IDLE_SECONDS", "KioskSettings", "Mode"]

Mode = Literal["box-office", "kiosk"]

#: A self-service kiosk left alone this long goes back to the start and lets any hold go.
DEFAULT_IDLE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class KioskSettings:
    """What differs between terminals; read once at start-up."""

    mode: Mode = "box-office"
    #: Kiosk mode only: seconds without a key press or click before starting over.
    idle_seconds: float = DEFAULT_IDLE_SECONDS
    #: Box-office mode: a command that prints a PDF from stdin (``lp``); else tickets are saved.
    print_command: str | None = None
    tickets_dir: Path = Path("tickets")
    #: Kiosk mode: what staff type to close the kiosk (Ctrl+Q); None: it cannot be closed.
    staff_key: str | None = None

    @property
    def box_office(self) -> bool:
        return self.mode == "box-office"

    @classmethod
    def from_environment(
        cls, mode: Mode, environ: Mapping[str, str] | None = None
    ) -> KioskSettings:
        """``BOXOFFICE_PRINT_COMMAND``, ``BOXOFFICE_TICKETS_DIR``, ``BOXOFFICE_KIOSK_IDLE_SECONDS``,
        ``BOXOFFICE_STAFF_KEY``."""
        env = os.environ if environ is None else environ
        idle = env.get("BOXOFFICE_KIOSK_IDLE_SECONDS", "").strip()
        return cls(
            mode=mode,
            idle_seconds=_seconds(idle) if idle else DEFAULT_IDLE_SECONDS,
            print_command=env.get("BOXOFFICE_PRINT_COMMAND", "").strip() or None,
            tickets_dir=Path(env.get("BOXOFFICE_TICKETS_DIR", "").strip() or "tickets"),
            staff_key=env.get("BOXOFFICE_STAFF_KEY") or None,
        )


def _seconds(text: str) -> float:
    """A positive number of seconds, or a ValueError that names the setting."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(
            f"BOXOFFICE_KIOSK_IDLE_SECONDS must be a number of seconds above 0, not {text!r}"
        )
    return seconds
