"""kinerja.bidang: a bidang matched to the agency's list, or refused with the closest names;
the reader applying it wherever the bidang is written, and `kinerja submit` refusing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kinerja import bidang, cli, ingest, store
from kinerja.store.instansi import CHECKOUT_DATA, read_instansi_toml
from tests import factories as f

DAFTAR = (
    "Sekretariat",
    "Bidang Perindustrian",
    "Bidang Pelatihan dan Penempatan Tenaga Kerja",
    "Bidang Hubungan Industrial",
)
PERIN = "Bidang Perindustrian"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bidang Perindustrian", PERIN),
        ("bidang perindustrian", PERIN),
        ("BIDANG PERINDUSTRIAN", PERIN),
        ("  Bidang   Perindustrian ", PERIN),
        ("Bidang\u00a0Perindustrian\n", PERIN),  # a no-break space, a line break in the cell
        ("Perindustrian", PERIN),  # "Bidang" left out
        ("SEKRETARIAT", "Sekretariat"),
        ("Bidang Sekretariat", "Sekretariat"),  # "Bidang" added
        ("Bidang Perindustrin", None),  # a typo is never matched silently
        ("Bidang Industri", None),
        ("Bidang Pelatihan", None),  # the first words of a name are not that name
        ("Bidang Fiktif", None),
        ("Bidang", None),
    ],
)
def test_match(name: str, expected: str | None) -> None:
    assert bidang.match(name, DAFTAR) == expected


def test_match_prefers_the_name_written_alike() -> None:
    daftar = ["Bidang Umum", "Umum"]  # an agency may list both
    assert bidang.match("umum", daftar) == "Umum"
    assert bidang.match("BIDANG  UMUM", daftar) == "Bidang Umum"
    assert bidang.match("Bidang umum", ["Umum"]) == "Umum"
    assert bidang.match("bidang umum", ["Bidang Umum", "bidang umum"]) == "Bidang Umum"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bidang Perindustrin", [PERIN]),
        ("Perindustrin", [PERIN]),
        ("Bidang Industri", [PERIN]),
        ("Hubungan Industri", ["Bidang Hubungan Industrial"]),
        ("Bidang Pelatihan", ["Bidang Pelatihan dan Penempatan Tenaga Kerja"]),
        ("Sekretariat Dinas", ["Sekretariat"]),
        ("Bidang Fiktif", []),
        ("Bidang Yankes", []),
    ],
)
def test_saran(name: str, expected: list[str]) -> None:
    assert bidang.saran(name, DAFTAR) == expected


def test_saran_gives_at_most_three_closest_first() -> None:
    daftar = ["Bidang Industri A", "Bidang Industri B", "Bidang Industri C", "Bidang Industri"]
    assert bidang.saran("Bidang Industri X", daftar) == daftar[:3]  # ties: the list's order
    assert bidang.saran("Bidang Industrii", daftar)[0] == "Bidang Industri"
    assert bidang.saran("Industri", daftar[:3]) == daftar[:3]


@pytest.mark.parametrize(
    ("name", "daftar", "tail"),
    [
        ("Bidang Perindustrin", DAFTAR, "; maksud Anda Bidang Perindustrian?"),
        ("Bidang Industri X", ["Bidang Industri A", "Bidang Industri B"],
         "; maksud Anda Bidang Industri A atau Bidang Industri B?"),
        ("Bidang Fiktif", DAFTAR, "; bidang yang terdaftar: " + ", ".join(DAFTAR) + "."),
    ],
)  # fmt: skip
def test_tidak_dikenal(name: str, daftar: tuple[str, ...], tail: str) -> None:
    assert bidang.tidak_dikenal(name, daftar, "sel A2") == (
        f"Bidang '{name}' (sel A2) tidak ada dalam daftar bidang instansi{tail}"
    )


# --- the reader, given the agency's list -------------------------------------------------

HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
NO_BIDANG = HEADER[1:]


def row(
    b: str | None, indikator: str = "Jumlah IKM yang dibina", periode: str = "TW I"
) -> list[Any]:
    return [b, indikator, "unit", 2023, periode, 10, 9]


def plain(indikator: str = "Jumlah IKM yang dibina") -> list[Any]:
    return row(None, indikator)[1:]


READS = [
    # (case, rows, form bidang, error (row, column, where) or None, stored bidang)
    ("exact cell", [HEADER, row(PERIN)], None, None, PERIN),
    ("case and spaces", [HEADER, row(" bidang  PERINDUSTRIAN")], None, None, PERIN),
    ("no Bidang word", [HEADER, row("perindustrian")], None, None, PERIN),
    ("repeated below", [HEADER, row("SEKRETARIAT"), row(None, "Indeks")], None, None,
     "Sekretariat"),
    ("title", [["DATA KINERJA BIDANG PERINDUSTRIAN"], NO_BIDANG, plain()], None, None,
     PERIN),
    ("form variant", [NO_BIDANG, plain()], "bidang perindustrian", None, PERIN),
    ("title and form, two spellings", [["DATA KINERJA BIDANG PERINDUSTRIAN"], NO_BIDANG,
     plain()], "Perindustrian", None, PERIN),  # one bidang: no warning that they differ
    ("typo in a cell", [HEADER, row("Bidang Perindustrin"), row(None, "Indeks")], None,
     (2, "Bidang", "sel A2"), None),
    ("typo in two cells", [HEADER, row(PERIN), row("Perindustrin", "Indeks"),
     row("Perindustrin", "Rasio")], None, (3, "Bidang", "sel A3 dan 1 sel lain"), None),
    ("typo in a header alias", [["Unit Kerja", *NO_BIDANG], row("Bidang Perindustrin")],
     None, (2, "Unit Kerja", "sel A2"), None),
    ("typo in a label row", [HEADER, ["BIDANG PERINDUSTRIN"], row(None)], None,
     (2, "Bidang", "baris 2"), None),
    ("typo in the title", [["DATA KINERJA BIDANG PERINDUSTRIN TAHUN 2023"], [],
     NO_BIDANG, plain()], None, (1, "Bidang", "judul lembar, baris 1"), None),
    ("typo in the form", [NO_BIDANG, plain()], "Bidang Perindustrin", (None, "Bidang",
     "formulir unggah"), None),
    ("unknown in the form", [NO_BIDANG, plain()], "Bidang Fiktif", (None, "Bidang",
     "formulir unggah"), None),
    ("the sheet wins over the form", [HEADER, row(PERIN)], "Bidang Fiktif", None, PERIN),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "form", "error", "stored"),
    [pytest.param(*r[1:], id=r[0]) for r in READS],
)
def test_read_with_the_agencys_list(
    rows: list[list[Any]],
    form: str | None,
    error: tuple[int | None, str, str] | None,
    stored: str | None,
) -> None:
    defaults = ingest.Defaults(bidang=form, daftar_bidang=DAFTAR)
    result = ingest.read(f.xlsx(rows), defaults=defaults)
    if error is None:
        assert result.valid, result.report.errors
        assert set(result.records["bidang"]) == {stored}
        assert not [w for w in result.report.warnings if w.column == "Bidang"]
        return
    assert not result.valid and result.records.empty
    [issue] = result.report.errors
    written = issue.message.split("'")[1]
    assert (issue.row, issue.column) == error[:2]
    assert issue.message == bidang.tidak_dikenal(written, DAFTAR, error[2])


def test_a_sheet_named_for_a_bidang_is_named_in_the_error() -> None:
    data = f.xlsx([NO_BIDANG, plain()], sheet="Bidang Perindustrin", sheets_after={"Lain": []})
    [issue] = ingest.read(data, defaults=ingest.Defaults(daftar_bidang=DAFTAR)).report.errors
    assert issue.sheet == "Bidang Perindustrin" and issue.row is None
    assert "(nama lembar 'Bidang Perindustrin')" in issue.message
    assert issue.message.endswith("maksud Anda Bidang Perindustrian?")


def test_two_spellings_of_one_bidang_are_one_bidang() -> None:
    """Matched before the duplicate check: the same indicator twice is the same key."""
    data = f.xlsx([HEADER, row(PERIN), row("BIDANG PERINDUSTRIAN")])
    assert ingest.read(data).valid  # without the list: two bidang
    result = ingest.read(data, defaults=ingest.Defaults(daftar_bidang=DAFTAR))
    assert not result.valid and "Data ganda" in result.report.errors[0].message


@pytest.mark.parametrize("form", [None, "Bidang Fiktif"])
def test_without_a_list_any_bidang_is_read_as_written(form: str | None) -> None:
    data = f.xlsx([HEADER, row("Bidang Fiktif"), row("bidang perindustrian", "Indeks")])
    result = ingest.read(data, defaults=ingest.Defaults(bidang=form))
    assert result.valid
    assert list(result.records["bidang"]) == ["Bidang Fiktif", "bidang perindustrian"]


# --- kinerja submit ----------------------------------------------------------------------


@pytest.fixture
def agency(db_url: str) -> str:
    s = store.connect(db_url)
    s.init(user="uji")
    s.set_settings({"bidang": list(DAFTAR)}, user="uji")
    s.close()
    return db_url


@pytest.mark.parametrize(
    ("form", "code", "said", "stored"),
    [
        ("Bidang Fiktif", 1, "Bidang 'Bidang Fiktif' (formulir unggah) tidak ada", None),
        ("Bidang Perindustrin", 1, "maksud Anda Bidang Perindustrian?", None),
        ("  bidang PERINDUSTRIAN", 0, "DISIMPAN", PERIN),
        ("Perindustrian", 0, "DISIMPAN", PERIN),
    ],
)
def test_submit_checks_the_bidang_against_the_agencys_list(
    agency: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    form: str,
    code: int,
    said: str,
    stored: str | None,
) -> None:
    path = tmp_path / "ikm.xlsx"
    path.write_bytes(f.xlsx([NO_BIDANG, plain()]))
    assert cli.main(["submit", "--db", agency, "--bidang", form, str(path)]) == code
    out = capsys.readouterr().out
    assert said in out
    s = store.connect(agency)
    try:
        assert list(s.records()["bidang"]) == ([stored] if stored else [])
        assert list(s.history()["status"]) == ["accepted" if stored else "refused"]
    finally:
        s.close()


def test_the_docs_examples_hold_for_the_demo_agency() -> None:
    daftar = read_instansi_toml(CHECKOUT_DATA / "instansi.toml")["bidang"]
    docs = (CHECKOUT_DATA.parent / "docs" / "format.md").read_text(encoding="utf-8")
    for written in ("bidang  PERINDUSTRIAN", "Perindustrian"):
        assert f'"{written}"' in docs
        assert bidang.match(written, daftar) == PERIN
    assert '"maksud Anda Bidang Perindustrian?"' in docs
    assert bidang.tidak_dikenal("Bidang Perindustrin", daftar, "sel A2").endswith(
        "maksud Anda Bidang Perindustrian?"
    )
