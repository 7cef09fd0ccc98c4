"""Payments in flight: when the current payment attempt started, until it is settled.

``pay`` writes ``payment_started_at`` (and commits) before it asks the payment service to
charge, and the attempt stays open until the booking is confirmed (``payment_status``
CHARGED), refunded (REFUNDED) or the charge is known not to exist (the column goes back to
NULL). A server killed between the charge and the confirmation leaves the column set, which is
how ``boxoffice reconcile`` finds the charge without asking about every unpaid booking. The
partial index holds only open attempts, so the reconciliation's scan stays tiny.

Unpaid bookings from the last day are marked open on upgrade: a payment cut off by the restart
that brought this version in has no other trace. The first reconciliation looks each up once.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

IN_FLIGHT = "payment_started_at IS NOT NULL AND payment_status IS NULL"


def upgrade():
    op.add_column(
        "bookings", sa.Column("payment_started_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_bookings_payment_in_flight",
        "bookings",
        ["payment_started_at"],
        postgresql_where=sa.text(IN_FLIGHT),
    )
    op.execute(
        "UPDATE bookings SET payment_started_at = created_at "
        "WHERE payment_status IS NULL AND status <> 'BOOKED' "
        "AND expires_at > now() - interval '1 day'"
    )


def downgrade():
    op.drop_index("ix_bookings_payment_in_flight", table_name="bookings")
    op.drop_column("bookings", "payment_started_at")
