"""The reader's warnings (capaian_berbeda, angka_ambigu) linked to the records they are about."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja.evaluate.checks import Tanda
from kinerja.evaluate.data import Data, id_kolom, teks_kolom
from kinerja.evaluate.settings import WARNING_CHECKS
from kinerja.schema import parse_periode

# How the reader's warnings read, for warnings stored before they carried a code
# (kinerja.ingest.checks._with_capaian and kinerja.ingest.cells.AMBIGU_NOTE).
_WARNING_TEXT: dict[str, str] = {
    "capaian_berbeda": "berbeda dari hasil hitung",
    "angka_ambigu": "(koma sebagai desimal)",
}


def _periode_teks(text: object) -> str | None:
    """The periode a column header or sheet name names: the whole text, its tail or its head
    ("Realisasi TW II", "Realisasi IV", "TW III Target", "Triwulan II 2023")."""
    if not isinstance(text, str) or not text.strip():
        return None
    p = parse_periode(text)
    if p is not None:
        return p
    words = text.split()
    for k in (3, 2, 1):
        if k < len(words):
            p = parse_periode(" ".join(words[-k:])) or parse_periode(" ".join(words[:k]))
            if p is not None:
                return p
    return None


def dari_peringatan(d: Data, warnings: pd.DataFrame | None) -> list[Tanda]:
    """capaian_berbeda and angka_ambigu: the reader's warnings, linked to their records by
    (kiriman_id, row == baris); where a row holds several records (the wide layout, or one
    sheet per quarter), the periode its column header or else its sheet names picks one, and
    with none named the earliest periode of the row. A warning of a submission whose records
    are no longer current links to nothing."""
    kosong = [Tanda(c, np.zeros(0, dtype=np.int64), []) for c in WARNING_CHECKS]
    if warnings is None or warnings.empty or d.n == 0:
        return kosong
    w = warnings.reset_index(drop=True)
    pesan = teks_kolom(w, "message")
    code = teks_kolom(w, "code").copy()
    for c, teks in _WARNING_TEXT.items():  # stored before warnings carried a code
        tanpa = pd.isna(code)
        code[tanpa] = np.where(
            [isinstance(m, str) and teks in m for m in pesan[tanpa]], c, code[tanpa]
        )
    dipakai = np.flatnonzero(np.isin(code.astype(str), WARNING_CHECKS))
    if not len(dipakai):
        return kosong
    kolom, lembar = teks_kolom(w, "column"), teks_kolom(w, "sheet")
    hint = [_periode_teks(kolom[k]) or _periode_teks(lembar[k]) for k in dipakai.tolist()]
    wf = pd.DataFrame(
        {
            "_w": dipakai,
            "kiriman_id": id_kolom(w, "kiriman_id").to_numpy()[dipakai],
            "baris": id_kolom(w, "row").to_numpy()[dipakai],
            "_hint": pd.Series(hint, dtype=object),
        }
    ).astype({"kiriman_id": "Int64", "baris": "Int64"})
    rf = pd.DataFrame(
        {
            "_pos": np.arange(d.n),
            "kiriman_id": d.kiriman_id.to_numpy(),
            "baris": d.baris.to_numpy(),
            "_periode": d.periode,
            "_urut": d.urut,
        }
    ).astype({"kiriman_id": "Int64", "baris": "Int64"})
    rf = rf.dropna(subset=["kiriman_id", "baris"])
    m = wf.merge(rf, on=["kiriman_id", "baris"], how="inner")
    # The record of the periode named; with none named, the row's earliest; a named periode
    # the row does not hold links only a row of one record (a header left from a template).
    m["_lain"] = m["_hint"].notna() & (m["_hint"] != m["_periode"])
    satu = m.groupby("_w")["_pos"].transform("size") == 1
    m = m[~m["_lain"] | satu]
    m = m.sort_values(["_w", "_lain", "_urut", "_pos"], kind="stable").drop_duplicates("_w")

    saran = {
        "capaian_berbeda": "Periksa rumus atau ketikan capaian di lembar bidang: bisa jadi "
        "target atau realisasi yang salah.",
        "angka_ambigu": "Pastikan ke bidang angka mana yang dimaksud.",
    }
    out = []
    for c in WARNING_CHECKS:
        mc = m[code[m["_w"].to_numpy()] == c]
        msgs = []
        for k in mc["_w"].tolist():
            teks = str(pesan[k] or "").strip()
            di = f"Lembar '{lembar[k]}', " if lembar[k] else ""
            sep = "" if teks.endswith(".") else "."
            msgs.append(f"{di}{teks}{sep} {saran[c]}")
        out.append(Tanda(c, mc["_pos"].to_numpy(dtype=np.int64), msgs))
    return out
