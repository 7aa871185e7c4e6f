"""`kinerja export` over a store filled through the reader: exit codes, only verified data,
--draft, step 7 on the round, the --json contract, and a formula-like keterangan uploaded and
read back as text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from kinerja import cli, ingest, kirim
from kinerja.cli_export import JSON_KEYS
from kinerja.lkjip import sumber, workbook
from kinerja.store import Store, connect

IND = "Bidang Perindustrian"
HI = "Bidang Hubungan Industrial"
HEADER = [
    "Bidang",
    "Sasaran",
    "Indikator Kinerja",
    "Satuan",
    "Arah",
    "Tahun",
    "Periode",
    "Target",
    "Realisasi",
    "Keterangan",
]
TW = ["TW I", "TW II", "TW III", "TW IV"]
RUMUS = '=HYPERLINK("http://contoh.invalid","klik")'


def sheet(bidang: str, tahun: int, seri: list[tuple[str, str, str, str, list, list]]) -> bytes:
    rows: list[list[object]] = [list(HEADER)]
    for sasaran, indikator, satuan, arah, targets, reals in seri:
        for i, (t, r) in enumerate(zip(targets, reals, strict=True)):
            ket = RUMUS if (indikator.startswith("Persentase") and i == 3) else None
            rows.append([bidang, sasaran, indikator, satuan, arah, tahun, TW[i], t, r, ket])
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for c in row:
            if c.value == RUMUS:
                c.data_type = "s"  # typed as text, as a person types '=... in a cell
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FILES = {
    ("ind-2023.xlsx", IND, 2023): [
        (
            "Meningkatnya daya saing IKM",
            "Jumlah IKM yang dibina",
            "unit",
            "naik",
            [25, 50, 75, 100],
            [20, 45, 80, 110],
        ),
    ],
    ("hi-2023.xlsx", HI, 2023): [
        (
            "Terciptanya hubungan industrial yang harmonis",
            "Persentase perselisihan selesai",
            "%",
            "naik",
            [75, 80, 85, 90],
            [68.36, 70.4, 91.76, 86.28],
        ),
    ],
}


def fill(url: str) -> None:
    s = connect(url)
    try:
        s.init(user="uji")
        for (name, _, _), seri in FILES.items():
            bidang, tahun = name.split("-")[0], 2023
            b = IND if bidang == "ind" else HI
            sent = kirim.kirim(
                s, sheet(b, tahun, seri), name, defaults=ingest.Defaults(), user="uji"
            )
            assert sent.accepted, sent.message
    finally:
        s.close()


def verify_all(s: Store, bidang: str, periods: list[str]) -> None:
    for p in periods:
        s.verify(bidang, 2023, p, user="sari")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    u = f"sqlite:///{tmp_path / 'k.db'}"
    fill(u)
    capsys.readouterr()
    return u


def test_nothing_verified_is_refused_with_the_reason(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lkjip.xlsx"
    code, stdout, err = run(capsys, "export", "--db", url, "--tahun", "2023", "--out", str(out))
    assert code == 1
    assert "Belum ada data terverifikasi untuk tahun 2023" in err
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
    code, stdout, _ = run(
        capsys, "export", "--db", url, "--tahun", "2023", "--out", str(out), "--json"
    )
    assert code == 1 and json.loads(stdout)["ok"] is False


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        (["--out", "x.xls"], "--out harus berakhiran .xlsx"),
        (["--out", "tidak-ada/x.xlsx"], "tidak ada; buat dulu foldernya"),
        (["--out", "x.xlsx", "--docx", "x.doc"], "--docx harus berakhiran .docx"),
        (["--out", "x.xlsx", "--periode", "TW 5"], "periode 'TW 5' tidak dikenal"),
        (["--out", "x.xlsx", "--tahun", "1999"], "tahun '1999' tidak sah"),
    ],
)
def test_usage_errors_exit_2_before_the_database(
    extra: list[str],
    why: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["export", "--db", f"sqlite:///{tmp_path}/none.db", "--tahun", "2023", *extra]
    if "--tahun" in extra:
        argv = ["export", "--db", f"sqlite:///{tmp_path}/none.db", *extra]
    with pytest.raises(SystemExit) as exc_info:
        code = cli.main(argv)
        raise SystemExit(code)
    assert exc_info.value.code == 2
    assert why in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_verified_export_records_step_7_and_keeps_text_as_text(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = connect(url)
    try:
        verify_all(s, IND, TW)
        verify_all(s, HI, TW[:3])  # HI's TW IV waits: not in the export
    finally:
        s.close()
    out, doc = tmp_path / "lkjip.xlsx", tmp_path / "bab3.docx"
    code, stdout, err = run(
        capsys,
        "export",
        "--db",
        url,
        "--tahun",
        "2023",
        "--out",
        str(out),
        "--docx",
        str(doc),
        "--json",
        "--user",
        "sari",
    )
    assert code == 0, err
    got = json.loads(stdout)
    assert list(got) == JSON_KEYS
    assert got["ok"] and got["langkah"] == "TW IV" and got["indikator"] == 2
    assert got["rekaman"] == 7  # 4 + 3 verified records
    wb = openpyxl.load_workbook(out)
    rows = {r[1]: r for r in wb["Pengukuran Kinerja"].iter_rows(values_only=True) if r[1]}
    assert rows["Jumlah IKM yang dibina"][3:6] == (100, 110, 110)
    # HI's year rests on its latest verified quarter, TW III: 91,76 / 85
    assert rows["Persentase perselisihan selesai"][3:6] == (85, 91.76, 107.95)
    assert not list(tmp_path.glob("*.tmp"))
    # the verified step: recorded on the year's latest round, by the user
    s = connect(url)
    try:
        steps = s.rounds(tahun=2023)
        step = steps[steps["langkah"] == "disusun"]
        assert step[["periode", "oleh"]].values.tolist() == [["TW IV", "sari"]]
        assert "lkjip.xlsx, bab3.docx" in step["catatan"].iloc[0]
    finally:
        s.close()
    Document(str(doc))


def test_draft_exports_everything_marks_it_and_records_no_step(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, doc = tmp_path / "draft.xlsx", tmp_path / "draft.docx"
    code, stdout, err = run(
        capsys,
        "export",
        "--db",
        url,
        "--tahun",
        "2023",
        "--draft",
        "--out",
        str(out),
        "--docx",
        str(doc),
    )
    assert code == 0, err
    assert "DRAF" in stdout and "tidak dicatat" in stdout
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert any(workbook.DRAFT in str(c) for row in ws.iter_rows(values_only=True) for c in row)
    # the formula-like keterangan uploaded in HI's TW IV: text in the Data sheet, the quote
    # prefix on, no formula anywhere; text in the document too
    cells = [c for row in wb["Data"].iter_rows() for c in row if c.value == RUMUS]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix
    with __import__("zipfile").ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    text = "\n".join(p.text for p in Document(str(doc)).paragraphs)
    assert RUMUS in text
    s = connect(url)
    try:
        assert "disusun" not in set(s.rounds(tahun=2023)["langkah"].dropna())
    finally:
        s.close()


@pytest.mark.parametrize("periode", ["TW II", None])
def test_step_7_needs_a_round(db_url: str, periode: str | None) -> None:
    """On both databases: a periode without a round records nothing and opens none."""
    fill(db_url)
    s = connect(db_url)
    try:
        verify_all(s, IND, TW)
        lap = sumber.muat(s, tahun=2023, periode=periode)
        assert not lap.kosong and sumber.alasan_tolak(lap) is None
        done = sumber.catat(s, lap, user="sari", berkas="x.xlsx")
        assert done.periode == (periode or "TW IV")
        lap_2024 = sumber.muat(s, tahun=2024, draft=True)
        none = sumber.catat(s, lap_2024, user="sari", berkas="x.xlsx")
        assert none.periode is None
        assert sumber.alasan_tolak(sumber.muat(s, tahun=2024)) is not None
        assert s.rounds(tahun=2024).empty
        xlsx_bytes = workbook.to_xlsx(lap)
        openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    finally:
        s.close()
