"""The command line of SOP steps 2 and 3: `kinerja format` writes a round's collection formats
(one .xlsx per bidang, into a folder or one .zip). Registered by kinerja.cli."""

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
    _store_command,
    _store_options,
    _tahun,
    _user,
    write_atomic,
)

# The keys of `kinerja format --json` (a contract: keys are only ever added). Each of "files"
# has FILE_JSON_KEYS: "file" the file's name (in the folder or the .zip), "path" where it was
# written (null inside a .zip). A refusal is {"ok": false, "error"}.
JSON_KEYS = ["ok", "tahun", "periode", "out", "files", "bidang_tanpa_pk", "bidang_tanpa_target"]
FILE_JSON_KEYS = ["bidang", "file", "path", "indikator", "tanpa_target"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "format",
        help="buat format data kinerja satu putaran dari PK: satu .xlsx per bidang",
    )
    _store_options(p)
    p.add_argument("--tahun", type=_tahun, required=True, help="tahun PK")
    p.add_argument("--periode", type=_periode, required=True, help="periode, mis. 'TW II'")
    p.add_argument("--bidang", default=None, help="hanya bidang ini (bawaan: semua bidang PK)")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR_OR_ZIP",
        help="folder yang sudah ada (satu .xlsx per bidang) atau file .zip",
    )
    p.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
    p.set_defaults(func=cmd_format)


def _out_problem(out: Path) -> str | None:
    """Why --out cannot be written (Indonesian), told before the database is opened."""
    if out.suffix.lower() == ".zip":
        if out.is_dir():
            return f"--out '{out}' adalah folder; beri nama file .zip atau pakai folder itu saja"
        if not out.parent.is_dir():
            return f"folder '{out.parent}' untuk --out tidak ada; buat dulu foldernya"
        return None
    if not out.is_dir():
        what = "bukan folder" if out.exists() else "tidak ada; buat dulu foldernya"
        return f"--out '{out}' {what} (atau beri nama file berakhiran .zip)"
    return None


@_store_command
def cmd_format(args: argparse.Namespace) -> int:
    """Exit 0 when the formats are written, 1 when refused (no PK for the year or bidang, a
    file that cannot be written), 2 for a usage error (--out)."""
    out = Path(args.out)
    problem = _out_problem(out)
    if problem:
        _echo(f"kinerja format: kesalahan penggunaan: {problem}", err=True)
        return 2
    from kinerja import bidang as bidang_mod
    from kinerja import format as fmt

    store, iid = _connect(args)
    try:
        # Asked first: a role that may not make the format gets no file either.
        store.authorize(_user(args), "format", instansi_id=iid)
        pk = store.indicators(tahun=args.tahun, instansi_id=iid)
        settings = store.settings(iid)
        if pk.empty:
            return _refuse(
                args,
                f"Belum ada Perjanjian Kinerja tahun {args.tahun}: impor dulu dengan "
                f"'kinerja pk import FILE --tahun {args.tahun}'.",
            )
        formats = fmt.build(
            pk, settings, tahun=args.tahun, periode=args.periode, bidang=args.bidang
        )
        names = fmt.bidang_order(pk, settings)
        if args.bidang is not None and not formats and not bidang_mod.match(args.bidang, names):
            return _refuse(
                args,
                f"Bidang '{args.bidang}' tidak punya indikator di PK {args.tahun} "
                f"(bidang di PK: {', '.join(names)}).",
            )
        if not formats:
            return _refuse(
                args,
                f"Tidak ada indikator PK {args.tahun} dengan target {args.periode}"
                f"{' untuk ' + args.bidang if args.bidang else ''}: lengkapi target Rencana "
                "Aksi di PK, atau pilih periode lain.",
            )
        written = _write(out, formats)
        if isinstance(written, str):
            return _refuse(args, written)
        user = _user(args)
        n = sum(f.indikator for f in formats)
        note = f"{len(formats)} format, {n} indikator"
        store.add_step(
            args.tahun, args.periode, "format_dibuat", user=user, catatan=note, instansi_id=iid
        )
        store.add_step(
            args.tahun,
            args.periode,
            "format_dikirim",
            user=user,
            catatan=f"{note}, ditulis ke {out}",
            instansi_id=iid,
        )
        tanpa_pk = [] if args.bidang else fmt.bidang_without_pk(pk, settings)
        tanpa_target = [] if args.bidang else fmt.bidang_without_target(pk, formats)
    finally:
        store.close()
    if args.json:
        _dump_json(
            {
                "ok": True,
                "tahun": args.tahun,
                "periode": args.periode,
                "out": str(out),
                "files": [
                    {
                        "bidang": f.bidang,
                        "file": f.nama_file,
                        "path": path,
                        "indikator": f.indikator,
                        "tanpa_target": list(f.tanpa_target),
                    }
                    for f, path in zip(formats, written, strict=True)
                ],
                "bidang_tanpa_pk": tanpa_pk,
                "bidang_tanpa_target": tanpa_target,
            }
        )
        return 0
    for f, path in zip(formats, written, strict=True):
        _echo(f"{path or f'{out}: {f.nama_file}'}: {f.bidang}, {f.indikator} indikator")
        if f.tanpa_target:
            _echo(
                f"    tanpa target {args.periode} (tidak dimasukkan): {', '.join(f.tanpa_target)}"
            )
    for b in tanpa_target:
        _echo(
            f"{b}: tidak ada indikator dengan target {args.periode} di PK, tidak dibuatkan format"
        )
    for b in tanpa_pk:
        _echo(f"{b}: tidak punya indikator di PK {args.tahun}, tidak dibuatkan format")
    _echo(f"Format {args.periode} {args.tahun}: {len(formats)} file ditulis ke {out}.")
    return 0


def _write(out: Path, formats: list[Any]) -> list[str | None] | str:
    """The path of each file written (None inside a .zip), or why not (Indonesian)."""
    from kinerja import format as fmt

    if out.suffix.lower() == ".zip":
        try:
            write_atomic(out, fmt.to_zip(formats))
        except OSError as exc:
            return _file_problem(str(out), exc, writing=True)
        return [None] * len(formats)
    paths: list[str | None] = []
    for f in formats:
        path = out / f.nama_file
        try:
            write_atomic(path, f.data)
        except OSError as exc:
            return _file_problem(str(path), exc, writing=True)
        paths.append(str(path))
    return paths


def _refuse(args: argparse.Namespace, message: str) -> int:
    if args.json:
        _dump_json({"ok": False, "error": message})
    _echo(f"kinerja format: {message}", err=True)
    return 1
