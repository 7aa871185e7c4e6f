"""`kinerja export` (SOP step 7): the LKjIP workbook and the Bab III draft. Registered by cli."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kinerja.cli import (
    _connect,
    _dump_json,
    _echo,
    _file_problem,
    _periode,
    _safe,
    _store_command,
    _store_options,
    _tahun,
    _user,
    write_atomic,
)

# The keys of `kinerja export --json` (a contract: keys are only ever added). "langkah" is
# the periode of the round step 7 was recorded on (null: a draft, or no round that year).
# A refusal is {"ok": false, "error"}.
JSON_KEYS = [
    "ok",
    "tahun",
    "periode",
    "draft",
    "out",
    "docx",
    "indikator",
    "rekaman",
    "langkah",
    "pesan",
]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="ekspor data kinerja terverifikasi untuk LKjIP (.xlsx, dan draf Bab III .docx)",
    )
    _store_options(p)
    p.add_argument("--tahun", type=_tahun, required=True, help="tahun laporan")
    p.add_argument(
        "--periode", type=_periode, default=None, help="s.d. periode ini (bawaan: setahun penuh)"
    )
    p.add_argument(
        "--draft",
        action="store_true",
        help="semua data terkini, juga yang belum terverifikasi; tiap lembar ditandai DRAFT",
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="buku kerja keluaran")
    p.add_argument("--docx", default=None, metavar="FILE.docx", help="draf Bab III (Word)")
    p.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
    p.set_defaults(func=cmd_export)


def _out_problem(path: Path, suffix: str, option: str) -> str | None:
    """Why a file option cannot be written (Indonesian), told before the database opens."""
    if path.suffix.lower() != suffix:
        return f"{option} harus berakhiran {suffix}"
    if path.is_dir():
        return f"{option} '{path}' adalah folder; beri nama file"
    if not path.parent.is_dir():
        return f"folder '{path.parent}' untuk {option} tidak ada; buat dulu foldernya"
    return None


def _refuse(args: argparse.Namespace, message: str) -> int:
    if args.json:
        _dump_json({"ok": False, "error": message})
    _echo(f"kinerja export: {message}", err=True)
    return 1


@_store_command
def cmd_export(args: argparse.Namespace) -> int:
    """Exit 0 when written, 1 when refused (nothing verified without --draft, a file that
    cannot be written, the database), 2 for a usage error (--out, --docx)."""
    out = Path(args.out)
    docx = Path(args.docx) if args.docx else None
    problems = [_out_problem(out, ".xlsx", "--out")]
    if docx is not None:
        problems.append(_out_problem(docx, ".docx", "--docx"))
        if docx.resolve() == out.resolve():
            problems.append("--docx dan --out harus file yang berbeda")
    for problem in problems:
        if problem:
            _echo(f"kinerja export: kesalahan penggunaan: {problem}", err=True)
            return 2
    from kinerja.lkjip import dokumen, sumber, workbook

    store, iid = _connect(args)
    try:
        # Asked first: a role that may not export gets no file either.
        store.authorize(_user(args), "ekspor", instansi_id=iid)
        laporan = sumber.muat(
            store, tahun=args.tahun, periode=args.periode, draft=args.draft, instansi_id=iid
        )
        alasan = sumber.alasan_tolak(laporan)
        if alasan:
            return _refuse(args, alasan)
        files = [(out, workbook.to_xlsx(laporan))]
        if docx is not None:
            files.append((docx, dokumen.to_docx(laporan)))
        for path, data in files:
            try:
                write_atomic(path, data)
            except OSError as exc:
                return _refuse(args, _file_problem(str(path), exc, writing=True))
        names = ", ".join(p.name for p, _ in files)
        langkah = sumber.catat(store, laporan, user=_user(args), berkas=names, instansi_id=iid)
    finally:
        store.close()
    if args.json:
        _dump_json(
            {
                "ok": True,
                "tahun": laporan.tahun,
                "periode": laporan.periode,
                "draft": laporan.draft,
                "out": str(out),
                "docx": str(docx) if docx is not None else None,
                "indikator": len(laporan.pengukuran),
                "rekaman": len(laporan.data),
                "langkah": langkah.periode,
                "pesan": langkah.pesan,
            }
        )
        return 0
    jenis = "DRAF (belum tentu terverifikasi)" if laporan.draft else "data terverifikasi"
    _echo(
        f"Tersimpan: {_safe(out)}"
        + (f" dan {_safe(docx)}" if docx is not None else "")
        + f" ({len(laporan.pengukuran)} indikator, {len(laporan.data)} {jenis})."
    )
    _echo(langkah.pesan)
    return 0
