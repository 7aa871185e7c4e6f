"""Generate the demo sheets (data/demo/) and the invalid example (data/contoh-salah/), seeded.

The sheets look the way the agency's divisions really send them back: title rows, merged
headers, a column-number row, a signature block, a "Petunjuk" sheet, Indonesian numbers typed as
text, the wide quarterly layout, .xls, .xlsm and .ods. Every demo file is valid per docs/format.md;
data/demo/README.md (written by this script) says which file carries which quirk.

    uv run --extra test python scripts/make_demo.py [--check]

Output is byte-for-byte reproducible (fixed seed, fixed zip timestamps and document dates).
"""

from __future__ import annotations

import argparse
import functools
import io
import random
import re
import sys
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
SALAH = ROOT / "data" / "contoh-salah"
sys.path.insert(0, str(ROOT))
from kinerja.contoh import ods, to_xlsm, xls  # noqa: E402  (the .xls/.ods/.xlsm writers)

SEED = "disperinaker-demo-v1"
ZIP_STAMP = (2024, 1, 15, 8, 0, 0)
DOC_DATE = "2024-01-15T08:00:00Z"
YEARS = (2022, 2023)
TW = ("I", "II", "III", "IV")
# The month a quarter's report is sent (the 10th of the month after the quarter).
LAPOR = {"I": "10 April", "II": "10 Juli", "III": "10 Oktober", "IV": "10 Januari"}

INSTANSI = tomllib.loads((ROOT / "data" / "instansi.toml").read_text(encoding="utf-8"))
PEMDA = "PEMERINTAH " + INSTANSI["kabupaten"].upper()  # "PEMERINTAH KABUPATEN LIMA PULUH KOTA"
PERINDUSTRIAN = "Bidang Perindustrian"
PELATIHAN = "Bidang Pelatihan dan Penempatan Tenaga Kerja"
HUBUNGAN = "Bidang Hubungan Industrial"
SEKRETARIAT = "Sekretariat"
for _unit in (PERINDUSTRIAN, PELATIHAN, HUBUNGAN, SEKRETARIAT):
    assert _unit in INSTANSI["bidang"], f"{_unit} is not a bidang of data/instansi.toml"

# Fictional signatories: "Fulan"/"Fulanah" are the Indonesian placeholder names and no real NIP
# has serial number 000.
PENANDA_TANGAN = {
    PERINDUSTRIAN: ("Kepala Bidang Perindustrian", "Fulanah, S.E., M.M.", "19780312 200312 2 000"),
    PELATIHAN: (
        "Kepala Bidang Pelatihan dan Penempatan Tenaga Kerja",
        "Fulan bin Fulan, S.Sos.",
        "19800515 200604 1 000",
    ),
    HUBUNGAN: (
        "Kepala Bidang Hubungan Industrial",
        "Fulanah binti Fulan, S.H.",
        "19820720 200801 2 000",
    ),
    SEKRETARIAT: ("Sekretaris", "Fulan Sutan Mudo, S.E., M.Si.", "19760101 200003 1 000"),
}

PETUNJUK = [
    ["PETUNJUK PENGISIAN FORMAT DATA KINERJA"],
    [None],
    ["1. Target diambil dari Rencana Aksi Perjanjian Kinerja tahun berjalan; jangan diubah."],
    ["2. Isi kolom Realisasi dengan capaian s.d. triwulan berjalan (kumulatif)."],
    ["3. Tulis angka dengan koma desimal, contoh: 72,5 (bukan 72.5)."],
    ["4. Bila data belum tersedia, kosongkan Realisasi dan jelaskan di kolom Keterangan."],
    ["5. Kolom Capaian dihitung: Realisasi / Target x 100."],
    [
        "6. Kirim kembali kepada Sub Koordinator Program dan Pelaporan paling lambat tanggal 10 "
        "bulan berikutnya."
    ],
]


# --- indicators, targets and realisasi ----------------------------------------------------


@dataclass
class Indikator:
    sasaran: str
    nama: str
    satuan: str
    arah: str  # "naik" / "turun"
    target: dict[int, tuple[float | None, ...]]  # tahun -> TW I..IV (cumulative); None: not due
    jitter: tuple[float, float] = (0.85, 1.12)  # realisasi / target, drawn per quarter
    tahunan: bool = False  # measured once a year: a "Tahunan" record in the TW IV file


COUNT = {"unit", "orang", "kasus", "sentra"}

INDIKATOR: dict[str, list[Indikator]] = {
    PERINDUSTRIAN: [
        Indikator(
            "Meningkatnya daya saing industri kecil dan menengah (IKM)",
            "Jumlah IKM yang dibina",
            "unit",
            "naik",
            {2022: (350, 700, 1050, 1400), 2023: (375, 750, 1125, 1500)},
        ),
        Indikator(
            "Meningkatnya daya saing industri kecil dan menengah (IKM)",
            "Jumlah sentra IKM yang dibina",
            "sentra",
            "naik",
            {2022: (2, 3, 5, 6), 2023: (2, 4, 6, 8)},
        ),
        Indikator(
            "Meningkatnya kapasitas kelompok pengrajin",
            "Cakupan bina kelompok pengrajin",
            "%",
            "naik",
            {2022: (20, 45, 65, 80), 2023: (25, 50, 70, 85)},
        ),
        Indikator(
            "Meningkatnya kapasitas kelompok pengrajin",
            "Jumlah IKM yang memperoleh sertifikat halal",
            "unit",
            "naik",
            {2022: (5, 10, 18, 25), 2023: (8, 16, 28, 40)},
        ),
    ],
    PELATIHAN: [
        Indikator(
            "Meningkatnya kompetensi dan daya saing tenaga kerja",
            "Tenaga kerja yang mendapat pelatihan berbasis kompetensi",
            "orang",
            "naik",
            {2022: (16, 64, 128, 160), 2023: (20, 80, 160, 200)},
        ),
        Indikator(
            "Meningkatnya kompetensi dan daya saing tenaga kerja",
            "Pencari kerja terdaftar yang ditempatkan",
            "orang",
            "naik",
            {2022: (250, 550, 850, 1200), 2023: (300, 650, 1000, 1350)},
        ),
        Indikator(
            "Menurunnya tingkat pengangguran terbuka",
            "Persentase lowongan kerja yang terpenuhi",
            "%",
            "naik",
            {2022: (60, 65, 70, 75), 2023: (65, 70, 72, 75)},
        ),
        Indikator(
            "Menurunnya tingkat pengangguran terbuka",
            "Tingkat pengangguran terbuka",
            "%",
            "turun",
            {2022: (None, None, None, 4.5), 2023: (None, None, None, 4.3)},
            tahunan=True,
        ),
    ],
    HUBUNGAN: [
        Indikator(
            "Terciptanya hubungan industrial yang harmonis",
            "Angka sengketa pengusaha-pekerja",
            "kasus",
            "turun",
            {2022: (3, 6, 8, 10), 2023: (2, 5, 7, 9)},
            jitter=(0.6, 1.3),
        ),
        Indikator(
            "Terciptanya hubungan industrial yang harmonis",
            "Kasus yang diselesaikan dengan Perjanjian Bersama",
            "kasus",
            "naik",
            {2022: (2, 4, 6, 8), 2023: (2, 4, 5, 7)},
        ),
        Indikator(
            "Terciptanya hubungan industrial yang harmonis",
            "Persentase perselisihan hubungan industrial yang diselesaikan",
            "%",
            "naik",
            {2022: (70, 75, 80, 85), 2023: (75, 80, 85, 90)},
        ),
        Indikator(
            "Meningkatnya perlindungan tenaga kerja",
            "Pekerja peserta program Jamsostek",
            "orang",
            "naik",
            {2022: (2500, 2800, 3100, 3400), 2023: (3500, 3700, 3900, 4100)},
            jitter=(0.9, 1.1),
        ),
    ],
    SEKRETARIAT: [
        Indikator(
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Persentase realisasi anggaran",
            "%",
            "naik",
            {2022: (20, 45, 70, 95), 2023: (20, 45, 70, 95)},
            jitter=(0.88, 1.04),
        ),
        Indikator(
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Persentase dokumen perencanaan dan pelaporan yang disusun tepat waktu",
            "%",
            "naik",
            {2022: (25, 50, 75, 100), 2023: (25, 50, 75, 100)},
            jitter=(0.9, 1.0),
        ),
        Indikator(
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Nilai SAKIP",
            "nilai",
            "naik",
            {2022: (None, None, None, 62), 2023: (None, None, None, 65)},
            jitter=(0.95, 1.03),
        ),
        Indikator(
            "Meningkatnya kualitas pelayanan publik",
            "Indeks kepuasan masyarakat",
            "nilai",
            "naik",
            {2022: (None, 80, None, 82), 2023: (None, 82, None, 84)},
            jitter=(0.97, 1.04),
        ),
    ],
}

Cell = object  # what a sheet cell holds: str, int, float or None

# Realisasi as the divisions typed them where they differ from a plain number:
# (bidang, tahun, TW, indikator) -> cell value. These are the quirks README.md lists.
REALISASI_KETIK: dict[tuple[str, int, str, str], Cell] = {
    # Thousands dot in text.
    (PERINDUSTRIAN, 2022, "IV", "Jumlah IKM yang dibina"): "1.250",
    # Decimal comma in text.
    (PERINDUSTRIAN, 2023, "III", "Cakupan bina kelompok pengrajin"): "72,5",
    # A fraction where a percentage is expected: valid to read, for the evaluation to flag.
    (PELATIHAN, 2023, "II", "Persentase lowongan kerja yang terpenuhi"): 70.12,
    (PELATIHAN, 2023, "III", "Persentase lowongan kerja yang terpenuhi"): "0,7281",
    (PELATIHAN, 2023, "IV", "Persentase lowongan kerja yang terpenuhi"): 74.17,
    # Not yet reported (blank).
    (PELATIHAN, 2023, "IV", "Tenaga kerja yang mendapat pelatihan berbasis kompetensi"): None,
    (PELATIHAN, 2022, "IV", "Tingkat pengangguran terbuka"): 4.21,
    (PELATIHAN, 2023, "IV", "Tingkat pengangguran terbuka"): 4.62,
    # Text with a thousands dot.
    (HUBUNGAN, 2022, "II", "Pekerja peserta program Jamsostek"): "2.868",
    # Ambiguous "83,125" (one comma, three digits): read 83.125 as meant, with a warning.
    (SEKRETARIAT, 2022, "IV", "Indeks kepuasan masyarakat"): "83,125",
    # One big jump (an extra digit): 36.610 between about 3.600 and 3.900.
    (HUBUNGAN, 2023, "II", "Pekerja peserta program Jamsostek"): 36610,
    # Not yet reported ("-").
    (SEKRETARIAT, 2023, "IV", "Indeks kepuasan masyarakat"): "-",
}
KETERANGAN: dict[tuple[str, int, str, str], str] = {
    (PELATIHAN, 2023, "IV", "Tenaga kerja yang mendapat pelatihan berbasis kompetensi"): (
        "Laporan UPTD Latihan Kerja belum diterima"
    ),
    (SEKRETARIAT, 2023, "IV", "Indeks kepuasan masyarakat"): (
        "TW IV: survei kepuasan masyarakat semester II masih diolah"
    ),
    (HUBUNGAN, 2023, "II", "Pekerja peserta program Jamsostek"): "Sumber: BPJS Ketenagakerjaan",
    (PERINDUSTRIAN, 2022, "IV", "Jumlah IKM yang dibina"): "Sebagian kegiatan pembinaan ditunda",
}


@functools.cache
def realisasi(bidang: str, tahun: int) -> dict[str, tuple[Cell, ...]]:
    """Indikator -> TW I..IV realisasi as typed in the sheets (None where no target is due).

    Drawn once per unit and year from its own seed, so every quarter's file of that year agrees
    with the others.
    """
    rng = random.Random(f"{SEED}/{bidang}/{tahun}")
    return {ind.nama: tuple(_series(bidang, tahun, ind, rng)) for ind in INDIKATOR[bidang]}


def _series(bidang: str, tahun: int, ind: Indikator, rng: random.Random) -> list[Cell]:
    out: list[Cell] = []
    last = 0.0
    for q, target in zip(TW, ind.target[tahun], strict=True):
        if target is None:
            out.append(None)
            continue
        value = target * rng.uniform(*ind.jitter)
        if ind.satuan in COUNT:
            value = float(max(round(value), round(last)))  # cumulative: never falls
        elif ind.satuan == "%" and target <= 100:
            value = round(min(value, 100.0), 2)
        else:
            value = round(value, 2)
        last = value
        key = (bidang, tahun, q, ind.nama)
        out.append(REALISASI_KETIK.get(key, int(value) if value.is_integer() else value))
    return out


def angka(cell: Cell) -> float | None:
    """The number an Indonesian-typed cell means (demo values only: no ambiguity handling)."""
    if cell is None or cell == "-":
        return None
    if isinstance(cell, int | float):
        return float(cell)
    return float(str(cell).replace(".", "").replace(",", "."))


def capaian(target: float, realisasi: Cell, arah: str) -> float | None:
    """docs/format.md capaian (%), rounded to two decimals as a sheet would print it."""
    r = angka(realisasi)
    if r is None or not target:
        return None
    value = r / target * 100 if arah == "naik" else max(0.0, (2 * target - r) / target * 100)
    return round(value, 2)


# --- sheets -------------------------------------------------------------------------------


@dataclass
class Lembar:
    """One sheet to write: cells plus the layout hints the .xlsx writer styles."""

    name: str
    rows: list[list[Cell]]
    merges: list[str] = field(default_factory=list)
    percent: list[str] = field(default_factory=list)
    header: tuple[int, int] = (1, 1)  # 1-based first/last header row (bold, centred)
    table_end: int = 1  # 1-based last row of the table (borders)
    widths: list[float] = field(default_factory=list)


def ref(row: int, col: int) -> str:
    """A1 reference of a 1-based row and column."""
    return f"{get_column_letter(col)}{row}"


def judul(rows: list[list[Cell]], merges: list[str], ncol: int, lines: list[str]) -> None:
    """Title rows merged across the table, then a blank row."""
    for text in lines:
        rows.append([text] + [None] * (ncol - 1))
        merges.append(f"A{len(rows)}:{ref(len(rows), ncol)}")
    rows.append([None] * ncol)


def tanda_tangan(rows: list[list[Cell]], merges: list[str], ncol: int, bidang: str, tanggal: str):
    """The signature block under the table, in the last three columns, as people lay it out."""
    jabatan, nama, nip = PENANDA_TANGAN[bidang]
    rows.append([None] * ncol)
    first = ncol - 2
    for text in [f"Sarilamak, {tanggal}", f"{jabatan},", None, None, nama, f"NIP. {nip}"]:
        row: list[Cell] = [None] * ncol
        row[first - 1] = text
        rows.append(row)
        merges.append(f"{ref(len(rows), first)}:{ref(len(rows), ncol)}")


def nomor_kolom(ncol: int) -> list[Cell]:
    return [f"({i})" for i in range(1, ncol + 1)]


def tanggal_lapor(tahun: int, q: str) -> str:
    return f"{LAPOR[q]} {tahun + 1 if q == 'IV' else tahun}"


def long_perindustrian(tahun: int, q: str) -> Lembar:
    """Long layout, one quarter: Bidang and Tahun/Triwulan columns, merged sasaran, (1)..(11)."""
    b = PERINDUSTRIAN
    header = [
        "No",
        "Bidang",
        "Sasaran Strategis",
        "Indikator Kinerja",
        "Satuan",
        "Tahun",
        "Triwulan",
        "Target",
        f"Realisasi s.d.\nTriwulan {q}",
        "Capaian\n(%)",
        "Keterangan",
    ]
    n = len(header)
    rows: list[list[Cell]] = []
    merges: list[str] = []
    judul(
        rows,
        merges,
        n,
        [
            PEMDA,
            INSTANSI["nama"].upper(),
            f"FORMAT DATA KINERJA TRIWULAN {q} TAHUN {tahun}",
            b.upper(),
        ],
    )
    rows.append(header)
    head = len(rows)
    rows.append(nomor_kolom(n))
    qi = TW.index(q)
    sasaran_rows: dict[str, list[int]] = {}
    for no, ind in enumerate(INDIKATOR[b], start=1):
        target = ind.target[tahun][qi]
        real = realisasi(b, tahun)[ind.nama][qi]
        typed_target: Cell = target
        if tahun == 2022 and ind.satuan == "unit" and target >= 1000:
            typed_target = f"{int(target):,}".replace(",", ".")  # "1.050" typed as text
        if tahun == 2022 and isinstance(real, int) and real >= 1000:
            real = f"{real:,}".replace(",", ".")
        first_of_sasaran = ind.sasaran not in sasaran_rows
        sasaran_rows.setdefault(ind.sasaran, []).append(len(rows) + 1)
        rows.append(
            [
                no,
                b,
                ind.sasaran if first_of_sasaran else None,
                ind.nama,
                ind.satuan,
                tahun,
                q,
                typed_target,
                real,
                capaian(target, real, ind.arah),
                KETERANGAN.get((b, tahun, q, ind.nama)),
            ]
        )
    end = len(rows)
    for group in sasaran_rows.values():
        if len(group) > 1:
            merges.append(f"C{group[0]}:C{group[-1]}")
    tanda_tangan(rows, merges, n, b, tanggal_lapor(tahun, q))
    return Lembar(
        "Data Kinerja",
        rows,
        merges,
        header=(head, head + 1),
        table_end=end,
        widths=[5, 22, 34, 44, 9, 8, 10, 10, 14, 10, 30],
    )


def long_pelatihan(tahun: int, q: str, *, blank_row: bool) -> Lembar:
    """Long layout, one quarter: "Unit Kerja"/"Periode" columns, arah spelled out, no capaian."""
    b = PELATIHAN
    header = [
        "No",
        "Unit Kerja",
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
    n = len(header)
    rows: list[list[Cell]] = []
    merges: list[str] = []
    judul(
        rows,
        merges,
        n,
        [
            PEMDA,
            INSTANSI["nama"].upper(),
            f"FORMAT DATA KINERJA TRIWULAN {q} TAHUN {tahun}",
        ],
    )
    rows.append(header)
    head = len(rows)
    percent: list[str] = []
    qi = TW.index(q)
    no = 0
    sasaran_seen: str | None = None
    for ind in INDIKATOR[b]:
        if ind.tahunan and q != "IV":
            continue
        if blank_row and sasaran_seen and ind.sasaran != sasaran_seen:
            rows.append([None] * n)  # a blank row between sasaran groups
        sasaran_seen = ind.sasaran
        no += 1
        target = ind.target[tahun][qi]
        real = realisasi(b, tahun)[ind.nama][qi]
        arah = (
            "Semakin rendah semakin baik" if ind.arah == "turun" else "Semakin tinggi semakin baik"
        )
        row: list[Cell] = [
            no,
            b,
            ind.sasaran,
            ind.nama,
            ind.satuan,
            arah,
            tahun,
            "Tahunan" if ind.tahunan else f"Triwulan {q}",
            target,
            real,
            KETERANGAN.get((b, tahun, q, ind.nama)),
        ]
        rows.append(row)
        # The 2022 .xls holds this percentage as Excel percent cells (0.6 shown as 60,0%).
        if tahun == 2022 and ind.nama.startswith("Persentase") and target and real is not None:
            row[8] = target / 100
            row[9] = round(float(angka(real) or 0) / 100, 4)
            percent += [ref(len(rows), 9), ref(len(rows), 10)]
    end = len(rows)
    tanda_tangan(rows, merges, n, b, tanggal_lapor(tahun, q))
    return Lembar(
        "Sheet1" if tahun == 2022 else "Data",
        rows,
        merges,
        percent,
        header=(head, head),
        table_end=end,
        widths=[5, 30, 34, 44, 8, 26, 8, 12, 10, 10, 30],
    )


def wide(bidang: str, tahun: int, *, kind: str) -> Lembar:
    """Wide layout, one year: "Target" and "Realisasi" merged over four quarter sub-columns.

    kind "hubungan": bidang and tahun only in the title rows, a "Polaritas" column (Positif /
    Negatif), an .ods with percentage cells in 2023. kind "sekretariat": "Unit Kerja" and
    "Tahun" columns, sub-headers "I".."IV" (2022) or "Triwulan I".."IV" (2023), realisasi
    anggaran as Excel percent cells.
    """
    sub = [f"TW {q}" for q in TW]
    if kind == "sekretariat":
        sub = list(TW) if tahun == 2022 else [f"Triwulan {q}" for q in TW]
        lead = ["No", "Unit Kerja", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Tahun"]
    else:
        lead = ["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Polaritas"]
    nlead = len(lead)
    n = nlead + 8 + 1
    rows: list[list[Cell]] = []
    merges: list[str] = []
    judul(
        rows,
        merges,
        n,
        [
            PEMDA,
            INSTANSI["nama"].upper(),
            f"FORMAT DATA KINERJA TAHUN {tahun}",
            bidang.upper(),
        ],
    )
    top = lead + ["Target"] + [None] * 3 + ["Realisasi"] + [None] * 3 + ["Keterangan"]
    rows.append(top)
    h = len(rows)
    rows.append([None] * nlead + sub + sub + [None])
    for c in [*range(1, nlead + 1), n]:
        merges.append(f"{ref(h, c)}:{ref(h + 1, c)}")
    merges.append(f"{ref(h, nlead + 1)}:{ref(h, nlead + 4)}")
    merges.append(f"{ref(h, nlead + 5)}:{ref(h, nlead + 8)}")
    rows.append(nomor_kolom(n))
    percent: list[str] = []
    for no, ind in enumerate(INDIKATOR[bidang], start=1):
        targets = list(ind.target[tahun])
        reals = list(realisasi(bidang, tahun)[ind.nama])
        if kind == "sekretariat":
            lead_cells: list[Cell] = [no, SEKRETARIAT, ind.sasaran, ind.nama, ind.satuan, tahun]
        else:
            polar = "Negatif" if ind.arah == "turun" else "Positif"
            lead_cells = [no, ind.sasaran, ind.nama, ind.satuan, polar]
        notes = [KETERANGAN.get((bidang, tahun, q, ind.nama)) for q in TW]
        row = lead_cells + targets + reals + ["; ".join(x for x in notes if x) or None]
        rows.append(row)
        as_percent = (kind == "sekretariat" and ind.nama == "Persentase realisasi anggaran") or (
            kind == "hubungan" and tahun == 2023 and ind.satuan == "%"
        )
        if as_percent:
            for c in range(nlead, nlead + 8):
                if isinstance(row[c], int | float):
                    row[c] = round(row[c] / 100, 4)
                    percent.append(ref(len(rows), c + 1))
    end = len(rows)
    tanda_tangan(rows, merges, n, bidang, f"16 Januari {tahun + 1}")
    if kind == "sekretariat":
        widths = [5, 14, 34, 44, 8, 8] + [9] * 8 + [34]
        name = f"Kinerja {tahun}"
    else:
        widths = [5, 34, 44, 8, 10] + [9] * 8 + [34]
        name = "Lembar1"
    return Lembar(name, rows, merges, percent, header=(h, h + 2), table_end=end, widths=widths)


# --- writers ------------------------------------------------------------------------------


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed timestamps and document dates (same bytes every run)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + DOC_DATE.encode() + rb"\g<2>",
                    payload,
                )
            new = zipfile.ZipInfo(info.filename, ZIP_STAMP)
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            dst.writestr(new, payload)
    return out.getvalue()


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_xlsx(lembar: Lembar, *, petunjuk: bool = False, macro: bool = False) -> bytes:
    """A styled .xlsx (bold centred headers, borders, widths, merged titles), or an .xlsm."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if petunjuk:
        ws = wb.create_sheet("Petunjuk")
        for row in PETUNJUK:
            ws.append(row)
        ws["A1"].font = Font(bold=True)
        ws.column_dimensions["A"].width = 100
    ws = wb.create_sheet(lembar.name)
    for r, row in enumerate(lembar.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    ncol = max(len(r) for r in lembar.rows)
    first, last = lembar.header
    for r in range(1, first):
        ws.cell(r, 1).font = Font(bold=True, size=12)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    for r in range(first, lembar.table_end + 1):
        for c in range(1, ncol + 1):
            cell = ws.cell(r, c)
            cell.border = BOX
            if r <= last:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for a1 in lembar.merges:
        ws.merge_cells(a1)
    for a1 in lembar.percent:
        ws[a1].number_format = "0.00%"
    for i, width in enumerate(lembar.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(last + 1, 1)
    wb.active = wb.sheetnames.index(lembar.name)
    wb.properties.creator = "Sub Koordinator Program dan Pelaporan"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if macro:
        data = to_xlsm(data)
    return reproducible_zip(data)


def write_xls(lembar: Lembar) -> bytes:
    return xls(lembar.rows, sheet=lembar.name, merges=lembar.merges, percent=lembar.percent)


def write_ods(lembar: Lembar) -> bytes:
    return reproducible_zip(
        ods(lembar.rows, sheet=lembar.name, merges=lembar.merges, percent=lembar.percent)
    )


# --- the demo set -------------------------------------------------------------------------


@dataclass
class Berkas:
    path: str  # relative to data/
    lembar: Lembar
    write: Callable[[Lembar], bytes]
    seri: str  # the series (unit and layout) the file belongs to, for README.md
    extra: list[str] = field(default_factory=list)  # quirks of this file only

    def data(self) -> bytes:
        return self.write(self.lembar)


@dataclass
class Seri:
    title: str
    konteks: str  # where bidang / tahun / periode come from
    quirks: list[str]


SERI = {
    "perindustrian": Seri(
        "Bidang Perindustrian: long layout, one .xlsx per quarter",
        "columns Bidang, Tahun and Triwulan ('I'..'IV'); the title rows agree",
        [
            "sheet 'Petunjuk' first, the data on the second sheet ('Data Kinerja')",
            "four merged title rows, the last one 'BIDANG PERINDUSTRIAN'",
            "headers with line breaks: 'Realisasi s.d.\\nTriwulan II', 'Capaian\\n(%)'",
            "column-number row (1)..(11) under the header",
            "sasaran merged down over its two indicators (C8:C9, C10:C11)",
            "a Capaian (%) column, filled with values that agree with the formula",
            "no Arah column (every indicator is naik by default)",
            "signature block in I..K, each line merged across the three columns",
        ],
    ),
    "pelatihan": Seri(
        "Bidang Pelatihan dan Penempatan Tenaga Kerja: long layout, one file per quarter "
        "(.xls in 2022, .xlsx in 2023)",
        "columns Unit Kerja, Tahun and Periode ('Triwulan II', 'Tahunan'); the title rows give "
        "tahun and triwulan too",
        [
            "three merged title rows, no bidang among them",
            "Arah spelled out: 'Semakin tinggi semakin baik' / 'Semakin rendah semakin baik'",
            "no Capaian column, no column-number row",
            "'Tingkat pengangguran terbuka' (arah turun) is measured once a year: a 'Tahunan' "
            "record in the TW IV file only",
            "2022 (.xls, sheet 'Sheet1'): 'Persentase lowongan kerja yang terpenuhi' target and "
            "realisasi are Excel percent cells (0.6 shown as 60,0%)",
            "2023 (.xlsx): a blank row between the two sasaran groups",
            "signature block in I..K",
        ],
    ),
    "hubungan": Seri(
        "Bidang Hubungan Industrial: wide layout, one .ods (LibreOffice) per year",
        "title rows only ('BIDANG HUBUNGAN INDUSTRIAL', 'FORMAT DATA KINERJA TAHUN 2023'); "
        "periode from the TW I..TW IV sub-columns",
        [
            "sheet 'Lembar1'",
            "wide layout: 'Target' merged over TW I..TW IV and 'Realisasi' over the same; the "
            "other headers merged down over the two header rows",
            "column-number row (1)..(14)",
            "'Polaritas' column: Positif / Negatif",
            "Keterangan is per indicator (one cell for the four quarters)",
            "signature block in L..N",
        ],
    ),
    "sekretariat": Seri(
        "Sekretariat: wide layout, one file per year (.xlsx in 2022, .xlsm in 2023)",
        "columns Unit Kerja and Tahun; periode from the sub-columns",
        [
            "wide layout: 'Target' / 'Realisasi' merged over sub-columns 'I'..'IV' (2022) or "
            "'Triwulan I'..'Triwulan IV' (2023)",
            "column-number row (1)..(15)",
            "'Persentase realisasi anggaran' as Excel percent cells (0.2134 shown as 21,34%)",
            "'Nilai SAKIP' has a target only in TW IV and 'Indeks kepuasan masyarakat' only in "
            "TW II and TW IV: the empty quarters are no record",
            "2023 (.xlsm): a macro-enabled package (no macro inside) with a 'Petunjuk' sheet first",
            "signature block (Sekretaris) in M..O",
        ],
    ),
}


# Perindustrian's TW IV 2023 sheet is not part of the demo: `kinerja demo` leaves the round TW IV
# 2023 open with that bidang missing, and this file is what a person uploads to complete it.
SUSULAN_PUTARAN = (2023, "IV")
SUSULAN = "contoh-susulan/bidang-perindustrian-tw-iv-2023.xlsx"


def demo_files() -> list[Berkas]:
    """Every demo file (realisasi are seeded per unit and year, see realisasi())."""
    files: list[Berkas] = []
    for tahun in YEARS:
        for q in TW:
            files.append(
                Berkas(
                    # The last one is held back: the demo's round waits for it (see SUSULAN).
                    SUSULAN
                    if (tahun, q) == SUSULAN_PUTARAN
                    else f"demo/{tahun}/TW-{q}/bidang-perindustrian.xlsx",
                    long_perindustrian(tahun, q),
                    functools.partial(write_xlsx, petunjuk=True),
                    "perindustrian",
                )
            )
        for q in TW:
            ext = "xls" if tahun == 2022 else "xlsx"
            files.append(
                Berkas(
                    f"demo/{tahun}/TW-{q}/bidang-pelatihan-dan-penempatan-tenaga-kerja.{ext}",
                    long_pelatihan(tahun, q, blank_row=tahun == 2023),
                    write_xls if ext == "xls" else write_xlsx,
                    "pelatihan",
                )
            )
        files.append(
            Berkas(
                f"demo/{tahun}/bidang-hubungan-industrial.ods",
                wide(HUBUNGAN, tahun, kind="hubungan"),
                write_ods,
                "hubungan",
            )
        )
        macro = tahun == 2023
        files.append(
            Berkas(
                f"demo/{tahun}/sekretariat.{'xlsm' if macro else 'xlsx'}",
                wide(SEKRETARIAT, tahun, kind="sekretariat"),
                functools.partial(write_xlsx, petunjuk=macro, macro=macro),
                "sekretariat",
            )
        )
    for f in files:
        f.extra = FILE_QUIRKS.get(f.path, []) + typed_as_text(f.lembar)
    return files


# Yearly method of each indicator in the PK master (docs/format.md, Capaian): the demo's
# quarterly figures are cumulative ("s.d. triwulan"), so "akhir" for all but the index, which is
# measured afresh each quarter and averaged.
AGREGASI = {"Indeks kepuasan masyarakat": "rata-rata"}


def pk_lembar(tahun: int) -> Lembar:
    """The year's Perjanjian Kinerja with its Rencana Aksi (quarterly targets), one sheet."""
    header = ["No", "Bidang", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Arah"]
    header += ["Agregasi", "Target Tahunan", "Target", None, None, None]
    sub = [None] * 8 + ["TW I", "TW II", "TW III", "TW IV"]
    rows: list[list[Cell]] = []
    merges: list[str] = []
    lines = [PEMDA, INSTANSI["nama"].upper(), f"PERJANJIAN KINERJA DAN RENCANA AKSI TAHUN {tahun}"]
    judul(rows, merges, len(header), lines)
    first = len(rows) + 1
    rows += [header, sub]
    merges += [f"I{first}:L{first}"] + [f"{c}{first}:{c}{first + 1}" for c in "ABCDEFGH"]
    no = 0
    for bidang, daftar in INDIKATOR.items():
        for ind in daftar:
            no += 1
            tw = ind.target[tahun]
            tahunan = tw[-1] if tw[-1] is not None else max(t for t in tw if t is not None)
            agregasi = AGREGASI.get(ind.nama, "akhir")
            quarters = [None if ind.tahunan else t for t in tw]
            rows.append(
                [no, bidang, ind.sasaran, ind.nama, ind.satuan, ind.arah, agregasi, tahunan]
                + quarters
            )
    end = len(rows)
    return Lembar(
        name=f"PK {tahun}",
        rows=rows,
        merges=merges,
        header=(first, first + 1),
        table_end=end,
        widths=[5, 28, 40, 48, 9, 8, 11, 10, 8, 8, 8, 8],
    )


def pk_files() -> list[Berkas]:
    """The PK master of each demo year (kinerja demo imports it; kinerja pk import reads it)."""
    return [
        Berkas(f"demo/pk/pk-{tahun}.xlsx", pk_lembar(tahun), write_xlsx, "pk") for tahun in YEARS
    ]


_JAMSOSTEK_2023 = realisasi(HUBUNGAN, 2023)["Pekerja peserta program Jamsostek"]
FILE_QUIRKS: dict[str, list[str]] = {
    "demo/2023/TW-III/bidang-pelatihan-dan-penempatan-tenaga-kerja.xlsx": [
        "realisasi '0,7281' for 'Persentase lowongan kerja yang terpenuhi' where 72,81 is meant "
        "(TW II 70,12, TW IV 74,17): a fraction-versus-percent slip, valid to read, for the "
        "evaluation to flag",
    ],
    "demo/2023/TW-IV/bidang-pelatihan-dan-penempatan-tenaga-kerja.xlsx": [
        "realisasi left blank (not yet reported) for 'Tenaga kerja yang mendapat pelatihan "
        "berbasis kompetensi', with a Keterangan: a warning",
    ],
    "demo/2022/TW-IV/bidang-perindustrian.xlsx": [
        "realisasi of 'Jumlah IKM yang dibina' 1.250 against a target of 1.400 (below target)",
    ],
    "demo/2023/bidang-hubungan-industrial.ods": [
        "'Pekerja peserta program Jamsostek' realisasi TW II 36610 between "
        f"{_JAMSOSTEK_2023[0]} (TW I) and {_JAMSOSTEK_2023[2]} (TW III): one big jump (an extra "
        "digit), valid, for the evaluation to flag",
        'the % indicator stored as ODS percentage cells (office:value-type="percentage", '
        "office:value 0.75)",
    ],
    "demo/2022/sekretariat.xlsx": [
        "'Indeks kepuasan masyarakat' realisasi TW IV '83,125': one comma and three digits, "
        "read 83,125 the Indonesian way with a warning naming the cell",
    ],
    "demo/2023/sekretariat.xlsm": [
        "'Indeks kepuasan masyarakat' realisasi TW IV '-' (not yet reported), with a "
        "Keterangan: a warning",
    ],
}


def typed_as_text(lembar: Lembar) -> list[str]:
    """ "Numbers typed as text: H10 '1.050', ..." for the data rows of a sheet."""
    first, last = lembar.header
    found = [
        f"{ref(r, c)} '{v}'"
        for r, row in enumerate(lembar.rows[last : lembar.table_end], start=last + 1)
        for c, v in enumerate(row, start=1)
        if isinstance(v, str) and re.fullmatch(r"\d[\d.,]*", v)
    ]
    return [f"numbers typed as text: {', '.join(found)}"] if found else []


def contoh_salah() -> tuple[Berkas, dict[str, int]]:
    """The invalid example: Perindustrian TW II 2023 with three errors; returns their rows."""
    lembar = long_perindustrian(2023, "II")
    data_rows = [i for i, r in enumerate(lembar.rows) if isinstance(r[0], int)]
    kata, negatif = data_rows[0], data_rows[1]
    lembar.rows[kata][8] = "sembilan puluh"
    lembar.rows[kata][9] = None
    lembar.rows[negatif][7] = -5
    lembar.rows[negatif][9] = None
    dup = list(lembar.rows[data_rows[3]])
    dup[0] = len(data_rows) + 1
    at = data_rows[-1] + 1
    lembar.rows.insert(at, dup)
    lembar.table_end += 1
    lembar.merges = [_shift(m, at + 1) for m in lembar.merges]
    rows = {"kata": kata + 1, "negatif": negatif + 1, "ganda": data_rows[3] + 1, "ganda2": at + 1}
    berkas = Berkas(
        "contoh-salah/bidang-perindustrian-tw-ii-2023-salah.xlsx",
        lembar,
        functools.partial(write_xlsx, petunjuk=True),
        "perindustrian",
        [
            f"row {rows['kata']}: realisasi 'sembilan puluh' (a word, not a number)",
            f"row {rows['negatif']}: target -5 (negative)",
            f"rows {rows['ganda']} and {rows['ganda2']}: the same bidang + indikator + tahun + "
            "periode twice",
        ],
    )
    return berkas, rows


def _shift(a1: str, from_row: int) -> str:
    """Move an A1 range down one row when it lies at or below from_row."""

    def move(m: re.Match[str]) -> str:
        row = int(m[2])
        return f"{m[1]}{row + 1 if row >= from_row else row}"

    return re.sub(r"([A-Z]+)(\d+)", move, a1)


README_HEAD = """# Demo data

Generated by `scripts/make_demo.py` (seeded, byte-for-byte reproducible; edit the script, not
the files): `uv run --extra test python scripts/make_demo.py --check`.

The agency is the one in `data/instansi.toml`: Dinas Perindustrian dan Tenaga Kerja, Kabupaten
Lima Puluh Kota, four units, years 2022 and 2023, every quarter but one (Perindustrian's TW IV
2023 is the late sheet, below). The sheets look the way
divisions send them back (docs/format.md): the per-quarter long layout for Perindustrian and
Pelatihan dan Penempatan Tenaga Kerja, one wide file per year for Hubungan Industrial and the
Sekretariat. Targets are the Rencana Aksi's cumulative quarterly targets; realisasi are drawn
around them (some above, some below), with the quirks listed below placed on purpose.

**Every file under `demo/` is valid per docs/format.md** (warnings allowed, no errors), and each one
states its own bidang, tahun and periode, so it can be read without form input. Names and NIPs
of signatories are fictional ("Fulan", serial number 000).

Quirks every file shares: title rows above the table ("PEMERINTAH KABUPATEN LIMA PULUH KOTA",
"DINAS PERINDUSTRIAN DAN TENAGA KERJA", "FORMAT DATA KINERJA TRIWULAN II TAHUN 2023"), merged,
and a signature block under the table ("Sarilamak, 10 Juli 2023" / "Kepala Bidang ...," / name /
"NIP. ..."), merged across the last three columns.

Things the evaluation step (not the parser) should catch:

- `2023/TW-III/bidang-pelatihan-dan-penempatan-tenaga-kerja.xlsx`: realisasi "0,7281" for
  "Persentase lowongan kerja yang terpenuhi", where TW II says 70,12 and TW IV 74,17.
- `2023/bidang-hubungan-industrial.ods`: "Pekerja peserta program Jamsostek" TW II 36610,
  ten times TW I and TW III.

The PK master of each year (`pk/pk-2022.xlsx`, `pk/pk-2023.xlsx`: Perjanjian Kinerja and
Rencana Aksi, sheet "PK <tahun>", merged "Target" over TW I..TW IV, an Agregasi column) is not a
division sheet: `kinerja demo` imports it as the year's indicator master (as `kinerja pk import`
does), and never submits it. "Tingkat pengangguran terbuka" has no quarterly targets (measured
once a year); "Indeks kepuasan masyarakat" is averaged over the year (rata-rata), every other
indicator takes its latest cumulative quarter (akhir).

"""


def readme(files: list[Berkas], salah: Berkas) -> str:
    lines = [README_HEAD]
    for key, seri in SERI.items():
        lines.append(f"## {seri.title}\n")
        lines.append(f"Bidang / tahun / periode: {seri.konteks}.\n")
        lines.extend(f"- {q}" for q in seri.quirks)
        lines.append("\nFiles:\n")
        for f in files:
            if f.seri == key and f.path.startswith("demo/"):
                lines.append(f"- `{f.path.removeprefix('demo/')}`" + (":" if f.extra else ""))
                lines.extend(f"  - {q}" for q in f.extra)
        lines.append("")
    lines.append("## The late sheet: `../contoh-susulan/`\n")
    lines.append(
        f"`{SUSULAN.removeprefix('contoh-susulan/')}` is Perindustrian's TW IV 2023 sheet (valid, "
        "the same layout as the other quarters), kept out of `demo/`: `kinerja demo` opens the "
        "round TW IV 2023 with three of the four bidang in, and uploading this file completes "
        'it (Beranda\'s matrix turns the cell from "Belum masuk" to "Diterima").\n'
    )
    lines.append("## The invalid example: `../contoh-salah/`\n")
    lines.append(
        f"`{salah.path.removeprefix('contoh-salah/')}` is Perindustrian's TW II 2023 sheet with "
        "three errors, for people to try the error report on. It must be refused, naming:\n"
    )
    lines.extend(f"- {q}" for q in salah.extra)
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="data directory")
    parser.add_argument("--check", action="store_true", help="read every file with kinerja")
    args = parser.parse_args(argv)
    files = demo_files()
    salah, _rows = contoh_salah()
    for f in [*files, salah, *pk_files()]:
        path = args.out / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.data())
    (args.out / "demo" / "README.md").write_text(readme(files, salah), encoding="utf-8")
    demo = [f for f in files if f.path.startswith("demo/")]
    print(f"{len(demo)} demo files, 1 late sheet and 1 invalid example written under {args.out}")
    if args.check:
        return check(args.out, files, salah)
    return 0


def check(out: Path, files: list[Berkas], salah: Berkas) -> int:
    """Read every file with kinerja.ingest: demo files must be valid, the example refused."""
    try:
        from kinerja import ingest
    except ImportError as exc:
        print(f"--check: kinerja.ingest is not importable ({exc})")
        return 1
    bad = 0
    for f in [*files, salah]:
        result = ingest.read(out / f.path)
        expect_valid = f is not salah
        ok = result.valid == expect_valid
        bad += not ok
        print(
            f"{'ok ' if ok else 'BAD'} {f.path}: {len(result.records)} records, "
            f"{len(result.report.errors)} errors, {len(result.report.warnings)} warnings"
        )
        for issue in [*result.report.errors, *result.report.warnings]:
            print(f"      row {issue.row} {issue.column}: {issue.message}")
    from kinerja import pk

    for f in pk_files():
        frame, errors = pk.read_pk((out / f.path).read_bytes(), f.path)
        expected = sum(len(v) for v in INDIKATOR.values())
        ok = not errors and len(frame) == expected
        bad += not ok
        print(
            f"{'ok ' if ok else 'BAD'} {f.path}: {len(frame)} indicators, {errors or 'no errors'}"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
