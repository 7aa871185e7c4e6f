"""Benchmark of the analysis and evaluation pages at regency scale (issue 8).

    uv run --extra test python bench/app.py [--quick] [--no-browser]

The database is bench/store.py's regency: 40 agencies x 60 indicators x 4 quarters x 5 years
= 48.000 current records, here with realistic series (cumulative quarterly targets,
realisasi drawn around them, a few slips) and each agency-year's PK master. A second
database holds one agency with all 48.000 records (2.400 indicators), the worst case a page
can meet. Figures, each with its goal and a baseline measured in this same process:

- a rerun of /analisis and of /evaluasi after a filter change (AppTest, the script as the
  server runs it), median over several changes; goal < 300 ms. Baseline: the same rerun with
  every cache cleared (each rerun reading and judging everything again).
- `kinerja evaluate --json` over one agency's five years, the whole command; goal < 1 s.
  Baseline: `kinerja records --json` of the same agency (start-up plus reading the same rows).
- the cold start: `streamlit run app.py` until a browser shows Beranda's title and its first
  run is over (the page's data drawn); goal < 5 s. Baseline: the same for a one-line script.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kinerja import store  # noqa: E402

AGENCIES, INDICATORS, YEARS = 40, 60, range(2020, 2025)
BIDANG = ["Sekretariat", "Bidang Satu", "Bidang Dua", "Bidang Tiga"]
TW = ["TW I", "TW II", "TW III", "TW IV"]
SATUAN = ["%", "orang", "unit", "kasus", "nilai"]


def agency_year(n_ind: int, tahun: int, rng: random.Random) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, PK master) of one agency-year: n_ind indicators over TW I..IV."""
    rows, pk = [], []
    for i in range(n_ind):
        bidang = BIDANG[i * len(BIDANG) // n_ind]
        satuan = SATUAN[i % len(SATUAN)]
        arah = "turun" if i % 11 == 0 else "naik"
        annual = 80.0 if satuan in ("%", "nilai") else float(rng.randint(20, 2000))
        cumulative = satuan not in ("%", "nilai")
        targets = [annual * q / 4 if cumulative else annual for q in (1, 2, 3, 4)]
        name = f"Indikator kinerja {i}"
        sasaran = f"Sasaran strategis {i // 6}"
        for q, t in zip(TW, targets, strict=True):
            r = round(t * rng.uniform(0.8, 1.15), 2)
            if rng.random() < 0.004:
                r = round(r * 10, 2)  # an extra digit
            if satuan == "%" and rng.random() < 0.004:
                r = round(r / 100, 4)  # a fraction for a percent
            rows.append(
                {
                    "bidang": bidang,
                    "sasaran": sasaran,
                    "indikator": name,
                    "satuan": satuan,
                    "arah": arah,
                    "tahun": tahun,
                    "periode": q,
                    "target": t,
                    "realisasi": None if rng.random() < 0.01 else r,
                    "capaian": float("nan"),
                    "predikat": None,
                    "keterangan": None,
                    "pagu": float("nan"),
                    "realisasi_anggaran": float("nan"),
                    "capaian_catatan": None,
                    "baris": len(rows) + 6,
                }
            )
        pk.append(
            {
                "bidang": bidang,
                "sasaran": sasaran,
                "indikator": name,
                "satuan": satuan,
                "arah": arah,
                "agregasi": "akhir" if cumulative or satuan == "%" else "rata-rata",
                "target": targets[-1],
                **{f"target_tw{k}": t for k, t in enumerate(targets, start=1)},
            }
        )
    records = pd.DataFrame(rows)
    from kinerja import capaian

    records = capaian.add_capaian(records)
    return records, pd.DataFrame(pk)


def _result(records: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(
        records=records, report=SimpleNamespace(errors=[], warnings=[]), valid=True
    )


def build(url: str, *, agencies: int, indicators: int) -> None:
    s = store.connect(url)
    iid = s.init(user="bench")
    s.set_settings({"bidang": BIDANG}, user="bench", instansi_id=iid)  # PK bidang are checked
    ids = [iid] + [
        s.create_instansi(f"opd-{i}", f"OPD {i}", {"bidang": BIDANG}) for i in range(1, agencies)
    ]
    rng = random.Random(8)
    for a in ids:
        for y in YEARS:
            recs, pk = agency_year(indicators, y, rng)
            s.import_pk(pk, tahun=y, user="bench", instansi_id=a)
            s.submit(_result(recs), data=b"z", filename=f"{a}-{y}.xlsx", user="b", instansi_id=a)
    s.close()


# --- page reruns --------------------------------------------------------------------------


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def page_reruns(
    url: str, page: str, changes: list[Callable[[object], object]]
) -> tuple[float, float]:
    """(median ms of a rerun after a filter change, median ms of the same with every cache
    cleared first)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["KINERJA_DATABASE_URL"] = url
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page(f"views/{page}")
    at.run()
    assert not at.exception, at.exception
    warm, cold = [], []
    for change in changes:
        change(at)
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    for change in changes:
        change(at)
        st.cache_data.clear()
        st.cache_resource.clear()
        t = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - t)
    return _median_ms(warm), _median_ms(cold)


def analisis_changes() -> list[Callable[[object], object]]:
    from kinerja.ui import state

    k = state.ANALISIS
    out: list[Callable[[object], object]] = []
    for periode in ("TW II", "Tahunan (agregat)", "TW III", "TW IV"):
        out.append(lambda at, p=periode: at.selectbox(key=f"{k}_periode").set_value(p))
    for b in BIDANG:
        out.append(lambda at, b=b: at.multiselect(key=f"{k}_bidang").set_value([b]))
    for tahun in (2023, 2022):
        out.append(lambda at, t=tahun: at.selectbox(key=f"{k}_tahun").set_value(t))
    return out


def evaluasi_changes() -> list[Callable[[object], object]]:
    from kinerja.ui import state

    k = state.EVALUASI
    out: list[Callable[[object], object]] = []
    for b in BIDANG:
        out.append(lambda at, b=b: at.selectbox(key=f"{k}_bidang").set_value(b))
    for periode in ("TW II", "TW III", "Semua"):
        out.append(lambda at, p=periode: at.selectbox(key=f"{k}_periode").set_value(p))
    for tahun in (2023, 2022):
        out.append(lambda at, t=tahun: at.selectbox(key=f"{k}_tahun").set_value(t))
    return out


# --- the command line ---------------------------------------------------------------------


def command_s(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "kinerja", *argv],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        times.append(time.perf_counter() - t)
        assert proc.returncode == 0, proc.stderr.decode()
    return statistics.median(times)


# --- cold start ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold_start_s(script: Path, text: str, url: str) -> float:
    """Seconds from `streamlit run script` to a browser showing text and the first run over."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, KINERJA_DATABASE_URL=url)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page()
        t = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.address",
             "127.0.0.1", "--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            while True:
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                    break
                except OSError:
                    if time.perf_counter() - t > 120:
                        raise RuntimeError("streamlit did not start") from None
                    time.sleep(0.02)
            page.goto(base)
            page.get_by_text(text, exact=True).first.wait_for(timeout=120_000)
            # The title is the page's first element: wait for the whole first run (the page's
            # data drawn), as Streamlit's own browser tests wait for a run to end.
            page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
            )
            return time.perf_counter() - t
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            browser.close()


def python_s(code: str, repeat: int) -> float:
    """Median seconds of a fresh interpreter running code (what any command pays first)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "OK" if ok else "TIDAK TERCAPAI"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="8 agencies instead of 40")
    ap.add_argument("--no-browser", action="store_true", help="skip the cold start")
    ap.add_argument(
        "--cold-only",
        action="store_true",
        help="only the cold start (on the regency's first agency of --quick)",
    )
    args = ap.parse_args()
    agencies = 8 if args.quick or args.cold_only else AGENCIES
    with tempfile.TemporaryDirectory() as tmp:
        if args.cold_only:
            regency = f"sqlite:///{tmp}/kabupaten.db"
            build(regency, agencies=agencies, indicators=INDICATORS)
            cold_starts(Path(tmp), regency)
            return
        regency = f"sqlite:///{tmp}/kabupaten.db"
        t = time.perf_counter()
        build(regency, agencies=agencies, indicators=INDICATORS)
        print(
            f"basis data kabupaten: {agencies} instansi x {INDICATORS} indikator x 4 triwulan x "
            f"{len(YEARS)} tahun = {agencies * INDICATORS * 4 * len(YEARS):,} data terkini "
            f"(dibangun {time.perf_counter() - t:.1f} s)".replace(",", ".")
        )
        big = f"sqlite:///{tmp}/satu-instansi.db"
        t = time.perf_counter()
        build(big, agencies=1, indicators=INDICATORS * agencies)
        print(
            f"satu instansi dengan {INDICATORS * agencies * 4 * len(YEARS):,} data "
            f"(dibangun {time.perf_counter() - t:.1f} s)".replace(",", ".")
        )

        print("\n== rerun halaman setelah saringan diubah (median; tujuan < 300 ms) ==")
        n_big = f"{INDICATORS * agencies * 4 * len(YEARS):,}".replace(",", ".")
        for label, url in (("kabupaten, satu instansi", regency), (f"instansi {n_big} data", big)):
            for page, changes in (
                ("analisis.py", analisis_changes()),
                ("evaluasi.py", evaluasi_changes()),
            ):
                warm, cold = page_reruns(url, page, changes)
                print(
                    f"/{page[:-3]:9s} {label:26s}: {warm:7.1f} ms   tanpa cache {cold:7.1f} ms "
                    f"({cold / warm:.1f}x)   {verdict(warm < 300)}"
                )

        print("\n== kinerja evaluate --json, satu instansi lima tahun (tujuan < 1 s) ==")
        for label, url in (("kabupaten, instansi pertama", regency), (f"{n_big} data", big)):
            ev = command_s(["evaluate", "--json", "--db", url], 3)
            rec = command_s(["records", "--json", "--db", url], 3)
            print(
                f"{label:28s}: {ev:5.2f} s   pembanding 'records --json' {rec:5.2f} s "
                f"({ev / rec:.2f}x)   {verdict(ev < 1)}"
            )
        floor = python_s("import pandas, sqlalchemy.orm", 3)
        print(f"lantai: python -c 'import pandas, sqlalchemy.orm' {floor:5.2f} s")

        if not args.no_browser:
            cold_starts(Path(tmp), regency)


def cold_starts(tmp: Path, url: str) -> None:
    print("\n== mulai dingin sampai halaman pertama tampil (tujuan < 5 s) ==")
    hello = tmp / "halo.py"
    hello.write_text('import streamlit as st\nst.title("Halo")\n', encoding="utf-8")
    app = statistics.median(
        cold_start_s(ROOT / "app.py", "Pengumpulan Data Kinerja", url) for _ in range(3)
    )
    base = statistics.median(cold_start_s(hello, "Halo", url) for _ in range(3))
    print(
        f"app.py: {app:5.2f} s   pembanding skrip satu baris {base:5.2f} s "
        f"({app / base:.2f}x)   {verdict(app < 5)}"
    )


if __name__ == "__main__":
    main()
