"""High-demand events: the waiting room's admission rate and the box-office share of it.

``admission_per_minute`` NULL means an ordinary event (no waiting room); a number means its
seat map and holds need an admission token, and the waiting room admits that many people a
minute (plus one per hold that ends). ``staff_admission_share`` is the part of that rate kept
for box-office staff (tokens with ``role: staff``), so the counter line never waits behind the
internet; 0 puts staff in the public queue. ``boxoffice surge`` sets both.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("admission_per_minute", sa.Integer(), nullable=True))
    op.add_column(
        "events",
        sa.Column(
            "staff_admission_share",
            sa.Numeric(3, 2),
            nullable=False,
            server_default=sa.text("0.20"),
        ),
    )
    op.create_check_constraint(
        op.f("ck_events_admission_rate_positive"), "events", "admission_per_minute > 0"
    )
    op.create_check_constraint(
        op.f("ck_events_staff_share_below_one"),
        "events",
        "staff_admission_share >= 0 AND staff_admission_share < 1",
    )


def downgrade():
    op.drop_constraint(op.f("ck_events_staff_share_below_one"), "events", type_="check")
    op.drop_constraint(op.f("ck_events_admission_rate_positive"), "events", type_="check")
    op.drop_column("events", "staff_admission_share")
    op.drop_column("events", "admission_per_minute")
