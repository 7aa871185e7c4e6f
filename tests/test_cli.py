"""The command line: exit codes, the --json contract, merge refusals, formula-safe exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kinerja import cli
from tests import factories as f

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
RECORD_KEYS = {
    "bidang",
    "sasaran",
    "indikator",
    "satuan",
    "arah",
    "tahun",
    "periode",
    "target",
    "realisasi",
    "capaian",
    "predikat",
    "keterangan",
}


def write(tmp_path: Path, name: str, rows: list[list[object]]) -> str:
    p = tmp_path / name
    p.write_bytes(f.xlsx(rows))
    return str(p)


@pytest.fixture
def good(tmp_path: Path) -> str:
    return write(
        tmp_path,
        "baik.xlsx",
        [
            HEADER,
            ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 2023, "TW I", 10, 9],
            ["Bidang Perindustrian", "@SUM(1+1) IKM baru", "unit", 2023, "TW I", 4, "-"],
        ],
    )


@pytest.fixture
def bad(tmp_path: Path) -> str:
    return write(
        tmp_path,
        "salah.xlsx",
        [HEADER, ["Sekretariat", "Indeks kepuasan", "nilai", 2023, "TW I", 80, "sembilan puluh"]],
    )


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_json_contract(capsys, good: str, bad: str) -> None:
    code, out, _ = run(capsys, "validate", "--json", good, bad)
    assert code == 1
    data = json.loads(out)
    assert [d["file"] for d in data] == ["baik.xlsx", "salah.xlsx"]
    for d in data:
        assert set(d) >= {"file", "valid", "errors", "warnings", "records"}
        for issue in d["errors"] + d["warnings"]:
            assert set(issue) >= {"row", "column", "message"}
    ok, ko = data
    assert ok["valid"] is True and ko["valid"] is False
    assert {tuple(sorted(r)) for r in ok["records"]} == {tuple(sorted(RECORD_KEYS))}
    first, second = ok["records"]
    assert first["tahun"] == 2023 and isinstance(first["tahun"], int)
    assert first["capaian"] == 90.0 and first["predikat"] == "Tinggi"
    assert second["realisasi"] is None and second["capaian"] is None
    assert ko["records"] == []
    assert ko["errors"] == [
        {"row": 2, "column": "Realisasi", "message": "'sembilan puluh' bukan angka (sel G2)."}
    ]


def test_validate_exit_zero_and_readable_report(capsys, good: str) -> None:
    code, out, _ = run(capsys, "validate", good)
    assert code == 0
    assert "baik.xlsx: VALID - 2 data" in out
    assert "baris 3, kolom Realisasi: Realisasi belum dilaporkan" in out


def test_validate_context_options_fill_what_the_sheet_lacks(capsys, tmp_path: Path) -> None:
    p = write(tmp_path, "x.xlsx", [["Indikator Kinerja", "Target", "Realisasi"], ["IKM", 5, 5]])
    code, out, _ = run(capsys, "validate", "--json", p)
    assert code == 1
    code, out, _ = run(
        capsys, "validate", "--json", "--bidang", "Sekretariat", "--tahun", "2023",
        "--periode", "triwulan 2", p,
    )  # fmt: skip
    assert code == 0
    rec = json.loads(out)[0]["records"][0]
    assert (rec["bidang"], rec["tahun"], rec["periode"]) == ("Sekretariat", 2023, "TW II")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate"],
        ["validate", "--periode", "TW 5", "x.xlsx"],
        ["validate", "--tahun", "1999", "x.xlsx"],
        ["frobnicate"],
        ["merge", "a.xlsx"],
    ],
)
def test_usage_errors_exit_2_in_indonesian(capsys, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "kesalahan penggunaan" in err and "Traceback" not in err


def test_missing_and_non_spreadsheet_files_are_reports_not_tracebacks(capsys, tmp_path) -> None:
    junk = tmp_path / "catatan.xlsx"
    junk.write_text("bukan spreadsheet")
    code, out, err = run(capsys, "validate", "--json", str(tmp_path / "tidak-ada.xlsx"), str(junk))
    assert code == 1 and err == ""
    data = json.loads(out)
    assert all(not d["valid"] and d["errors"][0]["row"] is None for d in data)
    assert "tidak dapat dibuka" in data[0]["errors"][0]["message"]
    assert "bukan spreadsheet" in data[1]["errors"][0]["message"]


def test_merge_writes_xlsx_formula_safe(capsys, tmp_path: Path, good: str) -> None:
    other = write(
        tmp_path,
        "lain.xlsx",
        [HEADER, ["Sekretariat", "Nilai SAKIP", "nilai", 2023, "TW I", 60, 61]],
    )
    out = tmp_path / "gabungan.xlsx"
    code, text, _ = run(capsys, "merge", good, other, "--out", str(out))
    assert code == 0, text
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Bidang", "Sasaran", "Indikator Kinerja")
    assert len(rows) == 4
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells), "a text cell was stored as a formula"


def test_export_never_writes_text_as_a_formula() -> None:
    from kinerja import export, schema

    row = {c: None for c in schema.RECORD_COLUMNS}
    row |= {"bidang": "Sekretariat", "indikator": '=HYPERLINK("http://x","klik")', "tahun": 2023,
            "periode": "TW I", "target": 1.0, "keterangan": "=1+1"}  # fmt: skip
    records = pd.DataFrame([row])
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(records))).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == '=HYPERLINK("http://x","klik")' and c.data_type == "s" for c in cells)
    text = export.to_csv(records).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'=1+1" in text


def test_merge_csv_is_formula_safe(capsys, tmp_path: Path, good: str) -> None:
    out = tmp_path / "gabungan.csv"
    code, _, _ = run(capsys, "merge", good, "--out", str(out))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "Bidang"
    assert any(cell.startswith("'@SUM") for row in rows for cell in row)


def test_merge_refuses_invalid_or_clashing_files_and_writes_nothing(
    capsys, tmp_path: Path, good: str, bad: str
) -> None:
    out = tmp_path / "gabungan.xlsx"
    code, text, _ = run(capsys, "merge", good, bad, "--out", str(out))
    assert code == 1 and not out.exists()
    assert "Tidak ada yang ditulis" in text
    twin = write(
        tmp_path,
        "kembar.xlsx",
        [HEADER, ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 2023, "TW I", 10, 10]],
    )
    code, text, _ = run(capsys, "merge", "--json", good, twin, "--out", str(out))
    assert code == 1 and not out.exists()
    data = json.loads(text)
    assert data["written"] is False
    assert "baik.xlsx" in data["conflicts"][0]["message"]
    assert "kembar.xlsx" in data["conflicts"][0]["message"]


def test_python_dash_m_never_prints_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "rusak.xls"
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja", "validate", str(junk)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "rusak.xls: DITOLAK" in proc.stdout


def test_demo_stores_every_demo_sheet_once(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, err = run(capsys, "demo", "--db", url, "--json")
    assert code == 0, err
    first = json.loads(out)
    assert len(first) >= 20
    assert {o["status"] for o in first} == {"accepted"}
    code, out, _ = run(capsys, "demo", "--db", url, "--json")
    assert code == 0
    assert {o["status"] for o in json.loads(out)} == {"sudah ada"}
    from kinerja.store import connect

    records = connect(url).records()
    assert set(records["tahun"]) == {2022, 2023}
    assert records["bidang"].nunique() == 4
