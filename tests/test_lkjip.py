"""The LKjIP export built from a small dataset and read back (openpyxl, python-docx): every number
equals the dataset, totals and percentages are right, each sheet has its parts, text is text."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import openpyxl
import pandas as pd
import pytest
from docx import Document

from kinerja import evaluasi
from kinerja.capaian import Settings
from kinerja.lkjip import data, dokumen, workbook
from kinerja.lkjip.data import Laporan, susun

IND = "Bidang Perindustrian"
HI = "Bidang Hubungan Industrial"
S_IKM = "Meningkatnya daya saing IKM"
S_HI = "Terciptanya hubungan industrial yang harmonis"
IKM = "Jumlah IKM yang dibina"
SENTRA = "Jumlah sentra IKM"
SENGKETA = "Angka sengketa pengusaha-pekerja"
SELESAI = "Persentase perselisihan yang diselesaikan"
TW = ["TW I", "TW II", "TW III", "TW IV"]
INJEKSI = [
    '=HYPERLINK("http://contoh.invalid","klik")',
    "+62 812 0000",
    "-1 kasus tertunda",
    "@SUM(A1:A9)",
    "\tdiawali tab",
    "\rdiawali CR",
]
SETTINGS = {
    "nama": "Dinas Perindustrian dan Tenaga Kerja",
    "kabupaten": "Kabupaten Lima Puluh Kota",
    "kota": "Sarilamak",
    "kepala_dinas": {"nama": "Fulan, S.T., M.Si.", "nip": "19700101 199503 1 000"},
}
TANGGAL = dt.date(2024, 1, 15)

# (bidang, sasaran, indikator, satuan, arah, targets, realisasi) of 2023, cumulative quarters
SERI = [
    (IND, S_IKM, IKM, "unit", "naik", [25, 50, 75, 100], [20, 45, 80, 110]),
    (IND, S_IKM, SENTRA, "sentra", "naik", [2, 2, 2, 2], [1, 2, 2, 3]),
    (HI, S_HI, SENGKETA, "kasus", "turun", [2, 5, 7, 9], [2, 6, 8, 8]),
    (HI, S_HI, SELESAI, "%", "naik", [75, 80, 85, 90], [68.36, 70.4, 91.76, 86.28]),
]
# The year as the report must show it: target, realisasi, capaian (as shown), predikat.
TAHUN_INI = {
    IKM: (100, 110, 110.00, "Sangat Tinggi"),
    SENTRA: (8, 8, 100.00, "Sangat Tinggi"),  # agregasi jumlah: 2+2+2+2 against 1+2+2+3
    SENGKETA: (9, 8, 111.11, "Sangat Tinggi"),  # turun: (2 x 9 - 8) / 9 x 100
    SELESAI: (90, 86.28, 95.87, "Sangat Tinggi"),
}


def records() -> pd.DataFrame:
    rows = []
    for bidang, sasaran, indikator, satuan, arah, targets, reals in SERI:
        for i, (t, r) in enumerate(zip(targets, reals, strict=True)):
            rows.append(
                {
                    "bidang": bidang,
                    "sasaran": sasaran,
                    "indikator": indikator,
                    "satuan": satuan,
                    "arah": arah,
                    "tahun": 2023,
                    "periode": TW[i],
                    "target": float(t),
                    "realisasi": float(r),
                    "keterangan": None,
                    "pagu": None,
                    "realisasi_anggaran": None,
                }
            )
    frame = pd.DataFrame(rows)
    budget = {IKM: (200_000_000.0, 190_000_000.0), SELESAI: (150_000_000.0, 120_000_000.0)}
    for ind, (pagu, real) in budget.items():
        m = (frame["indikator"] == ind) & (frame["periode"] == "TW IV")
        frame.loc[m, ["pagu", "realisasi_anggaran"]] = [pagu, real]
    frame.loc[(frame["indikator"] == IKM) & (frame["periode"] == "TW II"), "keterangan"] = (
        "Pembinaan ditunda karena anggaran belum cair"
    )
    lalu = pd.DataFrame(
        [
            [IND, S_IKM, IKM, "unit", "naik", 2022, "Tahunan", 90.0, 85.0],
            [HI, S_HI, SENGKETA, "kasus", "turun", 2022, "Tahunan", 10.0, 10.0],
        ],
        columns=[
            "bidang",
            "sasaran",
            "indikator",
            "satuan",
            "arah",
            "tahun",
            "periode",
            "target",
            "realisasi",
        ],
    )
    return pd.concat([frame, lalu], ignore_index=True)


def pk() -> pd.DataFrame:
    rows = []
    for bidang, sasaran, indikator, satuan, arah, targets, _ in SERI:
        rows.append(
            {
                "tahun": 2023,
                "bidang": bidang,
                "sasaran": sasaran,
                "indikator": indikator,
                "satuan": satuan,
                "arah": arah,
                "agregasi": "jumlah" if indikator == SENTRA else "akhir",
                "target": float(sum(targets) if indikator == SENTRA else targets[-1]),
                **{f"target_tw{i + 1}": float(t) for i, t in enumerate(targets)},
                "target_renstra": {IKM: 500.0, SENGKETA: 5.0}.get(indikator),
                "tahun_renstra": 2026 if indikator in (IKM, SENGKETA) else None,
                "program": (
                    "Program Pengembangan Industri"
                    if bidang == IND
                    else "Program Hubungan Industrial"
                ),
            }
        )
    return pd.DataFrame(rows)


def flags() -> pd.DataFrame:
    row = dict.fromkeys(evaluasi.COLUMNS)
    row.update(
        id="abc1234567",
        bidang=HI,
        sasaran=S_HI,
        indikator=SELESAI,
        tahun=2023,
        periode="TW II",
        check="target_beda_pk",
        message="Target TW II 80 berbeda dengan PK (82).",
        status="diterima",
        catatan="Rencana Aksi direvisi",
        oleh="sari",
        waktu=dt.datetime(2024, 1, 10, 3, 0, tzinfo=dt.UTC),
    )
    return pd.DataFrame([row], columns=evaluasi.COLUMNS)


def laporan(recs: pd.DataFrame | None = None, *, draft: bool = False) -> Laporan:
    recs = records() if recs is None else recs
    return susun(recs, pk(), flags(), SETTINGS, tahun=2023, tanggal=TANGGAL, draft=draft)


@pytest.fixture(scope="module")
def lap() -> Laporan:
    return laporan()


@pytest.fixture(scope="module")
def wb(lap: Laporan) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook.to_xlsx(lap)))


def rows_of(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, list[object]]:
    """Table rows keyed by their indikator (column B)."""
    out = {}
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[1], str) and row[1] in TAHUN_INI:
            out[row[1]] = list(row)
    return out


def test_sheets_in_order_each_with_title_block_numbers_and_signature(
    wb: openpyxl.Workbook,
) -> None:
    assert wb.sheetnames == workbook.LEMBAR
    for name in workbook.LEMBAR[:-1]:
        ws = wb[name]
        texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert "DINAS PERINDUSTRIAN DAN TENAGA KERJA" in texts, name
        assert "PEMERINTAH KABUPATEN LIMA PULUH KOTA" in texts, name
        assert "TAHUN 2023" in texts, name
        assert "(1)" in texts and "(2)" in texts and "(3)" in texts, name
        assert "Sarilamak, 15 Januari 2024" in texts, name
        assert "Kepala Dinas Perindustrian dan Tenaga Kerja" in texts, name
        assert "Fulan, S.T., M.Si." in texts, name
        assert "NIP. 19700101 199503 1 000" in texts, name
        assert workbook.DRAFT not in texts, name
        # print setup: A4 landscape, one page wide, header rows repeated, panes frozen
        assert ws.page_setup.orientation == "landscape", name
        assert int(ws.page_setup.paperSize) == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows, name
        assert ws.freeze_panes, name


def test_pengukuran_numbers_equal_the_dataset(wb: openpyxl.Workbook) -> None:
    ws = wb["Pengukuran Kinerja"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Indikator Kinerja")
    assert list(header) == [
        "No",
        "Indikator Kinerja",
        "Satuan",
        "Target",
        "Realisasi",
        "Capaian (%)",
        "Predikat",
    ]
    got = rows_of(ws)
    for ind, (t, r, c, pred) in TAHUN_INI.items():
        row = got[ind]
        assert row[3] == t and row[4] == r and row[5] == c, ind
        assert isinstance(row[5], int | float)  # a number, not text
        assert row[6].startswith(pred)
    assert got[IKM][6] == "Sangat Tinggi; melampaui target"
    labels = [r[1] for r in ws.iter_rows(values_only=True) if isinstance(r[1], str)]
    assert labels.index(f"Sasaran Strategis 1: {S_IKM}") < labels.index(IKM)
    assert labels.index(f"Sasaran Strategis 2: {S_HI}") < labels.index(SENGKETA)
    rata = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Rata-rata capaian kinerja")
    assert rata[5] == pytest.approx(sum(v[2] for v in TAHUN_INI.values()) / 4)
    # formats: decimal numbers with their decimals, capaian with two
    cell = next(c for row in ws.iter_rows() for c in row if c.value == 86.28)
    assert cell.number_format == "[$-421]#,##0.00"
    cap = next(c for row in ws.iter_rows() for c in row if c.value == 95.87)
    assert cap.number_format == workbook.FORMAT_PERSEN
    assert cap.border.left.style == "thin"


def test_capaian_triwulan(wb: openpyxl.Workbook) -> None:
    got = rows_of(wb["Capaian Triwulan"])
    for _, _, ind, _, arah, targets, reals in SERI:
        row = got[ind]
        for i in range(4):
            t, r, c = row[4 + 3 * i : 7 + 3 * i]
            assert (t, r) == (targets[i], reals[i])
            want = (
                reals[i] / targets[i] * 100
                if arah == "naik"
                else (2 * targets[i] - reals[i]) / targets[i] * 100
            )
            assert c == pytest.approx(want, abs=0.005)
        assert row[16:19] == list(TAHUN_INI[ind][:3])
    assert got[SENTRA][3] == "jumlah" and got[IKM][3] == "akhir"


def test_perbandingan_tahun_with_the_change(wb: openpyxl.Workbook, lap: Laporan) -> None:
    assert lap.tahun_lalu == [2022]
    ws = wb["Perbandingan Tahun"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Tahun 2022" in texts and "Tahun 2023" in texts
    got = rows_of(ws)
    # No, Indikator, Satuan, R2022, C2022, R2023, C2023, banding, dR, dC
    assert got[IKM][3:10] == [85, pytest.approx(94.44), 110, 110, 2022, 25, pytest.approx(15.56)]
    assert got[SENGKETA][3:10] == [
        10,
        100,
        8,
        pytest.approx(111.11),
        2022,
        -2,
        pytest.approx(11.11),
    ]
    assert got[SENTRA][3] is None and got[SENTRA][8] is None


def test_target_renstra(wb: openpyxl.Workbook) -> None:
    got = rows_of(wb["Target Renstra"])
    assert got[IKM][3:7] == [500, 2026, 110, 22]
    assert got[SENGKETA][3:7] == [5, 2026, 8, 40]  # turun: (2 x 5 - 8) / 5 x 100
    assert got[SENTRA][3] is None


def test_anggaran_totals_serapan_and_efficiency(wb: openpyxl.Workbook) -> None:
    ws = wb["Anggaran dan Efisiensi"]
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if isinstance(r[1], str)}
    ind = rows["Program Pengembangan Industri"]
    assert ind[2:9] == (200_000_000, 190_000_000, 95, 10_000_000, 105, 10, "efisien")
    hi = rows["Program Hubungan Industrial"]
    assert hi[2:6] == (150_000_000, 120_000_000, 80, 30_000_000)
    assert hi[6] == pytest.approx((111.11 + 95.87) / 2)
    assert hi[8] == "efisien"
    total = rows["Jumlah"]
    assert total[2:6] == (350_000_000, 310_000_000, pytest.approx(310 / 350 * 100), 40_000_000)
    money = next(c for row in ws.iter_rows() for c in row if c.value == 350_000_000)
    assert money.number_format == workbook.FORMAT_RUPIAH


def test_catatan_evaluasi_says_how_and_by_whom(wb: openpyxl.Workbook) -> None:
    ws = wb["Catatan Evaluasi"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[2] == SELESAI)
    assert row[1:9] == (
        HI,
        SELESAI,
        "TW II",
        "target_beda_pk",
        "Target TW II 80 berbeda dengan PK (82).",
        "Diterima",
        "Rencana Aksi direvisi",
        "sari",
    )
    assert row[9] == "10 Januari 2024 10.00 WIB"


def test_an_open_flag_beside_a_decided_one_has_no_time_and_no_decider() -> None:
    """Flags as evaluasi.flags gives them: an undecided one carries NaT and None, which the
    sheet leaves blank (a NaT is a datetime too: it once reached astimezone and crashed)."""
    open_flag = flags().iloc[0].to_dict() | {
        "id": "def7654321", "check": "lonjakan", "message": "Naik 10 kali lipat.",
        "status": "terbuka", "catatan": None, "oleh": None, "waktu": pd.NaT,
    }  # fmt: skip
    both = pd.concat([flags(), pd.DataFrame([open_flag])], ignore_index=True)
    lap = susun(records(), pk(), both, SETTINGS, tahun=2023, tanggal=TANGGAL)
    ws = openpyxl.load_workbook(io.BytesIO(workbook.to_xlsx(lap)))["Catatan Evaluasi"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[2] == SELESAI]
    assert {r[4] for r in rows} == {"target_beda_pk", "lonjakan"}
    (opened,) = [r for r in rows if r[4] == "lonjakan"]
    assert opened[8] is None and opened[9] is None
    (decided,) = [r for r in rows if r[4] == "target_beda_pk"]
    assert decided[9] == "10 Januari 2024 10.00 WIB"


def test_data_sheet_is_the_flat_dataset_as_a_table(wb: openpyxl.Workbook) -> None:
    ws = wb["Data"]
    assert "DataKinerja" in ws.tables
    ref = ws.tables["DataKinerja"].ref
    rows = list(ws[ref])
    header = [c.value for c in rows[0]]
    assert header[:11] == [
        "Bidang",
        "Sasaran",
        "Indikator Kinerja",
        "Satuan",
        "Arah",
        "Tahun",
        "Periode",
        "Target",
        "Realisasi",
        "Capaian (%)",
        "Predikat",
    ]
    body = [[c.value for c in r] for r in rows[1:]]
    assert len(body) == 16  # the 2023 records only
    want = records()
    want = want[want["tahun"] == 2023]
    got = {(r[0], r[2], r[6]): r for r in body}
    for rec in want.itertuples():
        r = got[(rec.bidang, rec.indikator, rec.periode)]
        assert (r[5], r[7], r[8]) == (2023, rec.target, rec.realisasi)
        assert isinstance(r[9], int | float)
    ikm4 = got[(IND, IKM, "TW IV")]
    assert ikm4[header.index("Pagu")] == 200_000_000
    assert ikm4[header.index("Melampaui Target")] == "Ya"


def test_charts_are_native(lap: Laporan) -> None:
    with zipfile.ZipFile(io.BytesIO(workbook.to_xlsx(lap))) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3  # capaian per indicator + one per sasaran
        xml = z.read(charts[0]).decode()
        assert "'Capaian Triwulan'!$S$" in xml
        xml = z.read(charts[1]).decode()
        assert "'Pengukuran Kinerja'!$D$" in xml and "'Pengukuran Kinerja'!$E$" in xml


def test_draft_marks_every_sheet_and_the_document() -> None:
    lap = laporan(draft=True)
    wb = openpyxl.load_workbook(io.BytesIO(workbook.to_xlsx(lap)))
    for ws in wb.worksheets:
        texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert workbook.DRAFT in texts, ws.title
        assert workbook.DRAFT in ws.oddHeader.center.text
    doc = Document(io.BytesIO(dokumen.to_docx(lap)))
    assert workbook.DRAFT in doc.sections[0].header.paragraphs[0].text
    assert any(p.text == workbook.DRAFT for p in doc.paragraphs)


def _unescape(value: str) -> str:
    """openpyxl leaves OOXML's escape of a carriage return as written."""
    return value.replace("_x000D_", "\r")


@pytest.mark.parametrize("teks", INJEKSI)
def test_text_that_looks_like_a_formula_stays_text(teks: str) -> None:
    recs = records()
    recs.loc[(recs["indikator"] == SELESAI) & (recs["periode"] == "TW IV"), "keterangan"] = teks
    recs.loc[recs["indikator"] == SENTRA, "sasaran"] = teks
    lap = laporan(recs)
    data_xlsx = workbook.to_xlsx(lap)
    with zipfile.ZipFile(io.BytesIO(data_xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode(), name
    wb = openpyxl.load_workbook(io.BytesIO(data_xlsx))
    found = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and teks in _unescape(c.value)
    ]
    assert len(found) >= 3  # Data: keterangan and sasaran; Pengukuran: the sasaran row
    for c in found:
        assert c.data_type == "s"
        if _unescape(c.value) == teks:
            assert c.quotePrefix
    doc = Document(io.BytesIO(dokumen.to_docx(lap)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert teks.strip() in text
    assert all(not p._p.xpath(".//w:fldSimple|.//w:instrText") for p in doc.paragraphs)


def test_document_bab_iii_paragraphs_from_the_data(lap: Laporan) -> None:
    doc = Document(io.BytesIO(dokumen.to_docx(lap)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BAB III AKUNTABILITAS KINERJA" in text
    assert "A. Capaian Kinerja Organisasi" in text and "B. Realisasi Anggaran" in text
    assert f"Sasaran Strategis 1: {S_IKM}" in text
    assert (
        f"Indikator {IKM} pada tahun 2023 ditargetkan 100 unit dan terealisasi 110 unit, "
        "sehingga capaiannya 110,00% dengan predikat Sangat Tinggi (melampaui target)."
    ) in text
    assert (
        "Dibandingkan tahun 2022 (realisasi 85 unit, capaian 94,44%), realisasi naik 25 unit "
        "dan capaian naik 15,56 poin."
    ) in text
    assert "Target akhir Renstra (tahun 2026) sebesar 500 unit; realisasi s.d. tahun 2023" in text
    assert "22,00% dari target tersebut" in text
    assert "TW II: Pembinaan ditunda karena anggaran belum cair" in text
    assert "realisasi 86,28%" in text.replace("terealisasi", "realisasi")
    assert (
        "Program Pengembangan Industri: serapan anggaran 95,00% dengan rata-rata capaian " in text
    )
    assert "(selisih 10,00 poin): efisien." in text
    assert "dari pagu Rp 350.000.000 terealisasi Rp 310.000.000 (88,57%)" in text
    assert "NIP. 19700101 199503 1 000" in text
    tables = doc.tables
    assert len(tables) == 3  # two sasaran, the budget
    t1 = [[c.text for c in r.cells] for r in tables[0].rows]
    assert t1[0] == dokumen.KOLOM_PENGUKURAN
    assert t1[1] == [f"({i})" for i in range(1, 8)]
    assert t1[2] == ["1.1", IKM, "unit", "100", "110", "110,00", "Sangat Tinggi"]
    budget = [[c.text for c in r.cells] for r in tables[2].rows]
    assert budget[-1] == [
        "",
        "Jumlah",
        "Rp 350.000.000",
        "Rp 310.000.000",
        "88,57",
        "Rp 40.000.000",
    ]


def test_only_verified_records_and_up_to_periode() -> None:
    recs = records()
    status = pd.DataFrame(
        [
            [2023, p, b, "verified" if (b, p) != (HI, "TW IV") else "submitted", None, None, None]
            for b in (IND, HI)
            for p in TW
        ],
        columns=["tahun", "periode", "bidang", "status", "oleh", "waktu", "catatan"],
    )
    ok = data.terverifikasi(recs, status)
    assert int(ok.sum()) == 14  # 2022 is not verified, HI TW IV waits
    lap = susun(recs[ok], pk(), flags(), SETTINGS, tahun=2023, tanggal=TANGGAL)
    year = lap.pengukuran.set_index("indikator")
    assert year.loc[SENGKETA, "realisasi"] == 8 and year.loc[SENGKETA, "periode_dasar"] == "TW III"
    assert lap.tahun_lalu == []
    per = data.per_bidang(recs, status, tahun=2023)
    assert per.values.tolist() == [
        [HI, 8, 6, "TW I, TW II, TW III"],
        [IND, 8, 8, "TW I, TW II, TW III, TW IV"],
    ]
    sd = susun(recs, pk(), flags(), SETTINGS, tahun=2023, periode="TW II", tanggal=TANGGAL)
    assert sd.judul_tahun == "TAHUN 2023 S.D. TW II"
    assert set(sd.data["periode"]) == {"TW I", "TW II"}
    assert sd.pengukuran.set_index("indikator").loc[IKM, "realisasi"] == 45
    assert math.isnan(sd.triwulan.set_index("indikator").loc[IKM, "realisasi_tw3"])


def test_settings_without_kepala_or_kabupaten_still_sign() -> None:
    lap = susun(records(), pk(), flags(), {"nama": "Dinas X"}, tahun=2023, tanggal=TANGGAL)
    wb = openpyxl.load_workbook(io.BytesIO(workbook.to_xlsx(lap)))
    texts = [c for row in wb["Data"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "(nama)" in texts and "NIP. –" in texts and "15 Januari 2024" in texts
    Document(io.BytesIO(dokumen.to_docx(lap)))


def test_empty_year_still_writes_both_files() -> None:
    lap = susun(records().iloc[:0], pk(), flags().iloc[:0], SETTINGS, tahun=2023, tanggal=TANGGAL)
    assert lap.kosong
    wb = openpyxl.load_workbook(io.BytesIO(workbook.to_xlsx(lap)))
    assert wb.sheetnames == workbook.LEMBAR
    Document(io.BytesIO(dokumen.to_docx(lap)))


def test_capaian_follows_the_agency_settings() -> None:
    lap = susun(
        records(),
        pk(),
        flags(),
        SETTINGS,
        tahun=2023,
        tanggal=TANGGAL,
        capaian_settings=Settings(batas_capaian=105.0),
    )
    assert lap.pengukuran.set_index("indikator").loc[IKM, "capaian_bulat"] == 105.0


@pytest.mark.parametrize(
    ("satuan", "arah", "want"),
    [
        ("%", "naik", "realisasi naik 11,31 poin dan capaian naik 7,67 poin."),
        ("orang", "naik", "realisasi naik 11,31 orang dan capaian naik 7,67 poin."),
    ],
)
def test_the_change_in_words(satuan: str, arah: str, want: str) -> None:
    row = {
        "bidang": HI,
        "indikator": SELESAI,
        "satuan": satuan,
        "arah": arah,
        "target": 90.0,
        "realisasi": 86.28,
        "capaian_bulat": 95.87,
        "predikat": "Sangat Tinggi",
        "melampaui_target": False,
    }
    banding = {
        "tahun_banding": 2022,
        "realisasi_2022": 74.97,
        "capaian_2022": 88.2,
        "perubahan_realisasi": 86.28 - 74.97,
        "perubahan_capaian": 7.67,
    }
    kalimat = dokumen.paragraf_indikator(row, banding, None, [], 2023)
    assert kalimat[1].endswith(want)
    assert kalimat[2] == "Target akhir Renstra indikator ini belum diisi pada Perjanjian Kinerja."
    assert kalimat[3].startswith(f"{HI} belum menuliskan keterangan")
