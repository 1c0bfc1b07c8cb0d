"""Generation jobs record the size asked of the model, the size it returned, the upscale
factor to the exact target, and notes for the results (upscaled, background not removed).

Revision ID: 0003_generation_sizes
Revises: 0002_sync
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_generation_sizes"
down_revision = "0002_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild), so the sync triggers of 0002 stay as they are.
    op.add_column("generation_jobs", sa.Column("requested_size", sa.JSON, nullable=True))
    op.add_column("generation_jobs", sa.Column("received_size", sa.JSON, nullable=True))
    op.add_column("generation_jobs", sa.Column("upscale_factor", sa.Float, nullable=True))
    op.add_column("generation_jobs", sa.Column("result_notes", sa.JSON, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("generation_jobs") as batch:
        batch.drop_column("result_notes")
        batch.drop_column("upscale_factor")
        batch.drop_column("received_size")
        batch.drop_column("requested_size")
