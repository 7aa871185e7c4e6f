"""The agency's settings (Pengaturan) checked: cleaned keys, or messages naming the field."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kinerja import bidang as bidang_
from kinerja import schema
from kinerja.capaian import RUMUS_TURUN, Settings
from kinerja.putaran import TENGGAT_HARI_BAWAAN
from kinerja.store.tables import Indikator, Instansi, string_lengths

# Days after a period's last day when its data is due, when the agency set nothing: the
# rounds' own default (settings "tenggat_hari": canonical periode -> whole days).
TENGGAT_BAWAAN: dict[str, int] = dict(TENGGAT_HARI_BAWAAN)
TENGGAT_MAKS = 366
BATAS_PREDIKAT_MAKS = 1000.0
NIP_DIGIT = 18
# "19700101 199503 1 000": birth date, appointment month, sex, serial.
_NIP_GROUPS = (8, 6, 1, 3)
# Free text of the title block and the signature blocks (the JSON column has no limit; a
# title line longer than this is a mistake, not an address).
TEKS_MAKS = 300
_NAMA_INSTANSI_MAKS = string_lengths(Instansi)["nama"]
_NAMA_BIDANG_MAKS = string_lengths(Indikator)["bidang"]

PEJABAT: dict[str, str] = {"kepala_dinas": "Kepala Dinas", "subkoordinator": "Sub Koordinator"}
"""Settings key -> the office as forms and signature blocks name it."""


@dataclass(frozen=True)
class Hasil:
    """A checked form: nilai, the settings keys to store (only when galat is empty), and galat,
    the Indonesian messages, each naming its field."""

    nilai: dict[str, Any] = field(default_factory=dict)
    galat: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.galat


def _teks(value: object) -> str:
    """Text as a form gives it: None and NaN are empty; whitespace runs are one space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def _angka(value: object) -> float | None:
    """A finite real number, or None (blank, NaN, text, bool, infinity)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _kosong(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def check_instansi(values: Mapping[str, Any]) -> Hasil:
    """nama (required), kabupaten, kota and alamat of the title block, trimmed."""
    out = {k: _teks(values.get(k)) for k in ("nama", "kabupaten", "kota", "alamat")}
    galat = []
    if not out["nama"]:
        galat.append("Nama instansi wajib diisi.")
    limits = {"nama": _NAMA_INSTANSI_MAKS}
    labels = {"nama": "Nama instansi", "kabupaten": "Kabupaten", "kota": "Kota", "alamat": "Alamat"}
    for k, v in out.items():
        limit = limits.get(k, TEKS_MAKS)
        if len(v) > limit:
            galat.append(f"{labels[k]} terlalu panjang: {len(v)} karakter (paling banyak {limit}).")
    return Hasil(out, tuple(galat))


def check_nip(value: object, label: str) -> tuple[str, str | None]:
    """(the NIP written "19700101 199503 1 000", None) or ("", the message). Spaces anywhere
    are allowed; 18 digits are required; blank is "" with no message."""
    text = _teks(value)
    if not text:
        return "", None
    digits = text.replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) != NIP_DIGIT:
        return "", (
            f"NIP {label} harus {NIP_DIGIT} angka (spasi boleh, mis. 19700101 199503 1 000), "
            f"bukan {text!r}."
        )
    parts, i = [], 0
    for n in _NIP_GROUPS:
        parts.append(digits[i : i + n])
        i += n
    return " ".join(parts), None


def check_pejabat(values: Mapping[str, Mapping[str, Any]]) -> Hasil:
    """Name and NIP of each office of PEJABAT given ({"kepala_dinas": {"nama", "nip"}, ...});
    both may be blank (not known yet), a NIP without a name may not."""
    out: dict[str, Any] = {}
    galat: list[str] = []
    for key, label in PEJABAT.items():
        if key not in values:
            continue
        given = values[key] or {}
        nama = _teks(given.get("nama"))
        nip, salah = check_nip(given.get("nip"), label)
        if salah:
            galat.append(salah)
        if nip and not nama:
            galat.append(f"Nama {label} wajib diisi bila NIP-nya diisi.")
        if len(nama) > TEKS_MAKS:
            galat.append(
                f"Nama {label} terlalu panjang: {len(nama)} karakter (paling banyak {TEKS_MAKS})."
            )
        out[key] = {"nama": nama, "nip": nip}
    return Hasil(out, tuple(galat))


def check_bidang(names: Sequence[object]) -> Hasil:
    """The agency's bidang list in its order: each name non-empty, spacing tidied, at most 200
    characters, and unique ignoring case and spacing (kinerja.bidang.key). At least one."""
    out: list[str] = []
    galat: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        name = _teks(raw)
        if not name:
            galat.append(f"Bidang baris {i}: nama bidang kosong.")
            continue
        if len(name) > _NAMA_BIDANG_MAKS:
            galat.append(
                f"Bidang baris {i}: nama terlalu panjang ({len(name)} karakter, paling banyak "
                f"{_NAMA_BIDANG_MAKS})."
            )
        k = bidang_.key(name)
        if k in seen:
            galat.append(
                f"Bidang baris {i}: {name!r} sama dengan baris {seen[k]} "
                "(huruf besar/kecil dan spasi tidak membedakan nama)."
            )
            continue
        seen[k] = i
        out.append(name)
    if not out and not galat:
        galat.append("Daftar bidang tidak boleh kosong.")
    return Hasil({"bidang": out}, tuple(galat))


def bidang_hilang(lama: Sequence[str], baru: Sequence[str]) -> list[str]:
    """Names of the old list missing, as spelled, from the new one: removed or renamed (a
    respelling is a rename too: data is stored under the exact old name)."""
    keep = set(baru)
    return [b for b in lama if b not in keep]


def check_capaian(
    bands: Sequence[tuple[object, object]],
    *,
    rumus_turun: str,
    batas_capaian: object,
    efisiensi_batas: object,
) -> Hasil:
    """The capaian settings as capaian.Settings keeps them.

    bands: (lower bound %, predikat) from the highest; every bound in 0..1000 and strictly
    below the one above it; the last band has no bound (every capaian below the others gets
    it), and only the last. batas_capaian: blank (no cap) or above 0. efisiensi_batas: 0 or
    more (percentage points).
    """
    galat: list[str] = []
    rows = [(b, _teks(label)) for b, label in bands]
    if len(rows) < 2:
        galat.append("Predikat: paling sedikit dua predikat (satu dengan batas bawah).")
    labels: dict[str, int] = {}
    clean: list[tuple[float | None, str]] = []
    above: float | None = None
    for i, (bound, label) in enumerate(rows, start=1):
        where = f"Predikat baris {i}" + (f" ({label})" if label else "")
        if not label:
            galat.append(f"{where}: nama predikat kosong.")
        elif label.casefold() in labels:
            galat.append(f"{where}: nama sama dengan baris {labels[label.casefold()]}.")
        else:
            labels[label.casefold()] = i
        last = i == len(rows)
        if _kosong(bound):
            if not last:
                galat.append(
                    f"{where}: batas bawah wajib diisi (hanya predikat terakhir tanpa batas)."
                )
            clean.append((None, label))
            continue
        x = _angka(bound)
        if x is None or not 0 <= x <= BATAS_PREDIKAT_MAKS:
            galat.append(f"{where}: batas bawah harus angka 0 sampai 1.000, bukan {bound!r}.")
            continue
        if last:
            galat.append(
                f"{where}: predikat terakhir tanpa batas bawah (untuk capaian di bawah semua "
                "batas lain); kosongkan batasnya atau tambahkan satu predikat lagi."
            )
        if above is not None and x >= above:
            galat.append(
                f"{where}: batas bawah {x:g} harus lebih kecil dari batas baris di atasnya "
                f"({above:g})."
            )
        above = x
        clean.append((x, label))
    if rumus_turun not in RUMUS_TURUN:
        galat.append(f"Rumus turun: {rumus_turun!r} tidak dikenal (pilihan: selisih, rasio).")
    cap: float | None = None
    if not _kosong(batas_capaian):
        cap = _angka(batas_capaian)
        if cap is None or cap <= 0:
            galat.append(
                f"Batas capaian: kosongkan (tanpa batas) atau isi angka lebih dari 0, bukan "
                f"{batas_capaian!r}."
            )
    efisiensi = _angka(efisiensi_batas)
    if efisiensi is None or efisiensi < 0:
        galat.append(f"Batas efisiensi: angka 0 atau lebih, bukan {efisiensi_batas!r}.")
    if galat:
        return Hasil({}, tuple(galat))
    try:
        settings = Settings(
            predikat_bands=tuple((float("-inf") if b is None else b, label) for b, label in clean),
            rumus_turun=rumus_turun,
            batas_capaian=cap,
            efisiensi_batas=float(efisiensi or 0.0),
        )
    except ValueError as exc:  # a rule of capaian.Settings this check does not spell out
        return Hasil({}, (f"Pengaturan capaian tidak sah: {exc}.",))
    return Hasil({"capaian": settings.to_dict()})


def tenggat_hari(settings: Mapping[str, Any]) -> dict[str, int]:
    """The agency's days from a period's end to its deadline, per canonical periode; the
    defaults (TENGGAT_BAWAAN) where unset."""
    stored = settings.get("tenggat_hari") or {}
    return {p: int(stored.get(p, TENGGAT_BAWAAN[p])) for p in schema.PERIODE}


def check_tenggat(values: Mapping[Any, Any]) -> Hasil:
    """Days after a period's last day when its data is due: periode (any spelling
    schema.parse_periode reads, kept canonical) -> whole days 0..366. Periods not given keep
    the default; the result holds all seven."""
    out = dict(TENGGAT_BAWAAN)
    galat: list[str] = []
    for raw, days in values.items():
        periode = schema.parse_periode(raw)
        if periode is None:
            galat.append(f"Tenggat: periode {raw!r} tidak dikenal.")
            continue
        x = _angka(days)
        if x is None or x != int(x) or not 0 <= x <= TENGGAT_MAKS:
            galat.append(
                f"Tenggat {periode}: jumlah hari harus bilangan bulat 0 sampai "
                f"{TENGGAT_MAKS}, bukan {days!r}."
            )
            continue
        out[periode] = int(x)
    return Hasil({"tenggat_hari": out}, tuple(galat))
