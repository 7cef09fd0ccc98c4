"""A hold's PENDING booking written by one SQL function: one round trip instead of six.

Each successful hold wrote its booking in three statements inside BEGIN … COMMIT, plus the
pool's pre-ping: six round trips, and through SQLAlchemy each cost ~0.4–0.5 ms of app CPU on
our 2-core benchmark machine, most of a hold's cost. ``hold_booking`` checks the tickets and
writes the booking and its links in one call, run in autocommit. It writes nothing when the
selection is not holdable (unknown or foreign tickets, booked seats, event over) and returns
the ticket rows either way, so the caller can say exactly what was wrong. A ticket already in
a live booking (Redis lost a hold) raises SQLSTATE ``BX409`` with the ticket IDs as DETAIL,
which rolls the whole call back.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HOLD_BOOKING = """
CREATE OR REPLACE FUNCTION hold_booking(
    p_booking uuid, p_user text, p_event bigint, p_tickets bigint[],
    p_now timestamptz, p_expires timestamptz)
RETURNS TABLE (
    event_end timestamptz, wanted bigint, id bigint, event_id bigint, status text,
    price numeric, seat_id text, seat_number text, section text, "row" text, category text,
    created_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_end timestamptz;
    v_refused bigint;
    v_total numeric;
    v_created timestamptz;
    v_unlinked bigint[];
BEGIN
    SELECT e.end_time INTO v_end FROM events e WHERE e.id = p_event;
    SELECT count(*) FILTER (WHERE t.id IS NULL OR t.event_id <> p_event
                                  OR t.status = 'BOOKED'),
           coalesce(sum(t.price), 0)
      INTO v_refused, v_total
      FROM unnest(p_tickets) AS x(id) LEFT JOIN tickets t ON t.id = x.id;
    IF v_end IS NOT NULL AND v_end > p_now AND v_refused = 0 THEN
        -- Pending bookings whose time is up no longer own their seats, and this user's
        -- previous pending hold on the event has just been replaced in Redis. A statement of
        -- its own: the status cascade to booking_tickets lands at its end, before the insert.
        WITH stale AS (
            UPDATE bookings SET status = 'EXPIRED' WHERE status = 'PENDING'
              AND expires_at <= p_now AND id IN (
                SELECT booking_id FROM booking_tickets
                WHERE ticket_id = ANY(p_tickets) AND booking_status = 'PENDING')
            RETURNING id)
        UPDATE bookings SET status = 'CANCELLED'
        WHERE user_id = p_user AND event_id = p_event AND status = 'PENDING'
          AND id NOT IN (SELECT id FROM stale);

        INSERT INTO bookings (id, user_id, event_id, status, total_price, expires_at)
        VALUES (p_booking, p_user, p_event, 'PENDING', v_total, p_expires)
        RETURNING created_at INTO v_created;

        WITH links AS (
            INSERT INTO booking_tickets (booking_id, ticket_id, booking_status)
            SELECT p_booking, x, 'PENDING' FROM unnest(p_tickets) AS x
            ON CONFLICT (ticket_id) WHERE booking_status IN ('PENDING', 'BOOKED') DO NOTHING
            RETURNING ticket_id)
        SELECT array_agg(x ORDER BY x) INTO v_unlinked
          FROM unnest(p_tickets) AS x WHERE x NOT IN (SELECT ticket_id FROM links);
        IF v_unlinked IS NOT NULL THEN
            -- Redis said free but Postgres knows a live booking: Postgres wins.
            RAISE EXCEPTION 'tickets already in a live booking'
                USING ERRCODE = 'BX409', DETAIL = array_to_string(v_unlinked, ',');
        END IF;
    END IF;
    RETURN QUERY
        SELECT v_end, x.id, t.id, t.event_id, t.status::text, t.price::numeric,
               t.seat_id::text, t.seat_number::text, t.section::text, t.row::text,
               t.category::text, v_created
        FROM unnest(p_tickets) WITH ORDINALITY AS x(id, n)
        LEFT JOIN tickets t ON t.id = x.id
        ORDER BY x.n;
END
$$;
"""


def upgrade() -> None:
    op.execute(HOLD_BOOKING)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION IF EXISTS hold_booking(uuid, text, bigint, bigint[], timestamptz, timestamptz)"
    )
