"""Alembic environment: runs on the connection kinerja.store.migrate hands over."""

from __future__ import annotations

from alembic import context

from kinerja.store import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from kinerja.store import default_url, make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or default_url())
        with engine.connect() as conn:
            conn.execution_options(kinerja_tulis=True)
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True
            )
            with context.begin_transaction():
                context.run_migrations()
        return
    # The caller owns the transaction (kinerja.store.migrate).
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():  # a no-op inside the caller's transaction
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Migrasi offline tidak didukung; jalankan `kinerja db init`.")
run_migrations_online()
