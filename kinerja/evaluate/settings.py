"""What the evaluation names: the checks and their labels, a flag's columns, and the
thresholds that are a choice (EvaluasiSettings)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

CHECKS: dict[str, str] = {
    "belum_dilaporkan": "Belum dilaporkan",
    "capaian_rendah": "Capaian rendah tanpa keterangan",
    "capaian_tinggi": "Capaian tidak wajar",
    "lonjakan": "Lonjakan nilai",
    "pecahan_persen": "Pecahan atau persen",
    "kumulatif_turun": "Kumulatif turun",
    "target_beda_pk": "Target berbeda dari PK",
    "capaian_berbeda": "Capaian lembar berbeda",
    "angka_ambigu": "Angka ambigu",
    "target_nol": "Target nol",
    "tidak_ada_data": "Tidak ada data",
}
"""Stable check code -> short Indonesian label, in display order."""

FLAG_COLUMNS: list[str] = [
    "id",
    "bidang",
    "sasaran",
    "indikator",
    "tahun",
    "periode",
    "check",
    "message",
    "rekaman_id",
    "kiriman_id",
    "terlambat",
]

WARNING_CHECKS: tuple[str, ...] = ("capaian_berbeda", "angka_ambigu")
"""The checks that come from the reader's warnings (kinerja.ingest.results.Issue.code)."""


@dataclass(frozen=True)
class EvaluasiSettings:
    """The thresholds of the checks that are a choice; hashable; JSON via to_dict/from_dict.

    batas_rendah: capaian (as shown, 2 decimals half up) below this with no keterangan is
    capaian_rendah. batas_tinggi: capaian above this is implausible (capaian_tinggi).
    faktor_lonjakan: a value more than this many times, or less than 1/this, of its neighbour
    is a lonjakan. batas_pecahan / batas_persen: a % value below batas_pecahan where the target
    or the indicator's other periods are above batas_persen is pecahan_persen.
    """

    batas_rendah: float = 76.0
    batas_tinggi: float = 150.0
    faktor_lonjakan: float = 3.0
    batas_pecahan: float = 1.5
    batas_persen: float = 10.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v):
                raise ValueError(f"{f.name} harus berupa angka: {v!r}")
            object.__setattr__(self, f.name, float(v))
        if self.batas_rendah < 0:
            raise ValueError(f"batas_rendah tidak boleh negatif: {self.batas_rendah!r}")
        if self.batas_tinggi <= self.batas_rendah:
            raise ValueError("batas_tinggi harus lebih besar dari batas_rendah")
        if self.faktor_lonjakan <= 1:
            raise ValueError(
                f"faktor_lonjakan harus lebih dari 1 (kali lipat): {self.faktor_lonjakan!r}"
            )
        if self.batas_pecahan <= 0:
            raise ValueError(f"batas_pecahan harus lebih dari 0: {self.batas_pecahan!r}")
        if self.batas_persen <= self.batas_pecahan:
            raise ValueError("batas_persen harus lebih besar dari batas_pecahan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvaluasiSettings:
        """Inverse of to_dict; missing keys take the defaults, unknown keys are an error."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"setelan evaluasi tidak dikenal: {', '.join(map(str, unknown))}")
        return cls(**dict(data))


SETTINGS_BAWAAN = EvaluasiSettings()
