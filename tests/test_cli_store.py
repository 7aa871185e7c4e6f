"""The store's command line: db init/backup, pk import, submit, records, history; --db checks."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kinerja import cli, store
from tests import factories

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
]  # fmt: skip
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
ENGLISH_OS_TEXT = ("No such file", "Permission denied", "Is a directory", "Not a directory")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "perin.xlsx"
    good.write_bytes(factories.xlsx(factories.long_rows(8)))
    rows = factories.long_rows(8)
    rows[2][8] = "sembilan"
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(factories.xlsx(rows))
    pk = tmp_path / "pk.xlsx"
    pk.write_bytes(factories.xlsx(PK_ROWS))
    return {"good": good, "bad": bad, "pk": pk}


def test_submit_records_history_round_trip(
    db_url: str,
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The agency db init seeds: instansi.toml in KINERJA_DATA_DIR (not the checkout's demo).
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "instansi.toml").write_text(
        'nama = "Dinas Uji Coba"\nkode = "dinas-uji"\n'
        'bidang = ["Sekretariat", "Bidang Perindustrian"]\n'
    )
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = run(capsys, "db", "init", "--db", db_url)
    assert code == 0 and "Basis data siap" in out
    assert "Instansi: Dinas Uji Coba (id 1); bidang: Sekretariat, Bidang Perindustrian" in out

    code, out, _ = run(
        capsys, "submit", "--db", db_url, "--tahun", "2023", "--user", "ani", str(files["good"])
    )
    assert code == 0 and "DISIMPAN" in out

    code, out, _ = run(
        capsys,
        "submit",
        "--db",
        db_url,
        "--tahun",
        "2023",
        "--json",
        "--bidang",
        "Bidang Perindustrian",
        "--periode",
        "TW I",
        str(files["bad"]),
    )
    assert code == 1
    refused = json.loads(out)[0]
    assert refused["status"] == "refused" and refused["valid"] is False
    assert "sembilan" in refused["errors"][0]["message"]

    code, out, _ = run(capsys, "validate", "--json", "--tahun", "2023", str(files["good"]))
    validated = json.loads(out)[0]["records"]
    code, out, _ = run(capsys, "records", "--db", db_url, "--json", "--tahun", "2023")
    assert code == 0
    assert json.loads(out) == validated

    code, out, _ = run(capsys, "records", "--db", db_url, "--bidang", "Sekretariat", "--json")
    assert json.loads(out) == []

    code, out, _ = run(capsys, "history", "--db", db_url, "--json")
    hist = json.loads(out)
    assert [h["status"] for h in hist] == ["refused", "accepted"]
    assert hist[1]["pengguna"] == "ani" and len(hist[1]["sha256"]) == 64
    assert hist[0]["bidang"] == "Bidang Perindustrian" and hist[0]["jumlah_galat"] == 1

    code, out, _ = run(capsys, "history", "--db", db_url, "--periode", "TW I")
    assert code == 0 and "ditolak" in out and "diterima" in out

    # The same file again is recognised and not stored a second time.
    code, out, _ = run(
        capsys, "submit", "--db", db_url, "--tahun", "2023", "--json", str(files["good"])
    )
    again = json.loads(out)[0]
    assert code == 0 and again["sudah_ada"] is True and again["status"] == "accepted"
    assert again["kiriman_id"] == hist[1]["id"] and again["superseded"] == []
    code, out, _ = run(capsys, "submit", "--db", db_url, "--tahun", "2023", str(files["good"]))
    assert code == 0
    assert f"SUDAH ADA: Berkas perin.xlsx sudah tersimpan sebagai kiriman #{hist[1]['id']}" in out
    code, out, _ = run(capsys, "history", "--db", db_url, "--json")
    assert len(json.loads(out)) == 2

    # A changed file supersedes; the JSON says which submission and what changed.
    rows = factories.long_rows(8)
    rows[1][factories.LONG_HEADER.index("Realisasi")] = 1234
    rows[1][factories.LONG_HEADER.index("Capaian (%)")] = None
    files["good"].write_bytes(factories.xlsx(rows))
    code, out, _ = run(
        capsys, "submit", "--db", db_url, "--tahun", "2023", "--json", str(files["good"])
    )
    changed = json.loads(out)[0]
    assert code == 0 and changed["sudah_ada"] is False
    assert changed["superseded"] == [hist[1]["id"]]
    assert [c["realisasi_baru"] for c in changed["changes"]] == [1234]


def test_pk_import_and_backup(
    db_url: str,
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    require: Callable[[str, str], str],
) -> None:
    monkeypatch.chdir(tmp_path)  # the file is reported as given: "pk.xlsx"
    code, out, _ = run(
        capsys, "pk", "import", "--db", db_url, "--tahun", "2024", "pk.xlsx", "--json"
    )
    assert code == 0 and json.loads(out) == {
        "ok": True,
        "file": "pk.xlsx",
        "tahun": 2024,
        "indikator": 2,
    }
    s = store.connect(db_url)
    assert len(s.indicators(tahun=2024)) == 2
    s.close()
    code, out, _ = run(
        capsys, "pk", "import", "--db", db_url, "--tahun", "2024", str(files["good"])
    )
    # A data sheet names each indicator once per quarter: not a PK.
    assert code == 1 and "DITOLAK" in out and "ganda" in out
    sqlite = db_url.startswith("sqlite")
    if not sqlite:
        require("pg_dump", "pg_dump is not installed: run scripts/install-system-deps.sh")
    target = tmp_path / "cadangan" / "kinerja.bak"
    code, out, _ = run(capsys, "db", "backup", "--db", db_url, str(target))
    assert code == 0 and f"Cadangan tersimpan: {target} ({target.stat().st_size} byte)" in out
    if sqlite:
        assert target.read_bytes()[:16] == b"SQLite format 3\x00"
        copy = store.connect(f"sqlite:///{target}")
        assert len(copy.indicators(tahun=2024)) == 2
        copy.close()
    else:
        assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


def test_errors_are_messages_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "records", "--db", "postgresql+psycopg://x@127.0.0.1:1/x")
    assert code == 1 and "tidak dapat dibuka" in err and "Traceback" not in err
    url = f"sqlite:///{tmp_path}/k.db"
    code, _, err = run(capsys, "records", "--db", url)
    assert code == 1 and "kinerja db init" in err
    assert not (tmp_path / "k.db").exists(), "a read-only command created the database"
    assert run(capsys, "db", "init", "--db", url)[0] == 0
    code, _, err = run(capsys, "records", "--db", url, "--instansi", "tidakada")
    assert code == 1 and "tidak ada" in err
    code, out, _ = run(capsys, "submit", "--db", url, str(tmp_path / "hilang.xlsx"))
    assert code == 1 and f"File '{tmp_path / 'hilang.xlsx'}' tidak ditemukan." in out
    with pytest.raises(SystemExit) as exc:
        cli.main(["pk", "import", "x.xlsx"])
    assert exc.value.code == 2
    assert "--tahun" in capsys.readouterr().err


def test_default_database_is_the_data_dir_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KINERJA_DATABASE_URL", raising=False)
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path))
    code, out, _ = run(capsys, "db", "init")
    assert code == 0 and str(tmp_path / "kinerja.db") in out
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path}/lain.db")
    code, out, _ = run(capsys, "db", "init", "--json")
    assert json.loads(out)["database"].endswith("lain.db")


# --- --db and KINERJA_DATABASE_URL are checked before connecting ------------------------------

BAD_URLS = [
    ("foo://x", "Jenis basis data 'foo'"),
    ("mysql://u@h/db", "Jenis basis data 'mysql'"),
    ("bukan url", "tidak dapat dibaca"),
    ("postgresql://u:rahasia@h:port/db", "tidak dapat dibaca"),
    (
        "sqlite:///{tmp}/tidak/ada/k.db",
        "Folder '{tmp}/tidak/ada' untuk basis data SQLite tidak ada",
    ),
    ("sqlite:///{tmp}", "adalah folder"),
]
COMMANDS = [
    ["db", "init"],
    ["db", "backup", "cadangan.db"],
    ["records"],
    ["history"],
    ["submit", "x.xlsx"],
    ["pk", "import", "--tahun", "2024", "x.xlsx"],
    ["demo"],
]


def _make_inputs(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(factories.xlsx(PK_ROWS))


@pytest.mark.parametrize(("url", "expected"), BAD_URLS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("via", ["--db", "env"])
def test_a_bad_database_url_is_a_message_and_creates_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    expected: str,
    command: list[str],
    via: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    _make_inputs(tmp_path)
    url, expected = url.format(tmp=tmp_path), expected.format(tmp=tmp_path)
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path / "bawaan"))
    if via == "env":
        monkeypatch.setenv("KINERJA_DATABASE_URL", url)
        argv = command
    else:
        monkeypatch.delenv("KINERJA_DATABASE_URL", raising=False)
        argv = [*command, "--db", url]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert expected in err and ("KINERJA_DATABASE_URL" if via == "env" else "--db") in err
    assert "kesalahan tak terduga" not in err and "Traceback" not in err
    assert "rahasia" not in out + err, "a password was echoed"
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "something was created"


@pytest.mark.parametrize("command", [["records"], ["history"], ["db", "backup", "b.db"]])
def test_read_only_commands_do_not_create_a_mistyped_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    url = f"sqlite:///{tmp_path}/salah-ketik.db"
    code, _, err = run(capsys, *command, "--db", url, "--json")
    assert code == 1 and "belum ada" in err
    assert list(tmp_path.iterdir()) == []


def test_db_init_creates_the_file_but_not_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "db", "init", "--db", f"sqlite:///{tmp_path}/baru.db")
    assert code == 0 and (tmp_path / "baru.db").is_file()
    code, out, err = run(
        capsys, "db", "init", "--db", f"sqlite:///{tmp_path}/sub/baru.db", "--json"
    )
    assert code == 1 and "tidak ada" in json.loads(out)["error"] and "tidak ada" in err
    assert not (tmp_path / "sub").exists()


# --- submit: files as given, each once, unreadable ones told in Indonesian ---------------------


def test_submit_reports_paths_as_given_and_stores_base_names(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder, bidang in (("a", "Bidang Perindustrian"), ("b", "Sekretariat")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "data.xlsx").write_bytes(
            factories.xlsx(factories.long_rows(4, bidang=bidang))
        )
    (tmp_path / "folder.xlsx").mkdir()
    argv = ["a/data.xlsx", "./a/data.xlsx", "folder.xlsx", "hilang.xlsx", "b/data.xlsx"]
    code, out, _ = run(capsys, "submit", "--db", db_url, "--tahun", "2023", "--json", *argv)
    assert code == 1  # the folder and the missing file
    got = [(o["file"], o["status"]) for o in json.loads(out)]
    assert got == [
        ("a/data.xlsx", "accepted"),
        ("folder.xlsx", "error"),
        ("hilang.xlsx", "error"),
        ("b/data.xlsx", "accepted"),
    ]
    messages = [o["message"] for o in json.loads(out) if o["status"] == "error"]
    assert messages == [
        "File 'folder.xlsx' adalah folder, bukan file.",
        "File 'hilang.xlsx' tidak ditemukan.",
    ]
    code, out, _ = run(capsys, "history", "--db", db_url, "--json")
    assert [h["nama_file"] for h in json.loads(out)] == ["data.xlsx", "data.xlsx"]
    code, out, _ = run(capsys, "submit", "--db", db_url, "--tahun", "2023", *argv[2:4])
    assert code == 1 and not any(t in out for t in ENGLISH_OS_TEXT)
    assert "folder.xlsx: GAGAL - File 'folder.xlsx' adalah folder, bukan file." in out


def test_pk_import_unreadable_file_is_told_in_indonesian(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for target, expected in ((tmp_path / "hilang.xlsx", "tidak ditemukan"), (tmp_path, "folder")):
        code, out, err = run(capsys, "pk", "import", "--db", db_url, "--tahun", "2024", str(target))
        assert code == 1 and expected in err and out == ""
        assert not any(t in err for t in ENGLISH_OS_TEXT)


# --- records and history as people read them ------------------------------------------------


def test_records_text_shows_no_nan_and_escapes_cells(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "kosong.xls"  # .xls: a cell may hold ESC
    sheet.write_bytes(
        factories.xls(
            [
                HEADER,
                ["Sekretariat", "Indeks kepuasan\x1b[2J", "nilai", 2023, "TW I", 80, None],
                ["Sekretariat", "Nilai SAKIP", "nilai", 2023, "TW I", 80, 72],
            ]
        )
    )
    code, out, _ = run(capsys, "submit", "--db", db_url, str(sheet))
    assert code == 0, out
    code, out, _ = run(capsys, "records", "--db", db_url)
    assert code == 0
    assert "NaN" not in out and "None" not in out and "nan" not in out
    lines = out.splitlines()
    assert len(lines) == 4  # header, two records, the count
    blank = next(line for line in lines if "Indeks kepuasan" in line)
    assert "Indeks kepuasan\\x1b[2J" in blank and "\x1b" not in out
    # realisasi, capaian and predikat blank, and the reason said
    assert blank.split()[-6:] == ["–", "–", "–", "realisasi", "belum", "dilaporkan"]
    assert "90,00" in next(line for line in lines if "Nilai SAKIP" in line)


def test_records_text_shows_exact_capaian_and_melampaui(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "tepat.xlsx"
    sheet.write_bytes(
        factories.xlsx(
            [
                HEADER,
                ["Sekretariat", "Nilai SAKIP", "nilai", 2023, "TW I", 220, 200.189],
                ["Sekretariat", "Indeks kepuasan", "nilai", 2023, "TW I", 10, 12],
            ]
        )
    )
    code, out, _ = run(capsys, "submit", "--db", db_url, str(sheet))
    assert code == 0, out
    code, out, _ = run(capsys, "records", "--db", db_url)
    tie = next(line for line in out.splitlines() if "Nilai SAKIP" in line)
    over = next(line for line in out.splitlines() if "Indeks kepuasan" in line)
    assert "91,00" in tie and "Sangat Tinggi" in tie and "melampaui" not in tie
    assert "120,00" in over and "melampaui target" in over


def test_history_text_shows_wib_and_cannot_be_forged(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = tmp_path / "x.xlsx\n#99 2024-01-01 07:00:00 WIB  admin  y.xlsx  diterima\x1b[2K"
    forged.write_bytes(factories.xlsx(factories.long_rows(4)))
    code, out, _ = run(capsys, "submit", "--db", db_url, "--tahun", "2023", str(forged))
    assert code == 0
    assert "\x1b" not in out and "\\x1b[2K" in out
    code, out, _ = run(capsys, "history", "--db", db_url, "--json")
    (entry,) = json.loads(out)
    assert entry["nama_file"] == forged.name  # JSON: raw, and still UTC
    stored = dt.datetime.fromisoformat(entry["waktu"])
    assert stored.utcoffset() == dt.timedelta(0)
    code, out, _ = run(capsys, "history", "--db", db_url)
    assert code == 0
    (line,) = out.splitlines()  # one submission, one line: the name forged none
    wib = stored.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert line.startswith(f"#{entry['id']} {wib:%Y-%m-%d %H:%M:%S} WIB ")
    assert "UTC" not in out and "\x1b" not in out
    assert "x.xlsx\\n#99 2024-01-01" in line and "diterima\\x1b[2K" in line


def test_cli_wib_is_jakarta_time() -> None:
    utc = dt.datetime(2024, 12, 31, 20, 30, tzinfo=dt.UTC)
    assert cli._wib(utc) == "2025-01-01 03:30:00 WIB"
    assert cli._wib(utc.replace(tzinfo=None)) == "2025-01-01 03:30:00 WIB"
    if hasattr(os, "tzset"):  # the same offset as the time-zone database, where there is one
        from zoneinfo import ZoneInfo

        assert utc.astimezone(ZoneInfo("Asia/Jakarta")).utcoffset() == cli.WIB.utcoffset(None)
