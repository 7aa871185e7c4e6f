"""tanda: decisions on evaluation flags (diterima / dikembalikan, with a note).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tanda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instansi_id", sa.Integer(), nullable=False),
        sa.Column("kode", sa.String(length=40), nullable=False),
        sa.Column("bidang", sa.String(length=200), nullable=True),
        sa.Column("indikator", sa.Text(), nullable=True),
        sa.Column("tahun", sa.Integer(), nullable=True),
        sa.Column("periode", sa.String(length=20), nullable=True),
        sa.Column("cek", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("catatan", sa.Text(), nullable=False),
        sa.Column("oleh", sa.String(length=200), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instansi_id"], ["instansi.id"], name=op.f("fk_tanda_instansi_id_instansi")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tanda")),
        sa.UniqueConstraint("instansi_id", "kode", name=op.f("uq_tanda_instansi_id_kode")),
    )


def downgrade() -> None:
    op.drop_table("tanda")
