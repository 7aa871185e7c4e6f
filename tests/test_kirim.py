"""kinerja.kirim: read-then-submit, and the same bytes for the same slots never stored twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from kinerja import capaian, ingest, kirim, store
from tests import factories as f

HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
NO_YEAR = ["Bidang", "Indikator Kinerja", "Satuan", "Periode", "Target", "Realisasi"]
NONE = ingest.Defaults()


@pytest.fixture
def s(db_url: str) -> Iterator[store.Store]:
    st = store.connect(db_url)
    st.init()
    yield st
    st.close()


def sheet(*rows: list[Any], header: list[str] = HEADER) -> bytes:
    return f.xlsx([header, *rows])


def perin(realisasi: float = 9, periode: str = "TW I") -> list[Any]:
    return ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 2023, periode, 10, realisasi]


def send(s: store.Store, data: bytes, name: str = "a.xlsx", **kw: Any) -> kirim.KirimResult:
    kw.setdefault("defaults", NONE)
    return kirim.kirim(s, data, name, user="ani", **kw)


def test_first_send_is_stored_with_the_stores_outcome(s: store.Store) -> None:
    sent = send(s, sheet(perin()), "perin.xlsx")
    assert sent.accepted and not sent.sudah_ada and sent.result.valid
    assert sent.message.startswith("Berkas perin.xlsx disimpan")
    assert sent.to_json() == sent.outcome.to_json() | {"sudah_ada": False}
    assert list(s.history()["id"]) == [sent.kiriman_id]


def test_the_same_bytes_again_are_not_stored_again(s: store.Store) -> None:
    data = sheet(perin(), perin(periode="TW II"))
    first = send(s, data, "perin.xlsx")
    again = send(s, data, "salinan.xlsx")
    assert again.sudah_ada and again.accepted
    assert again.kiriman_id == first.kiriman_id
    assert "sudah tersimpan sebagai kiriman" in again.message
    assert again.to_json()["sudah_ada"] is True and again.to_json()["superseded"] == []
    history = s.history()
    assert list(history["id"]) == [first.kiriman_id]
    assert list(history["status"]) == ["accepted"]
    assert set(s.records()["kiriman_id"]) == {first.kiriman_id}


@pytest.mark.parametrize(
    ("between", "why"),
    [
        ("superseded", "a later file replaced it: sending it again makes it current again"),
        ("partly", "a later file replaced one of its slots"),
        ("settings", "capaian settings changed: its stored capaian would be stale"),
        ("other slots", "the form gives another year to a sheet that states none"),
    ],
)
def test_the_same_bytes_are_stored_again_when_that_changes_something(
    s: store.Store, between: str, why: str
) -> None:
    data = sheet(perin(12), perin(12, "TW II"))
    defaults = NONE
    first = send(s, data)
    # The later files hold the very same values in other bytes (another sheet name).
    if between == "superseded":
        send(s, f.xlsx([HEADER, perin(12), perin(12, "TW II")], sheet="Salinan"))
    elif between == "partly":
        send(s, f.xlsx([HEADER, [None] * 7, perin(12, "TW II")], sheet="Salinan"))
    elif between == "settings":
        s.set_settings({"capaian": {"batas_capaian": 110}}, user="admin")
    else:
        data = sheet(perin(12)[:3] + perin(12)[4:], header=NO_YEAR)
        first = send(s, data, defaults=ingest.Defaults(tahun=2023))
        defaults = ingest.Defaults(tahun=2024)
    again = send(s, data, defaults=defaults)
    assert again.accepted and not again.sudah_ada, why
    assert again.kiriman_id != first.kiriman_id
    current = s.records(tahun=2024 if between == "other slots" else 2023)
    assert set(current["kiriman_id"]) == {again.kiriman_id}


def test_a_refused_file_is_recorded_once_per_labels(s: store.Store) -> None:
    data = sheet(perin("sembilan"))
    form = ingest.Defaults(bidang="Bidang Perindustrian", tahun=2023, periode="TW I")
    first = send(s, data, defaults=form)
    assert first.outcome.status == "refused" and not first.sudah_ada
    again = send(s, data, defaults=form)
    assert again.sudah_ada and again.outcome.status == "refused" and not again.accepted
    assert again.kiriman_id == first.kiriman_id
    assert again.message.startswith("Berkas ditolak:") and "sembilan" in again.message
    assert len(s.history()) == 1

    other = send(s, data, defaults=ingest.Defaults(bidang="Sekretariat"))
    assert not other.sudah_ada and other.kiriman_id != first.kiriman_id
    assert len(s.history()) == 2


def test_reads_once_with_the_given_reader_and_settings(s: store.Store) -> None:
    calls: list[capaian.Settings] = []
    settings = capaian.Settings(batas_capaian=100)

    def reader(
        source: bytes, /, *, filename: str, defaults: ingest.Defaults, settings: capaian.Settings
    ) -> ingest.IngestResult:
        calls.append(settings)
        return ingest.read(source, filename=filename, defaults=defaults, settings=settings)

    sent = send(s, sheet(perin(12)), "dir/perin.xlsx", settings=settings, reader=reader)
    assert calls == [settings]
    assert sent.result.file == "dir/perin.xlsx"
    assert list(s.records()["capaian"]) == [100.0]


def test_stored_name_is_what_the_history_keeps(s: store.Store) -> None:
    send(s, sheet(perin()), "folder/perin.xlsx", stored_name="perin.xlsx")
    send(s, sheet(perin(periode="TW II")), "[x](https://evil.example/v).xlsx")
    assert list(s.history()["nama_file"]) == ["[x](https://evil.example/v).xlsx", "perin.xlsx"]


# --- a refused file is listed under what its sheets name ----------------------------------

TITLED = ["Indikator Kinerja", "Satuan", "Target", "Realisasi"]
WIDE = ["Bidang", "Indikator Kinerja", "Satuan", "Target TW I", "Target TW II", "Realisasi TW I"]


@pytest.mark.parametrize(
    ("rows", "form", "expected"),
    [
        (
            [HEADER, perin("sembilan")],
            NONE,
            [("Bidang Perindustrian", 2023, "TW I")],
        ),
        (
            [HEADER, perin("sembilan"), perin(9, "TW II")[:4] + ["TW II", 10, 9]],
            NONE,
            [("Bidang Perindustrian", 2023, "TW I"), ("Bidang Perindustrian", 2023, "TW II")],
        ),
        (  # the title rows name them; the sheet's bidang wins over the form's
            [
                ["DATA KINERJA BIDANG PERINDUSTRIAN"],
                ["Triwulan III Tahun 2024"],
                TITLED,
                ["Jumlah IKM yang dibina", "unit", 10, "sembilan"],
            ],
            ingest.Defaults(bidang="Sekretariat"),
            [("Bidang Perindustrian", 2024, "TW III")],
        ),
        (  # nothing in the sheet: the form's values
            [TITLED, ["Jumlah IKM yang dibina", "unit", 10, "sembilan"]],
            ingest.Defaults(bidang="Sekretariat", tahun=2022, periode="TW IV"),
            [("Sekretariat", 2022, "TW IV")],
        ),
        (  # a wide table: its columns' periods; a blank bidang under a filled one repeats it
            [
                WIDE,
                ["Sekretariat", "Indeks kepuasan", "nilai", 80, 80, "delapan"],
                [None, "Persentase laporan tepat waktu", "%", 100, 100, 90],
            ],
            ingest.Defaults(tahun=2025),
            [("Sekretariat", 2025, "TW I"), ("Sekretariat", 2025, "TW II")],
        ),
    ],
)
def test_sheet_slots_of_a_refused_file(
    rows: list[list[Any]], form: ingest.Defaults, expected: list[tuple[Any, ...]]
) -> None:
    data = f.xlsx(rows)
    assert not ingest.read(data, defaults=form).valid
    slots = kirim.sheet_slots(data, "salah.xlsx", form)
    assert list(slots.columns) == ["bidang", "tahun", "periode"]
    assert sorted(map(tuple, slots.itertuples(index=False))) == sorted(expected)


def test_sheet_slots_of_a_file_that_is_no_spreadsheet_are_the_forms() -> None:
    form = ingest.Defaults(bidang="Sekretariat", tahun=2023, periode="TW I")
    slots = kirim.sheet_slots(b"bukan spreadsheet", "a.xlsx", form)
    assert [tuple(r) for r in slots.itertuples(index=False)] == [("Sekretariat", 2023, "TW I")]
    nothing = kirim.sheet_slots(b"bukan spreadsheet", "a.xlsx", NONE)
    assert [tuple(r) for r in nothing.itertuples(index=False)] == [(None, None, None)]


def test_a_refused_file_is_found_under_the_labels_its_sheet_names(s: store.Store) -> None:
    send(s, sheet(perin(9)), "baik.xlsx")
    before = s.records()
    rows = [perin("sembilan"), perin(9, "TW II")[:4] + ["TW II", "x", 9]]
    sent = send(s, sheet(*rows), "salah.xlsx")  # the form says nothing
    assert sent.outcome.status == "refused" and not sent.result.valid
    pd.testing.assert_frame_equal(s.records(), before)  # refused all the same
    row = s.history().iloc[0]
    assert (row["bidang"], row["tahun"], row["periode"]) == (
        "Bidang Perindustrian",
        2023,
        "TW I, TW II",
    )
    for periode in ("TW I", "TW II"):
        found = s.history(bidang="Bidang Perindustrian", tahun=2023, periode=periode)
        assert sent.kiriman_id in set(found["id"]), periode
    assert sent.kiriman_id not in set(s.history(bidang="Sekretariat")["id"])
    assert sent.kiriman_id not in set(s.history(tahun=2024)["id"])
    assert s.submission_report(sent.kiriman_id)["formulir"] == {
        "bidang": None,
        "tahun": None,
        "periode": None,
    }


def test_a_refused_file_sent_again_is_told_once_with_its_sheets_labels(s: store.Store) -> None:
    data = sheet(perin("sembilan"))
    first = send(s, data)
    again = send(s, data)
    assert again.sudah_ada and again.kiriman_id == first.kiriman_id
    assert len(s.history()) == 1


def test_file_slots_of_a_valid_file_are_its_records() -> None:
    data = sheet(perin(9), perin(9, "TW II"))
    result = ingest.read(data)

    def never(*args: object) -> pd.DataFrame:
        raise AssertionError("a valid file is not read again for its labels")

    slots = kirim.file_slots(result, data, NONE, slot_reader=never)
    assert kirim.slot_text(slots) == ("Bidang Perindustrian", "2023", "TW I, TW II")


@pytest.mark.parametrize(
    ("data", "form"),
    [
        (sheet(perin("sembilan")), NONE),
        (sheet(perin(9), perin(9, "TW II")), NONE),
        (b"bukan spreadsheet", ingest.Defaults(bidang="Sekretariat")),
    ],
)
def test_read_with_slots_is_the_readers_read_and_the_files_slots(
    data: bytes, form: ingest.Defaults
) -> None:
    settings = capaian.Settings()
    result, slots = kirim.read_with_slots(data, "a.xlsx", defaults=form, settings=settings)
    alone = ingest.read(data, filename="a.xlsx", defaults=form, settings=settings)
    assert result.to_json() == alone.to_json()
    pd.testing.assert_frame_equal(slots, kirim.file_slots(alone, data, form))


# --- the agency's bidang list ------------------------------------------------------------

DAFTAR = ["Sekretariat", "Bidang Perindustrian", "Bidang Hubungan Industrial"]
PERIN = "Bidang Perindustrian"
MAKSUD = "maksud Anda Bidang Perindustrian?"


def ikm(b: str | None, realisasi: Any = 9) -> list[Any]:
    return [b, "Jumlah IKM yang dibina", "unit", 2023, "TW I", 10, realisasi]


@pytest.fixture
def agency(s: store.Store) -> store.Store:
    s.set_settings({"bidang": DAFTAR}, user="admin")
    return s


@pytest.mark.parametrize(
    ("cell", "form", "stored", "said"),
    [
        pytest.param(PERIN, None, PERIN, None, id="exact"),
        pytest.param("  BIDANG   perindustrian ", None, PERIN, None, id="case and spaces"),
        pytest.param("perindustrian", None, PERIN, None, id="without Bidang"),
        pytest.param(None, "bidang PERINDUSTRIAN", PERIN, None, id="form variant"),
        pytest.param("Sekretariat", "Bidang Fiktif", "Sekretariat", None, id="sheet over form"),
        pytest.param("Bidang Perindustrin", None, None, f"(sel A2) {{}}; {MAKSUD}", id="typo"),
        pytest.param("Bidang Fiktif", None, None, "(sel A2) {}; bidang yang terdaftar: "
                     "Sekretariat, Bidang Perindustrian, Bidang Hubungan Industrial.",
                     id="unknown"),
        pytest.param(None, "Bidang Perindustrin", None, f"(formulir unggah) {{}}; {MAKSUD}",
                     id="form typo"),
        pytest.param(None, "Bidang Fiktif", None, "(formulir unggah) {}; bidang yang",
                     id="form unknown"),
    ],
)  # fmt: skip
def test_every_bidang_is_one_of_the_agencys(
    agency: store.Store, cell: str | None, form: str | None, stored: str | None, said: str | None
) -> None:
    rows = [ikm(cell)] if cell else [ikm(None)[1:]]
    data = sheet(*rows, header=HEADER if cell else HEADER[1:])
    sent = send(agency, data, defaults=ingest.Defaults(bidang=form))
    if stored is not None:
        assert sent.accepted, sent.result.report.errors
        assert list(agency.records()["bidang"]) == [stored]  # the agency's spelling
        return
    # Refused, and kept with its report like every refused file; nothing new is stored.
    assert sent.outcome.status == "refused" and agency.records().empty
    [error] = sent.result.report.errors
    written = cell or form
    assert error.column == "Bidang" and error.row == (2 if cell else None)
    assert error.message.startswith(f"Bidang '{written}' ")
    assert said is not None
    assert said.format("tidak ada dalam daftar bidang instansi") in error.message
    assert (MAKSUD in error.message) == ("Perindustrin" in str(written))
    assert sent.message == f"Berkas ditolak: {error.message}"
    report = agency.submission_report(sent.kiriman_id)
    assert [e["message"] for e in report["errors"]] == [error.message]
    assert list(agency.history()["status"]) == ["refused"]


def test_without_a_bidang_list_any_bidang_is_stored_as_written(s: store.Store) -> None:
    """An agency that never set a list (a list once set cannot be emptied: see
    tests/test_pengaturan.py)."""
    iid = s.create_instansi("tanpa-daftar", "Dinas Tanpa Daftar Bidang", {}, user="admin")
    sent = send(
        s,
        sheet(ikm("Bidang Fiktif")),
        defaults=ingest.Defaults(bidang="Bidang Lain"),
        instansi_id=iid,
    )
    assert sent.accepted
    assert list(s.records(instansi_id=iid)["bidang"]) == ["Bidang Fiktif"]


def test_a_refused_file_is_labelled_with_the_agencys_spelling(agency: store.Store) -> None:
    """A file refused for another reason is listed under the agency's bidang, and the same
    form in another spelling is the same form."""
    data = sheet(ikm(None, "sembilan")[1:], header=HEADER[1:])
    first = send(agency, data, defaults=ingest.Defaults(bidang="BIDANG PERINDUSTRIAN"))
    assert first.outcome.status == "refused" and "sembilan" in first.message
    assert agency.history().iloc[0]["bidang"] == PERIN
    assert agency.submission_report(first.kiriman_id)["formulir"]["bidang"] == PERIN
    again = send(agency, data, defaults=ingest.Defaults(bidang="perindustrian"))
    assert again.sudah_ada and again.kiriman_id == first.kiriman_id
    cell = send(agency, sheet(ikm("bidang  perindustrian", "sembilan")), "b.xlsx")
    assert agency.history(bidang=PERIN)["id"].tolist() == [cell.kiriman_id, first.kiriman_id]


def test_the_apps_reader_is_given_the_agencys_list(agency: store.Store) -> None:
    """The page's cached reader sees the list too: its cache key holds it."""
    seen: list[ingest.Defaults] = []

    def reader(
        source: bytes, /, *, filename: str, defaults: ingest.Defaults, settings: capaian.Settings
    ) -> ingest.IngestResult:
        seen.append(defaults)
        return ingest.read(source, filename=filename, defaults=defaults, settings=settings)

    sent = send(agency, sheet(ikm("Bidang Perindustrin")), reader=reader)
    assert not sent.accepted and MAKSUD in sent.message
    assert [d.daftar_bidang for d in seen] == [tuple(DAFTAR)]
