"""The ID of the request being served: taken from ``X-Request-ID`` if it is sane, else made.

It is kept in a context variable (a thread's or a greenlet's own), so every log line written
while serving the request carries it, and it goes on to the payment service.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

__all__ = ["HEADER", "accepted_request_id", "current_request_id", "new_request_id", "request_id"]

HEADER = "X-Request-ID"
#: What a caller's ID may look like: short, and nothing a log reader or header could trip on.
_SANE = re.compile(r"[A-Za-z0-9._:;=/+@-]{1,128}")

request_id: ContextVar[str | None] = ContextVar("boxoffice_request_id", default=None)


def new_request_id() -> str:
    """32 random hex digits."""
    return secrets.token_hex(16)


def accepted_request_id(offered: str | None) -> str:
    """The caller's ID when it is 1–128 letters, digits or ``._:;=/+@-``; else a new one."""
    if offered is not None and _SANE.fullmatch(offered):
        return offered
    return new_request_id()


def current_request_id() -> str | None:
    """The ID of the request this thread or greenlet is serving (None outside requests)."""
    return request_id.get()
