"""Benchmark: the collection formats of every bidang for one round, against pandas writing the
same PK rows as plain sheets.

    uv run --no-sync python bench/format.py

The demo agency's shape: its 4 bidang (data/instansi.toml) with 15 indicators each (60, the
demo PK's 16 indicators repeated under new names), periode TW II. Times, in this process
after the imports, best of RUNS runs:

  (a) format.build(pk, settings, ...) + format.to_zip(...)      the product: 4 protected
                                                                  workbooks, Petunjuk,
                                                                  validations, metadata, .zip
  (b) per bidang, frame.to_excel(buf, engine="xlsxwriter")      the baseline: same writer,
                                                                  same rows, a plain sheet
  (c) ingest.read of the 4 formats, unfilled                     what reading them back costs

Goal: (a) under 1 s. Exit 0 when met, 1 when missed.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kinerja import format as fmt  # noqa: E402
from kinerja import ingest, pk  # noqa: E402

RUNS = 5
PER_BIDANG = 15
GOAL_S = 1.0
TAHUN, PERIODE = 2023, "TW II"


def agency() -> tuple[pd.DataFrame, dict[str, Any]]:
    """The demo agency's settings and a 60-indicator PK over its 4 bidang."""
    settings = tomllib.loads((ROOT / "data" / "instansi.toml").read_text())
    path = ROOT / "data" / "demo" / "pk" / f"pk-{TAHUN}.xlsx"
    demo, errors = pk.read_pk(path.read_bytes(), path.name)
    assert not errors, errors
    rows = []
    for b in settings["bidang"]:
        own = demo[demo["bidang"] == b].reset_index(drop=True)
        for k in range(PER_BIDANG):
            row = own.iloc[k % len(own)].copy()
            row["indikator"] = f"{row['indikator']} ({k + 1})"
            for col in ("target_tw1", "target_tw2", "target_tw3", "target_tw4"):
                if pd.isna(row[col]):  # every indicator gets a TW II target: 60 rows
                    row[col] = row["target"]
            rows.append(row)
    return pd.DataFrame(rows).reset_index(drop=True), settings


def best(job: Callable[[], Any]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def product(frame: pd.DataFrame, settings: dict[str, Any]) -> bytes:
    return fmt.to_zip(fmt.build(frame, settings, tahun=TAHUN, periode=PERIODE))


def baseline(frame: pd.DataFrame) -> list[bytes]:
    out = []
    for _, part in frame.groupby("bidang", sort=False):
        buf = io.BytesIO()
        part.to_excel(buf, engine="xlsxwriter", index=False)
        out.append(buf.getvalue())
    return out


def main() -> int:
    frame, settings = agency()
    formats = fmt.build(frame, settings, tahun=TAHUN, periode=PERIODE)
    assert [f.indikator for f in formats] == [PER_BIDANG] * len(settings["bidang"])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"format.build + to_zip, {PERIODE} {TAHUN}: {len(formats)} bidang, {len(frame)} indikator"
    )
    print(f"wall clock in this process after the imports, best of {RUNS}.")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load}; Python "
        f"{platform.python_version()}, pandas {pd.__version__}, XlsxWriter {xlsxwriter.__version__}"
    )
    print()
    a = best(lambda: product(frame, settings))
    b = best(lambda: baseline(frame))
    c = best(lambda: [ingest.read(f.data, filename=f.nama_file) for f in formats])
    size = len(product(frame, settings))
    print(f"{'':44}  {'seconds':>8}")
    print(f"{'(a) formats of every bidang + .zip':44}  {a:>8.3f}  ({size / 1024:.0f} KB zip)")
    print(f"{'(b) baseline: to_excel per bidang, plain':44}  {b:>8.3f}")
    print(f"{'(c) ingest.read of the 4 formats':44}  {c:>8.3f}")
    print()
    ok = a < GOAL_S
    print(f"(a) / (b): {a / b:.2f}x")
    print(f"(a) {a:.3f} s (goal < {GOAL_S:g} s) {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
