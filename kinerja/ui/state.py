"""What one browser tab remembers between reruns; every session-state key is spelled here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

import streamlit as st

# Widget keys (and prefixes of the keys of a group of widgets).
KONTEKS = "konteks"
RIWAYAT = "riwayat"
PENGGUNA = "nama_pengguna"
UNGGAHAN = "unggahan"
UNDUH_GABUNGAN = "unduh_gabungan"
KIRIMAN_DIPILIH = "kiriman_dipilih"
UNDUH_ASLI = "unduh_asli"
UNDUH_BERTANDA = "unduh_bertanda"  # key prefix of the annotated file's buttons
# Values the screens keep.
_HASIL_SIMPAN = "hasil_simpan"
_SUDAH_SIMPAN = "berkas_tersimpan"

DEFAULT_USER = "Staf"


@dataclass(frozen=True)
class Simpan:
    """One file's save, as the upload page shows it after the rerun.

    kind: "disimpan" (accepted), "sudah_ada" (these bytes were already stored), "ditolak".
    """

    name: str
    kind: str
    message: str


def user() -> str:
    """The account signed in; with no accounts, the name typed in the uploader's name field
    (or the default)."""
    sesi = session()
    if sesi is not None:
        return sesi.username
    return str(st.session_state.get(PENGGUNA) or "").strip() or DEFAULT_USER


def saved() -> list[Simpan]:
    return list(st.session_state.get(_HASIL_SIMPAN, []))


def remember_saved(outcomes: list[Simpan], keys: Iterable[str]) -> None:
    """The last save's outcomes, and the keys (bytes + form values) stored from this tab."""
    st.session_state[_HASIL_SIMPAN] = outcomes
    st.session_state.setdefault(_SUDAH_SIMPAN, set()).update(keys)


def all_saved(keys: list[str]) -> bool:
    """True when this tab already stored every one of these keys."""
    done = st.session_state.get(_SUDAH_SIMPAN, set())
    return bool(keys) and all(k in done for k in keys)


# --- the analysis and evaluation screens ----------------------------------------------------

ANALISIS = "analisis"  # prefix of the analysis filters' keys
EVALUASI = "evaluasi"  # prefix of the evaluation screen's keys
_PEMBERITAHUAN = "pemberitahuan"


def remember_notice(kind: str, text: str) -> None:
    """A message to show after the rerun an action triggers ("success" or "error")."""
    st.session_state[_PEMBERITAHUAN] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    """The message remembered by the last action, once."""
    notice = st.session_state.pop(_PEMBERITAHUAN, None)
    return (str(notice[0]), str(notice[1])) if notice else None


# --- the PK and settings screens -----------------------------------------------------------

PK = "perjanjian"  # prefix of the Perjanjian Kinerja screen's keys
PENGATURAN = "pengaturan"  # prefix of the settings screen's keys

# --- the format screen ---------------------------------------------------------------------

FORMAT = "format"  # prefix of the format screen's keys
FORMAT_DIBUAT = "format_dibuat"  # the rounds whose "format_dibuat" step this tab recorded


# --- Beranda: the round --------------------------------------------------------------------

BERANDA = "beranda"  # prefix of Beranda's widget keys
BERANDA_PUTARAN = "beranda_putaran"  # the round shown
_PUTARAN_BARU = "beranda_putaran_baru"  # a round just opened: shown on the next run


def show_round_next(tahun: int, periode: str) -> None:
    """Show this round on Beranda's next run (one just opened)."""
    st.session_state[_PUTARAN_BARU] = (tahun, periode)


def pop_round_next() -> tuple[int, str] | None:
    value = st.session_state.pop(_PUTARAN_BARU, None)
    return (int(value[0]), str(value[1])) if value else None


# --- the LKjIP export screen ---------------------------------------------------------------

EKSPOR = "ekspor"  # prefix of the export screen's widget keys
EKSPOR_HASIL = "ekspor_hasil"  # the files last built on this tab (for the download buttons)


# --- the account signed in (kinerja.ui.akun) ------------------------------------------------

MASUK = "masuk"  # prefix of the login form's keys
KELUAR = "keluar"  # the logout button
TANDA = "tanda"  # prefix of the flag answers' keys (views/tanda.py)
_SESI = "sesi"
_PESAN_MASUK = "pesan_masuk"


@dataclass(frozen=True)
class Sesi:
    """The account this tab is signed in as: its name, role and bidang (None: every bidang),
    when it signed in and when it last did anything (aware datetimes, UTC)."""

    username: str
    peran: str
    bidang: str | None
    masuk: dt.datetime
    aktif: dt.datetime


def session() -> Sesi | None:
    value = st.session_state.get(_SESI)
    return value if isinstance(value, Sesi) else None


def begin_session(sesi: Sesi) -> None:
    st.session_state[_SESI] = sesi
    st.session_state.pop(_PESAN_MASUK, None)


def touch_session(now: dt.datetime) -> None:
    """The signed-in account did something now (the idle clock starts again)."""
    sesi = session()
    if sesi is not None:
        st.session_state[_SESI] = replace(sesi, aktif=now)


def end_session(message: str | None = None) -> None:
    """Sign out; the message (why) is shown once on the login page."""
    st.session_state.pop(_SESI, None)
    if message:
        st.session_state[_PESAN_MASUK] = message


def pop_login_message() -> str | None:
    value = st.session_state.pop(_PESAN_MASUK, None)
    return str(value) if value else None
