"""Navigation helpers for app.py: the pages the account signed in may open, the Indonesian
page for an address the app does not have, and the refusal for one it may not open.

Kept apart from the cards so that the router imports Streamlit and nothing heavy (the reader,
pandas) before the first page needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
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


# --- the pages of the account signed in ------------------------------------------------------


def page_file(page: StreamlitPage) -> str:
    """The file name under views/ a page runs ("" for a page that is a function)."""
    # StreamlitPage keeps the path it was given (resolved) in _page and names it nowhere
    # public; tests/app/test_peran_halaman.py checks every role's menu through this.
    source = getattr(page, "_page", None)
    return source.name if isinstance(source, Path) else ""


def pages_for(pages: list[StreamlitPage]) -> list[StreamlitPage]:
    """The navigation of this run: every page when the database holds no account (as before
    accounts existed); the login page alone before signing in (at any address asked for:
    the page asked for opens once signed in); else the pages kinerja.peran.HALAMAN gives the
    role, the refusal at the address of one it does not, and the not-found page."""
    from kinerja.ui import akun  # the store: paid when the first page runs, not on import

    akses = akun.access()
    path = requested_path(st.context.url, str(st.get_option("server.baseUrlPath") or ""))
    if not akses.semua and akses.peran is None:
        login = [st.Page(akun.login_page, title=akun.LOGIN_TITLE, icon=":material/login:",
                         url_path="", default=True)]  # fmt: skip
        if path and "/" not in path:
            login.append(
                st.Page(akun.login_page, title=akun.LOGIN_TITLE, url_path=path, visibility="hidden")
            )
        return login
    shown = [p for p in pages if akses.boleh(page_file(p))]
    akun.account_panel()
    refused = {p.url_path for p in pages if p not in shown}
    if path in refused and path:
        shown.append(
            st.Page(akun.not_allowed_page, title="Tidak berwenang", url_path=path,
                    visibility="hidden")
        )  # fmt: skip
        return shown
    missing = unknown_path(page.url_path for page in shown)
    if missing:
        shown.append(
            st.Page(
                not_found_page(missing, home=shown[0]),
                title=NOT_FOUND_TITLE,
                url_path=missing,
                visibility="hidden",
            )
        )
    return shown
