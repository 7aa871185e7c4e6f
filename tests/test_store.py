"""kinerja.store on SQLite and PostgreSQL: submissions, supersession, verification, audit."""

from __future__ import annotations

import math
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kinerja import capaian, ingest, pk, schema, store
from kinerja.ingest import IngestResult, Issue, Report
from tests import factories

TW = ("TW I", "TW II", "TW III", "TW IV")
ROOT = Path(__file__).resolve().parent.parent


# --- builders (shared with the crash, concurrency and CLI tests) ----------------------------


def records(
    n_indikator: int,
    *,
    bidang: str = "Bidang Perindustrian",
    tahun: int = 2024,
    periodes: tuple[str, ...] = TW,
    realisasi: float = 90.0,
) -> pd.DataFrame:
    """Records as kinerja.ingest returns them: n_indikator x periodes rows."""
    rows = []
    for i in range(n_indikator):
        for p in periodes:
            rows.append(
                {
                    "bidang": bidang,
                    "sasaran": "Meningkatnya daya saing industri",
                    "indikator": f"Jumlah IKM yang dibina {i}",
                    "satuan": "unit",
                    "arah": "naik",
                    "tahun": tahun,
                    "periode": p,
                    "target": 100.0,
                    "realisasi": realisasi,
                    "capaian": realisasi,
                    "predikat": "Tinggi",
                    "keterangan": None,
                    "pagu": math.nan,
                    "realisasi_anggaran": math.nan,
                    "capaian_catatan": None,
                    "baris": len(rows) + 6,
                }
            )
    frame = pd.DataFrame(rows)
    frame["tahun"] = frame["tahun"].astype("int64")
    return frame


def result(frame: pd.DataFrame, *, errors: list[Issue] | None = None) -> IngestResult:
    report = Report(errors=list(errors or []))
    return IngestResult("data.xlsx", frame if not errors else schema.empty_records(), report)


@pytest.fixture
def db(db_url: str) -> Iterator[store.Store]:
    s = store.connect(db_url)
    s.init()
    yield s
    s.close()


def submit(s: store.Store, frame: pd.DataFrame, name: str = "data.xlsx", **kw: object):
    return s.submit(result(frame), data=f"isi {name}".encode(), filename=name, user="ani", **kw)


# --- migrations ------------------------------------------------------------------------------


def test_migrations_from_empty_match_the_models(db_url: str) -> None:
    s = store.connect(db_url)
    with s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), store.Base.metadata)
    s.close()
    assert diff == []


def test_connect_twice_is_idempotent_and_keeps_data(db_url: str) -> None:
    s = store.connect(db_url)
    s.init()
    submit(s, records(3))
    s.close()
    s = store.connect(db_url)
    assert len(s.records()) == 12
    assert len(s.instansi()) == 1
    s.close()


def test_the_quick_head_check_agrees_with_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    assert store.engine.head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    s = store.connect(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    with s.engine.connect() as conn:
        conn.execution_options(kinerja_tulis=True)
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
    assert set(sa.inspect(s.engine).get_table_names()) <= {"alembic_version"}
    s.close()
    s = store.connect(db_url)
    assert "rekaman" in sa.inspect(s.engine).get_table_names()
    s.close()


# --- agencies and settings ---------------------------------------------------------------------


# An agency's instansi.toml for the seeding tests (not the checkout's demo agency, whose
# text may change): its predikat bounds differ from capaian.Settings' defaults.
INSTANSI_TOML = """
nama = "Dinas Uji Coba"
kode = "dinas-uji"
bidang = ["Sekretariat", "Bidang Uji"]

[kepala_dinas]
nama = "Kepala Lama"
nip = "19800101 200501 1 000"

[capaian.predikat]
sangat_tinggi = 95
tinggi = 80
sedang = 70
rendah = 55
"""


@pytest.fixture
def seeded(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[store.Store]:
    """A store whose agency init() seeded from INSTANSI_TOML, found in KINERJA_DATA_DIR."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "instansi.toml").write_text(INSTANSI_TOML)
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path / "data"))
    s = store.connect(db_url)
    s.init()
    yield s
    s.close()


def test_init_seeds_the_agency_from_instansi_toml(seeded: store.Store) -> None:
    peng = seeded.settings()
    assert peng["nama"] == "Dinas Uji Coba"
    assert peng["bidang"] == ["Sekretariat", "Bidang Uji"]
    assert peng["kepala_dinas"] == {"nama": "Kepala Lama", "nip": "19800101 200501 1 000"}
    assert seeded.instansi()["kode"].tolist() == ["dinas-uji"]
    assert isinstance(seeded.capaian_settings(), capaian.Settings)
    assert seeded.capaian_settings().predikat_bands[:4] == (
        (95.0, "Sangat Tinggi"),
        (80.0, "Tinggi"),
        (70.0, "Sedang"),
        (55.0, "Rendah"),
    )
    assert seeded.init() == seeded.instansi()["id"].iloc[0]  # a second init seeds nothing
    assert len(seeded.instansi()) == 1


def test_settings_change_is_audited(seeded: store.Store) -> None:
    seeded.set_settings({"kepala_dinas": {"nama": "Budi", "nip": "1"}}, user="admin")
    assert seeded.settings()["kepala_dinas"]["nama"] == "Budi"
    log = seeded.audit(aksi="pengaturan")
    assert len(log) == 1
    assert log["lama"].iloc[0]["kepala_dinas"]["nama"] == "Kepala Lama"
    assert log["baru"].iloc[0]["kepala_dinas"]["nama"] == "Budi"


def test_agencies_keep_their_data_apart(db: store.Store) -> None:
    other = db.create_instansi("dinkes", "Dinas Kesehatan")
    submit(db, records(2))
    submit(db, records(3, bidang="Bidang Yankes"), instansi_id=other)
    assert set(db.records()["bidang"]) == {"Bidang Perindustrian"}
    assert len(db.records(instansi_id=other)) == 12
    assert len(db.history(instansi_id=other)) == 1
    with pytest.raises(store.StoreError, match="sudah ada"):
        db.create_instansi("dinkes", "Lagi")


# --- submissions -------------------------------------------------------------------------------


def test_accepted_submission_keeps_records_file_and_report(db: store.Store) -> None:
    frame = records(5)
    res = IngestResult(
        "tw.xlsx", frame, Report(warnings=[Issue(7, "Realisasi", "Realisasi belum diisi.")])
    )
    out = db.submit(res, data=b"\x01\x02bytes", filename="tw.xlsx", user="ani")
    assert out.accepted and out.superseded == () and out.changes == []
    got = db.records(tahun=2024, bidang="Bidang Perindustrian")
    assert list(got.columns[: len(schema.RECORD_COLUMNS)]) == schema.RECORD_COLUMNS
    assert len(got) == 20
    pd.testing.assert_frame_equal(
        got[store.STORED_COLUMNS].reset_index(drop=True).astype({"baris": "int64"}),
        frame[store.STORED_COLUMNS].reset_index(drop=True),
        check_dtype=False,
    )
    assert db.submission_file(out.kiriman_id) == ("tw.xlsx", b"\x01\x02bytes")
    rep = db.submission_report(out.kiriman_id)
    assert rep["warnings"] == [
        {"row": 7, "column": "Realisasi", "message": "Realisasi belum diisi."}
    ]
    hist = db.history()
    assert hist.loc[0, "status"] == "accepted"
    assert hist.loc[0, "pengguna"] == "ani"
    assert len(hist.loc[0, "sha256"]) == 64
    assert hist.loc[0, "jumlah_peringatan"] == 1
    assert db.verification("Bidang Perindustrian", 2024, "TW II") == "submitted"
    assert db.check() == []


def test_filters_on_records(db: store.Store) -> None:
    submit(db, records(2, tahun=2023))
    submit(db, records(3, tahun=2024))
    submit(db, records(4, tahun=2024, bidang="Sekretariat"))
    assert len(db.records()) == 8 + 12 + 16
    assert len(db.records(tahun=2024)) == 28
    assert len(db.records(tahun=2024, bidang="Sekretariat", periode="TW 2")) == 4
    assert db.records(tahun=2030).empty


def test_refused_file_changes_no_record_but_is_kept(db: store.Store) -> None:
    submit(db, records(2))
    before = db.records()
    bad = result(records(1), errors=[Issue(9, "Target", "Target 'sembilan' bukan angka.")])
    out = db.submit(
        bad,
        data=b"bad",
        filename="salah.xlsx",
        user="budi",
        bidang="Bidang Perindustrian",
        tahun=2024,
        periode="TW I",
    )
    assert out.status == "refused"
    assert "sembilan" in out.message
    pd.testing.assert_frame_equal(db.records(), before)
    hist = db.history(bidang="Bidang Perindustrian", tahun=2024, periode="TW I")
    assert list(hist["status"]) == ["refused", "accepted"]
    assert db.submission_report(out.kiriman_id)["errors"][0]["row"] == 9
    assert db.submission_file(out.kiriman_id) == ("salah.xlsx", b"bad")
    assert db.audit(aksi="kiriman.tolak")["objek_id"].tolist() == [out.kiriman_id]


def test_new_submission_supersedes_and_records_changes(db: store.Store) -> None:
    first = submit(db, records(3), "v1.xlsx")
    frame = records(3, realisasi=95.0)
    frame = frame[frame["indikator"] != "Jumlah IKM yang dibina 2"]  # dropped indicator
    frame.loc[frame.index[0], "target"] = 120.0
    second = submit(db, frame, "v2.xlsx")
    assert second.superseded == (first.kiriman_id,)
    assert "Menggantikan kiriman #" in second.message
    hist = db.history().set_index("id")
    assert hist.loc[first.kiriman_id, "status"] == "superseded"
    assert hist.loc[first.kiriman_id, "digantikan_oleh"] == second.kiriman_id
    # The old submission stays readable.
    assert len(db.records(kiriman_id=first.kiriman_id)) == 12
    assert set(db.records()["kiriman_id"]) == {second.kiriman_id}
    ch = db.changes(second.kiriman_id)
    assert len(ch) == 12  # 8 realisasi changed + 4 dropped
    row = ch[(ch["indikator"] == "Jumlah IKM yang dibina 0") & (ch["periode"] == "TW I")].iloc[0]
    assert (row.target_lama, row.target_baru, row.realisasi_lama, row.realisasi_baru) == (
        100.0,
        120.0,
        90.0,
        95.0,
    )
    gone = ch[ch["indikator"] == "Jumlah IKM yang dibina 2"]
    assert len(gone) == 4 and gone["realisasi_baru"].isna().all()
    assert len(second.changes) == 12
    assert db.check() == []


def test_identical_resubmission_records_no_change(db: store.Store) -> None:
    submit(db, records(2))
    again = submit(db, records(2))
    assert again.accepted and again.changes == []


def test_supersession_is_per_slot(db: store.Store) -> None:
    wide = submit(db, records(2))  # TW I..IV in one file
    other = submit(db, records(2, bidang="Sekretariat"))
    tw2 = submit(db, records(2, periodes=("TW II",), realisasi=50.0))
    hist = db.history().set_index("id")
    # The wide file still holds TW I, III and IV, so it stays accepted.
    assert hist.loc[wide.kiriman_id, "status"] == "accepted"
    assert tw2.superseded == (wide.kiriman_id,)
    cur = db.records(bidang="Bidang Perindustrian")
    assert len(cur) == 8
    assert set(cur[cur["periode"] == "TW II"]["kiriman_id"]) == {tw2.kiriman_id}
    assert set(cur[cur["periode"] != "TW II"]["kiriman_id"]) == {wide.kiriman_id}
    assert set(db.records(bidang="Sekretariat")["kiriman_id"]) == {other.kiriman_id}
    # Replacing the rest supersedes the wide file as a whole.
    rest = submit(db, records(2, periodes=("TW I", "TW III", "TW IV")))
    hist = db.history().set_index("id")
    assert hist.loc[wide.kiriman_id, "status"] == "superseded"
    assert hist.loc[wide.kiriman_id, "digantikan_oleh"] == rest.kiriman_id
    assert db.check() == []


def test_history_filters(db: store.Store) -> None:
    submit(db, records(1, periodes=("TW I",)))
    submit(db, records(1, periodes=("TW II",)))
    submit(db, records(1, periodes=("TW II",), bidang="Sekretariat"))
    assert len(db.history()) == 3
    assert len(db.history(periode="TW II")) == 2
    assert len(db.history(bidang="Sekretariat")) == 1
    assert len(db.history(tahun=2023)) == 0
    assert list(db.history()["id"]) == sorted(db.history()["id"], reverse=True)


# --- verification and notes -----------------------------------------------------------------


def test_verified_data_is_locked_until_unverified_with_a_reason(db: store.Store) -> None:
    first = submit(db, records(2, periodes=("TW I",)))
    assert db.verify("Bidang Perindustrian", 2024, "TW I", user="kasubag") == "verified"
    before = db.records()
    locked = submit(db, records(2, periodes=("TW I",), realisasi=10.0))
    assert locked.status == "refused"
    assert "sudah diverifikasi dan dikunci" in locked.message
    pd.testing.assert_frame_equal(db.records(), before)
    # Another slot of the same bidang is not locked.
    assert submit(db, records(2, periodes=("TW II",))).accepted
    with pytest.raises(store.StoreError, match="Alasan"):
        db.unverify("Bidang Perindustrian", 2024, "TW I", user="kasubag", reason=" ")
    db.unverify("Bidang Perindustrian", 2024, "TW I", user="kasubag", reason="Salah ketik TW I")
    assert db.verification("Bidang Perindustrian", 2024, "TW I") == "returned"
    again = submit(db, records(2, periodes=("TW I",), realisasi=10.0))
    assert again.accepted and again.superseded == (first.kiriman_id,)
    assert db.verification("Bidang Perindustrian", 2024, "TW I") == "submitted"
    trail = db.audit(aksi="verifikasi")
    assert "Salah ketik TW I" in [b.get("catatan") for b in trail["baru"]]


def test_verification_rules(db: store.Store) -> None:
    with pytest.raises(store.StoreError, match="belum bisa diverifikasi"):
        db.verify("Sekretariat", 2024, "TW I", user="k")
    submit(db, records(1, bidang="Sekretariat", periodes=("TW I",)))
    with pytest.raises(store.StoreError, match="catatan"):
        db.return_("Sekretariat", 2024, "TW I", user="k", note="")
    db.return_("Sekretariat", 2024, "TW I", user="k", note="Lengkapi keterangan")
    with pytest.raises(store.StoreError, match="tidak sedang terverifikasi"):
        db.unverify("Sekretariat", 2024, "TW I", user="k", reason="x")
    st = db.verification_status(tahun=2024)
    assert st.iloc[0][["bidang", "status", "catatan"]].tolist() == [
        "Sekretariat",
        "returned",
        "Lengkapi keterangan",
    ]
    assert db.verification("Sekretariat", 2024, "TW III") == "draft"


def test_notes_follow_the_record_key(db: store.Store) -> None:
    submit(db, records(1, periodes=("TW I",)))
    rid = int(db.records()["id"].iloc[0])
    db.add_note(rid, "Realisasi melonjak, mohon bukti.", user="kasubag")
    with pytest.raises(store.StoreError):
        db.add_note(rid, "  ", user="kasubag")
    notes = db.notes(tahun=2024)
    assert notes.iloc[0][["rekaman_id", "indikator", "isi"]].tolist() == [
        rid,
        "Jumlah IKM yang dibina 0",
        "Realisasi melonjak, mohon bukti.",
    ]


# --- rounds, PK ------------------------------------------------------------------------------


def test_rounds_with_sop_steps(db: store.Store) -> None:
    import datetime as dt

    pid = db.open_round(2024, "TW II", user="kadis")
    assert db.open_round(2024, "Triwulan II", user="kadis") == pid
    due = dt.datetime(2024, 7, 10, 16, 0, tzinfo=dt.UTC)
    db.add_step(2024, "TW II", "disposisi", user="kadis", catatan="Surat 005/123")
    db.add_step(2024, "TW II", "batas_waktu", user="subkoor", waktu=due)
    with pytest.raises(store.StoreError, match="tidak dikenal"):
        db.add_step(2024, "TW II", "makan_siang", user="x")
    with pytest.raises(store.StoreError, match="Periode"):
        db.add_step(2024, "TW 5", "disposisi", user="x")
    steps = db.rounds(tahun=2024)
    assert steps["langkah"].tolist() == ["batas_waktu", "disposisi"]  # ordered by waktu
    assert steps["waktu"].iloc[0] == due
    assert steps["catatan"].iloc[1] == "Surat 005/123"


# fmt: off
PK_ROWS = [
    ["PERJANJIAN KINERJA TAHUN 2024"],
    [],
    ["Kode", "Bidang", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Arah", "Agregasi",
     "Target", "TW I", "TW II", "TW III", "TW IV", "Target Akhir Renstra", "Tahun Renstra",
     "Program", "Pagu (Rp)"],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)",
     "(13)", "(14)", "(15)", "(16)"],
    ["IKU.1", "Bidang Perindustrian", "Meningkatnya IKM", "Jumlah IKM yang dibina", "unit",
     "Naik", "jumlah", 40, 5, 10, 10, 15, 200, 2026, "Program Pemberdayaan IKM", "1.250.000.000"],
    ["IKU.2", "Bidang Hubungan Industrial", "Hubungan industrial yang harmonis",
     "Angka sengketa pengusaha-pekerja", "kasus", "Turun", "akhir", "12", "3", "6", "9", "12",
     "10", "2026", "Program Hubungan Industrial", 350000000],
    [],
    ["Sarilamak, 2 Januari 2024"],
]
# fmt: on


def test_import_pk_from_a_sheet(db: store.Store) -> None:
    frame, errors = pk.read_pk(factories.xlsx(PK_ROWS), "pk.xlsx")
    assert errors == []
    assert db.import_pk(frame, tahun=2024, user="subkoor") == 2
    ind = db.indicators(tahun=2024).set_index("kode")
    assert ind.loc["IKU.1", "pagu"] == 1_250_000_000
    assert ind.loc["IKU.1", "target_tw4"] == 15
    assert ind.loc["IKU.2", "arah"] == "turun"
    assert ind.loc["IKU.2", "tahun_renstra"] == 2026
    assert ind.loc["IKU.2", "target"] == 12
    # Importing again updates in place; editing is audited.
    db.import_pk(frame, tahun=2024, user="subkoor")
    assert len(db.indicators(tahun=2024)) == 2
    iid = int(ind.loc["IKU.1", "id"])
    db.update_indicator(iid, {"target": 45.0}, user="subkoor")
    assert db.indicators(tahun=2024).set_index("id").loc[iid, "target"] == 45.0
    entry = db.audit(aksi="indikator.ubah").iloc[0]
    assert entry["lama"] == {"target": 40.0} and entry["baru"] == {"target": 45.0}
    with pytest.raises(store.StoreError):
        db.update_indicator(iid, {"hapus": 1}, user="x")


def test_read_pk_names_bad_cells() -> None:
    rows = [r[:] for r in PK_ROWS]
    rows[4][7] = "empat puluh"
    rows[5][5] = "ke samping"
    _, errors = pk.read_pk(factories.xlsx(rows))
    assert any("Baris 5" in e and "bukan angka" in e for e in errors)
    assert any("Baris 6" in e and "arah" in e for e in errors)
    _, errors = pk.read_pk(factories.xlsx([["Nama", "Nilai"], ["a", 1]]))
    assert "Indikator" in errors[0]
    _, errors = pk.read_pk(b"bukan spreadsheet")
    assert "tidak dapat dibaca" in errors[0]


# --- audit ----------------------------------------------------------------------------------


def test_audit_log_is_append_only_in_the_database(db: store.Store) -> None:
    submit(db, records(1))
    n = len(db.audit())
    assert n >= 2
    for stmt in ("UPDATE audit SET oleh = 'x'", "DELETE FROM audit"):
        with db.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="hanya bisa"):
            conn.execute(sa.text(stmt))
    assert len(db.audit()) == n
    if db.dialect == "postgresql":
        with db.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="hanya bisa"):
            conn.execute(sa.text("TRUNCATE audit"))


def test_every_change_leaves_an_audit_line(db: store.Store) -> None:
    first = submit(db, records(1, periodes=("TW I",)))
    submit(db, records(1, periodes=("TW I",), realisasi=1.0))
    db.verify("Bidang Perindustrian", 2024, "TW I", user="k")
    acts = db.audit()["aksi"].tolist()
    for a in (
        "instansi.buat",
        "kiriman.terima",
        "kiriman.diganti",
        "verifikasi.submitted",
        "verifikasi.verified",
    ):
        assert a in acts
    diganti = db.audit(aksi="kiriman.diganti").iloc[0]
    assert diganti["objek_id"] == first.kiriman_id
    assert diganti["lama"] == {"status": "accepted"}


# --- the real reader, backups, indexes ---------------------------------------------------------


def test_submit_what_the_reader_reads(db: store.Store) -> None:
    data = factories.xlsx(factories.long_rows(40))
    res = ingest.read(data, filename="perin.xlsx", defaults=ingest.Defaults(tahun=2023))
    assert res.valid, res.report.errors
    out = db.submit(res, data=data, filename="perin.xlsx", user="ani")
    assert out.accepted
    got = db.records(tahun=2023)
    assert ingest.records_to_json(got) == ingest.records_to_json(res.records)
    assert got["baris"].tolist() == res.records["baris"].tolist()


def test_backup_is_a_consistent_copy(
    db: store.Store, tmp_path: Path, require: Callable[[str, str], str]
) -> None:
    submit(db, records(3))
    target = tmp_path / "cadangan" / "kinerja.bak"
    if db.dialect == "sqlite":
        db.backup(target)
        with sqlite3.connect(target) as conn:
            assert conn.execute("SELECT count(*) FROM rekaman").fetchone() == (12,)
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copy = store.connect(f"sqlite:///{target}")
        assert len(copy.records()) == 12
        copy.close()
    else:
        require("pg_dump", "pg_dump is not installed: run scripts/install-system-deps.sh")
        assert db.backup(target) == target
        assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_backup_without_pg_dump_is_a_store_error(
    db: store.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "kosong"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "kinerja.bak"
    with pytest.raises(store.StoreError, match="memerlukan program pg_dump"):
        db.backup(target)
    assert not target.exists()


def test_current_records_read_uses_the_index(db: store.Store) -> None:
    submit(db, records(2))
    q = sa.select(store.Rekaman.id).where(
        store.Rekaman.instansi_id == 1,
        store.Rekaman.kini == sa.true(),
        store.Rekaman.tahun == 2024,
        store.Rekaman.bidang == "Bidang Perindustrian",
    )
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            sql = str(q.compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            sql = str(q.compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
    assert "uq_rekaman_kini" in plan


def test_default_url_is_the_sqlite_file_under_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KINERJA_DATABASE_URL", raising=False)
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path / "d"))
    assert store.default_url() == f"sqlite:///{tmp_path / 'd' / 'kinerja.db'}"
    s = store.connect()
    assert (tmp_path / "d" / "kinerja.db").exists()
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
    s.close()
    monkeypatch.setenv("KINERJA_DATABASE_URL", "postgresql://u@h/db")
    assert store.default_url() == "postgresql://u@h/db"


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(store.StoreError, match="tidak dapat dibuka"):
        store.connect("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_nan_values_are_stored_as_null(db: store.Store) -> None:
    frame = records(1, periodes=("TW I",))
    frame["realisasi"] = math.nan
    frame["capaian"] = math.nan
    submit(db, frame)
    got = db.records()
    assert got["realisasi"].isna().all() and got["capaian"].isna().all()


def test_settings_are_checked_before_they_are_kept(db: store.Store) -> None:
    cap = db.capaian_settings().to_dict() | {"batas_capaian": 120}
    db.set_settings({"capaian": cap}, user="admin")
    assert db.capaian_settings().batas_capaian == 120
    with pytest.raises(store.StoreError, match="capaian tidak sah"):
        db.set_settings({"capaian": {"rumus_turun": "terbalik"}}, user="admin")
    with pytest.raises(store.StoreError, match="bidang"):
        db.set_settings({"bidang": "Sekretariat"}, user="admin")
    assert db.capaian_settings().batas_capaian == 120


def test_import_pk_refuses_duplicates_and_bad_values(db: store.Store) -> None:
    frame, _ = pk.read_pk(factories.xlsx(PK_ROWS))
    twice = pd.concat([frame, frame.iloc[:1]])
    with pytest.raises(store.StoreError, match="dua kali"):
        db.import_pk(twice, tahun=2024, user="x")
    bad = frame.assign(agregasi="median")
    with pytest.raises(store.StoreError, match="agregasi"):
        db.import_pk(bad, tahun=2024, user="x")
    assert db.indicators(tahun=2024).empty


def test_instansi_toml_beside_the_database_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "instansi.toml").write_text(
        'nama = "Dinas Kesehatan"\nkode = "dinkes"\nbidang = ["Bidang Yankes"]\n'
    )
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path))
    s = store.connect(f"sqlite:///{tmp_path}/k.db")
    s.init()
    assert s.settings()["bidang"] == ["Bidang Yankes"]
    assert s.instansi()["kode"].tolist() == ["dinkes"]
    s.close()


def test_public_surface() -> None:
    """What the pages and the CLI call; a change here is a change for them."""
    surface = {
        "init", "instansi", "create_instansi", "settings", "set_settings", "capaian_settings",
        "open_round", "add_step", "rounds", "start_round", "round_submissions", "summary",
        "submit", "submission_file", "submission_report",
        "records", "history", "changes", "verify", "return_", "unverify", "verification",
        "verification_status", "add_note", "notes", "audit", "import_pk", "indicators",
        "update_indicator", "update_indicators", "backup", "check", "counts", "close",
        # evaluation (kinerja.evaluasi reads these): decisions on flags and its inputs
        "flag_decisions", "decide_flag", "upload_warnings", "deadlines", "pk_all_years",
        "slot_records", "version",
        # accounts and roles (kinerja.store.akun)
        "has_accounts", "add_user", "users", "disable_user", "set_password", "unlock_user",
        "authenticate", "account", "account_by_email", "authorize", "visible_bidang",
    }  # fmt: skip
    public = {n for n in vars(store.Store) if not n.startswith("_")} - {"dialect"}
    assert public == surface
    exported = {
        "connect", "Store", "StoreError", "default_url", "data_dir", "make_engine", "migrate",
        "MIGRATIONS_DIR", "read_instansi_toml", "settings_from_toml", "PK_COLUMNS", "LANGKAH",
        "STORED_COLUMNS", "IngestLike", "SubmitOutcome", "LENGTHS", "Base", "Rekaman", "Akun",
    }  # fmt: skip
    # The package's own names, not the submodules that importing it loads as attributes.
    names = {
        n for n, v in vars(store).items() if not n.startswith("_") and not isinstance(v, ModuleType)
    }
    assert names == exported


# --- the store stands alone ------------------------------------------------------------------


def test_the_store_imports_neither_the_reader_nor_pandera() -> None:
    code = (
        "import kinerja.store, sys; print(sorted(m for m in sys.modules if m.startswith("
        "('pandera','kinerja.ingest','kinerja.pk','kinerja.workbook'))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_default_database_is_under_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KINERJA_DATABASE_URL", raising=False)
    monkeypatch.delenv("KINERJA_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert store.default_url() == f"sqlite:///{tmp_path / 'data' / 'kinerja.db'}"
    s = store.connect()
    s.init()
    assert (tmp_path / "data" / "kinerja.db").is_file()
    # No instansi.toml here: the checkout's demo agency seeds it.
    demo = store.read_instansi_toml(ROOT / "data" / "instansi.toml")
    assert demo["nama"], "the checkout's data/instansi.toml names no agency"
    assert s.settings()["nama"] == demo["nama"]
    assert s.instansi()["kode"].tolist() == [demo["kode"]]
    s.close()


# --- check() finds what it looks for ---------------------------------------------------------


def _sql(s: store.Store, statement: str, **params: object) -> None:
    with s.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_check_reports_a_submission_whose_record_count_is_wrong(db: store.Store) -> None:
    out = submit(db, records(2))
    _sql(db, "UPDATE kiriman SET jumlah_rekaman = 99 WHERE id = :k", k=out.kiriman_id)
    assert db.check() == [f"kiriman #{out.kiriman_id}: jumlah rekaman tidak cocok"]


def test_check_reports_a_superseded_submission_without_its_successor(db: store.Store) -> None:
    first = submit(db, records(2))
    submit(db, records(2, realisasi=50.0))
    _sql(db, "UPDATE kiriman SET digantikan_oleh = NULL WHERE id = :k", k=first.kiriman_id)
    assert db.check() == [f"kiriman #{first.kiriman_id}: diganti tanpa pengganti"]


@pytest.mark.parametrize("status", ["refused", "superseded"])
def test_check_reports_current_records_of_an_inactive_submission(
    db: store.Store, status: str
) -> None:
    out = submit(db, records(2))
    other = submit(db, records(1, bidang="Sekretariat"))
    _sql(
        db,
        "UPDATE kiriman SET status = :status, digantikan_oleh = :o WHERE id = :k",
        status=status,
        o=other.kiriman_id if status == "superseded" else None,
        k=out.kiriman_id,
    )
    assert db.check() == [f"kiriman #{out.kiriman_id}: data kini pada kiriman yang tidak aktif"]


def test_check_reports_a_record_whose_submission_does_not_exist(tmp_path: Path) -> None:
    # SQLite's foreign_key_check; PostgreSQL never lets a key dangle.
    path = tmp_path / "k.db"
    s = store.connect(f"sqlite:///{path}")
    s.init()
    out = submit(s, records(1, periodes=("TW I",)))
    with sqlite3.connect(path) as raw:  # without foreign_keys=ON, the key can break
        raw.execute("UPDATE rekaman SET kiriman_id = 999")
    problems = s.check()
    assert any(p.startswith("foreign_key_check: ('rekaman'") for p in problems), problems
    assert f"kiriman #{out.kiriman_id}: jumlah rekaman tidak cocok" in problems
    s.close()


# --- nothing the store does surfaces as a raw database error ----------------------------------


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("bidang", "B" * 300, "Bidang terlalu panjang: 300 karakter (paling banyak 200)."),
        ("satuan", "s" * 101, "Satuan terlalu panjang: 101 karakter (paling banyak 100)."),
        ("predikat", "p" * 51, "Predikat terlalu panjang: 51 karakter (paling banyak 50)."),
    ],
)
def test_text_too_long_for_its_column_is_a_refused_submission(
    db: store.Store, column: str, value: str, expected: str
) -> None:
    submit(db, records(2))
    before, counts = db.records(), db.counts()
    frame = records(1, periodes=("TW I",))
    frame.loc[0, column] = value
    out = submit(db, frame, "panjang.xlsx")  # the reader bypassed: the store checks again
    assert out.status == "refused"
    assert out.message == f"Berkas ditolak: {expected}"
    pd.testing.assert_frame_equal(db.records(), before)
    report = db.submission_report(out.kiriman_id)
    assert report["errors"] == [{"row": 6, "column": schema.LABEL[column], "message": expected}]
    assert db.history().loc[0, "status"] == "refused"
    after = db.counts()
    assert after["kiriman"] == counts["kiriman"] + 1
    assert after["rekaman"] == counts["rekaman"]
    assert db.check() == []


def test_what_the_database_refuses_is_kept_as_a_refused_submission(db: store.Store) -> None:
    first = submit(db, records(2))
    before = db.records()
    frame = records(1, periodes=("TW I",), realisasi=10.0)
    twice = pd.concat([frame, frame], ignore_index=True)  # one key twice: the unique index
    out = submit(db, twice, "ganda.xlsx")
    assert out.status == "refused"
    assert out.message.startswith("Berkas ditolak: Basis data menolak data ini")
    pd.testing.assert_frame_equal(db.records(), before)
    hist = db.history(bidang="Bidang Perindustrian", tahun=2024, periode="TW I")
    assert hist["id"].tolist() == [out.kiriman_id, first.kiriman_id]
    assert hist["status"].tolist() == ["refused", "accepted"]
    assert db.submission_file(out.kiriman_id) == ("ganda.xlsx", b"isi ganda.xlsx")
    assert db.audit(aksi="kiriman.tolak")["objek_id"].tolist() == [out.kiriman_id]
    assert db.changes(out.kiriman_id).empty
    assert db.check() == []


def test_text_postgresql_cannot_hold_is_refused_there_not_raised(db: store.Store) -> None:
    frame = records(1, periodes=("TW I",))
    frame.loc[0, "keterangan"] = "a\x00b"  # NUL: PostgreSQL text refuses it, inside COPY
    out = submit(db, frame, "nul.xlsx")
    if db.dialect == "postgresql":
        assert out.status == "refused" and "NUL" in out.message
        assert db.records().empty
    else:
        assert out.accepted and db.records()["keterangan"].tolist() == ["a\x00b"]
    assert db.check() == []


def _pk_frame() -> pd.DataFrame:
    frame, errors = pk.read_pk(factories.xlsx(PK_ROWS))
    assert errors == []
    return frame


WRITES_REFUSED: list[tuple[str, Callable[[store.Store], object], str]] = [
    ("verify", lambda s: s.verify("B" * 201, 2024, "TW I", user="k"), "Nama bidang terlalu"),
    ("open_round", lambda s: s.open_round(2024, "TW I", user="u" * 201), "Nama pengguna"),
    ("create_instansi", lambda s: s.create_instansi("k" * 65, "Dinas"), "Kode instansi"),
    (
        "import_pk",
        lambda s: s.import_pk(_pk_frame().assign(satuan="s" * 101), tahun=2024, user="x"),
        "Satuan terlalu panjang",
    ),
    (
        "update_indicator",
        lambda s: s.update_indicator(
            int(s.indicators(tahun=2024)["id"].iloc[0]), {"target": "empat"}, user="x"
        ),
        "harus berupa angka",
    ),
    (
        "set_settings",
        lambda s: s.set_settings({"nama": "N" * 301}, user="admin"),
        "Nama instansi terlalu panjang",
    ),
]


@pytest.mark.parametrize(
    ("call", "expected"), [w[1:] for w in WRITES_REFUSED], ids=[w[0] for w in WRITES_REFUSED]
)
def test_writes_refuse_what_the_columns_cannot_hold(
    db: store.Store, call: Callable[[store.Store], object], expected: str
) -> None:
    db.import_pk(_pk_frame(), tahun=2024, user="subkoor")
    counts, audit = db.counts(), db.audit()
    with pytest.raises(store.StoreError, match=expected):
        call(db)
    assert db.counts() == counts
    pd.testing.assert_frame_equal(db.audit(), audit)


def test_an_unreachable_database_is_a_store_error_on_every_call() -> None:
    s = store.Store(
        store.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    )
    calls: list[Callable[[], object]] = [
        s.records,
        s.history,
        s.check,
        lambda: s.records(instansi_id=1),
        lambda: s.create_instansi("dinkes", "Dinas Kesehatan"),
        lambda: s.add_note(1, "catatan", user="k"),
        lambda: s.submit(result(records(1)), data=b"x", filename="x.xlsx", user="u", instansi_id=1),
    ]
    for call in calls:
        with pytest.raises(store.StoreError, match="Basis data tidak dapat"):
            call()
    s.close()


# --- backups ------------------------------------------------------------------------------------


def test_pg_dump_gets_the_password_in_its_environment_not_on_its_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    def fake_run(argv: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        seen["argv"], seen["env"] = argv, kw.get("env")
        Path(argv[argv.index("--file") + 1]).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "run", fake_run)
    url = "postgresql+psycopg://ani:rahasia%40123@db.example:5433/kinerja?sslmode=require"
    s = store.Store(store.make_engine(url))
    assert s.backup(tmp_path / "k.dump").read_bytes() == b"PGDMP"
    argv = seen["argv"]
    assert isinstance(argv, list) and not any("rahasia" in a for a in argv)
    assert argv[-1] == "postgresql://ani@db.example:5433/kinerja?sslmode=require"
    env = seen["env"]
    assert isinstance(env, dict) and env["PGPASSWORD"] == "rahasia@123"

    def failing_run(argv: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 1, "", "pg_dump: error: connection failed\n")

    monkeypatch.setattr(subprocess, "run", failing_run)
    with pytest.raises(
        store.StoreError, match=r"^pg_dump gagal: pg_dump: error: connection failed$"
    ):
        s.backup(tmp_path / "k2.dump")
    s.close()


# --- a refused file is listed under the slots it names ----------------------------------------


def test_refused_file_is_listed_under_each_slot_its_records_name(db: store.Store) -> None:
    submit(db, records(1, periodes=("TW I",)))
    before = db.records()
    named = pd.DataFrame(
        [
            ["Bidang Perindustrian", 2024, "TW I"],
            ["Bidang Perindustrian", 2024, "TW II"],
            ["Bidang Perindustrian", None, "TW III"],  # incomplete: labels it, no slot
        ],
        columns=["bidang", "tahun", "periode"],
        dtype=object,
    )
    bad = IngestResult(
        "salah.xlsx",
        named,
        Report(errors=[Issue(9, "Target", "Target 'x' bukan angka.", sheet="TW II")]),
    )
    assert not bad.valid
    out = db.submit(bad, data=b"salah", filename="salah.xlsx", user="budi", bidang="Sekretariat")
    assert out.status == "refused"
    pd.testing.assert_frame_equal(db.records(), before)
    row = db.history().iloc[0]
    assert (row["bidang"], row["tahun"], row["periode"]) == (
        "Bidang Perindustrian",
        2024,
        "TW I, TW II, TW III",
    )
    for periode, listed in (("TW I", True), ("TW II", True), ("TW III", False)):
        found = db.history(bidang="Bidang Perindustrian", tahun=2024, periode=periode)
        assert (out.kiriman_id in set(found["id"])) is listed, periode
    assert out.kiriman_id not in set(db.history(bidang="Sekretariat")["id"])
    report = db.submission_report(out.kiriman_id)
    assert report["errors"] == [
        {"row": 9, "column": "Target", "message": "Target 'x' bukan angka.", "sheet": "TW II"}
    ]
    assert report["formulir"] == {"bidang": "Sekretariat", "tahun": None, "periode": None}
    assert db.check() == []


def test_locked_refusal_is_listed_under_its_slots(db: store.Store) -> None:
    submit(db, records(1, periodes=("TW I", "TW II")))
    db.verify("Bidang Perindustrian", 2024, "TW II", user="kasubag")
    out = submit(db, records(1, periodes=("TW I", "TW II"), realisasi=80.0), "ulang.xlsx")
    assert out.status == "refused"
    for periode in ("TW I", "TW II"):
        found = db.history(bidang="Bidang Perindustrian", tahun=2024, periode=periode)
        assert out.kiriman_id in set(found["id"]), periode
