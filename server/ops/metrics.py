"""The Prometheus metrics the server keeps; :mod:`server.ops.exposition` serves them.

Module-level objects, created once per process. Under ``boxoffice serve`` every gunicorn
worker writes its values to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's
multiprocess mode, chosen when the client is first imported), and a scrape of any worker
adds them all up. Only prometheus_client is imported here, so the booking rules can count
without importing Flask.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

__all__ = [
    "BOOKINGS_CONFIRMED",
    "CONFLICTS",
    "HOLDS_EXPIRED",
    "HOLDS_MADE",
    "HOLDS_RELEASED",
    "PAYMENTS",
    "REQUEST_LATENCY",
    "SERIALIZATION_RETRIES",
]

#: Seconds; from a millisecond catalog read to a payment that waits on the card processor.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUEST_LATENCY = Histogram(
    "boxoffice_http_request_duration_seconds",
    "Time until the response's headers were ready (a stream's: until it opened), by route "
    "(the URL rule, not the path), method and status class.",
    ["route", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
HOLDS_MADE = Counter("boxoffice_holds_made", "Holds placed (one per booking, any number of seats).")
HOLDS_RELEASED = Counter("boxoffice_holds_released", "Holds let go by their holder.")
HOLDS_EXPIRED = Counter(
    "boxoffice_holds_expired", "Pending bookings marked expired because their hold ran out."
)
BOOKINGS_CONFIRMED = Counter("boxoffice_bookings_confirmed", "Bookings paid for and confirmed.")
CONFLICTS = Counter(
    "boxoffice_conflicts", "409 answers, by problem type slug (seats-unavailable, …).", ["problem"]
)
SERIALIZATION_RETRIES = Counter(
    "boxoffice_serialization_retries",
    "SERIALIZABLE transactions run again after a serialization failure or deadlock.",
)
PAYMENTS = Counter(
    "boxoffice_payments",
    "Charge attempts by outcome: succeeded, declined, invalid, timeout, unavailable.",
    ["outcome"],
)
