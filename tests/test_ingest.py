"""The reader against every rule of docs/format.md: layouts, values, errors and limits."""

from __future__ import annotations

import io
import math
import zipfile

import openpyxl
import pytest

from kinerja import ingest
from kinerja.ingest import Defaults
from tests import factories as f

HEADER = ["No", "Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]


@pytest.fixture(autouse=True)
def _children_forked_from_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests here patch the reader in this process; its children must be forked from it."""
    monkeypatch.setenv("KINERJA_ISOLATE", "fork")


def read(data: bytes, name: str = "lembar.xlsx", **defaults: object) -> ingest.IngestResult:
    return ingest.read(data, filename=name, defaults=Defaults(**defaults))  # type: ignore[arg-type]


def rows_long(*data: list[object], header: list[object] = HEADER) -> list[list[object]]:
    return [header, *data]


def one(bidang="Bidang Perindustrian", ind="Jumlah IKM yang dibina", sat="unit", tahun=2023,
        periode="TW I", target=10, realisasi=9) -> list[object]:  # fmt: skip
    return [1, bidang, ind, sat, tahun, periode, target, realisasi]


def messages(issues: list[ingest.Issue]) -> str:
    return " | ".join(f"{i.row}:{i.column}:{i.message}" for i in issues)


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, field",
    [
        ("Bidang", "bidang"),
        ("UNIT KERJA", "bidang"),
        ("Bidang/Sekretariat", "bidang"),
        ("Unit", "bidang"),
        ("Sasaran Strategis", "sasaran"),
        ("Sasaran Program", "sasaran"),
        ("Sasaran Kegiatan", "sasaran"),
        ("Indikator\nKinerja", "indikator"),
        ("  indikator   kinerja utama ", "indikator"),
        ("IKU", "indikator"),
        ("Uraian", "indikator"),
        ("Satuan", "satuan"),
        ("Polaritas", "arah"),
        ("Sifat", "arah"),
        ("Jenis Indikator", "arah"),
        ("Triwulan", "periode"),
        ("TW", "periode"),
        ("Semester", "periode"),
        ("Target (%)", "target"),
        ("Realisasi s.d. Triwulan II", "realisasi"),
        ("Realisasi sd TW III", "realisasi"),
        ("Capaian Realisasi", "realisasi"),
        ("Capaian (%)", "capaian"),
        ("% Capaian", "capaian"),
        ("Persentase Capaian", "capaian"),
        ("Kendala", "keterangan"),
        ("Tindak Lanjut", "keterangan"),
        ("Upaya", "keterangan"),
        ("Pagu Anggaran (Rp)", "pagu"),
        ("Realisasi Keuangan", "realisasi_anggaran"),
        ("Realisasi Anggaran (Rp)", "realisasi_anggaran"),
        ("Keterangan *)", "keterangan"),
        ("Target 2023", "target"),
        ("Target Tahun 2023", "target"),
        ("Target Tahunan", "target"),
        ("Realisasi Th. 2023", "realisasi"),
        ("Indikator 2023", "indikator"),
        ("Tahun 2023", None),
        ("Capaian Kinerja Daerah", None),
    ],
)
def test_header_aliases(header: str, field: str | None) -> None:
    from kinerja.schema import header_field

    assert header_field(header) == field


def test_long_layout_reads_every_row_with_spreadsheet_row_numbers() -> None:
    data = f.xlsx(rows_long(one(), one(periode="TW II", target=20, realisasi=25)))
    res = read(data)
    assert res.valid, messages(res.report.errors)
    assert list(res.records["baris"]) == [2, 3]
    assert list(res.records["periode"]) == ["TW I", "TW II"]
    assert list(res.records["capaian"]) == pytest.approx([90.0, 125.0])
    assert list(res.records["predikat"]) == ["Tinggi", "Sangat Tinggi"]
    assert res.records["arah"].tolist() == ["naik", "naik"]


def test_title_rows_column_numbers_blank_rows_and_signature_are_skipped() -> None:
    rows = [
        ["PEMERINTAH KABUPATEN LIMA PULUH KOTA"],
        ["DINAS PERINDUSTRIAN DAN TENAGA KERJA"],
        ["FORMAT DATA KINERJA TRIWULAN II TAHUN 2023"],
        [],
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
        one(periode="TW II"),
        [],
        one(ind="Jumlah sentra IKM", sat="sentra", periode="TW II", target=2, realisasi=2),
        [],
        [None, None, None, None, None, "Sarilamak, 10 Juli 2023"],
        [None, None, None, None, None, "Kepala Bidang Perindustrian"],
        [],
        [None, None, None, None, None, "Nama Pejabat, S.T."],
        [None, None, None, None, None, "NIP. 19700101 199003 1 001"],
    ]
    res = read(f.xlsx(rows))
    assert res.valid, messages(res.report.errors)
    assert list(res.records["baris"]) == [7, 9]
    assert res.report.warnings == []


def test_instructions_sheet_first_is_skipped() -> None:
    data = f.xlsx(
        rows_long(one()),
        sheets_before={"Petunjuk": [["Petunjuk pengisian"], ["Isi kolom Target dan Realisasi"]]},
    )
    res = read(data)
    assert res.valid and res.sheet == "Data" and len(res.records) == 1


def test_title_gives_tahun_periode_and_bidang() -> None:
    rows = [
        ["FORMAT DATA KINERJA TRIWULAN III TAHUN 2022"],
        ["Unit Kerja: Bidang Hubungan Industrial"],
        ["No", "Indikator Kinerja", "Satuan", "Target", "Realisasi"],
        [1, "Angka sengketa pengusaha-pekerja", "kasus", 4, 3],
    ]
    res = read(f.xlsx(rows))
    assert res.valid, messages(res.report.errors)
    rec = res.records.iloc[0]
    assert (rec["tahun"], rec["periode"], rec["bidang"]) == (
        2022,
        "TW III",
        "Bidang Hubungan Industrial",
    )


def test_form_fills_what_the_sheet_does_not_say_and_sheet_wins_on_conflict() -> None:
    rows = [
        ["DATA KINERJA TAHUN 2023"],
        ["Indikator Kinerja", "Target", "Realisasi"],
        ["Jumlah IKM yang dibina", 10, 8],
    ]
    res = read(f.xlsx(rows), bidang="Bidang Perindustrian", tahun=2024, periode="TW IV")
    assert res.valid, messages(res.report.errors)
    rec = res.records.iloc[0]
    assert (rec["bidang"], rec["tahun"], rec["periode"]) == ("Bidang Perindustrian", 2023, "TW IV")
    assert any("2024" in w.message and "2023" in w.message for w in res.report.warnings)


@pytest.mark.parametrize("missing", ["bidang", "tahun", "periode"])
def test_missing_context_is_an_error_naming_the_field(missing: str) -> None:
    rows = [["Indikator Kinerja", "Target", "Realisasi"], ["IKM dibina", 10, 8]]
    given = {"bidang": "Sekretariat", "tahun": 2023, "periode": "TW I"}
    del given[missing]
    res = read(f.xlsx(rows), **given)
    assert not res.valid
    assert res.records.empty
    assert any(missing in e.message.lower() for e in res.report.errors)


# --- wide layout --------------------------------------------------------------------------

WIDE_TOP = [
    "No",
    "Indikator Kinerja",
    "Satuan",
    "Target",
    None,
    None,
    None,
    "Realisasi",
    None,
    None,
    None,
]
WIDE_SUB = [
    None,
    None,
    None,
    "TW I",
    "TW II",
    "TW III",
    "TW IV",
    "TW I",
    "TW II",
    "TW III",
    "TW IV",
]


def wide_rows() -> list[list[object]]:
    return [
        ["FORMAT DATA KINERJA TAHUN 2023"],
        ["BIDANG PERINDUSTRIAN"],
        WIDE_TOP,
        WIDE_SUB,
        [1, "Jumlah IKM yang dibina", "unit", 5, 10, 18, 25, 6, 11, None, None],
        [2, "Cakupan bina kelompok pengrajin", "%", None, None, None, 60, None, None, None, 55.5],
    ]


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "unmerged"])
@pytest.mark.parametrize("maker", [f.xlsx, f.xls, f.ods], ids=["xlsx", "xls", "ods"])
def test_wide_layout_becomes_one_record_per_quarter(merged: bool, maker) -> None:
    merges = ["D3:G3", "H3:K3", "A3:A4", "B3:B4", "C3:C4"] if merged else []
    res = read(maker(wide_rows(), merges=merges))
    assert res.valid, messages(res.report.errors)
    recs = res.records
    ikm = recs[recs["indikator"] == "Jumlah IKM yang dibina"]
    assert list(ikm["periode"]) == ["TW I", "TW II", "TW III", "TW IV"]
    assert list(ikm["target"]) == [5, 10, 18, 25]
    assert ikm["realisasi"].iloc[:2].tolist() == [6, 11]
    assert ikm["realisasi"].iloc[2:].isna().all()
    # an indicator measured once a year: only TW IV is a record
    bina = recs[recs["indikator"] == "Cakupan bina kelompok pengrajin"]
    assert list(bina["periode"]) == ["TW IV"]
    assert bina["capaian"].iloc[0] == pytest.approx(92.5)
    assert set(recs["bidang"]) == {"Bidang Perindustrian"}
    assert set(recs["tahun"]) == {2023}
    # TW III and TW IV of IKM have no realisasi yet: warned, not refused
    assert sum("belum dilaporkan" in w.message for w in res.report.warnings) == 2


def test_wide_layout_period_over_fields() -> None:
    rows = [
        ["Bidang", "Indikator Kinerja", "Tahun", "TW I", None, "TW II", None],
        [None, None, None, "Target", "Realisasi", "Target", "Realisasi"],
        ["Sekretariat", "Indeks kepuasan masyarakat", 2023, 80, 81, 80, "79,5"],
    ]
    res = read(f.xlsx(rows, merges=["D1:E1", "F1:G1"]))
    assert res.valid, messages(res.report.errors)
    assert list(res.records["realisasi"]) == [81, 79.5]


def test_wide_single_row_headers() -> None:
    rows = [
        [
            "Bidang",
            "Indikator",
            "Tahun",
            "Target TW I",
            "Realisasi TW I",
            "Target TW II",
            "Realisasi TW II",
        ],
        ["Sekretariat", "Nilai SAKIP", 2023, 60, 61, 62, 63],
    ]
    res = read(f.xlsx(rows))
    assert res.valid, messages(res.report.errors)
    assert list(res.records["periode"]) == ["TW I", "TW II"]


# --- merged cells in the body -------------------------------------------------------------


def test_vertically_merged_indikator_and_sasaran_apply_to_every_row() -> None:
    header = ["Bidang", "Sasaran", "Indikator Kinerja", "Tahun", "Periode", "Target", "Realisasi"]
    rows = [
        header,
        ["Bidang Perindustrian", "Meningkatnya daya saing IKM", "IKM dibina", 2023, "TW I", 5, 4],
        [None, None, None, 2023, "TW II", 10, 9],
    ]
    res = read(f.xlsx(rows, merges=["A2:A3", "B2:B3", "C2:C3"]))
    assert res.valid, messages(res.report.errors)
    assert res.records["indikator"].tolist() == ["IKM dibina", "IKM dibina"]
    assert res.records["sasaran"].notna().all()


def test_sasaran_group_rows_label_the_rows_below() -> None:
    rows = [
        ["No", "Indikator Kinerja", "Satuan", "Target", "Realisasi"],
        ["1. Meningkatnya daya saing industri kecil menengah"],
        [1, "IKM dibina", "unit", 25, 26],
        ["Sasaran 2: Menurunnya pengangguran"],
        [2, "Tingkat pengangguran terbuka", "%", 5.2, 4.9],
    ]
    res = read(
        f.xlsx(rows, merges=["A2:E2", "A4:E4"]), bidang="Sekretariat", tahun=2023, periode="Tahunan"
    )
    assert res.valid, messages(res.report.errors)
    assert res.records["sasaran"].tolist() == [
        "Meningkatnya daya saing industri kecil menengah",
        "Menurunnya pengangguran",
    ]


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.250", 1250.0),
        ("72,5", 72.5),
        ("1.234,56", 1234.56),
        ("85%", 85.0),
        ("85 %", 85.0),
        ("Rp 1.500.000", 1500000.0),
        ("0", 0.0),
    ],
)
def test_indonesian_numbers_as_text(text: str, value: float) -> None:
    res = read(f.xlsx(rows_long(one(realisasi=text))))
    assert res.valid, messages(res.report.errors)
    assert res.records["realisasi"].iloc[0] == pytest.approx(value)


def test_ambiguous_comma_is_read_indonesian_with_a_warning_naming_the_cell() -> None:
    res = read(f.xlsx(rows_long(one(realisasi="5,748"))))
    assert res.valid
    assert res.records["realisasi"].iloc[0] == pytest.approx(5.748)
    w = [w for w in res.report.warnings if w.row == 2 and w.column == "Realisasi"]
    assert w and "H2" in w[0].message


@pytest.mark.parametrize(
    ("realisasi", "capaian", "codes"),
    [
        ("5,748", None, ["angka_ambigu"]),  # 5,748 or 5.748: doubt
        ("9.38", None, [None]),  # a dot decimal has no rival reading: a note, no doubt
        ("1,234,567", None, [None]),  # English grouping, one reading only
        (9, 95, ["capaian_berbeda"]),  # the sheet says 95, the formula 90
        (9, "90,000", [None]),  # an ambiguous capaian cell is recomputed anyway
    ],
)
def test_warnings_the_evaluation_picks_up_carry_a_code(
    realisasi: object, capaian: object, codes: list[str | None]
) -> None:
    header, row = HEADER, one(realisasi=realisasi)
    if capaian is not None:
        header, row = [*HEADER, "Capaian (%)"], [*row, capaian]
    res = read(f.xlsx([header, row]))
    assert res.valid, messages(res.report.errors)
    warned = [w for w in res.report.warnings if w.row == 2]
    assert [w.code for w in warned] == codes
    assert [w.to_json()["code"] for w in warned] == codes


@pytest.mark.parametrize("maker", [f.xlsx, f.xls, f.ods], ids=["xlsx", "xls", "ods"])
def test_excel_percent_cells_are_percent_when_satuan_is_percent(maker) -> None:
    rows = rows_long(
        one(ind="Cakupan bina kelompok pengrajin", sat="%", target=0.6, realisasi=0.555),
        one(ind="IKM dibina", sat="unit", target=10, realisasi=9),
    )
    res = read(maker(rows, percent=["G2", "H2"]))
    assert res.valid, messages(res.report.errors)
    first = res.records.iloc[0]
    assert first["target"] == pytest.approx(60.0)
    assert first["realisasi"] == pytest.approx(55.5)
    assert res.records.iloc[1]["realisasi"] == 9


@pytest.mark.parametrize("blank", [None, "-", "–", "n/a", "belum", "  "])
def test_blank_realisasi_is_kept_unreported_with_a_warning(blank: object) -> None:
    res = read(f.xlsx(rows_long(one(realisasi=blank))))
    assert res.valid, messages(res.report.errors)
    rec = res.records.iloc[0]
    assert math.isnan(rec["realisasi"]) and math.isnan(rec["capaian"])
    assert rec["predikat"] is None or rec["predikat"] != rec["predikat"]
    assert any(w.row == 2 and "belum dilaporkan" in w.message for w in res.report.warnings)


def test_zero_realisasi_is_a_reported_zero() -> None:
    res = read(f.xlsx(rows_long(one(realisasi=0))))
    assert res.valid
    assert res.records["capaian"].iloc[0] == 0
    assert res.records["predikat"].iloc[0] == "Sangat Rendah"


@pytest.mark.parametrize(
    "text, periode",
    [
        ("TW I", "TW I"),
        ("Triwulan II", "TW II"),
        ("TW 2", "TW II"),
        ("II", "TW II"),
        ("2", "TW II"),
        (3, "TW III"),
        ("Q4", "TW IV"),
        ("triwulan iv", "TW IV"),
        ("Semester I", "Semester I"),
        ("Semester 2", "Semester II"),
        ("Tahunan", "Tahunan"),
    ],
)
def test_periode_spellings(text: object, periode: str) -> None:
    res = read(f.xlsx(rows_long(one(periode=text))))
    assert res.valid, messages(res.report.errors)
    assert res.records["periode"].iloc[0] == periode


@pytest.mark.parametrize(
    "text, arah",
    [
        ("Naik", "naik"),
        ("Positif", "naik"),
        ("Maksimal", "naik"),
        ("Semakin tinggi semakin baik", "naik"),
        ("Turun", "turun"),
        ("Negatif", "turun"),
        ("minimal", "turun"),
        ("Semakin rendah semakin baik", "turun"),
        ("Semakin kecil semakin baik", "turun"),
        (None, "naik"),
    ],
)
def test_arah_spellings(text: object, arah: str) -> None:
    header = [*HEADER, "Arah"]
    res = read(f.xlsx([header, [*one(), text]]))
    assert res.valid, messages(res.report.errors)
    assert res.records["arah"].iloc[0] == arah


def test_turun_capaian_uses_the_permenpan_formula() -> None:
    header = [*HEADER, "Arah"]
    res = read(f.xlsx([header, [*one(sat="%", target=7, realisasi="6,5"), "Turun"]]))
    assert res.records["capaian"].iloc[0] == pytest.approx(107.142857, rel=1e-6)


@pytest.mark.parametrize("tahun", [2023, "2023", 2023.0, "Tahun 2023"])
def test_tahun_as_number_or_text(tahun: object) -> None:
    res = read(f.xlsx(rows_long(one(tahun=tahun))))
    assert res.valid, messages(res.report.errors)
    assert res.records["tahun"].iloc[0] == 2023


def test_sheet_capaian_is_recomputed_and_a_difference_warned() -> None:
    header = [*HEADER, "Capaian (%)"]
    rows = [
        header,
        [*one(target=77, realisasi=91.76), 119.16],  # truncated, 0,01 off: not a warning
        [*one(ind="IKM lain", target=10, realisasi=9), 95],  # wrong: a warning
    ]
    res = read(f.xlsx(rows))
    assert res.valid
    assert res.records["capaian"].tolist() == pytest.approx([119.168831, 90.0], rel=1e-6)
    warned = [w for w in res.report.warnings if "Capaian" in (w.column or "")]
    assert [w.row for w in warned] == [3]


def test_unknown_columns_warn_and_no_column_is_silent() -> None:
    header = [*HEADER, "Sumber Data"]
    res = read(f.xlsx([header, [*one(), "BPS"]]))
    assert res.valid
    assert [w.column for w in res.report.warnings] == ["Sumber Data"]


# --- errors -------------------------------------------------------------------------------


def _errors(rows: list[list[object]], **kw: object) -> list[ingest.Issue]:
    res = read(f.xlsx(rows), **kw)
    assert not res.valid
    assert res.records.empty
    return res.report.errors


@pytest.mark.parametrize(
    "rows, row, column, needle",
    [
        (rows_long(one(realisasi="sembilan puluh")), 2, "Realisasi", "bukan angka"),
        (rows_long(one(target="sepuluh")), 2, "Target", "bukan angka"),
        (rows_long(one(target=-5)), 2, "Target", "negatif"),
        (rows_long(one(target="-5")), 2, "Target", "negatif"),
        (rows_long(one(), one(ind=None)), 3, "Indikator Kinerja", "Indikator Kinerja kosong"),
        (rows_long(one(periode="TW 5")), 2, "Periode", "TW 5"),
        (rows_long(one(tahun=1999)), 2, "Tahun", "1999"),
        (rows_long(one(target=None)), 2, "Target", "Target kosong"),
        ([[*HEADER, "Arah"], [*one(), "Sedang"]], 2, "Arah", "Sedang"),
    ],
)
def test_refused_with_row_and_column(rows, row: int, column: str, needle: str) -> None:
    errors = _errors(rows)
    assert any(e.row == row and e.column == column and needle in e.message for e in errors), (
        messages(errors)
    )


def test_duplicate_rows_are_both_named() -> None:
    errors = _errors(rows_long(one(), one(target=11), one(periode="TW II")))
    dup = [e for e in errors if "ganda" in e.message]
    assert sorted(e.row for e in dup) == [2, 3]
    assert "baris 3" in dup[0].message and "baris 2" in dup[1].message


@pytest.mark.parametrize(
    "rows, needle",
    [
        ([["Bidang", "Satuan", "Target"], ["Sekretariat", "%", 5]], "Indikator"),
        ([["Bidang", "Indikator Kinerja", "Satuan"], ["Sekretariat", "IKM", "%"]], "Target"),
        ([HEADER], "tidak berisi baris data"),
        (
            [HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]],
            "tidak berisi baris data",
        ),
    ],
)
def test_refused_sheets(rows, needle: str) -> None:
    errors = _errors(rows)
    assert any(needle in e.message for e in errors), messages(errors)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"hello, this is not a spreadsheet", "bukan spreadsheet"),
        (b"%PDF-1.4\n%...", "bukan spreadsheet"),
        (b"", "File kosong"),
        (b"PK\x03\x04garbage", "bukan spreadsheet"),
    ],
)
def test_not_a_spreadsheet(data: bytes, needle: str) -> None:
    res = read(data, name="laporan.xlsx")
    assert not res.valid
    assert res.report.errors[0].row is None
    assert needle in res.report.errors[0].message, res.report.errors[0].message


def test_zip_that_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    res = read(buf.getvalue())
    assert not res.valid and "bukan spreadsheet" in res.report.errors[0].message


# --- file types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "maker, name",
    [
        (f.xlsx, "a.xlsx"),
        (lambda rows: f.xlsx(rows, macro=True), "a.xlsm"),
        (f.xls, "a.xls"),
        (f.ods, "a.ods"),
    ],
)
def test_every_file_type_gives_the_same_records(maker, name: str) -> None:
    rows = rows_long(one(realisasi="72,5"), one(periode="TW II", target=20, realisasi=21))
    res = read(maker(rows), name=name)
    assert res.valid, messages(res.report.errors)
    assert res.records[["periode", "target", "realisasi"]].values.tolist() == [
        ["TW I", 10, 72.5],
        ["TW II", 20, 21],
    ]


def test_file_name_does_not_decide_the_type() -> None:
    res = read(f.ods(rows_long(one())), name="salah-nama.xlsx")
    assert res.valid


# --- limits -------------------------------------------------------------------------------


class _ParserMustNotRun:
    """Stands in for python-calamine: a refusal must come before the parser sees the file."""

    class CalamineWorkbook:
        @staticmethod
        def from_filelike(_: object) -> None:
            raise AssertionError("the parser was reached")


def test_decompression_bomb_is_refused_before_anything_is_unpacked(monkeypatch) -> None:
    # The refusal is structural, so it is quick whatever the machine: the archive's declared
    # sizes are checked first, no entry is inflated, the parser is never called. (Speed
    # itself is measured in bench/, not asserted in tests.)
    from kinerja import workbook

    data = f.zip_bomb_xlsx()
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    monkeypatch.setattr(workbook, "pc", _ParserMustNotRun)
    res = read(data)
    assert not res.valid
    assert "200 MB" in res.report.errors[0].message
    assert not any(name.startswith("xl/worksheets/") for name in opened), opened


def test_far_cell_is_refused_before_allocation() -> None:
    res = read(f.far_cell_xlsx())
    assert not res.valid
    assert "baris" in res.report.errors[0].message


def test_too_many_rows_is_refused() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.cell(row=200_002, column=1, value=1)
    buf = io.BytesIO()
    wb.save(buf)
    res = read(buf.getvalue())
    assert not res.valid and "200.000" in res.report.errors[0].message


def test_file_over_20_mb_is_refused(tmp_path) -> None:
    p = tmp_path / "besar.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024))
    res = ingest.read(p)
    assert not res.valid and "20 MB" in res.report.errors[0].message


# --- merge --------------------------------------------------------------------------------


def test_merge_names_files_holding_the_same_key() -> None:
    a = read(f.xlsx(rows_long(one())), name="a.xlsx")
    b = read(f.xlsx(rows_long(one(target=12))), name="b.xlsx")
    c = read(f.xlsx(rows_long(one(bidang="Sekretariat"))), name="c.xlsx")
    merged, clashes = ingest.merge([a, b, c])
    assert len(merged) == 3
    assert len(clashes) == 1 and "a.xlsx" in clashes[0].message and "b.xlsx" in clashes[0].message
    merged, clashes = ingest.merge([a, c])
    assert len(merged) == 2 and clashes == []


# --- robustness ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

cell = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        ["TW I", "TW 5", "-", "1.250", "5,748", "sembilan", "Naik", "Turun", "%", "2023"]
    ),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12).filter(
        lambda s: not s.startswith("=")
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(st.lists(cell, min_size=1, max_size=8), min_size=1, max_size=6))
def test_any_sheet_gives_records_or_errors_never_an_exception(body) -> None:
    res = read(f.xlsx([HEADER, *body]), bidang="Sekretariat", tahun=2023, periode="TW I")
    if res.valid:
        assert res.records["target"].notna().all()
        assert (res.records["target"] >= 0).all()
        assert (
            res.records["periode"]
            .isin(["TW I", "TW II", "TW III", "TW IV", "Semester I", "Semester II", "Tahunan"])
            .all()
        )
    else:
        assert res.records.empty
        assert all(e.message for e in res.report.errors)
    # the catch-all in ingest.read must never be what answered
    assert not any("tak terduga" in e.message for e in res.report.errors), res.report.errors


def test_ods_repeated_cells_bomb_is_refused_before_parsing() -> None:
    cell = (
        '<table:table-cell office:value-type="float" office:value="7">'
        "<text:p>7</text:p></table:table-cell>"
    )
    bomb = f.raw_ods(
        '<table:table-row table:number-rows-repeated="50000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    assert len(bomb) < 5000
    from kinerja import workbook

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(workbook, "pc", _ParserMustNotRun)  # refused before 50 million cells exist
        res = read(bomb, name="bom.ods")
    assert not res.valid and "sel berulang" in res.report.errors[0].message
    # LibreOffice's own trailing repeats (empty) are no bomb
    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
        for h in HEADER
    )
    fine = f.raw_ods(
        f"<table:table-row>{header}</table:table-row>"
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in ["1", "Sekretariat", "Nilai SAKIP", "nilai", "2023", "TW I"]
        )
        + cell * 2
        + '<table:table-cell table:number-columns-repeated="1016"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    res = read(fine, name="biasa.ods")
    assert res.valid, messages(res.report.errors)
    assert res.records["target"].tolist() == [7.0]


def test_messages_name_a_multiline_header_on_one_line() -> None:
    header = [
        "Bidang",
        "Indikator\nKinerja",
        "Tahun",
        "Periode",
        "Target",
        "Realisasi s.d.\nTriwulan II",
    ]
    res = read(f.xlsx([header, ["Sekretariat", "IKM", 2023, "TW II", 5, "lima"]]))
    assert [e.column for e in res.report.errors] == ["Realisasi s.d. Triwulan II"]
