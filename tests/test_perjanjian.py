"""The PK: the agency's bidang list, errors as a table, the .xlsx, edits all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kinerja import cli, pk, store
from kinerja.store.indicators import PK_COLUMNS
from tests import factories as f

DAFTAR = ["Sekretariat", "Bidang Perindustrian", "Bidang Hubungan Industrial"]
HEADER = ["Kode", "Bidang", "Indikator Kinerja", "Satuan", "Arah", "Target", "Pagu"]


def rows(*bidang: str) -> list[list[object]]:
    """A PK sheet: a title, the header, one indicator per bidang given."""
    out: list[list[object]] = [["PERJANJIAN KINERJA TAHUN 2024"], HEADER]
    for i, b in enumerate(bidang, start=1):
        out.append([f"IKU.{i}", b, f"Indikator {i}", "unit", "naik", 10 * i, 1_000_000])
    return out


# --- the reader and the agency's bidang list -------------------------------------------------


def test_read_pk_writes_bidang_in_the_agencys_spelling() -> None:
    data = f.xlsx(rows("perindustrian", "BIDANG   hubungan industrial", "Sekretariat"))
    frame, errors = pk.read_pk(data, daftar_bidang=DAFTAR)
    assert errors == []
    assert frame["bidang"].tolist() == DAFTAR[1:] + ["Sekretariat"]


def test_read_pk_refuses_an_unknown_bidang_naming_its_cell_and_the_closest_name() -> None:
    frame, errors = pk.read_pk(
        f.xlsx(rows("Sekretariat", "Bidang Perindustrin", "Bidang Fiktif")), daftar_bidang=DAFTAR
    )
    assert errors == [
        "Baris 4, kolom Bidang: Bidang 'Bidang Perindustrin' (sel B4) tidak ada dalam daftar "
        "bidang instansi; maksud Anda Bidang Perindustrian?",
        "Baris 5, kolom Bidang: Bidang 'Bidang Fiktif' (sel B5) tidak ada dalam daftar bidang "
        "instansi; bidang yang terdaftar: Sekretariat, Bidang Perindustrian, Bidang Hubungan "
        "Industrial.",
    ]


def test_without_a_list_any_bidang_is_taken_as_written() -> None:
    frame, errors = pk.read_pk(f.xlsx(rows("bidang  fiktif")))
    assert errors == [] and frame["bidang"].tolist() == ["bidang fiktif"]  # spacing tidied


def test_errors_as_a_table_with_row_and_column() -> None:
    table = pk.issues(
        [
            "Baris 4, kolom Target TW I: 'lima' bukan angka.",
            "Baris 7: kolom Bidang kosong.",
            "Lembar PK tidak berisi baris indikator.",
        ]
    )
    assert table.to_dict("records") == [
        {"Baris": 4, "Kolom": "Target TW I", "Pesan": "'lima' bukan angka."},
        {"Baris": 7, "Kolom": "", "Pesan": "kolom Bidang kosong."},
        {"Baris": None, "Kolom": "", "Pesan": "Lembar PK tidak berisi baris indikator."},
    ]


# --- the store -------------------------------------------------------------------------------


@pytest.fixture
def db(db_url: str) -> Iterator[store.Store]:
    s = store.connect(db_url)
    s.init()
    s.set_settings({"bidang": DAFTAR}, user="admin")
    yield s
    s.close()


def _imported(db: store.Store) -> pd.DataFrame:
    frame, errors = pk.read_pk(f.xlsx(rows("Bidang Perindustrian", "Bidang Hubungan Industrial")))
    assert errors == []
    db.import_pk(frame, tahun=2024, user="subkoor")
    return db.indicators(tahun=2024).set_index("kode")


def test_the_store_spells_and_refuses_bidang_for_every_caller(db: store.Store) -> None:
    frame, _ = pk.read_pk(f.xlsx(rows("perindustrian")))  # read without the list
    db.import_pk(frame, tahun=2024, user="x")
    assert db.indicators(tahun=2024)["bidang"].tolist() == ["Bidang Perindustrian"]
    other, _ = pk.read_pk(f.xlsx(rows("Bidang Perindustrin")))
    with pytest.raises(store.StoreError, match="maksud Anda Bidang Perindustrian"):
        db.import_pk(other, tahun=2025, user="x")
    assert db.indicators(tahun=2025).empty


def test_xlsx_of_the_year_reads_back_the_same(db: store.Store) -> None:
    ind = _imported(db)
    iid = int(ind.loc["IKU.1", "id"])
    db.update_indicators(
        {
            iid: {
                "sasaran": '=HYPERLINK("http://x")',  # text, never a formula
                "agregasi": "jumlah",
                "target_tw1": 2.5,
                "target_tw4": 10,
                "target_renstra": 50,
                "tahun_renstra": 2026,
                "program": "Program \x1b IKM",
            }
        },
        user="subkoor",
    )
    stored = db.indicators(tahun=2024)
    data = pk.to_xlsx(stored, tahun=2024, judul="DINAS UJI")
    back, errors = pk.read_pk(data, "pk-2024.xlsx", daftar_bidang=DAFTAR)
    assert errors == []
    expected = stored[PK_COLUMNS].copy()
    expected.loc[expected["kode"] == "IKU.1", "program"] = "Program \\x1b IKM"  # shown escaped
    pd.testing.assert_frame_equal(
        back[PK_COLUMNS].reset_index(drop=True),
        expected.reset_index(drop=True),
        check_dtype=False,
    )


def test_changed_cells_only(db: store.Store) -> None:
    _imported(db)
    before = db.indicators(tahun=2024).set_index("id")[PK_COLUMNS]
    after = before.copy()
    first, second = before.index[:2]
    after.loc[first, "target"] = 12.0
    after.loc[first, "satuan"] = " unit "  # spacing only: the same
    after.loc[second, "pagu"] = None
    after.loc[second, "sasaran"] = None  # None before, None after
    assert pk.changed(before, after) == {int(first): {"target": 12.0}, int(second): {"pagu": None}}
    assert pk.changed(before, before.copy()) == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target": -1.0}, "Indikator 'Indikator 2': Target Tahunan tidak boleh negatif"),
        ({"bidang": "Bidang Fiktif"}, "Bidang 'Bidang Fiktif' (indikator 'Indikator 2')"),
        (
            {"indikator": "Indikator 1", "bidang": "Bidang Perindustrian"},
            "sudah ada di PK tahun 2024",
        ),
        ({"indikator": " "}, "Indikator 'Indikator 2': kolom Indikator Kinerja wajib diisi."),
        ({"arah": None}, "Indikator 'Indikator 2': arah harus naik atau turun"),
        ({"tahun_renstra": 1999}, "Indikator 'Indikator 2': Tahun Renstra harus antara 2000"),
        ({"satuan": "s" * 101}, "Indikator 'Indikator 2': Satuan terlalu panjang"),
    ],
)
def test_a_refused_edit_names_indicator_and_field_and_changes_nothing(
    db: store.Store, change: dict[str, object], message: str
) -> None:
    ind = _imported(db)
    good = {int(ind.loc["IKU.1", "id"]): {"target": 11.0}}  # fine on its own
    bad = {int(ind.loc["IKU.2", "id"]): change}
    before, audit = db.indicators(tahun=2024), db.audit()
    with pytest.raises(store.StoreError) as exc:
        db.update_indicators(good | bad, user="subkoor")
    assert message in str(exc.value)
    pd.testing.assert_frame_equal(db.indicators(tahun=2024), before)
    pd.testing.assert_frame_equal(db.audit(), audit)


def test_edits_are_stored_together_and_audited_with_the_user(db: store.Store) -> None:
    ind = _imported(db)
    one, two = int(ind.loc["IKU.1", "id"]), int(ind.loc["IKU.2", "id"])
    n = db.update_indicators(
        {one: {"target": 12.0, "arah": "turun"}, two: {"bidang": "hubungan industrial "}},
        user="Sub Koordinator",
    )
    assert n == 2
    after = db.indicators(tahun=2024).set_index("id")
    assert (after.loc[one, "target"], after.loc[one, "arah"]) == (12.0, "turun")
    assert after.loc[two, "bidang"] == "Bidang Hubungan Industrial"  # the list's spelling
    log = db.audit(aksi="indikator.ubah")
    assert log["oleh"].tolist() == ["Sub Koordinator"] * 2
    assert log["lama"].tolist() == [
        {"target": 10.0, "arah": "naik"},
        {"bidang": "Bidang Hubungan Industrial"},
    ]


# --- kinerja pk import ------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_pk_import_refuses_an_unknown_bidang_and_spells_the_known_ones(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The agency the command seeds is the demo one (data/instansi.toml).
    bad = tmp_path / "pk-salah.xlsx"
    bad.write_bytes(f.xlsx(rows("perindustrian", "Bidang Perindustrin")))
    code, out, _ = run(
        capsys, "pk", "import", "--db", db_url, "--tahun", "2024", str(bad), "--json"
    )
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["errors"] == [
        "Baris 4, kolom Bidang: Bidang 'Bidang Perindustrin' (sel B4) tidak ada dalam daftar "
        "bidang instansi; maksud Anda Bidang Perindustrian?"
    ]
    code, out, _ = run(capsys, "pk", "import", "--db", db_url, "--tahun", "2024", str(bad))
    assert (
        code == 1 and "DITOLAK - 1 kesalahan" in out and "maksud Anda Bidang Perindustrian?" in out
    )
    with store.connect(db_url) as s:
        assert s.indicators(tahun=2024).empty

    good = tmp_path / "pk.xlsx"
    good.write_bytes(f.xlsx(rows("perindustrian", "BIDANG HUBUNGAN INDUSTRIAL")))
    code, out, _ = run(capsys, "pk", "import", "--db", db_url, "--tahun", "2024", str(good))
    assert code == 0, out
    with store.connect(db_url) as s:
        assert s.indicators(tahun=2024)["bidang"].tolist() == [
            "Bidang Hubungan Industrial",
            "Bidang Perindustrian",
        ]
