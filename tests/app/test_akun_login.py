"""Signing in (AppTest): the login page once accounts exist, wrong and locked attempts told
in the store's words, logout, the session's expiry, the demo note and single sign-on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.errors import StreamlitMissingAuthlibError
from streamlit.testing.v1 import AppTest

from kinerja import store
from kinerja.ui import akun, state

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rahasia-kuat-1"
BERANDA = "Pengumpulan Data Kinerja"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "uji-saja",
    "client_id": "kinerja",
    "client_secret": "uji-saja",
    "server_metadata_url": "https://sso.example/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    monkeypatch.delenv("KINERJA_SESI_MENIT", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()


def accounts(url: str) -> None:
    with store.connect(url) as s:
        s.init()
        s.add_user("admin", PASSWORD, peran="admin", user="sistem")
        s.add_user(
            "kabid_perindustrian",
            PASSWORD,
            peran="kabid",
            bidang="Bidang Perindustrian",
            email="kabid.perin@dinas.example",
            user="admin",
        )


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key=f"{state.MASUK}_nama").input(username)
    at.text_input(key=f"{state.MASUK}_sandi").input(password)
    (masuk,) = [b for b in at.button if b.label == "Masuk"]
    return masuk.click().run()


def clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> None:
    monkeypatch.setattr(akun, "now", lambda: at)


def test_with_no_account_there_is_no_login(fresh_db: str) -> None:
    at = app().run()
    assert not at.exception
    assert at.title[0].value == BERANDA
    assert "Nama pengguna" not in [t.label for t in at.text_input]
    assert not at.sidebar.button


def test_with_accounts_the_app_asks_to_sign_in_first(fresh_db: str) -> None:
    accounts(fresh_db)
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Masuk"
    assert [t.label for t in at.text_input] == ["Nama pengguna", "Kata sandi"]
    assert "Masuk dengan akun instansi (SSO)" not in [b.label for b in at.button]
    assert not at.info  # no demo note outside demo mode


def test_signing_in_opens_the_app_as_that_account(fresh_db: str) -> None:
    accounts(fresh_db)
    at = sign_in(app().run(), "kabid_perindustrian")
    assert not at.exception
    assert at.title[0].value == BERANDA
    panel = " ".join(c.value for c in at.sidebar.caption)
    assert "kabid\\_perindustrian" in panel and "Kepala Bidang" in panel
    # Beranda asks no name: actions are recorded under the account.
    assert "Nama pengunggah (untuk riwayat)" not in [t.label for t in at.text_input]


def test_a_wrong_password_is_refused_in_the_stores_words(fresh_db: str) -> None:
    accounts(fresh_db)
    at = sign_in(app().run(), "kabid_perindustrian", "salah-sekali")
    assert not at.exception
    assert at.title[0].value == "Masuk"
    assert [e.value for e in at.error] == ["Nama pengguna atau kata sandi salah\\."]


def test_a_locked_account_is_told_so_even_with_the_right_password(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts(fresh_db)
    t = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    with store.connect(fresh_db) as s:
        for i in range(10):  # an hour apart: no throttling, only the count
            with pytest.raises(store.StoreError):
                s.authenticate("admin", "salah-sekali", now=t + dt.timedelta(hours=i))
    clock(monkeypatch, t + dt.timedelta(hours=11))
    at = sign_in(app().run(), "admin")
    assert at.title[0].value == "Masuk"
    (error,) = at.error
    assert "terkunci" in error.value


def test_attempts_after_failures_must_wait(fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts(fresh_db)
    clock(monkeypatch, dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC))
    at = app().run()
    for _ in range(3):
        at = sign_in(at, "admin", "salah-sekali")
    at = sign_in(at, "admin")  # the right password, but too soon
    assert at.title[0].value == "Masuk"
    assert any("coba lagi dalam" in e.value for e in at.error), [e.value for e in at.error]


def test_logout_returns_to_the_login_page(fresh_db: str) -> None:
    accounts(fresh_db)
    at = sign_in(app().run(), "admin")
    (keluar,) = at.sidebar.button
    keluar.click().run()
    assert not at.exception
    assert at.title[0].value == "Masuk"
    assert [w.value for w in at.warning] == ["Anda telah keluar\\."]


@pytest.mark.parametrize(
    ("minutes_env", "later", "told"),
    [
        (None, dt.timedelta(minutes=61), "setelah 60 menit tanpa kegiatan"),
        ("15", dt.timedelta(minutes=16), "setelah 15 menit tanpa kegiatan"),
        ("10000", dt.timedelta(hours=12, minutes=1), "berlangsung 12 jam"),
    ],
)
def test_a_session_expires(
    fresh_db: str,
    monkeypatch: pytest.MonkeyPatch,
    minutes_env: str | None,
    later: dt.timedelta,
    told: str,
) -> None:
    accounts(fresh_db)
    if minutes_env:
        monkeypatch.setenv("KINERJA_SESI_MENIT", minutes_env)
    t = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    clock(monkeypatch, t)
    at = sign_in(app().run(), "admin")
    assert at.title[0].value == BERANDA
    clock(monkeypatch, t + later - dt.timedelta(minutes=1))
    at.run()
    if later < dt.timedelta(hours=12):
        # still in time: a run is activity, so the idle clock starts again
        assert at.title[0].value == BERANDA
        clock(monkeypatch, t + later - dt.timedelta(minutes=1) + later)
        at.run()
    else:
        clock(monkeypatch, t + later)
        at.run()
    assert at.title[0].value == "Masuk"
    assert any(told in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_busy_session_does_not_expire_while_used(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts(fresh_db)
    t = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    clock(monkeypatch, t)
    at = sign_in(app().run(), "admin")
    for step in range(1, 4):  # a run every 50 minutes: never idle for 60
        clock(monkeypatch, t + dt.timedelta(minutes=50 * step))
        at.run()
        assert at.title[0].value == BERANDA


def test_a_disabled_account_is_signed_out(fresh_db: str) -> None:
    accounts(fresh_db)
    at = sign_in(app().run(), "kabid_perindustrian")
    with store.connect(fresh_db) as s:
        s.disable_user("kabid_perindustrian", user="admin")
    at.run()
    assert at.title[0].value == "Masuk"
    assert any("tidak aktif" in w.value for w in at.warning)


def test_demo_mode_names_the_demo_accounts_and_their_password(fresh_db: str) -> None:
    accounts(fresh_db)
    with store.connect(fresh_db) as s:
        s.set_settings({"demo": True}, user="admin")
    at = app().run()
    (note,) = at.info
    assert "kata sandi **demo**" in note.value
    assert "kabid\\_perindustrian" in note.value and "admin" in note.value


def test_single_sign_on_is_offered_only_when_configured(fresh_db: str) -> None:
    accounts(fresh_db)
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert "Masuk dengan akun instansi (SSO)" in [b.label for b in at.button]


def test_single_sign_on_maps_the_email_to_its_account(fresh_db: str) -> None:
    accounts(fresh_db)
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "Kabid.Perin@dinas.example"}
    at.run()
    assert not at.exception
    assert at.title[0].value == BERANDA
    assert "kabid\\_perindustrian" in " ".join(c.value for c in at.sidebar.caption)


def test_single_sign_on_with_an_unknown_email_is_refused(fresh_db: str) -> None:
    accounts(fresh_db)
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "orang.lain@example.com"}
    at.run()
    assert not at.exception
    assert at.title[0].value == "Masuk"
    assert any("tidak terdaftar" in w.value for w in at.warning)
    assert "Keluar dari akun instansi (SSO)" in [b.label for b in at.button]


def test_the_sso_button_starts_the_providers_login(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts(fresh_db)
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(st, "login", lambda *args: calls.append(args))
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    (sso,) = [b for b in at.button if b.label == "Masuk dengan akun instansi (SSO)"]
    sso.click().run()
    assert not at.exception
    assert calls == [()]


def test_an_sso_the_server_cannot_start_is_told_in_indonesian(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts(fresh_db)

    def no_authlib() -> None:
        raise StreamlitMissingAuthlibError()

    monkeypatch.setattr(st, "login", no_authlib)
    at = app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    (sso,) = [b for b in at.button if b.label == "Masuk dengan akun instansi (SSO)"]
    sso.click().run()
    assert not at.exception
    assert any("belum dapat dipakai" in e.value for e in at.error)
