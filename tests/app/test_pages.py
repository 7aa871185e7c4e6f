"""Every page runs (AppTest), and the upload page reads, reports, merges and stores files."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import store, ui, workbook
from kinerja.ui import navigasi
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNREACHABLE_DB = "postgresql+psycopg://x:y@127.0.0.1:9/none"
DATABASE_DOWN = "Basis data tidak dapat dihubungi"
# Each page file and its title: the smoke tests check that the page asked for is the one
# that ran (AppTest finds a page whose url_path differs from its file name only after a first
# run, and silently runs the default page before it).
PAGE_TITLES = {
    "beranda.py": "Pengumpulan Data Kinerja",
    "unggah.py": "Unggah Data Kinerja",
    "riwayat.py": "Riwayat Kiriman dan Data Tersimpan",
    "analisis.py": "Analisis Kinerja",
    "evaluasi.py": "Evaluasi dan Verifikasi",
    "format.py": "Format Data Kinerja",
    "perjanjian_kinerja.py": "Perjanjian Kinerja",
    "pengaturan.py": "Pengaturan",
    "ekspor.py": "Ekspor Data LKjIP",
    "tanda.py": "Tanda Evaluasi Bidang",
}
PAGES = list(PAGE_TITLES)


@pytest.fixture(autouse=True)
def fresh_db(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def app(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if page != "beranda.py":
        at.run()  # registers the pages, so that a custom url_path is found (see PAGE_TITLES)
    at.switch_page(f"views/{page}")
    return at


def test_every_page_of_the_router_is_listed_here() -> None:
    router = (ROOT / "app.py").read_text(encoding="utf-8")
    assert sorted(re.findall(r'"views/([a-z_]+\.py)"', router)) == sorted(PAGE_TITLES)


def shown(markdown: str) -> str:
    """What Markdown source shows once user text in it was escaped: the text without its
    backslash escapes and the invisible word joiners that keep URLs from turning into links."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def texts(at: AppTest, *kinds: str) -> str:
    return " ".join(shown(e.value) for kind in kinds for e in getattr(at, kind))


def records_shown(at: AppTest) -> pd.DataFrame:
    """The one records table on the page (the table with capaian)."""
    (table,) = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns]
    return table


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(page: str) -> None:
    at = app(page).run()
    assert not at.exception
    assert at.title[0].value == PAGE_TITLES[page]


@pytest.mark.parametrize("page", PAGES)
def test_unreachable_database_is_told_in_indonesian(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINERJA_DATABASE_URL", UNREACHABLE_DB)
    at = app(page).run()
    assert not at.exception
    assert at.title[0].value
    assert [e.value for e in at.error if DATABASE_DOWN in e.value], [e.value for e in at.error]
    assert "127.0.0.1" not in texts(at, "error", "markdown", "caption")


@pytest.mark.parametrize("page", ["beranda.py", "riwayat.py"])
def test_database_lost_after_opening_is_told_in_indonesian(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app(page).run()  # the store is open, and cached for the server's life
    opened = ui.store()
    # The server goes away: the open store's connections now go nowhere.
    monkeypatch.setattr(opened, "engine", sa.create_engine(UNREACHABLE_DB))
    at = app(page).run()
    assert not at.exception
    assert any(DATABASE_DOWN in e.value for e in at.error), [e.value for e in at.error]


def good_sheet() -> bytes:
    return f.xlsx(
        [
            HEADER,
            ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 2023, "TW I", 10, 9],
            ["Bidang Perindustrian", "Jumlah sentra IKM", "sentra", 2023, "TW I", 2, "2,5"],
        ]
    )


def bad_sheet() -> bytes:
    return f.xlsx(
        [
            HEADER,
            [
                "Sekretariat",
                "Indeks kepuasan masyarakat",
                "nilai",
                2023,
                "TW I",
                80,
                "sembilan puluh",
            ],
        ]
    )


def test_upload_reports_each_file_merges_and_stores() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value(
        [("baik.xlsx", good_sheet(), XLSX), ("salah.xlsx", bad_sheet(), XLSX)]
    ).run()
    assert not at.exception
    text = texts(at, "markdown")
    assert "baik.xlsx" in text and "Valid" in text
    assert "salah.xlsx" in text and "Ditolak" in text
    issues = [df.value for df in at.dataframe]
    messages = " ".join(" ".join(map(str, d.get("Pesan", []))) for d in issues)
    assert "sembilan puluh" in messages and "G2" in messages
    assert any("Bidang" in d.columns and len(d) == 2 and "Capaian (%)" in d.columns for d in issues)
    merged = [d for d in issues if "Capaian (%)" in d.columns][-1]
    assert list(merged["Capaian (%)"]) == ["90,00", "125,00"]

    at.button[0].click().run()
    assert not at.exception
    assert "baik.xlsx: Berkas baik.xlsx disimpan" in texts(at, "success")
    assert "salah.xlsx: Berkas ditolak" in texts(at, "error")

    # stored: a new session (a reload) sees it on the history page
    again = app("riwayat.py").run()
    history = again.dataframe[0].value
    assert set(history["File"]) == {"baik.xlsx", "salah.xlsx"}
    assert set(history["Status"]) == {"diterima", "ditolak"}
    current = records_shown(again)
    assert len(current) == 2


def test_records_say_what_capaian_means() -> None:
    # target 0 has no capaian and says why; 200,189 of 220 is exactly 90,995 and shows 91,00;
    # 12 of 10 is above 100 % and is marked.
    rows = [
        HEADER,
        ["Bidang Perindustrian", "Jumlah IKM baru", "unit", 2023, "TW I", 0, 4],
        ["Bidang Perindustrian", "Nilai ekspor IKM", "juta", 2023, "TW I", 220, "200,189"],
        ["Bidang Perindustrian", "Jumlah sentra IKM", "sentra", 2023, "TW I", 10, 12],
    ]
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("capaian.xlsx", f.xlsx(rows), XLSX)]).run()
    assert not at.exception
    table = [d.value for d in at.dataframe if "Keterangan Capaian" in d.value.columns][-1]
    by_indikator = table.set_index("Indikator Kinerja")
    nol = by_indikator.loc["Jumlah IKM baru"]
    assert nol["Capaian (%)"] == "–"
    assert "target 0" in nol["Keterangan Capaian"]
    assert nol["Melampaui Target"] == ""
    seri = by_indikator.loc["Nilai ekspor IKM"]
    assert (seri["Capaian (%)"], seri["Predikat"]) == ("91,00", "Sangat Tinggi")
    assert seri["Melampaui Target"] == ""
    lebih = by_indikator.loc["Jumlah sentra IKM"]
    assert (lebih["Capaian (%)"], lebih["Melampaui Target"]) == ("120,00", "Ya")
    assert lebih["Keterangan Capaian"] == ""

    # stored and read back (no melampaui_target column there): the same on the history page
    at.button[0].click().run()
    assert not at.exception
    current = records_shown(app("riwayat.py").run())
    shared = [c for c in table.columns if c in current.columns]
    assert {"Capaian (%)", "Melampaui Target", "Keterangan Capaian"} <= set(shared)
    pd.testing.assert_frame_equal(
        current[shared].reset_index(drop=True), table[shared].reset_index(drop=True)
    )


def test_no_pages_folder_beside_app_py() -> None:
    # Streamlit treats a folder named pages/ next to the entrypoint as a legacy (v1)
    # multipage app until st.navigation first runs: on a fresh server a deep link such as
    # /riwayat then ran the screen without app.py (no page config, file-name navigation).
    assert not (ROOT / "pages").exists()


def test_saving_twice_is_not_offered() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("baik.xlsx", good_sheet(), XLSX)]).run()
    save = at.button[0]
    assert not save.disabled
    save.click().run()
    assert at.button[0].disabled
    assert len(stored_history()) == 1


def stored_history() -> pd.DataFrame:
    """The history as the database holds it (read apart from the app's own store)."""
    with store.connect(os.environ["KINERJA_DATABASE_URL"]) as s:
        return s.history()


def other_sheet() -> bytes:
    return f.xlsx(
        [
            HEADER,
            ["Sekretariat", "Indeks kepuasan layanan internal", "indeks", 2023, "TW I", 80, 84],
        ]
    )


def test_adding_a_file_and_saving_again_stores_only_the_new_one() -> None:
    baik = good_sheet()  # built once: a workbook's bytes carry the time it was written
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("baik.xlsx", baik, XLSX)]).run()
    at.button[0].click().run()
    at.file_uploader[0].set_value(
        [("baik.xlsx", baik, XLSX), ("sekretariat.xlsx", other_sheet(), XLSX)]
    ).run()
    assert not at.button[0].disabled
    at.button[0].click().run()
    assert not at.exception
    history = stored_history()
    assert sorted(history["nama_file"]) == ["baik.xlsx", "sekretariat.xlsx"]
    assert set(history["status"]) == {"accepted"}
    assert "sekretariat.xlsx: Berkas sekretariat.xlsx disimpan" in texts(at, "success")
    assert "Menggantikan" not in texts(at, "success", "info")
    assert "baik.xlsx: Berkas baik.xlsx sudah tersimpan sebagai kiriman #1" in texts(at, "info")


def test_beranda_counts_in_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value(
        [("baik.xlsx", good_sheet(), XLSX), ("salah.xlsx", bad_sheet(), XLSX)]
    ).run()
    at.button[0].click().run()

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("Beranda loaded rows to count them")

    monkeypatch.setattr(store.Store, "records", not_here)
    monkeypatch.setattr(store.Store, "history", not_here)
    beranda = app("beranda.py").run()
    assert not beranda.exception
    metrics = {m.label: m.value for m in beranda.metric}
    # Both files are about TW I 2023, the only round (none was opened: the latest one shows).
    assert metrics["Kiriman putaran ini"] == "2"
    assert metrics["Data kinerja putaran ini"] == "2"
    assert metrics["Bidang yang sudah mengirim"] == "1 dari 4 bidang"


def test_a_settings_change_reads_the_file_again() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("baik.xlsx", good_sheet(), XLSX)]).run()
    merged = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns][-1]
    assert list(merged["Capaian (%)"]) == ["90,00", "125,00"]
    with store.connect(os.environ["KINERJA_DATABASE_URL"]) as s:
        s.set_settings({"capaian": {"batas_capaian": 100}}, user="admin")
    at.run()
    merged = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns][-1]
    assert list(merged["Capaian (%)"]) == ["90,00", "100,00"]


EVIL_LINK = "[tautan](https://evil.example/a)"
EVIL_IMAGE = "![x](https://evil.example/track.png)"


def test_user_text_reaches_markdown_escaped() -> None:
    name = f"{EVIL_LINK} **tebal** :red[merah] $x$ <b>b</b> www.evil.example.xlsx"
    twin = f"kembar {EVIL_IMAGE}.xlsx"
    indikator = f"Jumlah {EVIL_IMAGE} {EVIL_LINK}"
    data = f.xlsx([HEADER, ["Sekretariat", indikator, "unit", 2023, "TW I", 10, 9]])
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([(name, data, XLSX), (twin, data, XLSX)]).run()
    assert not at.exception
    kinds = ("markdown", "caption", "error", "success", "info", "warning", "subheader")
    sources = " ".join(e.value for kind in kinds for e in getattr(at, kind))
    assert "](" not in sources and "https://" not in sources and "**tebal" not in sources
    assert ":red[" not in sources and "$x$" not in sources and "<b>" not in sources
    # Text as the parser leaves it: Streamlit then links bare URLs found in it (GFM autolinks).
    parsed = re.sub(r"\\(.)", r"\1", sources)
    assert "://" not in parsed and "www." not in parsed
    assert name in texts(at, "markdown")
    clash = texts(at, "error")
    assert indikator in clash and name in clash and twin in clash


def test_large_sheet_shows_the_first_rows_and_says_so() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("besar.xlsx", f.xlsx(f.long_rows(1204)), XLSX)]).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1204 data" in captions
    assert "Menampilkan 1.000 dari 1.204 data." in captions
    assert all(len(d.value) <= 1000 for d in at.dataframe)


# --- Streamlit's own chrome: the config, and the page for an unknown address -----------------


def test_streamlit_config_holds_only_options_this_streamlit_has() -> None:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        config = tomllib.load(fh)
    for section, options in config.items():
        for name in options:
            st.get_option(f"{section}.{name}")  # an option this version lacks raises
    # No developer menu and no "Made with Streamlit" line: the menu holds only what the app
    # adds through st.set_page_config(menu_items=...), and it adds nothing.
    assert config["client"]["toolbarMode"] == "minimal"
    # The server takes no file the reader would refuse for its size.
    assert config["server"]["maxUploadSize"] * 2**20 <= workbook.MAX_FILE_BYTES


@pytest.mark.parametrize(
    ("url", "base", "path"),
    [
        ("http://localhost:8501/tidak-ada", "", "tidak-ada"),
        ("http://localhost:8501/tidak-ada/", "", "tidak-ada"),
        ("http://localhost:8501/tidak%20ada", "", "tidak ada"),
        ("http://localhost:8501", "", ""),
        ("https://dinas.example/kinerja/riwayat", "kinerja", "riwayat"),
        ("https://dinas.example/kinerja/", "/kinerja/", ""),
        ("http://localhost:8501/a/b", "", "a/b"),
        (None, "", ""),
    ],
)
def test_the_address_asked_for(url: str | None, base: str, path: str) -> None:
    assert navigasi.requested_path(url, base) == path


def at_address(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """st.context.url as a browser at http://localhost:8501/<path> gives it."""
    url = f"http://localhost:8501/{path}"
    monkeypatch.setattr(type(st.context), "url", property(lambda self: url))


@pytest.mark.parametrize(
    ("path", "unknown"),
    [
        ("tidak-ada", "tidak-ada"),
        ("beranda", "beranda"),  # the default page lives at "/" only
        ("Unggah", "Unggah"),  # Streamlit matches url_path case-sensitively
        ("unggah", None),
        ("riwayat", None),
        ("", None),
        ("a/b", None),  # nested: Streamlit's frontend does not load there at all
    ],
)
def test_which_addresses_get_the_page_for_unknown_ones(
    monkeypatch: pytest.MonkeyPatch, path: str, unknown: str | None
) -> None:
    at_address(monkeypatch, path)
    assert navigasi.unknown_path(["", "unggah", "riwayat"]) == unknown
    # The router registers that page beside the others without a clash, on every address.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Pengumpulan Data Kinerja"  # AppTest opens the default page


def not_found_app() -> None:
    """A navigation whose default page is the one for an unknown address (AppTest cannot
    open a page by its address)."""
    import streamlit as st

    from kinerja.ui import navigasi

    beranda = st.Page(lambda: st.title("Beranda"), title="Beranda", url_path="beranda")
    hilang = navigasi.not_found_page("[tautan](https://evil.example) **x**", home=beranda)
    st.navigation([st.Page(hilang, title="Hilang", url_path="hilang", default=True), beranda]).run()


def test_the_page_for_an_unknown_address_is_indonesian() -> None:
    at = AppTest.from_function(not_found_app, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Halaman tidak ditemukan"
    (warning,) = at.warning
    assert "](" not in warning.value and "**x" not in warning.value
    assert shown(warning.value) == (
        "Alamat /[tautan](https://evil.example) **x** tidak ada di aplikasi ini. Periksa "
        "tautannya, atau pilih halaman di menu samping."
    )
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["Kembali ke Beranda"]
