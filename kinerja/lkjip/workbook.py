"""The LKjIP workbook (.xlsx): a printable sheet per Bab III table, the data, charts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pandas as pd

from kinerja import export
from kinerja.analisis import ringkasan
from kinerja.capaian import serapan
from kinerja.evaluate.teks import wib
from kinerja.lkjip.data import KOLOM_DATA, Baris, Laporan, sasaran_groups
from kinerja.lkjip.lembar import DRAFT as DRAFT
from kinerja.lkjip.lembar import FORMAT_PERSEN as FORMAT_PERSEN
from kinerja.lkjip.lembar import FORMAT_RUPIAH as FORMAT_RUPIAH
from kinerja.lkjip.lembar import INDONESIA, PAPER_A4, Buku, Kolom, Lembar, kaki, kosong

LEMBAR = [
    "Pengukuran Kinerja",
    "Capaian Triwulan",
    "Perbandingan Tahun",
    "Target Renstra",
    "Anggaran dan Efisiensi",
    "Catatan Evaluasi",
    "Data",
    "Grafik",
]
"""The sheets, in order: the tables, the flat data, the charts."""
STATUS_TANDA = {"terbuka": "Terbuka", "diterima": "Diterima", "dikembalikan": "Dikembalikan"}
_MAKS_GRAFIK_SASARAN = 24
_LABEL_DATA = dict(export.EXPORT_COLUMNS)


def _get(key: str) -> Callable[[Baris], object]:
    return lambda row: row.get(key)


def _capaian(row: Baris) -> object:
    c = row.get("capaian_bulat")
    return "–" if kosong(c) else c


def _predikat(row: Baris) -> object:
    p = row.get("predikat")
    if kosong(p):
        return row.get("capaian_catatan") or "–"
    return f"{p}; melampaui target" if row.get("melampaui_target") else p


def _pengukuran(buku: Buku) -> dict[str, tuple[int, int]]:
    """The measurement table, a row per sasaran over its indicators; returns each sasaran's
    first and last indicator row (for the charts)."""
    lap = buku.laporan
    kolom = [
        Kolom("No", 6, "no", _get("no")),
        Kolom("Indikator Kinerja", 52, "teks", _get("indikator")),
        Kolom("Satuan", 12, "teks", _get("satuan")),
        Kolom("Target", 14, "angka", _get("target")),
        Kolom("Realisasi", 14, "angka", _get("realisasi")),
        Kolom("Capaian (%)", 12, "persen", _capaian),
        Kolom("Predikat", 20, "teks", _predikat),
    ]
    ls = Lembar(buku, LEMBAR[0], "Pengukuran Kinerja", kolom)
    ls.kepala()
    blok: dict[str, tuple[int, int]] = {}
    grup = sasaran_groups(lap.pengukuran)
    if not grup:
        ls.pesan("Belum ada data kinerja untuk tahun ini.")
    for i, (sasaran, rows) in enumerate(grup, start=1):
        ls.label(f"Sasaran Strategis {i}: {sasaran}", no=i)
        awal = ls.r
        ls.semua([{**row, "no": f"{i}.{j}"} for j, row in enumerate(rows, start=1)])
        blok[sasaran] = (awal, ls.r - 1)
    if grup:
        rata = ringkasan(lap.pengukuran, lap.settings).rata_capaian
        ls.baris(
            {"indikator": "Rata-rata capaian kinerja", "capaian_bulat": rata},
            tebal=True,
            isi="#F2F2F2",
        )
        ls.ws.freeze_panes(ls.awal_data, 2)
    ls.tanda_tangan()
    ls.cetak()
    return blok


def _triwulan(buku: Buku) -> tuple[int, int]:
    """Quarters beside the year; returns the first and last indicator row."""
    lap = buku.laporan
    kolom = [
        Kolom("No", 5, "bulat", _get("no")),
        Kolom("Indikator Kinerja", 40, "teks", _get("indikator")),
        Kolom("Satuan", 10, "teks", _get("satuan")),
        Kolom("Agregasi", 10, "teks", _get("agregasi")),
    ]
    kelompok: list[tuple[str, int]] = [("", 1)] * 4
    for i, tw in enumerate(("TW I", "TW II", "TW III", "TW IV"), start=1):
        kolom += [
            Kolom("Target", 10, "angka", _get(f"target_tw{i}")),
            Kolom("Realisasi", 10, "angka", _get(f"realisasi_tw{i}")),
            Kolom("Capaian (%)", 10, "persen", _get(f"capaian_tw{i}")),
        ]
        kelompok.append((tw, 3))
    kolom += [
        Kolom("Target", 11, "angka", _get("target_tahun")),
        Kolom("Realisasi", 11, "angka", _get("realisasi_tahun")),
        Kolom("Capaian (%)", 10, "persen", _get("capaian_tahun")),
    ]
    kelompok.append((f"Tahun {lap.tahun}", 3))
    ls = Lembar(buku, LEMBAR[1], "Capaian Kinerja per Triwulan", kolom)
    ls.kepala(kelompok)
    rows = lap.triwulan.to_dict("records")
    if not rows:
        ls.pesan("Belum ada data kinerja untuk tahun ini.")
    awal = ls.r
    ls.semua(rows, nomor=True)
    akhir = ls.r - 1
    if rows:
        ls.ws.freeze_panes(ls.awal_data, 2)
    ls.tanda_tangan()
    ls.cetak()
    return awal, akhir


def _perbandingan(buku: Buku) -> None:
    lap = buku.laporan
    kolom = [
        Kolom("No", 5, "bulat", _get("no")),
        Kolom("Indikator Kinerja", 44, "teks", _get("indikator")),
        Kolom("Satuan", 10, "teks", _get("satuan")),
    ]
    kelompok: list[tuple[str, int]] = [("", 1)] * 3
    for y in [*lap.tahun_lalu, lap.tahun]:
        kolom += [
            Kolom("Realisasi", 12, "angka", _get(f"realisasi_{y}")),
            Kolom("Capaian (%)", 11, "persen", _get(f"capaian_{y}")),
        ]
        kelompok.append((f"Tahun {y}", 2))
    kolom += [
        Kolom("Dibanding Tahun", 10, "bulat", _get("tahun_banding")),
        Kolom("Perubahan Realisasi", 12, "angka", _get("perubahan_realisasi")),
        Kolom("Perubahan Capaian (poin)", 12, "persen", _get("perubahan_capaian")),
    ]
    kelompok += [("", 1)] * 3
    ls = Lembar(buku, LEMBAR[2], "Perbandingan Realisasi dan Capaian Antartahun", kolom)
    ls.kepala(kelompok)
    rows = lap.perbandingan.to_dict("records")
    if not rows:
        ls.pesan("Belum ada data kinerja untuk tahun ini.")
    elif not lap.tahun_lalu:
        ls.pesan("Data tahun sebelumnya belum ada di aplikasi: hanya tahun ini yang ditampilkan.")
    ls.semua(rows, nomor=True)
    ls.tanda_tangan()
    ls.cetak()


def _renstra(buku: Buku) -> None:
    lap = buku.laporan
    kolom = [
        Kolom("No", 5, "bulat", _get("no")),
        Kolom("Indikator Kinerja", 48, "teks", _get("indikator")),
        Kolom("Satuan", 10, "teks", _get("satuan")),
        Kolom("Target Akhir Renstra", 14, "angka", _get("target_renstra")),
        Kolom("Tahun Akhir Renstra", 11, "bulat", _get("tahun_renstra")),
        Kolom(f"Realisasi s.d. Tahun {lap.tahun}", 14, "angka", _get("realisasi")),
        Kolom("Capaian terhadap Target Renstra (%)", 14, "persen", _get("capaian_renstra")),
    ]
    ls = Lembar(buku, LEMBAR[3], "Perbandingan Realisasi dengan Target Renstra", kolom)
    ls.kepala()
    rows = lap.renstra.to_dict("records")
    if not rows:
        ls.pesan("Belum ada data kinerja untuk tahun ini.")
    elif lap.renstra["target_renstra"].isna().all():
        ls.pesan("Target akhir Renstra belum diisi pada Perjanjian Kinerja (kolom Target Renstra).")
    ls.semua(rows, nomor=True)
    ls.tanda_tangan()
    ls.cetak()


def total_anggaran(anggaran: pd.DataFrame) -> dict[str, float]:
    """The budget table's total row: pagu, realisasi anggaran, sisa and serapan (%) of the
    sums."""
    pagu = float(anggaran["pagu"].sum())
    real = float(anggaran["realisasi_anggaran"].sum())
    return {
        "pagu": pagu,
        "realisasi_anggaran": real,
        "sisa": pagu - real,
        "serapan": float(serapan([pagu], [real]).iloc[0]),
    }


def _anggaran(buku: Buku) -> None:
    lap = buku.laporan
    kolom = [
        Kolom("No", 5, "bulat", _get("no")),
        Kolom("Program", 40, "teks", _get("program")),
        Kolom("Pagu (Rp)", 18, "rupiah", _get("pagu")),
        Kolom("Realisasi (Rp)", 18, "rupiah", _get("realisasi_anggaran")),
        Kolom("Serapan (%)", 10, "persen", _get("serapan")),
        Kolom("Sisa (Rp)", 17, "rupiah", _get("sisa")),
        Kolom("Capaian Kinerja (%)", 11, "persen", _get("capaian")),
        Kolom("Selisih Capaian - Serapan (poin)", 12, "persen", _get("selisih")),
        Kolom("Efisiensi", 14, "teks", _get("kategori")),
    ]
    ls = Lembar(buku, LEMBAR[4], "Realisasi Anggaran dan Efisiensi", kolom)
    ls.kepala()
    rows = lap.anggaran.to_dict("records")
    if not rows:
        ls.pesan("Belum ada pagu dan realisasi anggaran pada data kinerja tahun ini.")
    ls.semua(rows, nomor=True)
    if rows:
        ls.baris({"program": "Jumlah", **total_anggaran(lap.anggaran)}, tebal=True, isi="#F2F2F2")
    ls.tanda_tangan()
    ls.cetak()


def _catatan(buku: Buku) -> None:
    lap = buku.laporan

    def waktu(row: Baris) -> object:
        w = row.get("waktu")
        if isinstance(w, dt.datetime) and not pd.isna(w):  # pd.NaT is a datetime too
            return wib(w)
        return None if w is None or pd.isna(w) else w

    kolom = [
        Kolom("No", 5, "bulat", _get("no")),
        Kolom("Bidang", 18, "teks", _get("bidang")),
        Kolom("Indikator Kinerja", 30, "teks", _get("indikator")),
        Kolom("Periode", 10, "teks", _get("periode")),
        Kolom("Pemeriksaan", 14, "teks", _get("check")),
        Kolom("Temuan", 40, "teks", _get("message")),
        Kolom(
            "Status", 12, "teks", lambda r: STATUS_TANDA.get(str(r.get("status")), r.get("status"))
        ),
        Kolom("Penyelesaian", 32, "teks", _get("catatan")),
        Kolom("Oleh", 14, "teks", _get("oleh")),
        Kolom("Waktu", 16, "teks", waktu),
    ]
    ls = Lembar(buku, LEMBAR[5], "Catatan Evaluasi Data Kinerja", kolom)
    ls.kepala()
    rows = lap.catatan.to_dict("records")
    if not rows:
        ls.pesan("Tidak ada tanda evaluasi pada data tahun ini.")
    ls.semua(rows, nomor=True)
    ls.tanda_tangan()
    ls.cetak()


def _data(buku: Buku) -> None:
    """The flat dataset as an Excel table (header straight above the rows, for a pivot
    table); the column numbers go above the header, not between it and the rows."""
    lap = buku.laporan
    jenis = {
        "tahun": "bulat",
        "target": "angka",
        "realisasi": "angka",
        "capaian": "persen",
        "pagu": "rupiah",
        "realisasi_anggaran": "rupiah",
    }
    lebar = {"sasaran": 36, "indikator": 44, "keterangan": 30, "capaian_catatan": 26}
    kolom = [
        Kolom(_LABEL_DATA[k], lebar.get(k, 12), jenis.get(k, "teks"), _get(k)) for k in KOLOM_DATA
    ]
    ls = Lembar(buku, LEMBAR[6], "Data Kinerja Terverifikasi", kolom)
    if lap.draft:
        ls.judul = "Data Kinerja (Draft)"
    # Title block, then (1) (2) ... above the header.
    ls.kepala()
    atas = ls.awal_data - 2  # kepala wrote header then numbers: swap them
    nomor = buku.fmt(border=1, align="center", italic=True, font_size=8)
    kepala = buku.fmt(
        bold=True,
        border=1,
        text_wrap=True,
        align="center",
        valign="vcenter",
        pattern=1,
        bg_color="#DDEBF7",
        font_size=10,
    )
    for j, k in enumerate(kolom):
        ls.ws.write_string(atas, j, f"({j + 1})", nomor)
        ls.ws.write_string(atas + 1, j, k.judul, kepala)
    ls.ws.set_row(atas, None)
    ls.ws.set_row(atas + 1, 30)
    ls.ws.repeat_rows(atas, atas + 1)
    rows = lap.data.to_dict("records")
    ls.semua(rows, berbingkai=False)
    if rows:
        ls.ws.add_table(
            atas + 1,
            0,
            ls.r - 1,
            len(kolom) - 1,
            {
                "name": "DataKinerja",
                "style": "Table Style Light 1",
                "columns": [{"header": k.judul} for k in kolom],
            },
        )
    else:
        ls.pesan("Belum ada data kinerja untuk tahun ini.")
    ls.tanda_tangan()
    ls.cetak()


def _grafik(buku: Buku, blok: dict[str, tuple[int, int]], tw: tuple[int, int]) -> None:
    """Native charts over the tables' own cells: capaian per indicator (Capaian Triwulan's
    year column) and target against realisasi per sasaran (Pengukuran Kinerja's rows)."""
    lap = buku.laporan
    ws = buku.wb.add_worksheet(LEMBAR[7])
    judul = buku.fmt(bold=True, font_size=12)
    ws.write_string(0, 0, f"GRAFIK KINERJA {lap.judul_tahun}", judul)
    if lap.draft:
        ws.write_string(1, 0, DRAFT, buku.fmt(bold=True, font_color="#C00000"))
    baris = 3
    awal, akhir = tw
    if akhir >= awal:
        n = akhir - awal + 1
        ch = buku.wb.add_chart({"type": "bar"})
        ch.add_series(
            {
                "name": "Capaian (%)",
                "categories": [LEMBAR[1], awal, 1, akhir, 1],
                "values": [LEMBAR[1], awal, 18, akhir, 18],
                "data_labels": {"value": True, "num_format": FORMAT_PERSEN},
            }
        )
        ch.set_title({"name": f"Capaian per Indikator {lap.judul_tahun.title()}"})
        ch.set_legend({"none": True})
        ch.set_y_axis({"reverse": True})
        ch.set_x_axis({"num_format": INDONESIA + "#,##0", "min": 0})
        tinggi = int(min(max(320, 22 * n + 120), 3000))
        ch.set_size({"width": 900, "height": tinggi})
        ws.insert_chart(baris, 0, ch)
        baris += math.ceil(tinggi / 20) + 2
    for i, (sasaran, (a, b)) in enumerate(list(blok.items())[:_MAKS_GRAFIK_SASARAN]):
        ch = buku.wb.add_chart({"type": "column"})
        for nama, kol, warna in (("Target", 3, "#9DC3E6"), ("Realisasi", 4, "#2E75B6")):
            ch.add_series(
                {
                    "name": nama,
                    "categories": [LEMBAR[0], a, 1, b, 1],
                    "values": [LEMBAR[0], a, kol, b, kol],
                    "fill": {"color": warna},
                }
            )
        ch.set_title(
            {
                "name": export.xlsx_text(f"Sasaran {i + 1}: {sasaran}")[:250],
                "name_font": {"size": 10},
            }
        )
        ch.set_legend({"position": "bottom"})
        ch.set_size({"width": 440, "height": 300})
        ws.insert_chart(baris + (i // 2) * 16, (i % 2) * 8, ch)
    if len(blok) > _MAKS_GRAFIK_SASARAN:
        ws.write_string(
            2,
            0,
            f"Grafik target dan realisasi untuk {_MAKS_GRAFIK_SASARAN} sasaran pertama; "
            "buat grafik lain dari lembar Pengukuran Kinerja.",
        )
    ws.set_paper(PAPER_A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&8" + kaki(lap) + "&R&8Halaman &P dari &N")
    if lap.draft:
        ws.set_header("&C&12&B" + DRAFT)


def to_xlsx(laporan: Laporan) -> bytes:
    """The LKjIP workbook: LEMBAR's sheets, each with the agency's title block, the
    column-number row, Indonesian number formats, A4 landscape print setup with the header
    rows repeated, and the signature block; DRAFT on every sheet when laporan.draft."""
    buku = Buku(laporan)
    blok = _pengukuran(buku)
    tw = _triwulan(buku)
    _perbandingan(buku)
    _renstra(buku)
    _anggaran(buku)
    _catatan(buku)
    _data(buku)
    _grafik(buku, blok, tw)
    return buku.close()
