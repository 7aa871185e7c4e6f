"""What each role sees and may do (AppTest): its menu is exactly kinerja.peran.HALAMAN's pages,
a page it may not open refuses (by address and by its own guard), and a kabid sees and sends
its own bidang only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.testing.v1 import AppTest

from kinerja import cli, ingest, kirim, peran, store
from kinerja.ui import akun, navigasi, state
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rahasia-kuat-1"
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIN = "Bidang Perindustrian"
HI = "Bidang Hubungan Industrial"
# One account per role; the bidang roles in Bidang Perindustrian.
ACCOUNTS = {
    "admin": ("admin", None),
    "kepala_dinas": ("kepala_dinas", None),
    "sekretaris": ("sekretaris", None),
    "subkoordinator": ("subkoordinator", None),
    "kabid_perindustrian": ("kabid", PERIN),
    "staf_perindustrian": ("staf", PERIN),
}
ROLE_USER = {role: user for user, (role, _) in ACCOUNTS.items()}


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    with store.connect(url) as s:
        s.init()
        for username, (role, bidang) in ACCOUNTS.items():
            s.add_user(username, PASSWORD, peran=role, bidang=bidang, user="admin")
    yield url
    st.cache_resource.clear()


def sheet(bidang: str, indikator: str) -> bytes:
    return f.xlsx([HEADER, [bidang, indikator, "unit", 2023, "TW I", 10, 9]])


def stored(url: str, bidang: str, indikator: str) -> None:
    """A sheet of bidang stored by the subkoordinator (who may send for any bidang)."""
    with store.connect(url) as s:
        out = kirim.kirim(
            s, sheet(bidang, indikator), f"{indikator}.xlsx", defaults=ingest.Defaults(),
            user="subkoordinator",
        )  # fmt: skip
    assert out.accepted, out.message


@pytest.fixture
def menus(monkeypatch: pytest.MonkeyPatch) -> list[list[StreamlitPage]]:
    """The navigation of every run, as the router built it."""
    built: list[list[StreamlitPage]] = []
    real = navigasi.pages_for

    def spy(pages: list[StreamlitPage]) -> list[StreamlitPage]:
        built.append(real(pages))
        return built[-1]

    monkeypatch.setattr(navigasi, "pages_for", spy)
    return built


def signed_in(username: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.text_input(key=f"{state.MASUK}_nama").input(username)
    at.text_input(key=f"{state.MASUK}_sandi").input(password)
    (masuk,) = [b for b in at.button if b.label == "Masuk"]
    masuk.click().run()
    assert not at.exception
    assert at.title[0].value == "Pengumpulan Data Kinerja"
    return at


def at_address(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """st.context.url as a browser at http://localhost:8501/<path> gives it."""
    url = f"http://localhost:8501/{path}"
    monkeypatch.setattr(type(st.context), "url", property(lambda self: url))


def visible_files(pages: list[StreamlitPage]) -> set[str]:
    return {navigasi.page_file(p) for p in pages if p.visibility == "visible"}


@pytest.mark.parametrize("role", list(peran.PERAN))
def test_each_role_has_exactly_its_pages(role: str, menus: list[list[StreamlitPage]]) -> None:
    signed_in(ROLE_USER[role])
    expected = {page for page, roles in peran.HALAMAN.items() if role in roles}
    assert visible_files(menus[-1]) == expected
    assert all(navigasi.page_file(p) for p in menus[-1])  # nothing but its pages


def test_before_signing_in_only_the_login_page_is_there(menus: list[list[StreamlitPage]]) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert at.title[0].value == "Masuk"
    assert [p.title for p in menus[-1]] == ["Masuk"]


@pytest.mark.parametrize(("role", "path"), [("kabid", "evaluasi"), ("admin", "unggah")])
def test_a_page_not_of_the_role_gets_the_refusal_at_its_address(
    role: str, path: str, menus: list[list[StreamlitPage]], monkeypatch: pytest.MonkeyPatch
) -> None:
    at_address(monkeypatch, path)
    at = signed_in(ROLE_USER[role])
    assert not at.exception
    (hidden,) = [p for p in menus[-1] if p.visibility == "hidden"]
    assert (hidden.url_path, hidden.title) == (path, "Tidak berwenang")


def refusal_app() -> None:
    """The page for a forbidden address, alone (AppTest cannot open a page by address)."""
    from kinerja.ui import akun

    akun.not_allowed_page()


def test_the_refusal_page_is_indonesian() -> None:
    at = AppTest.from_function(refusal_app, default_timeout=30).run()
    assert at.title[0].value == "Tidak berwenang"
    assert [e.value for e in at.error] == [akun.NOT_ALLOWED]


def guarded_app(username: str, role: str, bidang: str | None) -> None:
    """A page with the guard of evaluasi.py, for a session already signed in."""
    import datetime as dt

    import streamlit as st

    from kinerja.ui import akun, state

    if username:
        t = dt.datetime.now(dt.UTC)
        state.begin_session(state.Sesi(username, role, bidang, t, t))
    akun.require_page("evaluasi.py")
    st.markdown("isi halaman evaluasi")


@pytest.mark.parametrize(
    ("username", "role", "allowed"),
    [
        ("kabid_perindustrian", "kabid", False),
        ("staf_perindustrian", "staf", False),
        ("sekretaris", "sekretaris", False),
        ("kepala_dinas", "kepala_dinas", True),
        ("", "", False),  # not signed in, while accounts exist
    ],
)
def test_each_page_guards_itself(username: str, role: str, allowed: bool) -> None:
    at = AppTest.from_function(
        guarded_app, args=(username, role, PERIN if role in peran.PERAN_BIDANG else None)
    ).run()
    assert not at.exception
    assert ("isi halaman evaluasi" in [m.value for m in at.markdown]) is allowed
    refused = [e.value for e in at.error if akun.NOT_ALLOWED in e.value]
    assert bool(refused) is not allowed
    if role == "kabid":
        assert refused == [
            f"{akun.NOT_ALLOWED} Halaman ini untuk: Kepala Dinas, Sub Koordinator Program dan "
            "Pelaporan."
        ]


def test_a_kabid_sees_its_own_bidang_only(fresh_db: str) -> None:
    stored(fresh_db, PERIN, "Jumlah IKM yang dibina")
    stored(fresh_db, HI, "Jumlah perusahaan yang dibina")
    at = signed_in("kabid_perindustrian")
    at.switch_page("views/riwayat.py").run()
    assert not at.exception
    (bidang,) = [s for s in at.selectbox if s.label == "Bidang"]
    assert bidang.options == [PERIN]
    history = at.dataframe[0].value
    assert set(history["File"]) == {"Jumlah IKM yang dibina.xlsx"}
    shown = pd.concat([d.value for d in at.dataframe if "Bidang" in d.value.columns])
    assert set(shown["Bidang"]) == {PERIN}

    at.switch_page("views/analisis.py").run()
    assert not at.exception
    (pilihan,) = [m for m in at.multiselect if m.label == "Bidang"]
    assert pilihan.options == [PERIN]
    text = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "Jumlah perusahaan yang dibina" not in text
    assert "Jumlah IKM yang dibina" in text


def test_the_subkoordinator_sees_every_bidang(fresh_db: str) -> None:
    stored(fresh_db, PERIN, "Jumlah IKM yang dibina")
    stored(fresh_db, HI, "Jumlah perusahaan yang dibina")
    at = signed_in("subkoordinator")
    at.switch_page("views/riwayat.py").run()
    assert set(at.dataframe[0].value["File"]) == {
        "Jumlah IKM yang dibina.xlsx",
        "Jumlah perusahaan yang dibina.xlsx",
    }


def history_of(url: str) -> pd.DataFrame:
    with store.connect(url) as s:
        return s.history()


def test_a_kabid_cannot_send_another_bidangs_sheet(fresh_db: str) -> None:
    at = signed_in("kabid_perindustrian")
    at.switch_page("views/unggah.py").run()
    (bidang,) = [s for s in at.selectbox if s.label == "Bidang"]
    assert bidang.options == [PERIN]  # the form's bidang is its own
    assert "Nama pengunggah (untuk riwayat)" not in [t.label for t in at.text_input]
    at.file_uploader[0].set_value([("hi.xlsx", sheet(HI, "Jumlah PKB"), XLSX)]).run()
    assert not at.exception
    (simpan,) = [b for b in at.button if b.label == "Simpan ke basis data"]
    simpan.click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "hanya boleh mengunggah data bidangnya sendiri" in errors.replace("\\", "")
    assert not (history_of(fresh_db)["status"] == "accepted").any()


def test_a_kabid_sends_its_own_bidangs_sheet_under_its_name(fresh_db: str) -> None:
    at = signed_in("kabid_perindustrian")
    at.switch_page("views/unggah.py").run()
    at.file_uploader[0].set_value([("perin.xlsx", sheet(PERIN, "Jumlah IKM"), XLSX)]).run()
    (simpan,) = [b for b in at.button if b.label == "Simpan ke basis data"]
    simpan.click().run()
    assert not at.exception
    history = history_of(fresh_db)
    assert list(history["status"]) == ["accepted"]
    assert list(history["pengguna"]) == ["kabid_perindustrian"]


def test_a_kabid_answers_its_bidangs_flags_with_a_note(fresh_db: str) -> None:
    low = [HEADER]  # realisasi 2 of 10: a low capaian with no keterangan is flagged
    for b in (PERIN, HI):
        with store.connect(fresh_db) as s:
            rows = [*low, [b, f"Jumlah binaan {b}", "unit", 2023, "TW I", 10, 2]]
            kirim.kirim(s, f.xlsx(rows), f"{b}.xlsx", defaults=ingest.Defaults(),
                        user="subkoordinator")  # fmt: skip
    at = signed_in("kabid_perindustrian")
    at.switch_page("views/tanda.py").run()
    assert not at.exception
    assert at.title[0].value == "Tanda Evaluasi Bidang"
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert f"Jumlah binaan {PERIN}" in text and f"Jumlah binaan {HI}" not in text
    (jawaban,) = at.text_area
    jawaban.input("Dua sentra tutup karena banjir; realisasi menyusul di TW II.")
    (kirim_jawaban,) = [b for b in at.button if b.label == "Kirim jawaban"]
    kirim_jawaban.click().run()
    assert not at.exception
    assert any("disimpan sebagai catatan" in s.value for s in at.success)
    with store.connect(fresh_db) as s:
        notes = s.notes()
    assert list(zip(notes["bidang"], notes["oleh"], strict=True)) == [
        (PERIN, "kabid_perindustrian")
    ]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The quick-start demo with its accounts (`kinerja demo --akun`), shared read-only."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    assert cli.main(["demo", "--akun", "--db", url]) == 0
    return url


@pytest.mark.parametrize("role", list(peran.PERAN))
def test_each_role_opens_each_of_its_pages_on_the_demo(
    role: str, demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINERJA_DATABASE_URL", demo_db)
    st.cache_resource.clear()
    st.cache_data.clear()
    username = f"{role}_perindustrian" if role in peran.PERAN_BIDANG else role
    at = signed_in(username, "demo")
    for page in sorted(p for p, roles in peran.HALAMAN.items() if role in roles):
        at.switch_page(f"views/{page}").run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value not in ("Masuk", "Tidak berwenang"), page
        assert not [e.value for e in at.error if akun.NOT_ALLOWED in e.value], page
        # actions are recorded under the account: no page asks a name
        asked = {"Nama pengunggah (untuk riwayat)", "Nama Anda (dicatat di jejak audit)"}
        assert not asked & {t.label for t in at.text_input}, page
        if role in peran.PERAN_BIDANG:
            shown = [d.value for d in at.dataframe if "Bidang" in d.value.columns]
            assert all(set(d["Bidang"]) <= {PERIN} for d in shown), page


def test_a_kabid_sees_its_own_row_of_the_completeness_matrix(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINERJA_DATABASE_URL", demo_db)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = signed_in("kabid_perindustrian", "demo")
    (matrix,) = [m.value for m in at.markdown if m.value.startswith("| Bidang |")]
    rows = [line.split("|")[1].strip() for line in matrix.splitlines()[2:]]
    assert rows == ["Bidang Perindustrian"]
    # and the page offers no form of an action the role may not take (opening a round)
    assert "Buka putaran" not in [b.label for b in at.button]
