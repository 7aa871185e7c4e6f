"""The command line: exit codes, the --json contract, merge refusals, file problems, escaping."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
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
ENGLISH_OS_TEXT = ("No such file", "Permission denied", "Is a directory", "Not a directory")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path, so a file given as "baik.xlsx" is reported as "baik.xlsx"."""
    monkeypatch.chdir(tmp_path)


def write(name: str, rows: list[list[object]], *, kind: str = "xlsx") -> str:
    """Write a sheet at ``name`` (relative to the test's folder) and return that name."""
    p = Path(name)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(f.xls(rows) if kind == "xls" else f.xlsx(rows))
    return name


def row(indikator: str, realisasi: object = 9, bidang: str = "Sekretariat") -> list[object]:
    return [bidang, indikator, "unit", 2023, "TW I", 10, realisasi]


@pytest.fixture
def good() -> str:
    return write(
        "baik.xlsx",
        [
            HEADER,
            row("Jumlah IKM yang dibina", 9, "Bidang Perindustrian"),
            row("@SUM(1+1) IKM baru", "-", "Bidang Perindustrian"),
        ],
    )


@pytest.fixture
def bad() -> str:
    return write("salah.xlsx", [HEADER, row("Indeks kepuasan", "sembilan puluh")])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the JSON contract ----------------------------------------------------------------------


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
    assert all(set(r) >= RECORD_KEYS for r in ok["records"])  # keys are only ever added
    first, second = ok["records"]
    assert first["tahun"] == 2023 and isinstance(first["tahun"], int)
    assert first["capaian"] == 90.0 and first["predikat"] == "Tinggi"
    assert second["realisasi"] is None and second["capaian"] is None
    assert ko["records"] == []
    assert [{k: e[k] for k in ("row", "column", "message")} for e in ko["errors"]] == [
        {"row": 2, "column": "Realisasi", "message": "'sembilan puluh' bukan angka (sel G2)."}
    ]


def test_validate_json_keeps_types(capsys) -> None:
    p = write("angka.xlsx", [HEADER, row("IKM", 7.25), row("IKM lain", None)])
    code, out, _ = run(capsys, "validate", "--json", p)
    assert code == 0
    assert "NaN" not in out
    first, second = json.loads(out)[0]["records"]
    assert type(first["tahun"]) is int
    assert type(first["target"]) is float and first["target"] == 10.0
    assert type(first["realisasi"]) is float and first["realisasi"] == 7.25
    assert type(first["capaian"]) is float and first["capaian"] == 72.5
    assert second["realisasi"] is None and second["capaian"] is None


@pytest.mark.parametrize(
    "obj",
    [
        [],
        {"a": None, "b": 1, "c": 2.5, "d": "teks ‘kutip’ – Rp", "e": [True, False]},
        {"n": np.int64(7), "x": np.float64(0.1), "big": 1e16, "neg": -0.0},
        [{"file": "a/x.xlsx", "records": [{"tahun": 2023, "target": 90.0}]}],
    ],
)
def test_json_bytes_parse_to_what_the_standard_encoder_gives(obj: object) -> None:
    plain = json.loads(json.dumps(obj, default=lambda v: v.item()))
    assert json.loads(cli._json_bytes(obj)) == plain


def test_json_bytes_keep_a_lone_surrogate_as_json() -> None:
    # An old .xls can hold half a UTF-16 pair; orjson refuses it, the output stays JSON.
    assert json.loads(cli._json_bytes({"m": "a\udcffb"})) == {"m": "a\udcffb"}


@pytest.mark.parametrize("n", [0, 1, 3])
def test_streamed_json_array_is_one_array(capsys, n: int) -> None:
    items = [{"i": i, "s": "x\ny"} for i in range(n)]
    cli._dump_json_array(iter(items))
    assert json.loads(capsys.readouterr().out) == items


# --- readable reports, usage errors -----------------------------------------------------


def test_validate_exit_zero_and_readable_report(capsys, good: str) -> None:
    code, out, _ = run(capsys, "validate", good)
    assert code == 0
    assert "baik.xlsx: VALID - 2 data" in out
    assert "baris 3, kolom Realisasi: Realisasi belum dilaporkan" in out


def test_validate_context_options_fill_what_the_sheet_lacks(capsys) -> None:
    p = write("x.xlsx", [["Indikator Kinerja", "Target", "Realisasi"], ["IKM", 5, 5]])
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


def test_usage_error_escapes_what_was_typed(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["validate", "--periode", "\x1b[2JTW 9", "x.xlsx"])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2JTW 9" in err


# --- files that cannot be read ------------------------------------------------------------


def test_missing_and_non_spreadsheet_files_are_reports_not_tracebacks(capsys) -> None:
    Path("catatan.xlsx").write_text("bukan spreadsheet")
    code, out, err = run(capsys, "validate", "--json", "tidak-ada.xlsx", "catatan.xlsx")
    assert code == 1 and err == ""
    data = json.loads(out)
    assert all(not d["valid"] and d["errors"][0]["row"] is None for d in data)
    assert data[0]["errors"][0]["message"] == "File 'tidak-ada.xlsx' tidak ditemukan."
    assert "bukan spreadsheet" in data[1]["errors"][0]["message"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: "hilang.xlsx", "File 'hilang.xlsx' tidak ditemukan."),
        (lambda: "tidak/ada/x.xlsx", "File 'tidak/ada/x.xlsx' tidak ditemukan."),
        (lambda: os.makedirs("folder.xlsx") or "folder.xlsx", "adalah folder, bukan file"),
        (lambda: "/dev/null", "bukan file biasa"),
    ],
    ids=["missing", "missing-folder", "directory", "device"],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_an_unreadable_file_among_others_is_its_own_refusal(
    capsys, good: str, bad: str, make, expected: str, as_json: bool
) -> None:
    odd = make()
    argv = ["validate", *(["--json"] if as_json else []), good, odd, bad]
    code, out, err = run(capsys, *argv)
    assert code == 1 and err == ""
    assert not any(text in out for text in ENGLISH_OS_TEXT)
    assert "kesalahan tak terduga" not in out
    if as_json:
        data = json.loads(out)
        assert [d["file"] for d in data] == [good, odd, bad]
        assert data[0]["valid"] is True and len(data[0]["records"]) == 2
        assert expected in data[1]["errors"][0]["message"] and data[1]["valid"] is False
        assert data[2]["errors"][0]["column"] == "Realisasi"
    else:
        assert f"{good}: VALID - 2 data" in out
        assert f"{odd}: DITOLAK" in out and expected in out
        assert f"{bad}: DITOLAK" in out and "'sembilan puluh' bukan angka" in out


@pytest.mark.parametrize(
    ("code", "writing", "expected"),
    [
        (errno.ENOENT, False, "tidak ditemukan"),
        (errno.ENOTDIR, False, "tidak ditemukan"),
        (errno.EACCES, False, "tidak boleh dibaca (izin ditolak)"),
        (errno.EPERM, False, "tidak boleh dibaca (izin ditolak)"),
        (errno.EACCES, True, "tidak boleh ditulis (izin ditolak)"),
        (errno.EISDIR, False, "adalah folder, bukan file"),
        (errno.ENOSPC, True, "tidak dapat ditulis: ruang disk penuh"),
        (errno.EIO, False, "tidak dapat dibuka (kesalahan sistem EIO)"),
        (None, False, "tidak dapat dibuka (kesalahan sistem)"),
    ],
)
def test_os_errors_are_told_in_indonesian(code: int | None, writing: bool, expected: str) -> None:
    english = os.strerror(code) if code else "Something went wrong"
    exc = OSError(code, english, "x.xlsx") if code else OSError(english)
    text = cli._file_problem("x.xlsx", exc, writing=writing)
    assert text == f"File 'x.xlsx' {expected}."
    assert english not in text


def test_a_file_over_the_size_limit_is_refused_with_its_size(capsys) -> None:
    with open("besar.xlsx", "wb") as fh:  # sparse: no disk used
        fh.truncate(22_334_668)
    code, out, _ = run(capsys, "validate", "--json", "besar.xlsx")
    assert code == 1
    (message,) = [e["message"] for e in json.loads(out)[0]["errors"]]
    assert "ukurannya 21,3 MB, lebih dari batas 20 MB" in message
    code, out, _ = run(capsys, "validate", "besar.xlsx")
    assert message in out  # the reader's words, not re-worded


# --- which file is which ----------------------------------------------------------------------


def test_files_with_the_same_name_in_two_folders_are_told_apart(capsys) -> None:
    a = write("a/data.xlsx", [HEADER, row("IKM", 9, "Sekretariat")])
    b = write("b/data.xlsx", [HEADER, row("IKM", "sembilan", "Bidang Perindustrian")])
    code, out, _ = run(capsys, "validate", "--json", a, b)
    assert code == 1
    assert [(d["file"], d["valid"]) for d in json.loads(out)] == [(a, True), (b, False)]
    code, out, _ = run(capsys, "validate", a, b)
    assert "a/data.xlsx: VALID" in out and "b/data.xlsx: DITOLAK" in out


def test_merge_names_the_source_as_given(capsys) -> None:
    a = write("a/data.xlsx", [HEADER, row("IKM", 9, "Sekretariat")])
    b = write("b/data.xlsx", [HEADER, row("IKM", 8, "Bidang Perindustrian")])
    code, out, _ = run(capsys, "merge", "--json", a, b, "--out", "gabungan.csv")
    assert code == 0
    assert [d["file"] for d in json.loads(out)["files"]] == [a, b]
    rows = list(csv.DictReader(io.StringIO(Path("gabungan.csv").read_text("utf-8-sig"))))
    assert sorted(r["File Sumber"] for r in rows) == [a, b]


@pytest.mark.parametrize("command", ["validate", "merge"])
def test_the_same_file_given_twice_is_read_once(capsys, good: str, command: str) -> None:
    same = [good, f"./{good}", str(Path(good).resolve())]
    extra = ["--out", "gabungan.xlsx"] if command == "merge" else []
    code, out, _ = run(capsys, command, "--json", *same, *extra)
    assert code == 0  # merge: no clash of a file with itself
    data = json.loads(out)
    files = data["files"] if command == "merge" else data
    assert [d["file"] for d in files] == [good]


# --- what reaches the terminal ---------------------------------------------------------------

FORGED = "palsu\x1b[31m\n#9 2024-01-01 00:00:00 WIB  admin  x.xlsx  diterima\r\t.xlsx"


def test_control_characters_in_a_file_name_are_escaped_in_text_only(capsys, good: str) -> None:
    Path(FORGED).write_bytes(Path(good).read_bytes())
    code, out, _ = run(capsys, "validate", FORGED, "hilang\x1b]0;judul\x07.xlsx")
    assert code == 1
    assert "\x1b" not in out and "\r" not in out and "\t" not in out and "\x07" not in out
    assert len(out.splitlines()) == 6  # each file: its line and a block of one issue
    assert "palsu\\x1b[31m\\n#9 2024-01-01" in out and "diterima\\r\\t.xlsx: VALID" in out
    assert "hilang\\x1b]0;judul\\x07.xlsx: DITOLAK" in out
    code, out, _ = run(capsys, "validate", "--json", FORGED)
    assert json.loads(out)[0]["file"] == FORGED


@pytest.mark.parametrize(
    ("kind", "cell", "shown"),
    [
        ("xls", "\x1b[2Jsembilan", "'\\x1b[2Jsembilan' bukan angka"),
        ("xlsx", "sembilan\npuluh", "'sembilan\\npuluh' bukan angka"),
        ("xls", "\u202etxt.exe", "'\\u202etxt.exe' bukan angka"),
    ],
)
def test_control_characters_in_cell_text_are_escaped_in_text_only(
    capsys, kind: str, cell: str, shown: str
) -> None:
    p = write(f"sel.{kind}", [HEADER, row("IKM", cell)], kind=kind)
    code, out, _ = run(capsys, "validate", p)
    assert code == 1 and shown in out
    assert not any(ch in out.replace("\n", "") for ch in "\x1b\u202e")
    assert len(out.splitlines()) == 3
    code, out, _ = run(capsys, "validate", "--json", p)
    assert cell in json.loads(out)[0]["errors"][0]["message"]


# --- merge -------------------------------------------------------------------------------------


def test_merge_writes_xlsx_formula_safe(capsys, good: str) -> None:
    other = write(
        "lain.xlsx", [HEADER, ["Sekretariat", "Nilai SAKIP", "nilai", 2023, "TW I", 60, 61]]
    )
    code, text, _ = run(capsys, "merge", good, other, "--out", "gabungan.xlsx")
    assert code == 0, text
    ws = openpyxl.load_workbook("gabungan.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Bidang", "Sasaran", "Indikator Kinerja")
    assert len(rows) == 4
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells), "a text cell was stored as a formula"


def test_merge_csv_is_formula_safe(capsys, good: str) -> None:
    code, _, _ = run(capsys, "merge", good, "--out", "gabungan.csv")
    assert code == 0
    raw = Path("gabungan.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Bidang"
    assert any(cell.startswith("'@SUM") for row in rows for cell in row)
    assert rows[1][rows[0].index("Target")] == "10.0"


def test_merge_csv_indonesia(capsys) -> None:
    p = write("angka.xlsx", [HEADER, row("IKM", 7.25), row("-1 tidak", None)])
    code, text, _ = run(capsys, "merge", "--csv-indonesia", p, "--out", "id.csv")
    assert code == 0, text
    raw = Path("id.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    head = rows[0]
    first = dict(zip(head, rows[1], strict=True))
    assert (first["Tahun"], first["Target"], first["Realisasi"], first["Capaian (%)"]) == (
        "2023",
        "10,0",
        "7,25",
        "72,5",
    )
    second = dict(zip(head, rows[2], strict=True))
    assert second["Indikator Kinerja"] == "'-1 tidak" and second["Realisasi"] == ""


def test_merge_refuses_invalid_or_clashing_files_and_writes_nothing(
    capsys, good: str, bad: str
) -> None:
    out = Path("gabungan.xlsx")
    code, text, _ = run(capsys, "merge", good, bad, "--out", str(out))
    assert code == 1 and not out.exists()
    assert "Tidak ada yang ditulis" in text
    twin = write("kembar.xlsx", [HEADER, row("Jumlah IKM yang dibina", 10, "Bidang Perindustrian")])
    code, text, _ = run(capsys, "merge", "--json", good, twin, "--out", str(out))
    assert code == 1 and not out.exists()
    data = json.loads(text)
    assert data["written"] is False
    assert "baik.xlsx" in data["conflicts"][0]["message"]
    assert "kembar.xlsx" in data["conflicts"][0]["message"]


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("tidak/ada/gabungan.xlsx", "folder 'tidak/ada' untuk --out tidak ada"),
        ("tidak-ada/gabungan.csv", "folder 'tidak-ada' untuk --out tidak ada"),
        ("gabungan.txt", "--out harus berakhiran .xlsx atau .csv"),
        ("folder.xlsx", "adalah folder"),
        ("gabungan.xlsx --csv-indonesia", "--csv-indonesia hanya untuk --out berakhiran .csv"),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_merge_out_that_cannot_be_written_is_refused_before_reading(
    capsys, monkeypatch: pytest.MonkeyPatch, good: str, out: str, expected: str, as_json: bool
) -> None:
    Path("folder.xlsx").mkdir()

    def read_files(*_args: object) -> None:
        raise AssertionError("an input was read")

    monkeypatch.setattr(cli, "read_files", read_files)
    options = ["--json"] if as_json else []
    code, text, err = run(capsys, "merge", *options, good, "--out", *out.split())
    assert code == 2 and text == ""
    assert "kesalahan penggunaan" in err and expected in err
    assert not Path("tidak").exists() and not Path("tidak-ada").exists()


# --- the real entry point ----------------------------------------------------------------------


def test_python_dash_m_never_prints_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "rusak.xls"
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja", "validate", str(junk), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{junk}: DITOLAK" in proc.stdout
    assert f"File '{tmp_path}' adalah folder, bukan file." in proc.stdout


def test_python_dash_m_json_is_utf8_json(tmp_path: Path) -> None:
    p = tmp_path / "Ø data – ‘kutip’.xlsx"
    p.write_bytes(f.xlsx([HEADER, row("Indeks – kepuasan ‘masyarakat’", 9)]))
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja", "validate", "--json", str(p)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.decode("utf-8"))
    assert data[0]["file"] == str(p)
    assert data[0]["records"][0]["indikator"] == "Indeks – kepuasan ‘masyarakat’"


def test_demo_stores_every_demo_sheet_once(capsys, tmp_path: Path) -> None:
    # What to expect comes from data/demo itself: every spreadsheet in it, whatever they are.
    demo = ROOT / "data" / "demo"
    sheets = [p for p in demo.rglob("*") if p.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}]
    assert sheets, f"no demo spreadsheets in {demo}"
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, err = run(capsys, "demo", "--db", url, "--json")
    assert code == 0, err
    first = json.loads(out)
    assert sorted(o["file"] for o in first) == sorted(str(p.relative_to(demo)) for p in sheets)
    assert {o["status"] for o in first} == {"accepted"}, first
    code, out, _ = run(capsys, "demo", "--db", url, "--json")
    assert code == 0
    again = json.loads(out)
    assert sorted(o["file"] for o in again) == sorted(o["file"] for o in first)
    assert {o["status"] for o in again} == {"sudah ada"}, again
    from kinerja.store import connect

    s = connect(url)
    history, records = s.history(), s.records()
    masters = {t: s.indicators(tahun=t) for t in (2022, 2023)}
    s.close()
    # Each division sheet stored once (the second run stored none), by its content; the PK
    # master of each year (demo/pk/) imported as the indicator master, never submitted.
    pk_files = [p for p in sheets if p.parent == demo / "pk"]
    assert len(pk_files) == 2
    for tahun, master in masters.items():
        assert len(master) == 16, (tahun, master)
    assert sorted(history["sha256"]) == sorted(
        hashlib.sha256(p.read_bytes()).hexdigest() for p in sheets if p not in pk_files
    )
    assert set(history["status"]) == {"accepted"}
    assert (history["jumlah_rekaman"] > 0).all(), history
    assert len(records) == history["jumlah_rekaman"].sum()


def _corrupt(data: bytes) -> bytes:
    """The sheet's deflate stream broken in the middle: a damaged archive."""
    import zipfile as zf

    with zf.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(data)
    start = (
        info.header_offset
        + 30
        + len(info.filename)
        + int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    )
    for k in range(start + 2, start + min(info.compress_size, 40)):
        raw[k] ^= 0x5A
    return bytes(raw)


def test_one_damaged_file_never_hides_the_others(capsys, tmp_path: Path) -> None:
    good = write("baik.xlsx", [HEADER, ["Bidang X", "Jumlah IKM", "unit", 2023, "TW I", 10, 9]])
    broken = Path("rusak.xlsx")
    broken.write_bytes(_corrupt(Path(good).read_bytes()))
    Path("folder").mkdir()
    code, out, err = run(capsys, "validate", "--json", str(broken), good, "folder")
    assert code == 1 and "tak terduga" not in out + err
    reports = {r["file"]: r for r in json.loads(out)}
    assert len(reports) == 3
    assert not reports[str(broken)]["valid"]
    assert "rusak" in reports[str(broken)]["errors"][0]["message"]
    assert reports[good]["valid"] and len(reports[good]["records"]) == 1
    assert "folder" in reports["folder"]["errors"][0]["message"]
