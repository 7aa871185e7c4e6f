"""kinerja.kirim: read-then-submit, and the same bytes for the same slots never stored twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
