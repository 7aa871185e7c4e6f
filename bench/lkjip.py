"""Benchmark: the LKjIP export of a regency-scale year against a plain DataFrame.to_excel.

    uv run --no-sync python bench/lkjip.py

Builds 2.500 indicators (40 bidang, 250 sasaran, a programme and a Renstra target each) with
four cumulative quarters: 10.000 records of the year, and the year before (another 10.000)
for the comparison sheet; a PK master for both years. Times, in this process after the
imports, best of two:

  (a) lkjip.data.susun(...)             the tables (analisis, capaian, flags)
  (b) lkjip.workbook.to_xlsx(laporan)   the workbook: 8 sheets, charts, print setup
  (c) lkjip.dokumen.to_docx(laporan)    the Bab III draft
  (d) the year's 10.000 records .to_excel(engine="xlsxwriter")   the baseline
  (e) lkjip.sumber.muat(store, ...)     (a) over a SQLite store holding both years, every
                                        round verified: reading the records, the PK and the
                                        verification, evaluating the flags, then (a)

Goal: (a) + (b) under 3 s (the export), and its ratio to (d). Exit 0 when met, 1 when not.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kinerja import contoh, ingest, kirim  # noqa: E402
from kinerja.lkjip import data, dokumen, sumber, workbook  # noqa: E402
from kinerja.store import Store, connect  # noqa: E402

INDIKATOR = 2_500
BIDANG = 40
PER_SASARAN = 10
RUNS = 2
GOAL_S = 3.0
SETTINGS = {
    "nama": "Dinas Perindustrian dan Tenaga Kerja",
    "kabupaten": "Kabupaten Lima Puluh Kota",
    "kota": "Sarilamak",
    "kepala_dinas": {"nama": "Fulan, S.T., M.Si.", "nip": "19700101 199503 1 000"},
}


def dataset() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    rows = []
    pk = []
    for tahun in (2022, 2023):
        for k in range(INDIKATOR):
            s = k // PER_SASARAN
            bidang = f"Bidang {k % BIDANG:02d}"
            sasaran = f"Meningkatnya kinerja urusan nomor {s:03d}"
            indikator = f"Persentase capaian layanan nomor {k:04d}"
            satuan = "%" if k % 3 else "orang"
            arah = "turun" if k % 17 == 0 else "naik"
            annual = float(100 + k % 50)
            targets = [annual * q / 4 for q in (1, 2, 3, 4)]
            for q, t in enumerate(targets):
                rows.append(
                    {
                        "bidang": bidang,
                        "sasaran": sasaran,
                        "indikator": indikator,
                        "satuan": satuan,
                        "arah": arah,
                        "tahun": tahun,
                        "periode": ("TW I", "TW II", "TW III", "TW IV")[q],
                        "target": t,
                        "realisasi": round(t * rng.uniform(0.7, 1.2), 2),
                        "keterangan": "Kendala anggaran; tindak lanjut pada TW berikutnya"
                        if (q == 3 and k % 5 == 0)
                        else None,
                        "pagu": 2.5e8 if (q == 3 and k % PER_SASARAN == 0) else None,
                        "realisasi_anggaran": round(2.5e8 * rng.uniform(0.8, 1.0))
                        if (q == 3 and k % PER_SASARAN == 0)
                        else None,
                    }
                )
            pk.append(
                {
                    "tahun": tahun,
                    "bidang": bidang,
                    "sasaran": sasaran,
                    "indikator": indikator,
                    "satuan": satuan,
                    "arah": arah,
                    "agregasi": "akhir",
                    "target": annual,
                    "target_renstra": annual * 1.2,
                    "tahun_renstra": 2026,
                    "program": f"Program urusan nomor {s:03d}",
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(pk)


KOLOM_LEMBAR = [
    ("bidang", "Bidang"),
    ("sasaran", "Sasaran"),
    ("indikator", "Indikator Kinerja"),
    ("satuan", "Satuan"),
    ("arah", "Arah"),
    ("tahun", "Tahun"),
    ("periode", "Periode"),
    ("target", "Target"),
    ("realisasi", "Realisasi"),
    ("keterangan", "Keterangan"),
    ("pagu", "Pagu"),
    ("realisasi_anggaran", "Realisasi Anggaran"),
]


def store_with(records: pd.DataFrame, pk: pd.DataFrame, folder: Path) -> tuple[Store, int]:
    """A SQLite store whose agency (no bidang list) holds records through the reader, the PK
    of each year, and every round verified."""
    s = connect(f"sqlite:///{folder / 'bench.db'}")
    iid = s.create_instansi("bench", "Dinas Perindustrian dan Tenaga Kerja", SETTINGS, user="b")
    for tahun, frame in records.groupby("tahun"):
        rows: list[list[object]] = [[label for _, label in KOLOM_LEMBAR]]
        for rec in frame[[k for k, _ in KOLOM_LEMBAR]].itertuples(index=False):
            rows.append([None if (isinstance(v, float) and v != v) else v for v in rec])
        sent = kirim.kirim(
            s, contoh.xlsx(rows), f"{tahun}.xlsx", defaults=ingest.Defaults(), user="b",
            instansi_id=iid,
        )  # fmt: skip
        assert sent.accepted, sent.message
        s.import_pk(pk[pk["tahun"] == tahun].drop(columns="tahun"), tahun=int(tahun),
                    user="b", instansi_id=iid)  # fmt: skip
    for (b, t, p), _ in records.groupby(["bidang", "tahun", "periode"]):
        s.verify(str(b), int(t), str(p), user="b", instansi_id=iid)
    return s, iid


def best(fn: Callable[[], object]) -> tuple[float, object]:
    times, out = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> int:
    records, pk = dataset()
    year = records[records["tahun"] == 2023]
    flags = pd.DataFrame(columns=["tahun", "bidang", "periode"])
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPU, load "
        f"{os.getloadavg()[0]:.1f}; {len(year)} records of the year, {len(records)} in all"
    )
    t_a, lap = best(
        lambda: data.susun(records, pk, flags, SETTINGS, tahun=2023, tanggal=dt.date(2024, 1, 15))
    )
    assert isinstance(lap, data.Laporan)
    t_b, xlsx = best(lambda: workbook.to_xlsx(lap))
    t_c, docx = best(lambda: dokumen.to_docx(lap))

    def baseline() -> bytes:
        buf = io.BytesIO()
        year.to_excel(buf, engine="xlsxwriter", index=False)
        return buf.getvalue()

    t_d, _ = best(baseline)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store, iid = store_with(records, pk, Path(folder))
        try:
            t_e, from_store = best(lambda: sumber.muat(store, tahun=2023, instansi_id=iid))
        finally:
            store.close()
    assert isinstance(from_store, data.Laporan) and len(from_store.data) == len(year)
    export = t_a + t_b
    print(f"(a) susun (tables)            {t_a:6.2f} s  ({len(lap.pengukuran)} indicators)")
    print(f"(b) to_xlsx (workbook)        {t_b:6.2f} s  ({len(xlsx) / 1e6:.1f} MB)")  # type: ignore[arg-type]
    print(f"(c) to_docx (Bab III draft)   {t_c:6.2f} s  ({len(docx) / 1e6:.1f} MB)")  # type: ignore[arg-type]
    print(f"(d) DataFrame.to_excel        {t_d:6.2f} s  (baseline)")
    print(
        f"(e) sumber.muat (store + a)   {t_e:6.2f} s  (with the store: (e)+(b) {t_e + t_b:.2f} s)"
    )
    print(f"export (a)+(b) {export:.2f} s = {export / t_d:.1f}x the baseline; with the document "
          f"(a)+(b)+(c) {export + t_c:.2f} s = {(export + t_c) / t_d:.1f}x")  # fmt: skip
    ok = export < GOAL_S
    print(f"goal: (a)+(b) < {GOAL_S:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
