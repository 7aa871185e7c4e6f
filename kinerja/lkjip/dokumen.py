"""A draft of LKjIP Bab III (.docx): per sasaran a table and a paragraph per indicator."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

from kinerja import export
from kinerja.analisis import ringkasan
from kinerja.angka import TANDA_KOSONG, format_angka, format_rupiah
from kinerja.capaian import angka_rumus
from kinerja.lkjip.data import Baris, Laporan, sasaran_groups, tanggal_teks
from kinerja.lkjip.lembar import DRAFT
from kinerja.lkjip.workbook import total_anggaran

KOLOM_PENGUKURAN = ["No", "Indikator Kinerja", "Satuan", "Target", "Realisasi", "Capaian (%)"]
KOLOM_PENGUKURAN.append("Predikat")
KOLOM_ANGGARAN = ["No", "Program", "Pagu (Rp)", "Realisasi (Rp)", "Serapan (%)", "Sisa (Rp)"]


def _ada(v: object) -> bool:
    if v is None or v is pd.NA:
        return False
    if isinstance(v, float):
        return math.isfinite(v)
    return not (isinstance(v, str) and not v.strip())


def _t(v: object) -> str:
    """User or data text as plain document text: control characters an XML document cannot
    hold written as visible escapes; never interpreted (no fields, no markup)."""
    return export.xlsx_text(str(v)) if _ada(v) else ""


def _angka(v: object) -> str:
    return angka_rumus(float(v)) if _ada(v) else TANDA_KOSONG  # type: ignore[arg-type]


def _persen(v: object) -> str:
    return format_angka(float(v), 2) if _ada(v) else TANDA_KOSONG  # type: ignore[arg-type]


def _dengan_satuan(v: object, satuan: object) -> str:
    teks = _angka(v)
    if not _ada(satuan) or teks == TANDA_KOSONG:
        return teks
    s = _t(satuan)
    return f"{teks}{s}" if s == "%" else f"{teks} {s}"


# --- the paragraphs -----------------------------------------------------------------------


def paragraf_indikator(
    row: Baris,
    banding: Baris | None,
    renstra: Baris | None,
    keterangan: Sequence[tuple[str, str]],
    tahun: int,
) -> list[str]:
    """The sentences about one indicator, from its numbers: target, realisasi, capaian and
    predikat; the change against the latest earlier year; against the Renstra end target;
    the bidang's keterangan (kendala, tindak lanjut) per period. Plain templates."""
    nama = _t(row.get("indikator"))
    satuan = row.get("satuan")
    bidang = _t(row.get("bidang"))
    arah = " (arah turun: makin kecil makin baik)" if row.get("arah") == "turun" else ""
    out = []
    kalimat = (
        f"Indikator {nama}{arah} pada tahun {tahun} ditargetkan "
        f"{_dengan_satuan(row.get('target'), satuan)} dan terealisasi "
        f"{_dengan_satuan(row.get('realisasi'), satuan)}"
    )
    if _ada(row.get("capaian_bulat")):
        kalimat += f", sehingga capaiannya {_persen(row.get('capaian_bulat'))}% dengan predikat "
        kalimat += _t(row.get("predikat"))
        if row.get("melampaui_target"):
            kalimat += " (melampaui target)"
        kalimat += "."
    else:
        alasan = _t(row.get("capaian_catatan")) or "tidak dapat dihitung"
        kalimat += f"; capaiannya belum dapat dihitung ({alasan})."
    out.append(kalimat)

    if banding and _ada(banding.get("tahun_banding")):
        y = int(banding["tahun_banding"])
        r_lalu = banding.get(f"realisasi_{y}")
        c_lalu = banding.get(f"capaian_{y}")
        dr = banding.get("perubahan_realisasi")
        dc = banding.get("perubahan_capaian")
        teks = f"Dibandingkan tahun {y} (realisasi {_dengan_satuan(r_lalu, satuan)}"
        teks += f", capaian {_persen(c_lalu)}%)" if _ada(c_lalu) else ")"
        if _ada(dr):
            d = float(dr)  # type: ignore[arg-type]
            arah_r = "naik" if d > 0 else "turun" if d < 0 else "tetap"
            teks += f", realisasi {arah_r}"
            if d and _t(satuan) == "%":  # a change of a percentage is in points
                teks += f" {_angka(abs(d))} poin"
            elif d:
                teks += f" {_dengan_satuan(abs(d), satuan)}"
        if _ada(dc):
            d = float(dc)  # type: ignore[arg-type]
            arah_c = "naik" if d > 0 else "turun" if d < 0 else "tetap"
            teks += f" dan capaian {arah_c}" + (f" {_persen(abs(d))} poin" if d else "")
        out.append(teks + ".")
    else:
        out.append("Data tahun sebelumnya untuk indikator ini belum ada di aplikasi.")

    if renstra and _ada(renstra.get("target_renstra")):
        akhir = renstra.get("tahun_renstra")
        kapan = f" (tahun {int(akhir)})" if akhir is not None and _ada(akhir) else ""
        teks = (
            f"Target akhir Renstra{kapan} sebesar "
            f"{_dengan_satuan(renstra['target_renstra'], satuan)}"
        )
        if _ada(renstra.get("capaian_renstra")):
            teks += (
                f"; realisasi s.d. tahun {tahun} telah mencapai "
                f"{_persen(renstra['capaian_renstra'])}% dari target tersebut."
            )
        else:
            teks += "; capaian terhadapnya belum dapat dihitung."
        out.append(teks)
    else:
        out.append("Target akhir Renstra indikator ini belum diisi pada Perjanjian Kinerja.")

    if keterangan:
        isi = "; ".join(f"{p}: {_t(k)}" for p, k in keterangan)
        out.append(f"Keterangan, kendala dan tindak lanjut dari {bidang}: {isi}.")
    else:
        out.append(
            f"{bidang or 'Bidang'} belum menuliskan keterangan, kendala atau tindak lanjut "
            "untuk indikator ini; lengkapi analisis penyebab keberhasilan atau kegagalan."
        )
    return out


def kalimat_efisiensi(row: Baris) -> str:
    """ "Program X: serapan anggaran 95,00% dengan capaian kinerja 101,46% (selisih 6,46
    poin): efisien." """
    teks = f"{_t(row.get('program'))}: serapan anggaran {_persen(row.get('serapan'))}%"
    if _ada(row.get("capaian")):
        teks += f" dengan rata-rata capaian kinerja {_persen(row.get('capaian'))}%"
    if _ada(row.get("selisih")) and _ada(row.get("kategori")):
        teks += f" (selisih {_persen(row.get('selisih'))} poin): {_t(row.get('kategori'))}."
    else:
        teks += "; efisiensinya belum dapat dinilai."
    return teks


# --- the document -------------------------------------------------------------------------
# The per-sasaran part (thousands of rows and paragraphs in a regency's year) is written as
# WordprocessingML text and parsed once per sasaran: python-docx's add_paragraph and cell.text
# search the body on every call. Every user text goes through _xml (escaped, never markup).


def _xml(teks: str) -> str:
    return xml_escape(_t(teks), {'"': "&quot;"})


def _run(teks: str, tebal: bool = False) -> str:
    gaya = "<w:rPr><w:b/></w:rPr>" if tebal else ""
    return f'<w:r>{gaya}<w:t xml:space="preserve">{_xml(teks)}</w:t></w:r>'


def _p(teks: str, *, gaya: str | None = None, tebal: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{gaya}"/></w:pPr>' if gaya else ""
    return f"<w:p>{ppr}{_run(teks, tebal)}</w:p>"


def _tabel_xml(kepala: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    n = len(kepala)

    def tr(isi: Sequence[str], tebal: bool = False) -> str:
        sel = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{_p(x, tebal=tebal)}</w:tc>'
            for x in isi
        )
        return f"<w:tr>{sel}</w:tr>"

    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:jc w:val="center"/><w:tblLook w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{'<w:gridCol/>' * n}</w:tblGrid>"
        + tr(kepala, True)
        + tr([f"({j})" for j in range(1, n + 1)])
        + "".join(tr(r) for r in rows)
        + "</w:tbl>"
    )


def _sisip(doc: DocumentObject, potongan: list[str]) -> None:
    """WordprocessingML elements appended to the body, before its section properties."""
    if not potongan:
        return
    wadah = parse_xml(f"<w:body {nsdecls('w')}>{''.join(potongan)}</w:body>")
    akhir = doc.element.body.get_or_add_sectPr()
    for el in list(wadah):
        akhir.addprevious(el)


def _paragraf(doc: DocumentObject, teks: str, **gaya: Any) -> None:
    p = doc.add_paragraph()
    run = p.add_run(teks)
    run.bold = gaya.get("bold", False)
    if gaya.get("tengah"):
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if gaya.get("warna"):
        run.font.color.rgb = gaya["warna"]


def _keterangan(laporan: Laporan) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Per (bidang, indikator): the keterangan written in each period, in period order."""
    data = laporan.data
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    if data.empty:
        return out
    ada = data[data["keterangan"].map(_ada)]
    for b, i, p, k in zip(
        ada["bidang"], ada["indikator"], ada["periode"], ada["keterangan"], strict=True
    ):
        daftar = out.setdefault((str(b), str(i)), [])
        if all(k != lama for _, lama in daftar):
            daftar.append((str(p), str(k)))
    return out


def to_docx(laporan: Laporan) -> bytes:
    """Bab III A (per sasaran: the measurement table and a paragraph per indicator) and
    Bab III B (the budget table and the efficiency sentences), signed; DRAFT in the header
    of every page and under the title when laporan.draft."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.5))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    if laporan.draft:
        kepala = sec.header.paragraphs[0]
        kepala.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = kepala.add_run(DRAFT)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    kop = laporan.kop
    doc.add_heading("BAB III AKUNTABILITAS KINERJA", level=1)
    _paragraf(
        doc, f"{_t(kop.nama)} {_t(kop.kabupaten)} – {laporan.judul_tahun.title()}", tengah=True
    )
    if laporan.draft:
        _paragraf(doc, DRAFT, bold=True, tengah=True, warna=RGBColor(0xC0, 0x00, 0x00))
    _paragraf(
        doc,
        "Draf ini disusun otomatis dari data kinerja "
        + ("(belum seluruhnya terverifikasi)" if laporan.draft else "yang telah diverifikasi")
        + " sebagai bahan penulisan LKjIP; sunting kalimatnya sebelum dipakai.",
    )

    doc.add_heading("A. Capaian Kinerja Organisasi", level=2)
    grup = sasaran_groups(laporan.pengukuran)
    if not grup:
        _paragraf(doc, "Belum ada data kinerja untuk tahun ini.")
    else:
        r = ringkasan(laporan.pengukuran, laporan.settings)
        sebaran = ", ".join(f"{n} {p}" for p, n in r.predikat.items() if n)
        teks = (
            f"Pada {laporan.judul_tahun.lower()} diukur {r.jumlah_indikator} indikator kinerja "
            f"dari {len(grup)} sasaran strategis"
        )
        if r.rata_capaian is not None:
            teks += f", dengan rata-rata capaian {_persen(r.rata_capaian)}%"
        teks += f" ({sebaran})." if sebaran else "."
        _paragraf(doc, teks)
    banding = {
        (row["bidang"], row["indikator"]): row for row in laporan.perbandingan.to_dict("records")
    }
    renstra = {(row["bidang"], row["indikator"]): row for row in laporan.renstra.to_dict("records")}
    keterangan = _keterangan(laporan)
    for i, (sasaran, rows) in enumerate(grup, start=1):
        potongan = [_p(f"Sasaran Strategis {i}: {sasaran}", gaya="Heading3")]
        potongan.append(
            _tabel_xml(
                KOLOM_PENGUKURAN,
                [
                    [
                        f"{i}.{j}",
                        _t(row.get("indikator")),
                        _t(row.get("satuan")),
                        _angka(row.get("target")),
                        _angka(row.get("realisasi")),
                        _persen(row.get("capaian_bulat")),
                        _t(row.get("predikat")) or TANDA_KOSONG,
                    ]
                    for j, row in enumerate(rows, start=1)
                ],
            )
        )
        for j, row in enumerate(rows, start=1):
            kunci = (row["bidang"], row["indikator"])
            potongan.append(_p(f"{i}.{j} {_t(row.get('indikator'))}", tebal=True))
            kalimat = paragraf_indikator(
                row,
                banding.get(kunci),
                renstra.get(kunci),
                keterangan.get((str(row["bidang"]), str(row["indikator"])), []),
                laporan.tahun,
            )
            potongan.append(_p(" ".join(kalimat)))
        _sisip(doc, potongan)

    doc.add_heading("B. Realisasi Anggaran", level=2)
    ang = laporan.anggaran
    if ang.empty:
        _paragraf(doc, "Belum ada pagu dan realisasi anggaran pada data kinerja tahun ini.")
    else:
        rows = ang.to_dict("records")
        total = total_anggaran(ang)
        isi = [
            [
                str(n),
                _t(row.get("program")),
                format_rupiah(row.get("pagu")),  # type: ignore[arg-type]
                format_rupiah(row.get("realisasi_anggaran")),  # type: ignore[arg-type]
                _persen(row.get("serapan")),
                format_rupiah(row.get("sisa")),  # type: ignore[arg-type]
            ]
            for n, row in enumerate(rows, start=1)
        ]
        isi.append(
            [
                "",
                "Jumlah",
                format_rupiah(total["pagu"]),
                format_rupiah(total["realisasi_anggaran"]),
                _persen(total["serapan"]),
                format_rupiah(total["sisa"]),
            ]
        )
        potongan = [_tabel_xml(KOLOM_ANGGARAN, isi)]
        potongan.append(
            _p(
                f"Secara keseluruhan, dari pagu {format_rupiah(total['pagu'])} terealisasi "
                f"{format_rupiah(total['realisasi_anggaran'])} ({_persen(total['serapan'])}%), "
                f"sisa {format_rupiah(total['sisa'])}. Efisiensi dinilai dari selisih capaian "
                "kinerja dengan serapan anggaran:"
            )
        )
        potongan += [_p(kalimat_efisiensi(row), gaya="ListBullet") for row in rows]
        _sisip(doc, potongan)

    kepala_dinas = kop.kepala
    tempat = f"{_t(kop.kota)}, " if kop.kota else ""
    for teks, tebal in (
        ("", False),
        (f"{tempat}{tanggal_teks(laporan.tanggal)}", False),
        (_t(kepala_dinas.jabatan), False),
        ("", False),
        ("", False),
        (_t(kepala_dinas.nama) or "(nama)", True),
        (f"NIP. {_t(kepala_dinas.nip)}" if kepala_dinas.nip else "NIP. –", False),
    ):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.add_run(teks).bold = tebal
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
