"""Beranda (AppTest): the round in progress with its seven steps, its counts, recording a step
by hand, opening a round, the completeness matrix and its links into Riwayat."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import cli, store
from kinerja.ui import state

ROOT = Path(__file__).resolve().parents[2]
PERINDUSTRIAN = "Bidang Perindustrian"


@pytest.fixture(scope="module")
def _demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert cli.main(["demo", "--db", f"sqlite:///{folder / 'demo.db'}", "--json"]) == 0
    s = store.connect(f"sqlite:///{folder / 'demo.db'}")
    try:
        return s.backup(folder / "golden.db")  # self-contained (no WAL beside it)
    finally:
        s.close()


@pytest.fixture
def demo_url(_demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "app.db"
    shutil.copyfile(_demo_db, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return url


@pytest.fixture
def empty_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'kosong.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return url


def app(page: str = "beranda.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"views/{page}")
    return at


def text(at: AppTest, *kinds: str) -> str:
    kinds = kinds or ("markdown", "caption", "info", "success", "error", "subheader")
    parts = [e.value for kind in kinds for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", " ".join(str(p) for p in parts)).replace("\u2060", "")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def steps(at: AppTest) -> list[tuple[int, str]]:
    (table,) = [d.value for d in at.dataframe if "Mutu Baku" in d.value.columns]
    return list(zip(table["No"].astype(int), table["Status"], strict=True))


def test_the_demo_round_in_progress(demo_url: str) -> None:
    at = app().run()
    assert not at.exception
    shown = text(at)
    assert "Putaran TW IV 2023" in shown
    assert re.search(r"Tenggat \d{1,2} \w{3} \d{4} \((6|7) hari lagi\)", shown), shown
    assert "Langkah sekarang: **4. Bidang mengisi format** (3 dari 4 bidang)" in shown
    assert f"Belum masuk: {PERINDUSTRIAN}" in shown
    # Counts of this round only (the demo holds 2022 and 2023, 19 files).
    assert metrics(at) == {
        "Kiriman putaran ini": "3",
        "Data kinerja putaran ini": metrics(at)["Data kinerja putaran ini"],
        "Bidang yang sudah mengirim": "3 dari 4 bidang",
    }
    with store.connect(demo_url) as s:
        n = len(s.records(tahun=2023, periode="TW IV"))
    assert metrics(at)["Data kinerja putaran ini"] == str(n) and n > 0
    assert steps(at) == [
        (1, "Selesai"),
        (2, "Selesai, terlambat"),  # 3 h 20 min against 3 h
        (3, "Selesai"),
        (4, "Sedang berjalan"),
        (5, "Belum"),
        (6, "Belum"),
        (7, "Belum"),
    ]
    (table,) = [d.value for d in at.dataframe if "Mutu Baku" in d.value.columns]
    assert table.loc[1, "Lama"] == "3 jam 20 menit" and table.loc[1, "Mutu Baku"] == "3 jam"
    assert table.loc[2, "Lama"] == "15 menit" and table.loc[2, "Mutu Baku"] == "1 jam 30 menit"
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}\.\d{2} WIB", table.loc[0, "Waktu"])


def test_the_completeness_matrix_links_each_cell_to_its_history(demo_url: str) -> None:
    at = app().run()
    (matrix,) = [m.value for m in at.markdown if m.value.startswith("| Bidang |")]
    header, rule, *rows = matrix.splitlines()
    assert header == "| Bidang | TW I | TW II | TW III | TW IV |"
    assert len(rows) == 4
    (perin,) = [r for r in rows if r.startswith(f"| {PERINDUSTRIAN} |")]
    cells = [c.strip() for c in perin.strip("|").split("|")][1:]
    assert cells[3] == (
        "[:gray[Belum masuk]](riwayat?bidang=Bidang+Perindustrian&tahun=2023&periode=TW+IV)"
    )
    assert all(c.startswith("[:green[Diterima]](riwayat?") for c in cells[:3])
    assert "Belum masuk: 1 · Ditolak: 0 · Diterima: 15 · Terlambat: 0 · Diverifikasi: 0" in text(
        at, "caption"
    )


def test_riwayat_takes_the_cell_it_was_opened_for(demo_url: str) -> None:
    at = app("riwayat.py")
    at.query_params.update(bidang=PERINDUSTRIAN, tahun="2023", periode="TW III")
    at.run()
    assert not at.exception
    assert at.selectbox(key=f"{state.RIWAYAT}_bidang").value == PERINDUSTRIAN
    assert at.number_input(key=f"{state.RIWAYAT}_tahun").value == 2023
    assert at.selectbox(key=f"{state.RIWAYAT}_periode").value == "TW III"
    (history,) = [d.value for d in at.dataframe if "Status" in d.value.columns][:1]
    assert len(history) == 1  # Perindustrian's TW III 2023 sheet, and nothing else
    # A value the page does not offer is ignored, not an error.
    other = app("riwayat.py")
    other.query_params.update(bidang="Bidang Fiktif", tahun="dua ribu", periode="TW 9")
    other.run()
    assert not other.exception
    assert other.selectbox(key=f"{state.RIWAYAT}_bidang").value == "Semua"


def test_recording_a_step_by_hand_with_a_note(demo_url: str) -> None:
    at = app().run()
    at.text_input(key=state.PENGGUNA).set_value("Sub Koordinator")
    at.selectbox(key=f"{state.BERANDA}_langkah").set_value(5)
    at.text_area(key=f"{state.BERANDA}_catatan").set_value("Sekretariat menyerahkan data cetak")
    at.button(key="FormSubmitter:beranda_catat-Catat langkah").click().run()
    assert not at.exception
    assert (
        "Langkah 5 (Menghimpun format terisi dari setiap bidang) putaran TW IV 2023 dicatat."
        in (text(at, "success"))
    )
    assert dict(steps(at))[5] == "Selesai"
    (table,) = [d.value for d in at.dataframe if "Mutu Baku" in d.value.columns]
    assert table.loc[4, "Oleh"] == "Sub Koordinator"
    assert "Sekretariat menyerahkan data cetak" in table.loc[4, "Keterangan"]
    with store.connect(demo_url) as s:
        last = s.audit(aksi="langkah.catat").iloc[-1]
    assert last["oleh"] == "Sub Koordinator" and last["baru"]["langkah"] == "data_terkumpul"


def test_opening_the_first_round_of_an_empty_database(empty_url: str) -> None:
    at = app().run()
    assert not at.exception
    assert "Belum ada putaran pengumpulan data" in text(at, "info")
    at.number_input(key=f"{state.BERANDA}_buka_tahun").set_value(2025)
    at.selectbox(key=f"{state.BERANDA}_buka_periode").set_value("TW II")
    at.text_input(key=f"{state.BERANDA}_buka_catatan").set_value("Surat 005/9")
    at.button(key=f"{state.BERANDA}_buka").click().run()
    assert not at.exception
    assert "Putaran TW II 2025 dibuka; tenggat 10 Jul 2025." in text(at, "success")
    assert "Putaran TW II 2025" in text(at, "subheader")
    assert steps(at)[:2] == [(1, "Selesai"), (2, "Sedang berjalan")]
    assert metrics(at)["Bidang yang sudah mengirim"] == "0 dari 4 bidang"
    # Opening it again is refused, in Indonesian, and nothing changes.
    at.selectbox(key=f"{state.BERANDA}_buka_periode").set_value("TW II")
    at.number_input(key=f"{state.BERANDA}_buka_tahun").set_value(2025)
    at.button(key=f"{state.BERANDA}_buka").click().run()
    assert "sudah dibuka" in text(at, "error")


def test_another_round_can_be_chosen_and_shows_its_own_counts(demo_url: str) -> None:
    at = app().run()
    at.selectbox(key=state.BERANDA_PUTARAN).set_value((2022, "TW II")).run()
    assert not at.exception
    assert "Putaran TW II 2022" in text(at, "subheader")
    assert metrics(at)["Bidang yang sudah mengirim"] == "4 dari 4 bidang"
    assert metrics(at)["Kiriman putaran ini"] == "4"
    assert "Kelengkapan kiriman 2022" in text(at, "subheader")
    # Nothing recorded for it: it waits on its disposisi; the data did steps 4 and 5, and
    # the demo's check of its finished year (every bidang verified) step 6.
    assert dict(steps(at)) == {
        1: "Sedang berjalan", 2: "Belum", 3: "Belum", 4: "Selesai", 5: "Selesai", 6: "Selesai",
        7: "Belum",
    }  # fmt: skip


def test_moving_the_deadline(demo_url: str) -> None:
    import datetime as dt

    at = app().run()
    at.date_input(key=f"{state.BERANDA}_tenggat_baru").set_value(dt.date(2023, 12, 1))
    at.button(key="FormSubmitter:beranda_tenggat-Simpan tenggat").click().run()
    assert not at.exception
    assert "Tenggat putaran TW IV 2023: 1 Des 2023." in text(at, "success")
    # Past, with a bidang still missing: the header says how late, and the cell turns late.
    assert re.search(r"Tenggat 1 Des 2023 \(lewat [\d.]+ hari\)", text(at, "markdown"))
    (matrix,) = [m.value for m in at.markdown if m.value.startswith("| Bidang |")]
    (perin,) = [r for r in matrix.splitlines() if r.startswith(f"| {PERINDUSTRIAN} |")]
    assert perin.endswith("[:red[Terlambat]](riwayat?bidang=Bidang+Perindustrian&tahun=2023"
                          "&periode=TW+IV) |")  # fmt: skip
    with store.connect(demo_url) as s:
        assert s.deadlines()[(2023, "TW IV")].date() == dt.date(2023, 12, 1)
