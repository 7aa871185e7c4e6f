"""The collection format: built from the PK, filled by a script (openpyxl) and read back with
no warning and the PK's targets; its metadata, protection, deleted rows and changed targets;
`kinerja format` (files, .zip, exit codes, the SOP steps it records)."""

from __future__ import annotations

import datetime as dt
import io
import json
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kinerja import cli, ingest, pk, store, workbook
from kinerja import format as fmt
from kinerja.ingest import meta

ROOT = Path(__file__).resolve().parents[1]
SETTINGS: dict[str, Any] = tomllib.loads((ROOT / "data" / "instansi.toml").read_text())
DEMO_BIDANG = SETTINGS["bidang"]


def demo_pk(tahun: int = 2023) -> pd.DataFrame:
    path = ROOT / "data" / "demo" / "pk" / f"pk-{tahun}.xlsx"
    frame, errors = pk.read_pk(path.read_bytes(), path.name)
    assert errors == []
    return frame


def pk_rows(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A PK frame with every PK column (store.indicators' shape)."""
    from kinerja.store.indicators import PK_COLUMNS

    return pd.DataFrame(rows).reindex(columns=PK_COLUMNS)


def data_sheet(book: openpyxl.Workbook) -> Any:
    (name,) = [n for n in book.sheetnames if n != fmt.PETUNJUK]
    return book[name]


def indicator_rows(ws: Any) -> list[int]:
    """The rows of the format's table (1-based), found by their locked target."""
    header = next(r for r in range(1, 20) if ws.cell(r, 3).value == "Indikator Kinerja")
    rows = []
    r = header + 2
    while ws.cell(r, 3).value:
        rows.append(r)
        r += 1
    return rows


def fill(data: bytes, realisasi: Any = None, **changes: Any) -> bytes:
    """The format as a script fills it: realisasi (target x 0,93 by default), keterangan, pagu
    and realisasi anggaran in every indicator row; `changes` maps "F9" to a new value."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = data_sheet(book)
    for r in indicator_rows(ws):
        target = ws.cell(r, fmt.COL_TARGET + 1).value
        value = realisasi(target) if realisasi else round(target * 0.93, 2)
        ws.cell(r, fmt.COL_REALISASI + 1).value = value
        ws.cell(r, fmt.COL_KETERANGAN + 1).value = "Sesuai rencana aksi"
        ws.cell(r, fmt.COL_PAGU + 1).value = 150_000_000
        ws.cell(r, fmt.COL_REALISASI_ANGGARAN + 1).value = 120_500_000
    for ref, value in changes.items():
        ws[ref] = value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def edit(data: bytes, change: Any) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def by_bidang(formats: list[fmt.Format]) -> dict[str, fmt.Format]:
    return {f.bidang: f for f in formats}


# --- building -----------------------------------------------------------------------------


def test_every_bidang_of_the_pk_gets_a_format_in_the_agency_order() -> None:
    formats = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")
    assert [f.bidang for f in formats] == DEMO_BIDANG
    got = {f.bidang: (f.indikator, f.tanpa_target) for f in formats}
    assert got == {
        "Sekretariat": (3, ("Nilai SAKIP",)),
        "Bidang Perindustrian": (4, ()),
        "Bidang Pelatihan dan Penempatan Tenaga Kerja": (3, ("Tingkat pengangguran terbuka",)),
        "Bidang Hubungan Industrial": (4, ()),
    }
    assert formats[1].nama_file == "format-kinerja-2023-tw-ii-bidang-perindustrian.xlsx"
    assert all(f.tahun == 2023 and f.periode == "TW II" for f in formats)


@pytest.mark.parametrize(
    ("periode", "column"),
    [
        ("TW I", "target_tw1"),
        ("Triwulan 2", "target_tw2"),
        ("TW III", "target_tw3"),
        ("TW IV", "target_tw4"),
        ("Semester I", "target_tw2"),
        ("Semester II", "target_tw4"),
        ("Tahunan", "target"),
    ],
)
def test_the_target_of_each_periode_is_the_evaluations_pk_column(periode: str, column: str) -> None:
    assert fmt.target_column(periode) == column


def test_a_year_end_periode_without_a_quarter_target_takes_the_annual_one() -> None:
    frame = pk_rows(
        [
            {"bidang": "B", "indikator": "Tahunan saja", "target": 4.3},
            {"bidang": "B", "indikator": "Triwulanan", "target": 10, "target_tw2": 5,
             "target_tw4": 10},
        ]
    )  # fmt: skip
    assert fmt.period_targets(frame, "TW IV").tolist() == [4.3, 10.0]
    assert fmt.period_targets(frame, "Semester II").tolist() == [4.3, 10.0]
    tw2 = fmt.period_targets(frame, "TW II")
    assert tw2.isna().tolist() == [True, False] and tw2.iloc[1] == 5.0


@pytest.mark.parametrize(
    ("day", "periode"),
    [(dt.date(2023, 1, 1), "TW I"), (dt.date(2023, 6, 30), "TW II"), (dt.date(2023, 7, 1),
     "TW III"), (dt.date(2023, 12, 31), "TW IV")],
)  # fmt: skip
def test_the_current_quarter(day: dt.date, periode: str) -> None:
    assert fmt.current_periode(day) == periode


def test_one_bidang_by_its_name_in_any_spelling() -> None:
    frame = demo_pk()
    (only,) = fmt.build(frame, SETTINGS, tahun=2023, periode="TW I", bidang="perindustrian")
    assert only.bidang == "Bidang Perindustrian"
    assert fmt.build(frame, SETTINGS, tahun=2023, periode="TW I", bidang="Bidang Fiktif") == []


def test_bidang_without_pk_or_without_a_target_get_no_format() -> None:
    frame = pk_rows(
        [
            {"bidang": "Bidang Perindustrian", "indikator": "Jumlah IKM", "target": 8,
             "target_tw1": 2},
            {"bidang": "Sekretariat", "indikator": "Nilai SAKIP", "target": 70},
        ]
    )  # fmt: skip
    formats = fmt.build(frame, SETTINGS, tahun=2024, periode="TW I")
    assert [f.bidang for f in formats] == ["Bidang Perindustrian"]
    assert fmt.bidang_without_target(frame, formats) == ["Sekretariat"]
    assert fmt.bidang_without_pk(frame, SETTINGS) == [
        "Bidang Pelatihan dan Penempatan Tenaga Kerja",
        "Bidang Hubungan Industrial",
    ]


def test_the_zip_holds_every_format_under_its_name() -> None:
    formats = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="Semester I")
    with zipfile.ZipFile(io.BytesIO(fmt.to_zip(formats))) as zf:
        assert zf.namelist() == [f.nama_file for f in formats]
        assert [zf.read(f.nama_file) for f in formats] == [f.data for f in formats]
    assert fmt.zip_name(2023, "Semester I") == "format-kinerja-2023-semester-i.zip"


# --- what the file holds ------------------------------------------------------------------


def test_title_block_headers_and_sheets() -> None:
    settings = {**SETTINGS, "alamat": "Jl. Raya Negara KM 7, Sarilamak"}
    f = by_bidang(fmt.build(demo_pk(), settings, tahun=2023, periode="TW II"))[
        "Bidang Perindustrian"
    ]
    book = openpyxl.load_workbook(io.BytesIO(f.data))
    assert book.sheetnames == ["Petunjuk", "TW II"]
    assert book.active.title == "TW II"
    ws = book["TW II"]
    titles = [ws.cell(r, 1).value for r in range(1, 6)]
    assert titles == [
        "PEMERINTAH KABUPATEN LIMA PULUH KOTA",
        "DINAS PERINDUSTRIAN DAN TENAGA KERJA",
        "Jl. Raya Negara KM 7, Sarilamak",
        "FORMAT DATA KINERJA TRIWULAN II TAHUN 2023",
        "Unit Kerja: Bidang Perindustrian",
    ]
    assert [ws.cell(7, c).value for c in range(1, 11)] == fmt.HEADERS
    assert [ws.cell(8, c).value for c in range(1, 11)] == [f"({k})" for k in range(1, 11)]
    rows = indicator_rows(ws)
    assert [ws.cell(r, 3).value for r in rows] == [
        "Jumlah IKM yang dibina",
        "Jumlah sentra IKM yang dibina",
        "Cakupan bina kelompok pengrajin",
        "Jumlah IKM yang memperoleh sertifikat halal",
    ]
    assert [ws.cell(r, 6).value for r in rows] == [750, 4, 50, 16]
    assert [ws.cell(r, 5).value for r in rows] == ["Naik"] * 4
    petunjuk = " ".join(str(c.value) for c in book["Petunjuk"]["A"] if c.value)
    assert "PETUNJUK PENGISIAN" in petunjuk and "Realisasi" in petunjuk
    # Kepala Bidang signs under the table.
    signed = [ws.cell(r, 8).value for r in range(rows[-1] + 1, rows[-1] + 10)]
    assert "Kepala Bidang Perindustrian" in signed
    assert "Sarilamak, .................... 2023" in signed


def test_settings_with_only_a_name_still_build_a_readable_format() -> None:
    frame = pk_rows([{"bidang": "Bidang X", "indikator": "Jumlah A", "target": 3, "target_tw1": 1}])
    (f,) = fmt.build(frame, {"nama": "Dinas Uji"}, tahun=2024, periode="TW I")
    result = ingest.read(fill(f.data), filename="a.xlsx")
    assert result.valid and result.report.warnings == []
    assert result.records[["bidang", "tahun", "periode", "target"]].values.tolist() == [
        ["Bidang X", 2024, "TW I", 1.0]
    ]


def test_targets_are_locked_inputs_open_and_no_password_is_asked() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[0]
    book = openpyxl.load_workbook(io.BytesIO(f.data))
    for ws in book.worksheets:
        assert ws.protection.sheet is True
        assert ws.protection.password is None  # opening, reading, even unprotecting: no prompt
        assert ws.sheet_state == "visible"
    ws = data_sheet(book)
    r = indicator_rows(ws)[0]
    for col in (1, 2, 3, 4, 5, fmt.COL_TARGET + 1):
        assert ws.cell(r, col).protection.locked is True
    inputs = (fmt.COL_REALISASI, fmt.COL_KETERANGAN, fmt.COL_PAGU, fmt.COL_REALISASI_ANGGARAN)
    for col in inputs:
        assert ws.cell(r, col + 1).protection.locked is False
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter
    realisasi = validations[
        f"{letter(fmt.COL_REALISASI + 1)}{r}:{letter(fmt.COL_REALISASI + 1)}{r + 2}"
    ]
    assert realisasi.type == "decimal" and realisasi.showInputMessage
    assert realisasi.promptTitle == "Realisasi TW II 2023"
    assert "Kosongkan bila datanya belum ada" in realisasi.prompt
    assert realisasi.error and "angka" in realisasi.error
    pagu = validations[f"{letter(fmt.COL_PAGU + 1)}{r}:{letter(fmt.COL_PAGU + 1)}{r + 2}"]
    assert (pagu.type, pagu.operator, pagu.formula1) == ("decimal", "greaterThanOrEqual", "0")


def test_the_metadata_sits_in_hidden_columns_of_the_petunjuk_sheet() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    book = openpyxl.load_workbook(io.BytesIO(f.data))
    ws = book["Petunjuk"]
    first = fmt.META_COL + 1
    letter = openpyxl.utils.get_column_letter(first)
    assert ws.column_dimensions[letter].hidden
    assert ws.cell(1, first).value == meta.MARK
    found = meta.find(workbook.load(f.data))
    assert found is not None
    assert (found.bidang, found.tahun, found.periode, found.lembar) == (
        "Bidang Perindustrian",
        2023,
        "TW II",
        "TW II",
    )
    assert [(r.baris, r.indikator, r.target) for r in found.rows] == [
        (9, "Jumlah IKM yang dibina", 750.0),
        (10, "Jumlah sentra IKM yang dibina", 4.0),
        (11, "Cakupan bina kelompok pengrajin", 50.0),
        (12, "Jumlah IKM yang memperoleh sertifikat halal", 16.0),
    ]


# --- filled and read back -----------------------------------------------------------------


@pytest.mark.parametrize("periode", ["TW I", "TW II", "TW III", "TW IV", "Semester I",
                                     "Semester II", "Tahunan"])  # fmt: skip
@pytest.mark.parametrize("tahun", [2022, 2023])
def test_a_filled_format_reads_with_no_warning_and_the_pks_targets(
    tahun: int, periode: str
) -> None:
    frame = demo_pk(tahun)
    formats = fmt.build(frame, SETTINGS, tahun=tahun, periode=periode)
    assert [f.bidang for f in formats] == DEMO_BIDANG  # every bidang, every round
    expected = frame.assign(t=fmt.period_targets(frame, periode)).dropna(subset=["t"])
    for f in formats:
        data = fill(f.data)
        # Any file name; the agency's bidang list as the upload page and `submit` give it.
        defaults = ingest.Defaults(daftar_bidang=tuple(DEMO_BIDANG))
        result = ingest.read(data, filename="data bidang (2).xlsx", defaults=defaults)
        assert result.valid, result.report.errors
        assert result.report.warnings == []
        recs = result.records
        assert set(recs["bidang"]) == {f.bidang}
        assert set(recs["tahun"]) == {tahun} and set(recs["periode"]) == {periode}
        want = expected[expected["bidang"] == f.bidang]
        # Exactly the PK's targets, in the PK's order, and the realisasi as typed.
        assert recs["indikator"].tolist() == want["indikator"].tolist()
        assert recs["target"].tolist() == want["t"].tolist()
        assert recs["realisasi"].tolist() == [round(t * 0.93, 2) for t in want["t"]]
        assert recs["sasaran"].tolist() == want["sasaran"].tolist()
        assert recs["satuan"].tolist() == want["satuan"].tolist()
        assert recs["arah"].tolist() == want["arah"].tolist()
        assert set(recs["keterangan"]) == {"Sesuai rencana aksi"}
        assert set(recs["pagu"]) == {150_000_000.0}
        assert set(recs["realisasi_anggaran"]) == {120_500_000.0}


def test_targets_with_many_decimals_come_back_exactly() -> None:
    targets = [0.1, 72.81, 1234.5678, 4.375, 1 / 3, 98.40000000000001, 3_661, 1e-06]
    frame = pk_rows(
        [{"bidang": "Bidang Uji", "indikator": f"Indikator {k}", "target": t, "target_tw3": t}
         for k, t in enumerate(targets)]
    )  # fmt: skip
    (f,) = fmt.build(frame, {}, tahun=2024, periode="TW III")
    result = ingest.read(fill(f.data, realisasi=lambda t: t), filename="x.xlsx")
    assert result.valid and result.report.warnings == []
    assert result.records["target"].tolist() == targets
    assert result.records["realisasi"].tolist() == targets


def test_a_blank_realisasi_is_not_yet_reported_as_for_any_sheet() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    result = ingest.read(f.data, filename="kosong.xlsx")
    assert result.valid
    assert {w.code for w in result.report.warnings} == {None}
    assert [w.row for w in result.report.warnings] == [9, 10, 11, 12]
    assert result.records["realisasi"].isna().all()


def test_without_its_title_the_metadata_gives_bidang_tahun_and_periode() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="Tahunan")[2]

    def strip(book: openpyxl.Workbook) -> None:
        ws = data_sheet(book)
        for rng in list(ws.merged_cells.ranges):
            if rng.min_row <= 5:
                ws.unmerge_cells(str(rng))
        for r in range(1, 6):
            ws.cell(r, 1).value = None
        ws.title = "Data"

    data = edit(fill(f.data), strip)
    result = ingest.read(data, filename="tanpa-judul.xlsx")
    assert result.valid and result.report.warnings == []
    assert set(zip(result.records["bidang"], result.records["tahun"], result.records["periode"],
                   strict=True)) == {("Bidang Pelatihan dan Penempatan Tenaga Kerja", 2023,
                                      "Tahunan")}  # fmt: skip
    # The same file with the metadata gone: nothing says the round any more.
    bare = edit(data, lambda book: book.remove(book["Petunjuk"]))
    refused = ingest.read(bare, filename="tanpa-judul.xlsx")
    assert not refused.valid
    assert {e.column for e in refused.report.errors} >= {"Bidang", "Tahun", "Periode"}


def test_the_form_and_the_title_still_come_before_the_metadata() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    retitled = fill(f.data, A4="FORMAT DATA KINERJA TRIWULAN III TAHUN 2023")
    result = ingest.read(retitled, filename="x.xlsx")
    # The sheet's own title wins, as for any sheet; the metadata fills only what is missing.
    assert set(result.records["periode"]) == {"TW III"}
    form = ingest.Defaults(bidang="Bidang Perindustrian", tahun=2023, periode="TW II")
    assert ingest.read(fill(f.data), filename="x.xlsx", defaults=form).report.warnings == []


def test_a_deleted_indicator_row_is_reported() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    data = edit(fill(f.data), lambda book: data_sheet(book).delete_rows(10))
    result = ingest.read(data, filename="x.xlsx")
    assert result.valid
    (warning,) = result.report.warnings
    assert warning.code == meta.BARIS_HILANG == "baris_format_hilang"
    assert (warning.column, warning.sheet) == ("Indikator Kinerja", "TW II")
    assert "'Jumlah sentra IKM yang dibina'" in warning.message
    assert "baris 10, target 4" in warning.message
    assert len(result.records) == 3


def test_a_changed_target_is_reported_with_its_cell() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    result = ingest.read(fill(f.data, F11="47,5"), filename="x.xlsx")
    assert result.valid
    (warning,) = result.report.warnings
    assert warning.code == meta.TARGET_DIUBAH == "target_format_diubah"
    assert (warning.row, warning.column, warning.sheet) == (11, "Target", "TW II")
    assert "sel F11 (47,5)" in warning.message and "yaitu 50" in warning.message
    assert result.records["target"].tolist() == [750.0, 4.0, 47.5, 16.0]
    assert warning.to_json()["code"] == "target_format_diubah"


def test_a_renamed_indicator_is_a_row_gone() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    result = ingest.read(fill(f.data, C9="Jumlah IKM binaan"), filename="x.xlsx")
    assert [w.code for w in result.report.warnings] == [meta.BARIS_HILANG]
    assert "'Jumlah IKM yang dibina'" in result.report.warnings[0].message


def test_a_damaged_metadata_block_is_ignored() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[1]
    col = fmt.META_COL + 1

    def damage(book: openpyxl.Workbook) -> None:
        book["Petunjuk"].cell(3, col + 1).value = "bukan tahun"

    data = edit(fill(f.data), damage)
    assert meta.find(workbook.load(data)) is None
    result = ingest.read(data, filename="x.xlsx")  # the title still says it all
    assert result.valid and result.report.warnings == []


def test_the_petunjuk_sheet_holds_no_table() -> None:
    f = fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")[0]
    book = workbook.load(f.data)
    assert ingest.locate_tables(book.sheet("Petunjuk")) == []
    assert ingest.locate_table(book.sheet("Petunjuk"), any_of=("indikator",)) is None


def test_stored_formats_raise_no_target_flag_and_a_changed_target_does(demo_db: str) -> None:
    from kinerja import evaluasi, kirim

    with store.connect(demo_db) as s:
        pk_2023 = s.indicators(tahun=2023)
        formats = fmt.build(pk_2023, s.settings(), tahun=2023, periode="TW III")
        defaults = ingest.Defaults()
        for f in formats[:-1]:
            sent = kirim.kirim(s, fill(f.data), "apa saja.xlsx", defaults=defaults, user="uji")
            assert sent.outcome.status == "accepted", sent.message
        # Hubungan Industrial changes its first target (the PK's TW III target is 9).
        assert formats[-1].bidang == "Bidang Hubungan Industrial"
        last = fill(formats[-1].data, F9=6)
        sent = kirim.kirim(s, last, "hi.xlsx", defaults=defaults, user="uji")
        assert sent.outcome.status == "accepted"
        flagged = evaluasi.flags(s, tahun=2023, periode="TW III")
        stored = s.records(tahun=2023)
    beda = flagged[flagged["check"] == "target_beda_pk"]
    assert beda["indikator"].tolist() == ["Angka sengketa pengusaha-pekerja"]
    assert len(stored) == sum(f.indikator for f in formats)


# --- the command line ---------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(db_url: str) -> str:
    """A database with the demo agency and its 2023 PK."""
    with store.connect(db_url) as s:
        s.init(user="uji")
        s.import_pk(demo_pk(2023), tahun=2023, user="uji")
    return db_url


def steps(db_url: str) -> list[tuple[Any, ...]]:
    with store.connect(db_url) as s:
        r = s.rounds(tahun=2023)
    r = r[r["langkah"].notna()]
    return list(zip(r["periode"], r["langkah"], r["oleh"], strict=True))


def test_cli_writes_one_file_per_bidang_and_records_steps_2_and_3(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "format"
    out.mkdir()
    code, text, err = run(
        capsys, "format", "--db", demo_db, "--tahun", "2023", "--periode", "triwulan 2",
        "--out", str(out), "--user", "ani",
    )  # fmt: skip
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(fmt.file_name(b, 2023, "TW II") for b in DEMO_BIDANG)
    assert "Format TW II 2023: 4 file ditulis" in text
    for path in out.iterdir():
        result = ingest.read(fill(path.read_bytes()), filename=path.name)
        assert result.valid and result.report.warnings == []
    assert steps(demo_db) == [("TW II", "format_dibuat", "ani"), ("TW II", "format_dikirim", "ani")]


def test_cli_writes_a_zip_and_its_json_is_the_contract(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "semua.zip"
    code, text, _ = run(
        capsys, "format", "--db", demo_db, "--tahun", "2023", "--periode", "TW IV",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0
    got = json.loads(text)
    assert list(got) == ["ok", "tahun", "periode", "out", "files", "bidang_tanpa_pk",
                         "bidang_tanpa_target"]  # fmt: skip
    assert (got["ok"], got["tahun"], got["periode"], got["out"]) == (True, 2023, "TW IV", str(out))
    assert [list(f) for f in got["files"]] == [
        ["bidang", "file", "path", "indikator", "tanpa_target"]
    ] * 4
    assert [f["bidang"] for f in got["files"]] == DEMO_BIDANG
    assert all(f["path"] is None for f in got["files"])
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == [f["file"] for f in got["files"]]
    assert not list(tmp_path.glob("*.tmp"))


def test_cli_one_bidang(demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run(
        capsys, "format", "--db", demo_db, "--tahun", "2023", "--periode", "TW I",
        "--bidang", "hubungan industrial", "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert code == 0
    (only,) = json.loads(text)["files"]
    assert only["bidang"] == "Bidang Hubungan Industrial"
    assert Path(only["path"]).read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tahun", "2021", "--periode", "TW I"], "Belum ada Perjanjian Kinerja tahun 2021"),
        (["--tahun", "2023", "--periode", "TW I", "--bidang", "Bidang Fiktif"],
         "Bidang 'Bidang Fiktif' tidak punya indikator di PK 2023"),
    ],
)  # fmt: skip
def test_cli_refuses_without_a_pk(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "format"
    out.mkdir()
    code, _, err = run(capsys, "format", "--db", demo_db, *args, "--out", str(out))
    assert code == 1
    assert message in err
    assert list(out.iterdir()) == []
    assert steps(demo_db) == []


@pytest.mark.parametrize("out", ["tidak-ada", "tidak-ada/semua.zip", "berkas.txt"])
def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str) -> None:
    (tmp_path / "berkas.txt").write_text("x")
    db = f"sqlite:///{tmp_path / 'belum.db'}"
    code, _, err = run(
        capsys, "format", "--db", db, "--tahun", "2023", "--periode", "TW I",
        "--out", str(tmp_path / out),
    )  # fmt: skip
    assert code == 2
    assert "kesalahan penggunaan" in err
    assert not (tmp_path / "belum.db").exists()  # told before the database is opened


def test_cli_unknown_periode_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["format", "--tahun", "2023", "--periode", "TW 5", "--out", "."])
    assert exc.value.code == 2
    assert "periode 'TW 5' tidak dikenal" in capsys.readouterr().err
