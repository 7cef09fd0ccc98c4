"""Booking payments and hold extensions: attempt counter, charge reference, refund status.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("extensions", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch.add_column(sa.Column("payment_attempt", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch.add_column(sa.Column("payment_reference", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("payment_status", sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            op.f("ck_bookings_payment_status_known"), "payment_status IS NULL OR payment_status IN ('CHARGED', 'REFUNDED')"
        )
        batch.create_check_constraint(op.f("ck_bookings_booked_means_paid"), "status <> 'BOOKED' OR payment_status IS NOT DISTINCT FROM 'CHARGED'")


def downgrade():
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint(op.f("ck_bookings_booked_means_paid"), type_="check")
        batch.drop_constraint(op.f("ck_bookings_payment_status_known"), type_="check")
        batch.drop_column("payment_status")
        batch.drop_column("payment_reference")
        batch.drop_column("payment_attempt")
        batch.drop_column("extensions")
