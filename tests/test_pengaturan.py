"""Settings: each form's check, and what the store refuses for every caller."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinerja import capaian, ingest, kirim, pengaturan, pk, schema, store
from tests import factories as f

ROOT = Path(__file__).resolve().parents[1]
DEMO_BIDANG = [
    "Sekretariat",
    "Bidang Perindustrian",
    "Bidang Pelatihan dan Penempatan Tenaga Kerja",
    "Bidang Hubungan Industrial",
]


# --- instansi and pejabat ---------------------------------------------------------------------


def test_instansi_is_trimmed_and_needs_a_name() -> None:
    hasil = pengaturan.check_instansi(
        {"nama": "  Dinas   Uji ", "kabupaten": "Kab. Uji", "kota": None, "alamat": "Jl.  A\nNo. 1"}
    )
    assert hasil.ok
    assert hasil.nilai == {
        "nama": "Dinas Uji",
        "kabupaten": "Kab. Uji",
        "kota": "",
        "alamat": "Jl. A No. 1",
    }
    refused = pengaturan.check_instansi({"nama": " ", "alamat": "x" * 301})
    assert refused.galat == (
        "Nama instansi wajib diisi.",
        "Alamat terlalu panjang: 301 karakter (paling banyak 300).",
    )


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("19700101 199503 1 000", "19700101 199503 1 000"),
        ("197001011995031000", "19700101 199503 1 000"),
        (" 1970 0101 1995 03 1 000 ", "19700101 199503 1 000"),
        ("", ""),
        (None, ""),
    ],
)
def test_nip_is_18_digits_written_in_its_groups(given: str | None, stored: str) -> None:
    assert pengaturan.check_nip(given, "Kepala Dinas") == (stored, None)


@pytest.mark.parametrize(
    "given",
    [
        "1970010119950310",
        "19700101 199503 1 0000",
        "19700101-199503-1-000",
        "１９７００１０１１９９５０３１０００",
    ],
)
def test_a_wrong_nip_is_named(given: str) -> None:
    nip, message = pengaturan.check_nip(given, "Sub Koordinator")
    assert nip == ""
    assert message is not None and message.startswith("NIP Sub Koordinator harus 18 angka")


def test_pejabat_checks_both_offices() -> None:
    hasil = pengaturan.check_pejabat(
        {
            "kepala_dinas": {"nama": " Fulan ", "nip": "197001011995031000"},
            "subkoordinator": {"nama": "", "nip": "19800101 200501 2 000"},
        }
    )
    assert hasil.galat == ("Nama Sub Koordinator wajib diisi bila NIP-nya diisi.",)
    ok = pengaturan.check_pejabat({"subkoordinator": {"nama": "Fulanah", "nip": ""}})
    assert ok.nilai == {"subkoordinator": {"nama": "Fulanah", "nip": ""}}


# --- bidang -----------------------------------------------------------------------------------


def test_bidang_names_are_tidied_and_unique_ignoring_case_and_spacing() -> None:
    assert pengaturan.check_bidang([" Sekretariat", "Bidang  Uji"]).nilai == {
        "bidang": ["Sekretariat", "Bidang Uji"]
    }
    refused = pengaturan.check_bidang(["Bidang Uji", "", "bidang   UJI", "b" * 201])
    assert refused.galat == (
        "Bidang baris 2: nama bidang kosong.",
        "Bidang baris 3: 'bidang UJI' sama dengan baris 1 (huruf besar/kecil dan spasi tidak "
        "membedakan nama).",
        "Bidang baris 4: nama terlalu panjang (201 karakter, paling banyak 200).",
    )
    assert pengaturan.check_bidang([]).galat == ("Daftar bidang tidak boleh kosong.",)


def test_a_respelled_bidang_counts_as_leaving_the_list() -> None:
    assert pengaturan.bidang_hilang(["A", "Bidang B", "C"], ["A", "bidang b", "D"]) == [
        "Bidang B",
        "C",
    ]


# --- capaian ----------------------------------------------------------------------------------

BANDS = [
    (91, "Sangat Tinggi"),
    (76, "Tinggi"),
    (66, "Sedang"),
    (51, "Rendah"),
    (None, "Sangat Rendah"),
]


def _capaian(bands=BANDS, **kw: object) -> pengaturan.Hasil:
    args: dict[str, object] = {
        "rumus_turun": "selisih",
        "batas_capaian": None,
        "efisiensi_batas": 5,
    }
    return pengaturan.check_capaian(bands, **(args | kw))  # type: ignore[arg-type]


def test_capaian_settings_as_capaian_keeps_them() -> None:
    hasil = _capaian(
        [(95, "Sangat Baik"), (80.5, "Baik"), (float("nan"), "Kurang")],
        rumus_turun="rasio",
        batas_capaian=120,
        efisiensi_batas=2.5,
    )
    assert hasil.ok
    kept = capaian.Settings.from_dict(hasil.nilai["capaian"])
    assert kept.predikat_bands == ((95.0, "Sangat Baik"), (80.5, "Baik"), (-math.inf, "Kurang"))
    assert (kept.rumus_turun, kept.batas_capaian, kept.efisiensi_batas) == ("rasio", 120.0, 2.5)
    assert _capaian().nilai["capaian"] == capaian.Settings().to_dict()


@pytest.mark.parametrize(
    ("bands", "kw", "message"),
    [
        (
            [(91, "A"), (91, "B"), (None, "C")],
            {},
            "Predikat baris 2 (B): batas bawah 91 harus lebih kecil dari batas baris di atasnya "
            "(91)",
        ),
        (
            [(76, "A"), (91, "B"), (None, "C")],
            {},
            "Predikat baris 2 (B): batas bawah 91 harus lebih kecil dari batas baris di atasnya "
            "(76)",
        ),
        (
            [(1001, "A"), (None, "B")],
            {},
            "Predikat baris 1 (A): batas bawah harus angka 0 sampai 1.000",
        ),
        (
            [(-1, "A"), (None, "B")],
            {},
            "Predikat baris 1 (A): batas bawah harus angka 0 sampai 1.000",
        ),
        (
            [(91, "A"), (None, "B"), (None, "C")],
            {},
            "Predikat baris 2 (B): batas bawah wajib diisi",
        ),
        ([(91, "A"), (51, "B")], {}, "Predikat baris 2 (B): predikat terakhir tanpa batas bawah"),
        ([(91, "A"), (None, " ")], {}, "Predikat baris 2: nama predikat kosong."),
        ([(91, "Baik"), (None, "baik")], {}, "Predikat baris 2 (baik): nama sama dengan baris 1."),
        ([(None, "A")], {}, "Predikat: paling sedikit dua predikat"),
        (BANDS, {"rumus_turun": "terbalik"}, "Rumus turun: 'terbalik' tidak dikenal"),
        (
            BANDS,
            {"batas_capaian": 0},
            "Batas capaian: kosongkan (tanpa batas) atau isi angka lebih dari 0",
        ),
        (BANDS, {"batas_capaian": "120"}, "Batas capaian: kosongkan"),
        (BANDS, {"efisiensi_batas": -1}, "Batas efisiensi: angka 0 atau lebih"),
    ],
)
def test_capaian_refusals_name_the_field(bands, kw: dict[str, object], message: str) -> None:
    hasil = _capaian(bands, **kw)
    assert hasil.nilai == {}
    assert any(g.startswith(message) for g in hasil.galat), hasil.galat


# --- tenggat ----------------------------------------------------------------------------------


def test_tenggat_defaults_and_spellings() -> None:
    assert pengaturan.tenggat_hari({}) == pengaturan.TENGGAT_BAWAAN
    assert pengaturan.TENGGAT_BAWAAN == {
        "TW I": 10, "TW II": 10, "TW III": 10, "TW IV": 10,
        "Semester I": 10, "Semester II": 10, "Tahunan": 31,
    }  # fmt: skip
    hasil = pengaturan.check_tenggat({"Triwulan II": 14, "Tahunan": 60.0, "TW IV": 0})
    assert hasil.ok
    assert hasil.nilai["tenggat_hari"] == {
        **pengaturan.TENGGAT_BAWAAN,
        "TW II": 14,
        "Tahunan": 60,
        "TW IV": 0,
    }
    assert pengaturan.tenggat_hari({"tenggat_hari": {"TW I": 5}})["TW I"] == 5


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"TW 5": 10}, "Tenggat: periode 'TW 5' tidak dikenal."),
        ({"TW I": 367}, "Tenggat TW I: jumlah hari harus bilangan bulat 0 sampai 366, bukan 367."),
        ({"TW I": -1}, "Tenggat TW I: jumlah hari harus bilangan bulat 0 sampai 366, bukan -1."),
        ({"TW I": 2.5}, "Tenggat TW I: jumlah hari harus bilangan bulat 0 sampai 366, bukan 2.5."),
        (
            {"TW I": "10"},
            "Tenggat TW I: jumlah hari harus bilangan bulat 0 sampai 366, bukan '10'.",
        ),
    ],
)
def test_tenggat_refusals(given: dict[str, object], message: str) -> None:
    assert pengaturan.check_tenggat(given).galat == (message,)


def test_the_tenggat_default_is_the_rounds_own() -> None:
    from kinerja import putaran

    assert pengaturan.TENGGAT_BAWAAN == putaran.TENGGAT_HARI_BAWAAN
    # What the form stores is the shape the rounds read: 30 June + 14 days.
    stored = pengaturan.check_tenggat({"TW II": 14}).nilai
    assert putaran.tenggat_bawaan(2024, "TW II", stored) == dt.date(2024, 7, 14)
    assert putaran.tenggat_bawaan(2024, "Tahunan", stored) == dt.date(2025, 1, 31)


def test_demo_instansi_toml_holds_the_new_keys_and_they_pass_their_checks() -> None:
    data = tomllib.loads((ROOT / "data" / "instansi.toml").read_text(encoding="utf-8"))
    assert pengaturan.check_instansi(data).ok and data["alamat"]
    hasil = pengaturan.check_pejabat(data)
    assert hasil.ok
    for key in pengaturan.PEJABAT:
        assert data[key]["nip"].endswith(" 000")  # fictional: no real NIP has serial 000
        assert hasil.nilai[key] == data[key]
    assert (
        pengaturan.check_tenggat(data["tenggat_hari"]).nilai["tenggat_hari"] == data["tenggat_hari"]
    )
    assert set(data["tenggat_hari"]) == set(schema.PERIODE)
    assert pengaturan.check_bidang(data["bidang"]).nilai["bidang"] == DEMO_BIDANG


# --- the store: what it refuses for every caller ---------------------------------------------

PK_ROWS = [
    ["Bidang", "Indikator Kinerja", "Satuan", "Target"],
    ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 40],
]


@pytest.fixture
def db(db_url: str) -> Iterator[store.Store]:
    s = store.connect(db_url)
    s.init()
    yield s
    s.close()


def test_a_bidang_with_data_cannot_leave_the_list(db: store.Store) -> None:
    assert db.settings()["bidang"] == DEMO_BIDANG
    out = kirim.kirim(
        db, f.xlsx(f.long_rows(8)), "perin.xlsx", defaults=ingest.Defaults(), user="ani"
    )
    assert out.accepted
    frame, errors = pk.read_pk(f.xlsx(PK_ROWS))
    assert errors == []
    db.import_pk(frame, tahun=2023, user="ani")
    before = db.audit(aksi="pengaturan.ubah")
    for new in (
        [b for b in DEMO_BIDANG if b != "Bidang Perindustrian"],  # removed
        [b.replace("Perindustrian", "Industri") for b in DEMO_BIDANG],  # renamed
        [b.lower() if "Perindustrian" in b else b for b in DEMO_BIDANG],  # respelled
    ):
        with pytest.raises(store.StoreError) as exc:
            db.set_settings({"bidang": new}, user="admin")
        assert "'Bidang Perindustrian' (8 data kinerja, 1 kiriman, 1 indikator PK)" in str(
            exc.value
        )
        assert "tidak dapat dihapus atau diganti namanya" in str(exc.value)
    assert db.settings()["bidang"] == DEMO_BIDANG
    assert len(db.audit(aksi="pengaturan.ubah")) == len(before)

    # A bidang with nothing stored may go; a new one may come; the change is audited.
    new = ["Sekretariat", "Bidang Perindustrian", "Bidang Hubungan Industrial", "Bidang Baru"]
    db.set_settings({"bidang": new}, user="admin")
    assert db.settings()["bidang"] == new
    log = db.audit(aksi="pengaturan.ubah")
    assert log["oleh"].iloc[-1] == "admin"
    assert log["baru"].iloc[-1]["bidang"] == new


def test_the_store_checks_bidang_and_tenggat_for_every_caller(db: store.Store) -> None:
    with pytest.raises(store.StoreError, match="sama dengan baris 1"):
        db.set_settings({"bidang": ["Sekretariat", "sekretariat"]}, user="admin")
    with pytest.raises(store.StoreError, match="Tenggat TW I"):
        db.set_settings({"tenggat_hari": {"TW I": 400}}, user="admin")
    db.set_settings({"tenggat_hari": {"TW I": 15}}, user="admin")
    assert db.settings()["tenggat_hari"] == {**pengaturan.TENGGAT_BAWAAN, "TW I": 15}
