"""Column names, header aliases, value vocabularies and the pandera models of a record."""

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Canonical record columns, in the order every output (JSON, CSV, xlsx) uses.
RECORD_COLUMNS: list[str] = [
    "bidang",
    "sasaran",
    "indikator",
    "satuan",
    "arah",
    "tahun",
    "periode",
    "target",
    "realisasi",
    "capaian",
    "predikat",
    "keterangan",
]
# Budget columns (Laporan Realisasi Keuangan); optional in a sheet, kept when present.
ANGGARAN_COLUMNS: list[str] = ["pagu", "realisasi_anggaran"]
# The key that must be unique across one dataset.
KEY_COLUMNS: list[str] = ["bidang", "indikator", "tahun", "periode"]
# The longest text a sheet may put in a field, in characters: what the database keeps
# (tests hold these to the store's column sizes). Longer text is refused when the sheet is
# read, with its row and column, never by the database.
FIELD_LENGTHS: dict[str, int] = {"bidang": 200, "satuan": 100}

PERIODE: list[str] = ["TW I", "TW II", "TW III", "TW IV", "Semester I", "Semester II", "Tahunan"]
TRIWULAN: list[str] = PERIODE[:4]
# Month the period ends in: orders periods within a year ("akhir" takes the latest).
PERIODE_AKHIR_BULAN: dict[str, int] = {
    "TW I": 3,
    "TW II": 6,
    "Semester I": 6,
    "TW III": 9,
    "TW IV": 12,
    "Semester II": 12,
    "Tahunan": 12,
}
ARAH: list[str] = ["naik", "turun"]
AGREGASI: list[str] = ["akhir", "jumlah", "rata-rata"]

# Human-readable field names for messages.
LABEL: dict[str, str] = {
    "bidang": "Bidang",
    "sasaran": "Sasaran",
    "indikator": "Indikator Kinerja",
    "satuan": "Satuan",
    "arah": "Arah",
    "tahun": "Tahun",
    "periode": "Periode",
    "target": "Target",
    "realisasi": "Realisasi",
    "capaian": "Capaian (%)",
    "predikat": "Predikat",
    "keterangan": "Keterangan",
    "pagu": "Pagu",
    "realisasi_anggaran": "Realisasi Anggaran",
}

# Header aliases, already normalised (see normalize_header). Exact matches only; the
# "realisasi s.d. ..." family is matched by prefix in header_field.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "bidang": ("bidang", "unit kerja", "bidang/sekretariat", "bidang / sekretariat", "unit"),
    "sasaran": ("sasaran", "sasaran strategis", "sasaran program", "sasaran kegiatan"),
    "indikator": (
        "indikator kinerja",
        "indikator",
        "indikator kinerja utama",
        "iku",
        "uraian",
    ),
    "satuan": ("satuan",),
    "arah": ("arah", "polaritas", "sifat", "jenis indikator"),
    "tahun": ("tahun",),
    "periode": ("periode", "triwulan", "tw", "semester"),
    "target": ("target",),
    "realisasi": ("realisasi", "capaian realisasi"),
    "capaian": ("capaian", "% capaian", "persentase capaian"),
    "keterangan": ("keterangan", "kendala", "penjelasan", "tindak lanjut", "upaya"),
    "pagu": ("pagu", "anggaran", "pagu anggaran"),
    "realisasi_anggaran": ("realisasi anggaran", "realisasi keuangan"),
}
_ALIAS_TO_FIELD: dict[str, str] = {
    alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases
}
IGNORED_HEADERS: frozenset[str] = frozenset({"no", "no.", "nomor", "no urut"})

_TRAILING_NOTE = re.compile(r"\s*(?:[\(\[][^\)\]]*[\)\]]|\*+\)?)\s*$")
_SPACES = re.compile(r"\s+")


def normalize_header(text: object) -> str:
    """Lower-case a header, fold line breaks and spaces, drop trailing notes like "(%)"."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).replace("\u00a0", " ")
    s = _SPACES.sub(" ", s).strip().lower()
    while True:
        stripped = _TRAILING_NOTE.sub("", s).strip()
        if stripped == s:
            break
        s = stripped
    return s.rstrip(" :.*")


_YEAR_NOTE = re.compile(r"\s+(?:(?:tahun|th\.?)\s*(?:20\d\d)?|tahunan|20\d\d)$")
_REALISASI_SD = re.compile(r"^realisasi\s+(s\.?\s*d\.?|sd|sampai(\s+dengan)?)(\s|$)")


# The first word of every alias. A header that names a field has, once normalised, an alias's
# first word as its own first word; for ASCII text normalising only lower-cases, folds spaces
# and trims the end, so the text's first word starts with it. Lets header_field turn down data
# cells cheaply (sheets of 100.000 rows pass through it).
_ALIAS_HEADS: tuple[str, ...] = tuple(sorted({a.split()[0] for a in _ALIAS_TO_FIELD}))


def header_field(text: object) -> str | None:
    """The canonical field a header names, or None when it names none."""
    if isinstance(text, str) and text.isascii():
        first = text.lower().split(None, 1)
        if not first or not first[0].startswith(_ALIAS_HEADS):
            return None
    h = normalize_header(text)
    if not h:
        return None
    if h in _ALIAS_TO_FIELD:
        return _ALIAS_TO_FIELD[h]
    # "Target 2023", "Realisasi Tahun 2023", "Target Tahunan": the year is a note
    bare = _YEAR_NOTE.sub("", h)
    if bare != h and bare in _ALIAS_TO_FIELD and _ALIAS_TO_FIELD[bare] != "tahun":
        return _ALIAS_TO_FIELD[bare]
    if _REALISASI_SD.match(h):
        return "realisasi"
    return None


# --- value vocabularies -------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PERIODE_RE = re.compile(
    r"^(?:(?P<tw>tw|trw|tri ?wulan|triwulan ke|q|kuartal)\s*[-.]?\s*)?(?P<n>i{1,3}|iv|\d+)$"
)
_SEMESTER_RE = re.compile(r"^(?:semester|smt|sem)\s*[-.]?\s*(?P<n>i{1,2}|\d+)$")
_TAHUNAN = frozenset({"tahunan", "setahun", "tahun", "annual", "satu tahun"})


def parse_periode(value: object) -> str | None:
    """Canonical periode ("TW I".."TW IV", "Semester I/II", "Tahunan") or None if unknown.

    Accepts "TW I", "Triwulan II", "TW 2", "II", "2", "Q2", "Semester 1", "Tahunan".
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = _SPACES.sub(" ", str(value).replace("\u00a0", " ")).strip().lower().rstrip(".")
    if s in _TAHUNAN:
        return "Tahunan"
    m = _SEMESTER_RE.match(s)
    if m:
        n = _ROMAN.get(m["n"]) or (int(m["n"]) if m["n"].isdigit() else 0)
        return {1: "Semester I", 2: "Semester II"}.get(n)
    m = _PERIODE_RE.match(s)
    if m:
        n = _ROMAN.get(m["n"]) or (int(m["n"]) if m["n"].isdigit() else 0)
        return TRIWULAN[n - 1] if 1 <= n <= 4 else None
    return None


_ARAH_NAIK = frozenset(
    {
        "naik",
        "positif",
        "maksimal",
        "maksimum",
        "semakin tinggi semakin baik",
        "semakin besar semakin baik",
        "makin tinggi makin baik",
    }
)
_ARAH_TURUN = frozenset(
    {
        "turun",
        "negatif",
        "minimal",
        "minimum",
        "semakin rendah semakin baik",
        "semakin kecil semakin baik",
        "makin rendah makin baik",
        "makin kecil makin baik",
    }
)


def parse_arah(value: object) -> str | None:
    """ "naik" or "turun" for the spellings of docs/format.md; None when unknown."""
    s = _SPACES.sub(" ", str(value)).strip().lower().rstrip(".")
    if s in _ARAH_NAIK:
        return "naik"
    if s in _ARAH_TURUN:
        return "turun"
    return None


_YEAR_RE = re.compile(r"^(?:tahun\s*)?(\d{4})(?:[.,]0+)?$")


def parse_tahun(value: object) -> int | None:
    """A year 2000..2100 from a number or text ("2023", 2023.0, "Tahun 2023"); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value or not float(value).is_integer():
            return None
        year = int(value)
    else:
        m = _YEAR_RE.match(_SPACES.sub(" ", str(value)).strip().lower())
        if not m:
            return None
        year = int(m[1])
    return year if 2000 <= year <= 2100 else None


def is_persen(satuan: object) -> bool:
    """True when a satuan means percent ("%", "persen", "Persentase")."""
    s = normalize_header(satuan)
    return s in {"%", "persen", "persentase", "prosen"} or s.startswith("% ")


# --- pandera models ---------------------------------------------------------------------
# Built on first use (module __getattr__), so that importing the vocabularies above stays light:
# the command line starts parsing files in threads before pandas and pandera are imported.


@functools.cache
def _models() -> dict[str, Any]:
    import pandera.pandas as pa
    from pandera.typing import Series

    class RecordInput(pa.DataFrameModel):
        """A record as read from a sheet, before capaian is computed."""

        bidang: Series[str] = pa.Field(
            str_length={"min_value": 1, "max_value": FIELD_LENGTHS["bidang"]}
        )
        sasaran: Series[str] = pa.Field(nullable=True)
        indikator: Series[str] = pa.Field(str_length={"min_value": 1})
        satuan: Series[str] = pa.Field(
            nullable=True, str_length={"max_value": FIELD_LENGTHS["satuan"]}
        )
        arah: Series[str] = pa.Field(isin=ARAH)
        tahun: Series[int] = pa.Field(ge=2000, le=2100)
        periode: Series[str] = pa.Field(isin=PERIODE)
        target: Series[float] = pa.Field(ge=0)
        realisasi: Series[float] = pa.Field(nullable=True)
        keterangan: Series[str] = pa.Field(nullable=True)
        pagu: Series[float] = pa.Field(nullable=True, ge=0)
        realisasi_anggaran: Series[float] = pa.Field(nullable=True, ge=0)

        class Config:
            unique = KEY_COLUMNS
            coerce = True

    return {"RecordInput": RecordInput}


def __getattr__(name: str) -> Any:
    """RecordInput, the pandera model of a record as read (see _models)."""
    if name == "RecordInput":
        return _models()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def empty_records() -> "pd.DataFrame":
    """An empty frame with the record columns and their dtypes."""
    import pandas as pd

    cols = RECORD_COLUMNS + ANGGARAN_COLUMNS
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    for c in ("target", "realisasi", "capaian", *ANGGARAN_COLUMNS):
        frame[c] = frame[c].astype("float64")
    frame["tahun"] = frame["tahun"].astype("int64")
    return frame


def warm_up() -> None:
    """Load pandera's validation backends now (they import lazily on first use, ~0.5 s).

    The command line calls this while files are still parsing in background threads.
    """
    frame = empty_records()
    _models()["RecordInput"].validate(frame.drop(columns=["capaian", "predikat"]))
