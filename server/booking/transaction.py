"""SERIALIZABLE transactions with bounded, jittered retries of serialization failures."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from server.booking.errors import ServiceBusy
from server.ops.metrics import SERIALIZATION_RETRIES

__all__ = ["RETRYABLE_SQLSTATES", "run_serializable"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: serialization_failure and deadlock_detected: the transaction may simply be run again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def run_serializable(
    session: Session,
    work: Callable[[Session], T],
    *,
    attempts: int = 10,
    base_delay: float = 0.005,
    on_retry: Callable[[int], None] | None = None,
) -> T:
    """Run ``work`` in one SERIALIZABLE transaction and commit; retry only SQLSTATE 40001/40P01.

    ``work`` must re-read everything it relies on, because a retry starts from scratch. After
    ``attempts`` failures the caller gets :class:`ServiceBusy` ("try again"), never a 500.
    """
    session.rollback()
    for attempt in range(1, attempts + 1):
        try:
            session.connection(execution_options={"isolation_level": "SERIALIZABLE"})
            result = work(session)
            session.commit()
            return result
        except DBAPIError as error:
            session.rollback()
            if _sqlstate(error) not in RETRYABLE_SQLSTATES:
                raise
            if on_retry:
                on_retry(attempt)
            log.info("serialization failure, attempt %d of %d", attempt, attempts)
            if attempt < attempts:
                SERIALIZATION_RETRIES.inc()
                # Full jitter: spread the retries of colliding transactions apart.
                time.sleep(random.uniform(0, base_delay * 2**attempt))
        except BaseException:
            session.rollback()
            raise
    raise ServiceBusy("Too many people are buying these seats at once; try again in a moment.")
