"""Signing in: the login page, the session's expiry, the account panel in the sidebar, single
sign-on (st.login), and the guard every page calls. kinerja.peran says what each role may.

With no account in the database nothing here asks anything: every page is open, as before
accounts existed. A database out of reach is left to the page, which says so in Indonesian.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAuthError

from kinerja import bidang, peran
from kinerja.store import Akun, Store, StoreError
from kinerja.ui import state
from kinerja.ui.data import (
    require_database,
    settings,
    store,
    store_if_reachable,
    visible_bidang,
)
from kinerja.ui.guards import UNREACHABLE, database_down, unreachable
from kinerja.ui.markup import escape

log = logging.getLogger(__name__)

SESI_MENIT = 60
"""Minutes without any action after which a session ends (KINERJA_SESI_MENIT overrides)."""
SESI_MAKS = dt.timedelta(hours=12)
"""A session ends this long after signing in, however busy."""
LOGIN_TITLE = "Masuk"
NOT_ALLOWED = "Anda tidak berwenang membuka halaman ini."
DEMO_PASSWORD = "demo"


def now() -> dt.datetime:
    """The clock sessions are timed by (tests replace it)."""
    return dt.datetime.now(dt.UTC)


def idle_limit() -> dt.timedelta:
    raw = os.environ.get("KINERJA_SESI_MENIT", "").strip()
    minutes = int(raw) if raw.isdigit() and int(raw) > 0 else SESI_MENIT
    return dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class Akses:
    """Who this run is for. semua: no accounts (or the database out of reach: the page says
    so), every page open; else the role signed in, or None: sign in first."""

    peran: str | None = None
    semua: bool = False

    def boleh(self, halaman: str) -> bool:
        """Whether this run may open the page (its file under views/)."""
        return self.semua or (self.peran is not None and peran.halaman_boleh(self.peran, halaman))


# What a store call may raise: a refusal, or (wrapped or not) a database out of reach.
_FAILED: tuple[type[Exception], ...] = (StoreError, *UNREACHABLE)

SEMUA = Akses(semua=True)
MASUK_DULU = Akses()


# --- the session -----------------------------------------------------------------------------


def access() -> Akses:
    """The router's question, once a run: end an expired session, sign in a returning single
    sign-on, and say which pages this run may have."""
    sesi = state.session()
    if sesi is not None:
        return _current(sesi)
    s = store_if_reachable()
    if s is None:
        return SEMUA  # the page says the database is out of reach; nothing can be read
    try:
        if not s.has_accounts():
            return SEMUA
        signed = _single_sign_on(s)
    except _FAILED as exc:
        if unreachable(exc):
            return SEMUA
        raise
    return Akses(peran=signed.peran) if signed else MASUK_DULU


def _current(sesi: state.Sesi) -> Akses:
    t = now()
    if t - sesi.masuk > SESI_MAKS:
        return _expired("Sesi Anda sudah berlangsung 12 jam. Silakan masuk lagi.")
    if t - sesi.aktif > idle_limit():
        menit = int(idle_limit().total_seconds() // 60)
        return _expired(
            f"Sesi Anda berakhir setelah {menit} menit tanpa kegiatan. Silakan masuk lagi."
        )
    s = store_if_reachable()
    if s is not None:
        try:
            akun = s.account(sesi.username)
        except _FAILED as exc:
            if not unreachable(exc):
                raise
        else:
            if akun is None or not akun.aktif:
                return _expired("Akun Anda tidak aktif lagi. Hubungi admin aplikasi.")
            if (akun.peran, akun.bidang) != (sesi.peran, sesi.bidang):
                sesi = replace(sesi, peran=akun.peran, bidang=akun.bidang)
                state.begin_session(sesi)  # a role changed by the admin counts from now
    state.touch_session(t)
    return Akses(peran=sesi.peran)


def _expired(message: str) -> Akses:
    state.end_session(message)
    return MASUK_DULU


def _begin(akun: Akun) -> None:
    t = now()
    state.begin_session(state.Sesi(akun.username, akun.peran, akun.bidang, t, t))


def sso_configured() -> bool:
    """Single sign-on is offered when secrets.toml has an [auth] section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


def _sso_email() -> str | None:
    """The e-mail address the identity provider vouched for, if someone came back signed in."""
    if not sso_configured() or not st.user.get("is_logged_in"):
        return None
    if st.user.get("email_verified") is False:
        return None
    email = st.user.get("email")
    return str(email).strip() if email else None


def _single_sign_on(s: Store) -> Akun | None:
    """The account of the e-mail a returning single sign-on carries; an unknown or inactive
    one is refused on the login page (the provider's cookie is left for its logout button)."""
    email = _sso_email()
    if email is None:
        return None
    akun = s.account_by_email(email)
    if akun is None or not akun.aktif:
        state.end_session(
            f"Alamat e-mail {email} tidak terdaftar pada akun aktif aplikasi ini. Hubungi "
            "admin aplikasi, atau keluar dari akun instansi dan masuk dengan nama pengguna."
        )
        return None
    _begin(akun)
    return akun


# --- the pages -------------------------------------------------------------------------------


def login_page() -> None:
    """The login page (the only page before signing in)."""
    st.title(LOGIN_TITLE)
    st.caption("Pengumpulan Data Kinerja. Masuk dengan akun yang diberikan admin aplikasi.")
    require_database()
    message = state.pop_login_message()
    if message:
        st.warning(escape(message), icon=":material/lock_clock:")
    sso = sso_configured()
    sso_in = sso and bool(st.user.get("is_logged_in"))
    if sso_in and st.button("Keluar dari akun instansi (SSO)", key=f"{state.MASUK}_sso_keluar"):
        st.logout()
    with st.form(f"{state.MASUK}_form"):
        username = st.text_input("Nama pengguna", key=f"{state.MASUK}_nama")
        password = st.text_input("Kata sandi", type="password", key=f"{state.MASUK}_sandi")
        masuk = st.form_submit_button("Masuk", type="primary")
    if masuk:
        _sign_in(username.strip(), password)
    if (
        sso
        and not sso_in
        and st.button("Masuk dengan akun instansi (SSO)", key=f"{state.MASUK}_sso")
    ):
        _single_sign_on_start()
    if settings().get("demo"):
        st.info(demo_text(store().users()), icon=":material/info:")


def _single_sign_on_start() -> None:
    """Off to the identity provider of secrets.toml's [auth] (back at the home page)."""
    try:
        st.login()
    except StreamlitAuthError as exc:  # Authlib missing, or [auth] incomplete
        log.warning("SSO tidak dapat dimulai: %s", exc)
        st.error(
            "Masuk dengan akun instansi belum dapat dipakai: pengaturan SSO di server belum "
            "lengkap. Hubungi pengelola aplikasi, atau masuk dengan nama pengguna.",
            icon=":material/error:",
        )


def _sign_in(username: str, password: str) -> None:
    if not username or not password:
        st.error("Isi nama pengguna dan kata sandi.")
        return
    try:
        akun = store().authenticate(username, password, now=now())
    except _FAILED as exc:
        if unreachable(exc):
            database_down(exc)
        st.error(escape(exc), icon=":material/block:")
        return
    _begin(akun)
    st.rerun()


def demo_text(users: pd.DataFrame) -> str:
    """The demo accounts, told on the login page when `kinerja demo --akun` made them (each
    named after its role, and a bidang's after the bidang too), in kinerja.peran's order."""
    order = {p: i for i, p in enumerate(peran.PERAN)}
    ranked = sorted(zip(users["peran"], users["username"], strict=True),
                    key=lambda pu: (order.get(pu[0], len(order)), pu[1]))  # fmt: skip
    names = ", ".join(escape(u) for _, u in ranked)
    return (
        f"Mode demo: masuk dengan salah satu akun demo berikut, kata sandi "
        f"**{DEMO_PASSWORD}** untuk semuanya: {names}."
    )


def not_allowed_page() -> None:
    """The page for the address of a page this role may not open."""
    st.title("Tidak berwenang")
    st.error(NOT_ALLOWED, icon=":material/block:")
    st.caption("Pilih halaman lain di menu samping.")


def require_page(halaman: str) -> None:
    """The guard at the top of every page (beside the router, which leaves forbidden pages
    out of the menu): stop with the refusal when the account may not open this page."""
    sesi = state.session()
    if sesi is not None:
        if peran.halaman_boleh(sesi.peran, halaman):
            return
        siapa = ", ".join(peran.PERAN[p] for p in peran.PERAN if peran.halaman_boleh(p, halaman))
        st.error(f"{NOT_ALLOWED} Halaman ini untuk: {siapa}.", icon=":material/block:")
        st.stop()
    s = store_if_reachable()
    if s is None:
        require_database()  # says the database is out of reach, and stops
        return
    try:
        if not s.has_accounts():
            return
    except _FAILED as exc:
        if unreachable(exc):
            database_down(exc)
        raise
    st.error(f"{NOT_ALLOWED} Silakan masuk terlebih dahulu.", icon=":material/lock:")
    st.stop()


def may(aksi: str) -> bool:
    """Whether the account signed in (anyone, with no accounts) may take the action
    (kinerja.peran.AKSI): forms of actions it may not take are left out, the store would
    refuse them anyway."""
    sesi = state.session()
    return sesi is None or peran.boleh(sesi.peran, aksi)


def may_open(halaman: str) -> bool:
    """Whether the account signed in (anyone, with no accounts) may open the page: for
    links between pages, which must not point at a page left out of the menu."""
    sesi = state.session()
    return sesi is None or peran.halaman_boleh(sesi.peran, halaman)


def account_panel() -> None:
    """The sidebar: who is signed in, and the logout button."""
    sesi = state.session()
    if sesi is None:
        return
    with st.sidebar:
        nama = peran.PERAN.get(sesi.peran, sesi.peran)
        tempat = f" · {sesi.bidang}" if sesi.bidang else ""
        st.caption(f"Masuk sebagai **{escape(sesi.username)}**  \n{escape(nama + tempat)}")
        if st.button("Keluar", icon=":material/logout:", key=state.KELUAR):
            state.end_session("Anda telah keluar.")
            if sso_configured() and st.user.get("is_logged_in"):
                st.logout()
            st.rerun()


# --- scope ---------------------------------------------------------------------------------


def warn_outside_bidang(slots: pd.DataFrame) -> None:
    """Under a file's card: the bidang it names that the account may not send for (the store
    refuses such a save with its own message; this says so before the click)."""
    visible = visible_bidang()
    if visible is None or slots.empty or "bidang" not in slots.columns:
        return
    lain = sorted(
        {str(b) for b in slots["bidang"].dropna() if bidang.match(str(b), visible) is None}
    )
    if lain:
        st.warning(
            f"File ini memuat data {escape(', '.join(lain))}; akun Anda hanya boleh mengirim "
            f"data {escape(', '.join(visible) or 'bidangnya sendiri')}. Penyimpanan akan ditolak.",
            icon=":material/block:",
        )


P = TypeVar("P")


def within_bidang(pilihan: P) -> P:
    """A filter choice (a frozen dataclass with a ``bidang`` tuple) kept to the bidang the
    account may see: none chosen means all of those, not every bidang."""
    visible = visible_bidang()
    if visible is None:
        return pilihan
    chosen: Any = getattr(pilihan, "bidang", ())
    kept = tuple(b for b in chosen if b in visible) or tuple(visible) or ("",)
    return replace(pilihan, bidang=kept)  # type: ignore[type-var]
