"""The PK sheet is read with the division sheets' tolerance: merged headers, merged groups."""

from __future__ import annotations

import pytest

from kinerja import pk
from tests import factories as f

ROWS = [
    ["RENCANA AKSI TAHUN 2024"],
    ["Bidang", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target", None, None, None, "Pagu"],
    [None, None, None, None, "TW I", "TW II", "TW III", "TW IV", None],
    [
        "Bidang Perindustrian",
        "Jumlah IKM yang dibina",
        "unit",
        40,
        5,
        10,
        "18",
        "1.250",
        "Rp 1.500.000",
    ],
    [None, "Jumlah sentra IKM", "sentra", 2, None, None, None, 2, None],
    [],
    ["Sarilamak, 2 Januari 2024"],
]


@pytest.mark.parametrize("maker", [f.xlsx, f.xls, f.ods], ids=["xlsx", "xls", "ods"])
def test_wide_targets_and_group_cells(maker) -> None:
    frame, errors = pk.read_pk(maker(ROWS, merges=["E2:H2", "A2:A3", "B2:B3", "A4:A5"]))
    assert errors == []
    assert frame["bidang"].tolist() == ["Bidang Perindustrian"] * 2
    first = frame.iloc[0]
    assert [first[f"target_tw{i}"] for i in range(1, 5)] == [5, 10, 18, 1250]
    assert first["target"] == 40 and first["pagu"] == 1_500_000
    assert frame.iloc[1]["target_tw4"] == 2


def test_errors_name_row_and_column() -> None:
    rows = [r[:] for r in ROWS]
    rows[3][4] = "lima"
    rows[4][3] = -2
    _, errors = pk.read_pk(f.xlsx(rows, merges=["E2:H2"]))
    assert any(e.startswith("Baris 4, kolom Target TW I:") and "bukan angka" in e for e in errors)
    assert any(e.startswith("Baris 5, kolom Target Tahunan:") and "negatif" in e for e in errors)


def test_text_longer_than_the_master_holds_names_row_and_column() -> None:
    rows = [r[:] for r in ROWS]
    rows[3][0] = "Bidang " + "x" * 200  # 207 characters; the master holds 200
    rows[3][2] = "s" * 101
    _, errors = pk.read_pk(f.xlsx(rows, merges=["E2:H2"]))
    assert "Baris 4, kolom Bidang: terlalu panjang (207 karakter, paling banyak 200)." in errors
    assert "Baris 4, kolom Satuan: terlalu panjang (101 karakter, paling banyak 100)." in errors
