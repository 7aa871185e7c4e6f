"""The command line: `kinerja validate`, `kinerja merge` (python -m kinerja ...).

Output is a contract other tools rely on: exit 0 when all is well, 1 when a file is invalid or
refused, 2 for a usage error; `--json` output only ever gains keys. Never a traceback.

Heavy imports (pandas, pandera) happen inside the commands, after the files have started to
parse in background threads, so a large file costs little more than reading it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

from kinerja import schema
from kinerja.workbook import Book, WorkbookError

_ARGPARSE_ID = [
    ("the following arguments are required", "argumen berikut wajib diisi"),
    ("unrecognized arguments", "argumen tidak dikenal"),
    ("invalid choice", "pilihan tidak sah"),
    ("expected one argument", "memerlukan satu nilai"),
    ("choose from", "pilih dari"),
    ("argument ", "argumen "),
]
MAX_SHOWN = 50


class Parser(argparse.ArgumentParser):
    """argparse that speaks Indonesian on usage errors (exit 2)."""

    def error(self, message: str) -> NoReturn:
        for en, id_ in _ARGPARSE_ID:
            message = message.replace(en, id_)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: kesalahan penggunaan: {message}\n")


def _tahun(value: str) -> int:
    y = schema.parse_tahun(value)
    if y is None:
        raise argparse.ArgumentTypeError(f"tahun '{value}' tidak sah (2000-2100)")
    return y


def _periode(value: str) -> str:
    p = schema.parse_periode(value)
    if p is None:
        raise argparse.ArgumentTypeError(
            f"periode '{value}' tidak dikenal (TW I-TW IV, Semester I/II, Tahunan)"
        )
    return p


def add_context_options(p: argparse.ArgumentParser) -> None:
    """--bidang/--tahun/--periode: what the upload form says when a sheet does not."""
    p.add_argument("--bidang", help="bidang, bila lembar tidak menyebutnya")
    p.add_argument("--tahun", type=_tahun, help="tahun, bila lembar tidak menyebutnya")
    p.add_argument("--periode", type=_periode, help="periode (TW I..TW IV, Semester I/II, Tahunan)")


def build_parser() -> Parser:
    parser = Parser(prog="kinerja", description="Pengumpulan Data Kinerja: baca, periksa, gabung.")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=Parser)
    sub.required = True

    v = sub.add_parser("validate", help="periksa lembar data kinerja")
    add_context_options(v)
    v.add_argument("--json", action="store_true", help="keluaran JSON (kontrak stabil)")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=cmd_validate)

    m = sub.add_parser("merge", help="gabungkan beberapa lembar menjadi satu dataset")
    add_context_options(m)
    m.add_argument("--out", required=True, help="file keluaran .xlsx atau .csv")
    m.add_argument("--json", action="store_true", help="keluaran JSON")
    m.add_argument("files", nargs="+", metavar="FILE")
    m.set_defaults(func=cmd_merge)

    d = sub.add_parser("demo", help="isi basis data dengan data contoh (data/demo)")
    d.add_argument(
        "--db", help="URL basis data (bawaan: KINERJA_DATABASE_URL atau data/kinerja.db)"
    )
    d.add_argument("--dir", default=None, help="folder data contoh (bawaan: data/demo)")
    d.add_argument("--json", action="store_true", help="keluaran JSON")
    d.set_defaults(func=cmd_demo)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


# Other command groups (the store's) register themselves here; see the end of this module.
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def _open(path: str) -> Book | WorkbookError:
    from kinerja.workbook import load

    try:
        book = load(path)
        book.load_all()
        return book
    except WorkbookError as exc:
        return exc


def read_files(files: Sequence[str], args: argparse.Namespace) -> list[Any]:
    """Read every file into an IngestResult, parsing in threads while pandas imports."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures: list[Future[Book | WorkbookError]] = [pool.submit(_open, f) for f in files]
        from kinerja import ingest  # heavy: pandas, pandera

        ingest.schema.warm_up()

        defaults = ingest.Defaults(bidang=args.bidang, tahun=args.tahun, periode=args.periode)
        results = []
        for path, fut in zip(files, futures, strict=True):
            opened = fut.result()
            name = Path(path).name
            if isinstance(opened, WorkbookError):
                report = ingest.Report()
                report.error(None, None, opened.message)
                results.append(ingest.IngestResult(name, ingest.schema.empty_records(), report))
            else:
                results.append(ingest.read(opened, filename=name, defaults=defaults))
        return results


def _print_issue_list(title: str, issues: Sequence[Any], out: Any) -> None:
    if not issues:
        return
    print(f"  {title}:", file=out)
    for i in issues[:MAX_SHOWN]:
        where = []
        if i.row is not None:
            where.append(f"baris {i.row}")
        if i.column:
            where.append(f"kolom {i.column}")
        prefix = ", ".join(where)
        print(f"    - {prefix + ': ' if prefix else ''}{i.message}", file=out)
    if len(issues) > MAX_SHOWN:
        print(f"    ... dan {len(issues) - MAX_SHOWN} lainnya (lihat --json)", file=out)


def print_report(result: Any, out: Any = None) -> None:
    """A readable Indonesian report of one file."""
    out = out or sys.stdout
    rep = result.report
    if result.valid:
        n = len(result.records)
        sheet = f" dari lembar '{result.sheet}'" if result.sheet else ""
        print(
            f"{result.file}: VALID - {n} data{sheet}, {len(rep.warnings)} peringatan",
            file=out,
        )
    else:
        print(
            f"{result.file}: DITOLAK - {len(rep.errors)} kesalahan, {len(rep.warnings)} peringatan",
            file=out,
        )
    _print_issue_list("Kesalahan", rep.errors, out)
    _print_issue_list("Peringatan", rep.warnings, out)


def _dump_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=1))
    sys.stdout.write("\n")


def cmd_validate(args: argparse.Namespace) -> int:
    results = read_files(args.files, args)
    if args.json:
        _dump_json([r.to_json() for r in results])
    else:
        for r in results:
            print_report(r)
    return 0 if all(r.valid for r in results) else 1


def cmd_merge(args: argparse.Namespace) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        print("kinerja merge: --out harus berakhiran .xlsx atau .csv", file=sys.stderr)
        return 2
    results = read_files(args.files, args)
    from kinerja import export, ingest

    merged, clashes = ingest.merge(results)
    invalid = [r for r in results if not r.valid]
    ok = not invalid and not clashes
    if ok:
        data = export.to_xlsx(merged) if suffix == ".xlsx" else export.to_csv(merged)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, out)
    if args.json:
        _dump_json(
            {
                "out": str(out) if ok else None,
                "written": ok,
                "records": len(merged) if ok else 0,
                "files": [r.to_json() | {"records": len(r.records)} for r in results],
                "conflicts": [i.to_json() for i in clashes],
            }
        )
    else:
        for r in results:
            print_report(r)
        for c in clashes:
            print(f"KONFLIK: {c.message}")
        if ok:
            print(f"Tersimpan: {out} ({len(merged)} data dari {len(results)} file)")
        else:
            why = f"{len(invalid)} file tidak valid" if invalid else f"{len(clashes)} data ganda"
            print(f"Tidak ada yang ditulis: {why}.")
    return 0 if ok else 1


DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the database if needed and submit every demo sheet not stored yet (idempotent)."""
    import hashlib

    from kinerja import ingest
    from kinerja.store import StoreError, connect

    folder = Path(args.dir) if args.dir else DEMO_DIR
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SPREADSHEET_SUFFIXES)
    if not files:
        print(f"kinerja demo: tidak ada file contoh di {folder}", file=sys.stderr)
        return 1
    try:
        store = connect(args.db)
        store.init(user="demo")
        stored = set(store.history()["sha256"])
        settings = store.capaian_settings()
        outcomes = []
        for path in files:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() in stored:
                outcomes.append({"file": str(path.relative_to(folder)), "status": "sudah ada"})
                continue
            result = ingest.read(data, filename=path.name, settings=settings)
            out = store.submit(result, data=data, filename=path.name, user="demo")
            outcomes.append(
                {"file": str(path.relative_to(folder)), "status": out.status, "pesan": out.message}
            )
    except StoreError as exc:
        print(f"kinerja demo: {exc}", file=sys.stderr)
        return 1
    if args.json:
        _dump_json(outcomes)
    else:
        shown = {"accepted": "diterima", "refused": "DITOLAK"}
        for o in outcomes:
            print(f"{o['file']}: {shown.get(o['status'], o['status'])}")
        print(f"Basis data siap: {len(store.records())} data terkini.")
    return 0 if all(o["status"] in ("accepted", "sudah ada") for o in outcomes) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: a message, never a traceback
        print(f"kinerja: kesalahan tak terduga: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.flush()
    return code


def run() -> NoReturn:
    """Entry point: skip interpreter teardown (seconds on a 100,000-row read) once flushed."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
