"""The format page (AppTest): no PK yet, the round chosen, one download per bidang and the
.zip, SOP steps 2 and 3 recorded, a bidang without PK indicators named."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import format as fmt
from kinerja import pk, store
from kinerja.ui import state

ROOT = Path(__file__).resolve().parents[2]
DEMO_BIDANG = [
    "Sekretariat",
    "Bidang Perindustrian",
    "Bidang Pelatihan dan Penempatan Tenaga Kerja",
    "Bidang Hubungan Industrial",
]


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'format.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    with store.connect(url) as s:
        s.init(user="uji")
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


def import_demo_pk(url: str, tahun: int) -> None:
    path = ROOT / "data" / "demo" / "pk" / f"pk-{tahun}.xlsx"
    frame, errors = pk.read_pk(path.read_bytes(), path.name)
    assert errors == []
    with store.connect(url) as s:
        s.import_pk(frame, tahun=tahun, user="uji")


def steps(url: str) -> pd.DataFrame:
    with store.connect(url) as s:
        r = s.rounds()
    return r[r["langkah"].notna()].reset_index(drop=True)


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("views/format.py")
    return at


def text(at: AppTest, *kinds: str) -> str:
    parts = [e.value for kind in kinds for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", " ".join(str(p) for p in parts)).replace("\u2060", "")


def downloads(at: AppTest) -> list[tuple[str, str]]:
    return [(b.proto.label, b.proto.help) for b in at.download_button]


def test_no_pk_yet_points_to_the_pk_page(app_db: str) -> None:
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Format Data Kinerja"
    info = text(at, "info")
    assert "Belum ada Perjanjian Kinerja" in info and "/perjanjian-kinerja" in info
    assert list(at.download_button) == []
    assert steps(app_db).empty


def test_a_round_gives_one_download_per_bidang_and_a_zip(app_db: str) -> None:
    import_demo_pk(app_db, 2022)
    import_demo_pk(app_db, 2023)
    at = app().run()
    assert not at.exception, at.exception
    # The latest PK year and the current quarter by default.
    assert at.selectbox(key=f"{state.FORMAT}_tahun").value == 2023
    now = fmt.current_periode(dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date())
    assert at.selectbox(key=f"{state.FORMAT}_periode").value == now

    at.selectbox(key=f"{state.FORMAT}_periode").set_value("TW II").run()
    assert not at.exception
    shown = text(at, "markdown")
    for bidang in DEMO_BIDANG:
        assert bidang in shown
    assert shown.count("4 indikator") == 2 and shown.count("3 indikator") == 2
    assert downloads(at) == [
        *[("Unduh .xlsx", f"Format {b}: {fmt.file_name(b, 2023, 'TW II')}") for b in DEMO_BIDANG],
        ("Unduh semua format TW II 2023 (.zip)", "format-kinerja-2023-tw-ii.zip"),
    ]
    captions = text(at, "caption")
    assert "4 format, 14 indikator, target TW II 2023" in captions
    assert "Tanpa target TW II 2023 di PK, tidak dimasukkan: Nilai SAKIP." in captions

    # Step 2 once per round built in this tab: a rerun and a return to the round add none.
    at.run()
    at.selectbox(key=f"{state.FORMAT}_periode").set_value("TW III").run()
    at.selectbox(key=f"{state.FORMAT}_periode").set_value("TW II").run()
    got = steps(app_db)
    made = got[got["langkah"] == "format_dibuat"]
    assert sorted(made["periode"]) == sorted({now, "TW II", "TW III"})
    assert set(made["oleh"]) == {state.DEFAULT_USER}


def test_a_download_records_that_the_format_was_sent(app_db: str) -> None:
    import_demo_pk(app_db, 2023)
    at = app().run()
    at.selectbox(key=f"{state.FORMAT}_periode").set_value("Semester I").run()
    at.download_button[1].click().run()
    assert not at.exception
    assert "Format Bidang Perindustrian diunduh; pengiriman format dicatat." in text(at, "success")
    at.download_button[-1].click().run()
    got = steps(app_db)
    sent = got[got["langkah"] == "format_dikirim"]
    assert sent["periode"].tolist() == ["Semester I", "Semester I"]
    assert sent["catatan"].tolist() == [
        "Format Bidang Perindustrian diunduh",
        "Semua format Semester I 2023 (.zip) diunduh",
    ]


def test_a_bidang_of_the_agency_without_pk_indicators_is_named(app_db: str) -> None:
    import_demo_pk(app_db, 2023)
    with store.connect(app_db) as s:
        s.set_settings({"bidang": [*DEMO_BIDANG, "UPTD Latihan Kerja"]}, user="uji")
    at = app().run()
    at.selectbox(key=f"{state.FORMAT}_periode").set_value("TW I").run()
    assert not at.exception
    warning = text(at, "warning")
    assert "Tidak ada indikator PK 2023 untuk: UPTD Latihan Kerja" in warning
    assert "/perjanjian-kinerja" in warning
    assert len(at.download_button) == 5
