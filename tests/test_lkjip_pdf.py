"""The LKjIP files as the report writer meets them: LibreOffice opens the workbook and the
document and prints them (headless, to PDF), A4 landscape with a sane page count."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from kinerja.lkjip import dokumen, workbook
from kinerja.lkjip.data import Laporan, susun

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


SETTINGS = {
    "nama": "Dinas Perindustrian dan Tenaga Kerja",
    "kabupaten": "Kabupaten Lima Puluh Kota",
    "kota": "Sarilamak",
    "kepala_dinas": {"nama": "Fulan, S.T., M.Si.", "nip": "19700101 199503 1 000"},
}


def laporan(draft: bool = False) -> Laporan:
    """A year of 12 indicators in 3 sasaran, every quarter, two with a budget."""
    rows = []
    for k in range(12):
        for q, p in enumerate(("TW I", "TW II", "TW III", "TW IV"), start=1):
            rows.append(
                {
                    "bidang": f"Bidang {k % 3}",
                    "sasaran": f"Sasaran strategis nomor {k % 3} dengan nama yang cukup panjang",
                    "indikator": f"Indikator kinerja {k} yang namanya panjang seperti aslinya",
                    "satuan": "%" if k % 2 else "orang",
                    "arah": "turun" if k == 5 else "naik",
                    "tahun": 2023,
                    "periode": p,
                    "target": 25.0 * q,
                    "realisasi": 24.5 * q + k,
                    "keterangan": "Kendala: cuaca; tindak lanjut: jadwal ulang" if q == 4 else None,
                    "pagu": 1.5e8 if (q == 4 and k < 2) else None,
                    "realisasi_anggaran": 1.2e8 if (q == 4 and k < 2) else None,
                }
            )
    flags = pd.DataFrame(columns=["tahun", "bidang", "periode"])
    return susun(
        pd.DataFrame(rows), None, flags, SETTINGS, tahun=2023, draft=draft,
        tanggal=dt.date(2024, 1, 15),
    )  # fmt: skip


# CSV of the first sheet with the cells as shown (token 9: "save cell contents as shown").
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"


def to_pdf(soffice: str, path: Path, tmp_path: Path, to: str = "pdf") -> bytes:
    """path printed to PDF (or converted to `to`) by LibreOffice, headless, with a profile
    of its own."""
    profile = (tmp_path / "profile").as_uri()
    out = tmp_path / to.split(":")[0]
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = out / (path.stem + "." + to.split(":")[0])
    assert done.returncode == 0 and pdf.exists(), done.stderr.decode(errors="replace")
    return pdf.read_bytes()


def pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page."""
    boxes = [tuple(float(x) for x in m.groups()) for m in _BOX.finditer(pdf)]
    n = len(_PAGE.findall(pdf))
    assert n >= 1
    # LibreOffice writes one MediaBox per page.
    return [(b[2] - b[0], b[3] - b[1]) for b in boxes[-n:]]


@pytest.fixture
def soffice(require: Callable[[str, str], str]) -> str:
    return require(
        "soffice",
        "LibreOffice (soffice) is missing: apt-get install libreoffice-calc libreoffice-writer "
        "(scripts/install-system-deps.sh)",
    )


def test_workbook_prints_on_a4_landscape(soffice: str, tmp_path: Path) -> None:
    path = tmp_path / "lkjip.xlsx"
    path.write_bytes(workbook.to_xlsx(laporan()))
    sizes = pages(to_pdf(soffice, path, tmp_path))
    # eight sheets, each one page wide; a small year fits a page or two each
    assert len(workbook.LEMBAR) <= len(sizes) <= 2 * len(workbook.LEMBAR)
    for w, h in sizes:
        assert (round(w), round(h)) == (842, 595)  # A4 landscape in points


def test_document_opens_in_writer(
    soffice: str, tmp_path: Path, require: Callable[[str, str], str]
) -> None:
    require("lowriter", "LibreOffice Writer is missing: apt-get install libreoffice-writer")
    path = tmp_path / "bab3.docx"
    path.write_bytes(dokumen.to_docx(laporan(draft=True)))
    sizes = pages(to_pdf(soffice, path, tmp_path))
    assert 1 <= len(sizes) <= 8
    for w, h in sizes:
        assert (round(w), round(h)) == (595, 842)  # A4 portrait


def test_numbers_show_the_indonesian_way(soffice: str, tmp_path: Path) -> None:
    """Pengukuran Kinerja as LibreOffice shows it, whatever this machine's locale: decimal
    comma, thousands dot."""
    lap = laporan()
    path = tmp_path / "lkjip.xlsx"
    path.write_bytes(workbook.to_xlsx(lap))
    shown = to_pdf(soffice, path, tmp_path, CSV_AS_SHOWN).decode("utf-8")
    first = lap.pengukuran.iloc[0]
    want = f"{first['capaian_bulat']:.2f}".replace(".", ",")
    assert f'"{want}"' in shown or f",{want}," in shown
    assert not re.search(r"\b\d+\.\d{2}\b", shown.split("Rata-rata")[0].split("(7)")[-1])
