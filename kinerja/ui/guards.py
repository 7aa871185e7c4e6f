"""What a screen shows instead of a traceback when the database cannot be used."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import sqlalchemy as sa
import streamlit as st

from kinerja.store import StoreError
from kinerja.ui.markup import escape

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    "Basis data tidak dapat dihubungi, jadi data belum dapat ditampilkan atau disimpan. "
    "Muat ulang halaman ini beberapa saat lagi; bila masih begini, hubungi pengelola aplikasi."
)
# Errors that say the database is out of reach (a refused or dropped connection, a server
# gone away, a URL that names no usable database), not that a request was wrong.
UNREACHABLE: tuple[type[Exception], ...] = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.ArgumentError,
)
_HANDLED: tuple[type[Exception], ...] = (StoreError, *UNREACHABLE)


def database_down(exc: BaseException) -> NoReturn:
    """The Indonesian message for a database out of reach, then stop the page (the details
    go to the server's log: they name hosts and drivers, and mean nothing to a bidang)."""
    log.warning("basis data tidak dapat dihubungi: %s", exc)
    st.error(DATABASE_DOWN, icon=":material/cloud_off:")
    st.stop()


def unreachable(exc: BaseException) -> bool:
    """True when exc (or the database error the store wrapped in a StoreError) says the
    database is out of reach."""
    return isinstance(exc, UNREACHABLE) or isinstance(exc.__cause__, UNREACHABLE)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Run fn; a database out of reach stops the page with DATABASE_DOWN, and any other
    refusal by the store (StoreError, already Indonesian) with its own message."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except _HANDLED as exc:
            if unreachable(exc):
                database_down(exc)
            st.error(escape(exc))
            st.stop()

    return wrapper
