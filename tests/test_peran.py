"""kinerja.peran: the permission table, its refusals, and the pages it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kinerja import peran

ROOT = Path(__file__).resolve().parents[1]


def test_every_role_has_its_actions_and_every_action_is_known() -> None:
    assert set(peran.IZIN) == set(peran.PERAN)
    for aksi in peran.IZIN.values():
        assert aksi <= set(peran.AKSI)
    # Each action is somebody's, and the bidang roles are the only ones without "lihat".
    assert {a for s in peran.IZIN.values() for a in s} == set(peran.AKSI)
    assert {p for p in peran.PERAN if not peran.boleh(p, "lihat")} == set(peran.PERAN_BIDANG)


@pytest.mark.parametrize(
    ("role", "aksi", "allowed"),
    [
        ("subkoordinator", "verifikasi", True),
        ("kepala_dinas", "verifikasi", True),
        ("kepala_dinas", "unggah", False),
        ("sekretaris", "lihat", True),
        ("sekretaris", "ekspor", False),
        ("kabid", "unggah_bidang", True),
        ("kabid", "unggah", False),
        ("staf", "verifikasi", False),
        ("admin", "akun", True),
        ("admin", "unggah", False),
        ("tamu", "lihat", False),  # an unknown role may nothing
    ],
)
def test_boleh(role: str, aksi: str, allowed: bool) -> None:
    assert peran.boleh(role, aksi) is allowed


def test_an_unknown_action_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        peran.boleh("admin", "hapus_semua")


def test_the_refusal_names_who_may() -> None:
    assert peran.alasan_ditolak("staf", "verifikasi") == (
        "Peran Staf tidak boleh memeriksa tanda, memverifikasi dan mengembalikan data; yang "
        "boleh: Kepala Dinas, Sub Koordinator Program dan Pelaporan."
    )
    assert peran.yang_boleh("akun") == ["Admin"]


def test_the_pages_are_the_routers_pages() -> None:
    router = (ROOT / "app.py").read_text(encoding="utf-8")
    assert sorted(re.findall(r'"views/([a-z_]+\.py)"', router)) == sorted(peran.HALAMAN)
    assert all(peran.halaman_boleh(p, "beranda.py") for p in peran.PERAN)
    assert not peran.halaman_boleh("kabid", "evaluasi.py")
    assert not peran.halaman_boleh("admin", "tidak-ada.py")


def test_the_readme_permission_table_is_izin() -> None:
    """README's "Peran dan akun" table, written by hand, says what IZIN says, cell by cell."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Peran dan akun", 1)[1].split("\n#", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    cells = [[c.strip().strip("`") for c in ln.strip("|").split("|")] for ln in lines]
    header, rows = cells[0], cells[2:]  # cells[1] is the |---| line
    assert header[0] == "peran" and header[1:] == list(peran.AKSI)
    table = {row[0]: row[1:] for row in rows}
    assert list(table) == list(peran.PERAN)
    for role, marks in table.items():
        said = {a for a, mark in zip(peran.AKSI, marks, strict=True) if mark.startswith("ya")}
        assert said == peran.IZIN[role], role
        bound = {a for a, mark in zip(peran.AKSI, marks, strict=True) if "(bidangnya)" in mark}
        assert bound == (peran.IZIN[role] if role in peran.PERAN_BIDANG else set()), role
    # Every action is explained under the table in the words refusals use.
    for aksi, text in peran.AKSI.items():
        assert f"- `{aksi}`: {text}" in section
