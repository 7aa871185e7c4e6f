"""The store's command line: db init/backup, pk import, submit, records, history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinerja import cli, store
from tests import factories
from tests.test_store import PK_ROWS


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
    db_url: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "db", "init", "--db", db_url)
    assert code == 0 and "Basis data siap" in out and "Dinas Perindustrian" in out

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

    # Resubmitting supersedes; the JSON says which submission and what changed.
    code, out, _ = run(
        capsys, "submit", "--db", db_url, "--tahun", "2023", "--json", str(files["good"])
    )
    again = json.loads(out)[0]
    assert code == 0 and again["superseded"] == [hist[1]["id"]] and again["changes"] == []


def test_pk_import_and_backup(
    db_url: str, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "pk", "import", "--db", db_url, "--tahun", "2024", str(files["pk"]), "--json"
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
    if db_url.startswith("sqlite"):
        code, out, _ = run(capsys, "db", "backup", "--db", db_url, str(tmp_path / "b.db"))
        assert code == 0 and (tmp_path / "b.db").exists()


def test_errors_are_messages_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "records", "--db", "postgresql+psycopg://x@127.0.0.1:1/x")
    assert code == 1 and "tidak dapat dibuka" in err and "Traceback" not in err
    url = f"sqlite:///{tmp_path}/k.db"
    code, _, err = run(capsys, "records", "--db", url)
    assert code == 1 and "kinerja db init" in err
    code, _, err = run(capsys, "records", "--db", url, "--instansi", "tidakada")
    assert code == 1 and "tidak ada" in err
    code, out, _ = run(capsys, "submit", "--db", url, str(tmp_path / "hilang.xlsx"))
    assert code == 1 and "tidak dapat dibuka" in out
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
