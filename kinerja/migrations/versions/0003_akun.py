"""akun: user accounts (role, bidang, password hash, failed attempts and lock).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "akun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instansi_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("peran", sa.String(length=20), nullable=False),
        sa.Column("bidang", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("gagal", sa.Integer(), nullable=False),
        sa.Column("coba_lagi", sa.DateTime(timezone=True), nullable=True),
        sa.Column("terkunci", sa.Boolean(), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diubah", sa.DateTime(timezone=True), nullable=False),
        sa.Column("terakhir_masuk", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instansi_id"], ["instansi.id"], name=op.f("fk_akun_instansi_id_instansi")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_akun")),
        sa.UniqueConstraint("email", name=op.f("uq_akun_email")),
        sa.UniqueConstraint("username", name=op.f("uq_akun_username")),
    )


def downgrade() -> None:
    op.drop_table("akun")
