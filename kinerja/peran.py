"""Roles and what each may do: the one permission table the store, the pages and the command
line enforce (and the README prints; tests/test_peran.py holds the two together).

The SOP's people (DOMAIN.md): Kepala Dinas, Sekretaris, Sub Koordinator Program dan Pelaporan,
Kepala Bidang, Staf, and the deployment's admin. A kabid or staf account is bound to one
bidang: it sees and sends only that bidang's data and answers only its flags.
"""

from __future__ import annotations

from collections.abc import Mapping

PERAN: dict[str, str] = {
    "admin": "Admin",
    "kepala_dinas": "Kepala Dinas",
    "sekretaris": "Sekretaris",
    "subkoordinator": "Sub Koordinator Program dan Pelaporan",
    "kabid": "Kepala Bidang",
    "staf": "Staf",
}
"""Role key -> the office as people name it."""

PERAN_BIDANG = frozenset({"kabid", "staf"})
"""Roles bound to one bidang (an account of these roles names its bidang)."""

AKSI: dict[str, str] = {
    "lihat": "melihat data seluruh bidang",
    "unggah": "mengunggah data bidang mana pun",
    "unggah_bidang": "mengunggah data bidangnya sendiri",
    "jawab_tanda": "menjawab tanda evaluasi bidangnya sendiri",
    "verifikasi": "memeriksa tanda, memverifikasi dan mengembalikan data",
    "putaran": "membuka putaran dan mencatat langkah SOP",
    "pk": "mengimpor dan mengubah Perjanjian Kinerja",
    "format": "membuat dan mengirim format data kinerja",
    "ekspor": "menyusun ekspor LKjIP",
    "pengaturan": "mengubah pengaturan instansi",
    "akun": "mengelola akun pengguna",
}
"""Action key -> what it allows, as a refusal names it ("... boleh <aksi>")."""

IZIN: dict[str, frozenset[str]] = {
    "admin": frozenset({"lihat", "pengaturan", "akun"}),
    "kepala_dinas": frozenset({"lihat", "verifikasi", "ekspor"}),
    "sekretaris": frozenset({"lihat"}),
    "subkoordinator": frozenset(
        {"lihat", "unggah", "jawab_tanda", "verifikasi", "putaran", "pk", "format", "ekspor"}
    ),
    "kabid": frozenset({"unggah_bidang", "jawab_tanda"}),
    "staf": frozenset({"unggah_bidang", "jawab_tanda"}),
}
"""Role -> the actions it may take. kabid and staf see their own bidang only (no "lihat")."""

HALAMAN: dict[str, frozenset[str]] = {
    "beranda.py": frozenset(PERAN),
    "unggah.py": frozenset({"subkoordinator", "kabid", "staf"}),
    "riwayat.py": frozenset(PERAN),
    "analisis.py": frozenset(PERAN),
    "evaluasi.py": frozenset({"kepala_dinas", "subkoordinator"}),
    "format.py": frozenset({"subkoordinator"}),
    "perjanjian_kinerja.py": frozenset({"subkoordinator"}),
    "pengaturan.py": frozenset({"admin"}),
    "ekspor.py": frozenset({"kepala_dinas", "subkoordinator"}),
    "tanda.py": frozenset({"subkoordinator", "kabid", "staf"}),
}
"""Page file (views/) -> the roles that see it in the menu and may open it. Pages of kabid and
staf show their bidang's data only."""


def boleh(peran: str, aksi: str) -> bool:
    """Whether a role may take an action (KeyError for an unknown action: a typo is a bug)."""
    if aksi not in AKSI:
        raise KeyError(aksi)
    return aksi in IZIN.get(peran, frozenset())


def yang_boleh(aksi: str) -> list[str]:
    """The roles that may take aksi, as people name them, in PERAN's order."""
    return [PERAN[p] for p in PERAN if boleh(p, aksi)]


def alasan_ditolak(peran: str, aksi: str, izin: Mapping[str, frozenset[str]] = IZIN) -> str:
    """The Indonesian refusal: which role may, e.g. "Peran Staf tidak boleh memverifikasi
    ...; yang boleh: Kepala Dinas, Sub Koordinator Program dan Pelaporan."."""
    nama = PERAN.get(peran, peran)
    siapa = ", ".join(PERAN[p] for p in PERAN if aksi in izin.get(p, frozenset()))
    return f"Peran {nama} tidak boleh {AKSI[aksi]}; yang boleh: {siapa or 'tidak ada'}."


def halaman_boleh(peran: str, halaman: str) -> bool:
    """Whether a role may open a page (its file name under views/); unknown pages: no."""
    return peran in HALAMAN.get(halaman, frozenset())
