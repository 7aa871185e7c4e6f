"""Navigation helpers for app.py: the Indonesian page for an address the app does not have.

Kept apart from the cards so that the router imports Streamlit and nothing heavy (the reader,
pandas) before the first page needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlparse

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from kinerja.ui.markup import escape

# --- the page for an unknown address ---------------------------------------------------------
#
# Streamlit 1.67 answers an address that names no page by running the default page under an
# English "Page not found" dialog (st.navigation sends page_not_found when no page matches).
# It offers no page for unknown addresses, so app.py adds one, hidden from the menu, whose
# url_path is the very address asked for: Streamlit then finds a page and sends no dialog.
# A nested address (/a/b) never reaches the app: Streamlit's own frontend does not load there.

NOT_FOUND_TITLE = "Halaman tidak ditemukan"


def requested_path(url: str | None, base_url_path: str = "") -> str:
    """The page part of the browser's address (st.context.url): the path after
    server.baseUrlPath, without slashes at either end ("" for the app's root or no URL)."""
    path = unquote(urlparse(url or "").path).strip("/")
    base = base_url_path.strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


def unknown_path(known: Iterable[str]) -> str | None:
    """The address asked for when it names none of the known url_paths and a hidden page can
    take it (one path segment); else None."""
    path = requested_path(st.context.url, str(st.get_option("server.baseUrlPath") or ""))
    if not path or "/" in path or path in set(known):
        return None
    return path


def not_found_page(path: str, home: StreamlitPage) -> Callable[[], None]:
    """The page app.py registers for the unknown address ``path``; it links to ``home``."""

    def halaman_tidak_ditemukan() -> None:
        page_not_found(path, home)

    return halaman_tidak_ditemukan


def page_not_found(path: str, home: StreamlitPage) -> None:
    """The Indonesian page for an address the app does not have, with the way back."""
    st.title(NOT_FOUND_TITLE)
    st.warning(
        f"Alamat /{escape(path)} tidak ada di aplikasi ini. Periksa tautannya, atau pilih "
        "halaman di menu samping.",
        icon=":material/link_off:",
    )
    st.page_link(home, label=f"Kembali ke {escape(home.title)}", icon=":material/home:")
