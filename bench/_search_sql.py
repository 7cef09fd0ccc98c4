"""The search benchmark's database side: bulk loading, the naive baseline, EXPLAIN, what-ifs.

Everything here talks to PostgreSQL directly with psycopg; the HTTP side is in ``search.py``.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench._common import libpq, summarise
from server.catalog.demo import SEATMAPS_DIR, prices_for
from server.catalog.demo_data import demo_catalog, generated_events
from server.catalog.loading import add_performer, add_venue
from shared.seatmap import load_seatmap

__all__ = ["explain", "load_events", "match_counts", "naive_query", "time_naive", "what_if"]

_MATCHES = "SELECT count(*) FROM events WHERE search_vector @@ websearch_to_tsquery('english', %s)"


def load_events(database_url: str, count: int, now: datetime) -> dict[str, float]:
    """The 20 demo venues (all with the small studio layout), performers and ``count`` events.

    Events and their performers go in by COPY, which fires the search-vector triggers row by
    row: each event gets its vector on insert and again when its performers arrive. Turning
    the triggers off and filling every vector with one UPDATE afterwards was no faster
    (about 25 s either way for 100,000 events on the 2-core machine).
    """
    timings: dict[str, float] = {}
    began = time.perf_counter()
    catalog = demo_catalog(now)
    studio = load_seatmap(SEATMAPS_DIR / "studio.json")
    events = list(generated_events(count, catalog.venues, catalog.performers, now))
    timings["generate_s"] = time.perf_counter() - began
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            venue_ids = {
                v.key: add_venue(session, v.title, v.location, studio).id for v in catalog.venues
            }
            performer_ids = {
                p.key: add_performer(session, p.name, p.description).id for p in catalog.performers
            }
            conn: psycopg.Connection[Any] = session.connection().connection.driver_connection  # type: ignore[assignment]
            with conn.cursor() as cursor:
                ids = [
                    row[0]
                    for row in cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence('events', 'id')) "
                        "FROM generate_series(1, %s)",
                        (len(events),),
                    )
                ]
                step = time.perf_counter()
                prices: dict[tuple[Any, ...], str] = {}
                with cursor.copy(
                    "COPY events (id, title, description, start_time, end_time, venue_id, "
                    "show_key, prices) FROM STDIN"
                ) as copy:
                    for event_id, e in zip(ids, events, strict=True):
                        if e.prices not in prices:
                            priced = prices_for(studio, e.prices)
                            prices[e.prices] = json.dumps({k: str(v) for k, v in priced.items()})
                        copy.write_row(
                            (event_id, e.title, e.description, e.start_time, e.end_time,
                             venue_ids[e.venue_key], e.show_key, prices[e.prices])
                        )  # fmt: skip
                timings["copy_events_s"] = time.perf_counter() - step
                step = time.perf_counter()
                with cursor.copy(
                    "COPY event_performers (event_id, performer_id, billing) FROM STDIN"
                ) as copy:
                    for event_id, e in zip(ids, events, strict=True):
                        for billing, key in enumerate(e.performer_keys):
                            copy.write_row((event_id, performer_ids[key], billing))
                timings["copy_performers_s"] = time.perf_counter() - step
                missing = cursor.execute(
                    "SELECT count(*) FROM events WHERE search_vector IS NULL"
                ).fetchone()
                if missing and missing[0]:
                    raise RuntimeError(f"{missing[0]} events have no search vector after COPY")
            session.commit()
    finally:
        engine.dispose()
    step = time.perf_counter()
    with psycopg.connect(libpq(database_url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) events, event_performers, performers, venues")
    timings["vacuum_analyze_s"] = time.perf_counter() - step
    timings["total_s"] = time.perf_counter() - began
    return timings


def match_counts(database_url: str, queries: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Average number of events each kind of search matches, from (kind, query) pairs."""
    per_kind: dict[str, list[int]] = defaultdict(list)
    with psycopg.connect(libpq(database_url)) as conn:
        for kind, query in sorted(set(queries)):
            row = conn.execute(_MATCHES, (query,)).fetchone()
            per_kind[kind].append(row[0] if row else 0)
    return {kind: sum(counts) / len(counts) for kind, counts in per_kind.items()}


# --- The naive baseline -------------------------------------------------------------------


def naive_query(
    query: str, start: date | None, end: date | None, page: int, now: datetime
) -> tuple[str, list[Any]]:
    """What search looks like without full-text search: every word ILIKE'd over every field.

    Soonest first (there is no rank to sort by); page 2 is an OFFSET.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for word in query.replace('"', "").split():
        clauses.append(
            "(e.title ILIKE %s OR e.description ILIKE %s OR v.title ILIKE %s"
            " OR v.location ILIKE %s OR EXISTS (SELECT 1 FROM event_performers ep"
            " JOIN performers p ON p.id = ep.performer_id"
            " WHERE ep.event_id = e.id AND p.name ILIKE %s))"
        )
        params += [f"%{word}%"] * 5
    if start and end:
        clauses.append("e.start_time >= %s AND e.start_time < %s")
        params += [
            datetime.combine(start, datetime.min.time(), tzinfo=UTC),
            datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC),
        ]
    else:
        clauses.append("e.end_time > %s")
        params.append(now)
    sql = (
        "SELECT e.id, e.title, e.description, e.start_time, e.end_time,"
        " v.id, v.title, v.location FROM events e JOIN venues v ON v.id = e.venue_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY e.start_time, e.id"
        f" LIMIT 21 OFFSET {20 * (page - 1)}"
    )
    return sql, params


def time_naive(
    database_url: str, searches: Iterable[tuple[str, date | None, date | None, int]]
) -> list[float]:
    """Milliseconds of the naive SQL alone for (query, start, end, page), run with psycopg."""
    elapsed = []
    now = datetime.now(UTC)
    with psycopg.connect(libpq(database_url)) as conn:
        for query, start, end, page in searches:
            sql, params = naive_query(query, start, end, page, now)
            began = time.perf_counter()
            conn.execute(sql, params).fetchall()
            elapsed.append((time.perf_counter() - began) * 1000)
    return elapsed


# --- Looking into our own SQL -------------------------------------------------------------


def explain(database_url: str, statement: str, parameters: Any) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of a statement captured from the endpoint."""
    with psycopg.connect(libpq(database_url)) as conn:
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).fetchall()
    return "\n".join(row[0] for row in rows)


_COLUMNS = """e.id, e.title, e.description, e.start_time, e.end_time,
              v.id AS venue_id, v.title AS venue_title, v.location AS venue_location"""
_QUERY = "websearch_to_tsquery('english', %(q)s)"

#: Rank only the 500 soonest matches, so the work no longer grows with the number of matches.
RANK_SOONEST_500 = f"""
    WITH soonest AS (
        SELECT e.id, e.start_time, e.search_vector FROM events e
        WHERE e.search_vector @@ {_QUERY} AND e.end_time > %(now)s
        ORDER BY e.start_time, e.id LIMIT 500
    ), ranked AS (
        SELECT id, start_time,
               CAST(ts_rank(search_vector, {_QUERY}, 1) * 1000000 AS bigint) AS rank
        FROM soonest
    )
    SELECT {_COLUMNS}, r.rank FROM ranked r
    JOIN events e ON e.id = r.id JOIN venues v ON v.id = e.venue_id
    ORDER BY r.rank DESC, r.start_time, r.id LIMIT 21
"""

#: Title and performer matches first, then the rest; soonest first within each tier. Both
#: halves can stop early on an index, and (tier, start_time, id) is an exact keyset.
TIERED = f"""
    SELECT * FROM (
        (SELECT 1 AS tier, {_COLUMNS} FROM events e JOIN venues v ON v.id = e.venue_id
         WHERE e.bench_title_vector @@ {_QUERY} AND e.end_time > %(now)s
         ORDER BY e.start_time, e.id LIMIT 21)
        UNION ALL
        (SELECT 2 AS tier, {_COLUMNS} FROM events e JOIN venues v ON v.id = e.venue_id
         WHERE e.search_vector @@ {_QUERY} AND NOT e.bench_title_vector @@ {_QUERY}
           AND e.end_time > %(now)s
         ORDER BY e.start_time, e.id LIMIT 21)
    ) AS tiers ORDER BY tier, start_time, id LIMIT 21
"""

_ADD_TITLE_VECTOR = (
    "ALTER TABLE events ADD COLUMN bench_title_vector tsvector",
    """UPDATE events e SET bench_title_vector = to_tsvector('english', e.title || ' ' ||
           coalesce((SELECT string_agg(p.name, ' ') FROM event_performers ep
                     JOIN performers p ON p.id = ep.performer_id WHERE ep.event_id = e.id), ''))""",
    "CREATE INDEX ix_bench_title_vector ON events USING gin (bench_title_vector)",
    "VACUUM (ANALYZE) events",
)


def what_if(
    database_url: str, statements: Mapping[str, tuple[str, Any]], *, repeats: int = 15
) -> dict[str, Any]:
    """SQL alone (p50 ms) of our statement as served, unprepared, and of cheaper orderings.

    ``statements`` maps each query to the statement our endpoint runs for it. The server's
    connections prepare a statement after 5 uses (psycopg) and PostgreSQL then switches to a
    generic plan; "as served" reproduces that. The tiered variant needs a title-and-performers
    vector, added here to this throwaway database only.
    """
    with psycopg.connect(libpq(database_url), autocommit=True) as conn:
        began = time.perf_counter()
        for step in _ADD_TITLE_VECTOR:
            conn.execute(step)
        added = time.perf_counter() - began
        for _ in range(2):  # ten executions: PostgreSQL now weighs a generic plan
            for statement, parameters in statements.values():
                conn.execute(statement, parameters, prepare=True).fetchall()
        found: dict[str, dict[str, float]] = {}
        for query, (statement, parameters) in statements.items():
            count = conn.execute(_MATCHES, (query,)).fetchone()
            mine = {"q": query, "now": datetime.now(UTC)}
            variants: dict[str, tuple[str, Any, bool]] = {
                "ours as served (prepared)": (statement, parameters, True),
                "ours, unprepared": (statement, parameters, False),
                "ts_rank": (statement.replace("ts_rank_cd(", "ts_rank("), parameters, False),
                "ts_rank of 500 soonest": (RANK_SOONEST_500, mine, False),
                "title/performer first, by date": (TIERED, mine, False),
            }
            found[query] = {"matches": float(count[0] if count else 0)}
            for name, (sql, params, prepare) in variants.items():
                elapsed = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    conn.execute(sql, params, prepare=prepare).fetchall()
                    elapsed.append((time.perf_counter() - start) * 1000)
                found[query][name] = summarise(elapsed)["p50"]
        plans = conn.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%%ts_rank_cd%%'"
        ).fetchone()
    return {
        "sql_p50_ms": found,
        "title_vector_added_s": added,
        "prepared_generic_plans": plans[0] if plans else None,
        "prepared_custom_plans": plans[1] if plans else None,
    }
