"""Upload hardening: the server's limits and XSRF protection in .streamlit/config.toml, and a
file judged by its content, not by its name, through the upload page (AppTest)."""

from __future__ import annotations

import io
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import workbook

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_A_SHEET = "File ini bukan spreadsheet yang dikenali"


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def test_the_server_limits_uploads_and_checks_their_origin() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["maxUploadSize"] == 20
    assert workbook.MAX_FILE_BYTES <= 20 * 1024 * 1024  # the reader is no looser
    assert server["enableXsrfProtection"] is True
    assert "enableCORS" not in server  # Streamlit's default (on), which XSRF protection needs


def word_document() -> bytes:
    """A .docx: a zip like an .xlsx, but with no workbook in it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03" + bytes(200),  # a Windows program
        b"%PDF-1.7\n" + bytes(50),
        word_document(),
    ],
    ids=["html", "exe", "pdf", "docx"],
)
def test_a_file_named_xlsx_that_is_something_else_is_refused_by_content(data: bytes) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page("views/unggah.py").run()
    at.file_uploader[0].set_value([("laporan.xlsx", data, XLSX)]).run()
    assert not at.exception
    cards = " ".join(m.value for m in at.markdown)
    assert "laporan.xlsx" in cards.replace("\\", "") and "Ditolak" in cards
    messages = " ".join(
        str(m) for d in at.dataframe if "Pesan" in d.value.columns for m in d.value["Pesan"]
    ) + " ".join(e.value for e in at.error)
    assert NOT_A_SHEET in messages.replace("\\", ""), messages
