"""The format through LibreOffice Calc (Debian's libreoffice-calc, headless): every bidang's
format, filled by a script, opened and saved by Calc as .xlsx and as .ods, reads back with no
warning, the PK's targets, its metadata and its protection; and a format Calc saved before
it was filled reads the same once filled."""

from __future__ import annotations

import io
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kinerja import format as fmt
from kinerja import ingest, pk, workbook
from kinerja.ingest import meta

ROOT = Path(__file__).resolve().parents[1]
SETTINGS: dict[str, Any] = tomllib.loads((ROOT / "data" / "instansi.toml").read_text())
MISSING = (
    "LibreOffice Calc (soffice) is missing: run scripts/install-system-deps.sh as root, "
    "which installs Debian's libreoffice-calc"
)
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods:calc8"}
# A guard against a hung office process, not a measure of speed.
HANG_GUARD_S = 600
# One worker runs them all: one office start-up per module, not one per worker.
pytestmark = pytest.mark.xdist_group("libreoffice")


def demo_pk() -> pd.DataFrame:
    path = ROOT / "data" / "demo" / "pk" / "pk-2023.xlsx"
    frame, errors = pk.read_pk(path.read_bytes(), path.name)
    assert errors == []
    return frame


def fill(data: bytes) -> bytes:
    """Realisasi (target x 0,93), keterangan, pagu and realisasi anggaran in every row."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    (ws,) = [book[n] for n in book.sheetnames if n != fmt.PETUNJUK]
    header = next(r for r in range(1, 20) if ws.cell(r, 3).value == "Indikator Kinerja")
    r = header + 2
    while ws.cell(r, 3).value:
        ws.cell(r, fmt.COL_REALISASI + 1).value = round(
            ws.cell(r, fmt.COL_TARGET + 1).value * 0.93, 2
        )
        ws.cell(r, fmt.COL_KETERANGAN + 1).value = "Sesuai rencana aksi"
        ws.cell(r, fmt.COL_PAGU + 1).value = 150_000_000
        ws.cell(r, fmt.COL_REALISASI_ANGGARAN + 1).value = 120_500_000
        r += 1
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def calc(
    tmp_path_factory: pytest.TempPathFactory, require: Callable[[str, str], str]
) -> Callable[[list[Path], str], list[Path]]:
    """Open files in Calc and save them as kind ("xlsx", "ods") in a new folder: one office
    process per call, with a profile of its own (never the user's)."""
    soffice = require("soffice", MISSING)
    base = tmp_path_factory.mktemp("calc")
    profile = (base / "profile").as_uri()
    runs = iter(range(1_000))

    def convert(files: list[Path], kind: str) -> list[Path]:
        out = base / f"out-{next(runs)}"
        out.mkdir()
        done = subprocess.run(
            [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile}",
             "--convert-to", FILTERS[kind], "--outdir", str(out), *map(str, files)],
            capture_output=True, text=True, timeout=HANG_GUARD_S, check=False,
        )  # fmt: skip
        saved = [out / f"{f.stem}.{kind}" for f in files]
        missing = [p.name for p in saved if not p.exists()]
        assert done.returncode == 0 and not missing, (done.stdout, done.stderr, missing)
        return saved

    return convert


@pytest.fixture(scope="module")
def formats() -> list[fmt.Format]:
    return fmt.build(demo_pk(), SETTINGS, tahun=2023, periode="TW II")


def expected_targets(bidang: str) -> list[float]:
    frame = demo_pk()
    t = fmt.period_targets(frame, "TW II")[frame["bidang"] == bidang]
    return t.dropna().tolist()


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_format_filled_then_saved_by_calc_reads_with_no_warning(
    calc: Callable[[list[Path], str], list[Path]],
    formats: list[fmt.Format],
    tmp_path: Path,
    kind: str,
) -> None:
    assert len(formats) == 4  # every bidang of the demo agency
    filled = []
    for f in formats:
        path = tmp_path / f.nama_file
        path.write_bytes(fill(f.data))
        filled.append(path)
    for f, saved in zip(formats, calc(filled, kind), strict=True):
        data = saved.read_bytes()
        result = ingest.read(data, filename=f"dari-calc.{kind}")
        assert result.valid, result.report.errors
        assert result.report.warnings == []
        recs = result.records
        assert set(zip(recs["bidang"], recs["tahun"], recs["periode"], strict=True)) == {
            (f.bidang, 2023, "TW II")
        }
        assert recs["target"].tolist() == expected_targets(f.bidang)
        assert recs["realisasi"].tolist() == [
            round(t * 0.93, 2) for t in expected_targets(f.bidang)
        ]
        assert set(recs["pagu"]) == {150_000_000.0}
        # The metadata in the hidden columns survives Calc.
        found = meta.find(workbook.load(data, filename=saved.name))
        assert found is not None and found.bidang == f.bidang and found.periode == "TW II"
        assert [r.target for r in found.rows] == expected_targets(f.bidang)


def test_calc_keeps_the_protection_without_a_password(
    calc: Callable[[list[Path], str], list[Path]], formats: list[fmt.Format], tmp_path: Path
) -> None:
    path = tmp_path / formats[1].nama_file
    path.write_bytes(formats[1].data)
    (saved,) = calc([path], "xlsx")
    book = openpyxl.load_workbook(saved)
    ws = book["TW II"]
    assert ws.protection.sheet is True and ws.protection.password is None
    assert ws["F9"].protection.locked is True and ws["G9"].protection.locked is False
    prompts = [v.prompt for v in ws.data_validations.dataValidation if v.prompt]
    assert any("Kosongkan bila datanya belum ada" in p for p in prompts)
    # Filled after Calc saved it (a bidang that opened it in LibreOffice first): still exact.
    result = ingest.read(fill(saved.read_bytes()), filename="x.xlsx")
    assert result.valid and result.report.warnings == []
    assert result.records["target"].tolist() == expected_targets(formats[1].bidang)


def test_a_row_deleted_after_calc_is_still_reported(
    calc: Callable[[list[Path], str], list[Path]], formats: list[fmt.Format], tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(fill(formats[3].data)))
    book["TW II"].delete_rows(9)
    path = tmp_path / "dihapus.xlsx"
    book.save(path)
    (saved,) = calc([path], "ods")
    result = ingest.read(saved.read_bytes(), filename=saved.name)
    assert result.valid
    assert [w.code for w in result.report.warnings] == [meta.BARIS_HILANG]
    assert "'Angka sengketa pengusaha-pekerja'" in result.report.warnings[0].message
