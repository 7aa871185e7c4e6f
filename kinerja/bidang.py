"""The agency's bidang list: a bidang as a sheet or the upload form writes it, matched to the
agency's spelling, or refused with the closest names suggested."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

# A leading "Bidang" is what people add or leave out ("Perindustrian", "Bidang Perindustrian").
_PREFIX = "bidang "
MAX_SARAN = 3
# difflib's ratio between names without "Bidang": "perindustrin" against "perindustrian" is
# 0,96; "fiktif" against every demo bidang is below 0,4. difflib's own default.
_CUTOFF = 0.6


def key(name: str) -> str:
    """A name as matching sees it: case folded, any run of whitespace as one space, trimmed."""
    return " ".join(name.split()).casefold()


def _bare(k: str) -> str:
    return k.removeprefix(_PREFIX) or k


def match(name: str, daftar: Sequence[str]) -> str | None:
    """The agency's spelling of ``name``: the first name of ``daftar`` equal to it ignoring case
    and spacing; else the first equal to it once a leading "Bidang" is set aside on one side
    ("perindustrian" is "Bidang Perindustrian", "Bidang Sekretariat" is "Sekretariat").
    None when neither: a typo is never matched silently (see saran)."""
    k = key(name)
    for d in daftar:
        if key(d) == k:
            return d
    # Tried only after the equal ones, this joins "X" and "Bidang X" and never two names: a
    # list holding both would have matched either spelling above.
    bare = _bare(k)
    return next((d for d in daftar if _bare(key(d)) == bare), None)


def saran(name: str, daftar: Sequence[str]) -> list[str]:
    """Up to MAX_SARAN names of ``daftar`` closest to ``name``, closest first, ties in the
    list's order: those within difflib's ratio 0,6 of it (compared without "Bidang"), and
    those it is the first words of ("Bidang Pelatihan": "Bidang Pelatihan dan Penempatan
    Tenaga Kerja"). [] when none is close."""
    bare = _bare(key(name))
    scored: list[tuple[float, int, str]] = []
    for i, d in enumerate(dict.fromkeys(daftar)):
        other = _bare(key(d))
        ratio = difflib.SequenceMatcher(None, bare, other).ratio()
        if ratio >= _CUTOFF or other.startswith(bare + " "):
            scored.append((-ratio, i, d))
    return [d for _, _, d in sorted(scored)[:MAX_SARAN]]


def tidak_dikenal(name: str, daftar: Sequence[str], where: str) -> str:
    """The refusal of a bidang not in ``daftar``, with ``where`` it is written ("sel B5",
    "formulir unggah"): "maksud Anda ...?" when a name is close, else the agency's list."""
    head = f"Bidang '{name}' ({where}) tidak ada dalam daftar bidang instansi; "
    close = saran(name, daftar)
    if not close:
        return head + "bidang yang terdaftar: " + ", ".join(daftar) + "."
    if len(close) == 1:
        return head + f"maksud Anda {close[0]}?"
    return head + f"maksud Anda {', '.join(close[:-1])} atau {close[-1]}?"
