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


# --- the store's commands: db, pk, submit, records, history ----------------------------------


def _store_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", help="URL basis data (bawaan: KINERJA_DATABASE_URL atau data/kinerja.db)"
    )
    p.add_argument("--instansi", metavar="KODE", help="kode instansi (bawaan: instansi pertama)")
    p.add_argument("--json", action="store_true", help="keluaran JSON")


def _register_store_commands(sub: Any) -> None:
    db = sub.add_parser("db", help="kelola basis data (init, backup)")
    dbsub = db.add_subparsers(dest="db_command", metavar="PERINTAH", parser_class=Parser)
    dbsub.required = True
    init = dbsub.add_parser("init", help="buat atau perbarui basis data dan instansi bawaan")
    _store_options(init)
    init.set_defaults(func=cmd_db_init)
    bak = dbsub.add_parser("backup", help="salin basis data ke PATH (aman saat aplikasi jalan)")
    _store_options(bak)
    bak.add_argument("path", metavar="PATH")
    bak.set_defaults(func=cmd_db_backup)

    pk = sub.add_parser("pk", help="indikator Perjanjian Kinerja (impor)")
    pksub = pk.add_subparsers(dest="pk_command", metavar="PERINTAH", parser_class=Parser)
    pksub.required = True
    imp = pksub.add_parser("import", help="impor lembar PK untuk satu tahun")
    _store_options(imp)
    imp.add_argument("--tahun", type=_tahun, required=True, help="tahun PK")
    imp.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=cmd_pk_import)

    s = sub.add_parser("submit", help="periksa lalu simpan lembar ke basis data")
    add_context_options(s)
    _store_options(s)
    s.add_argument("--user", default=None, help="nama pengirim (bawaan: pengguna sistem)")
    s.add_argument("files", nargs="+", metavar="FILE")
    s.set_defaults(func=cmd_submit)

    r = sub.add_parser("records", help="data kinerja terkini dari basis data")
    _store_filters(r)
    r.set_defaults(func=cmd_records)

    h = sub.add_parser("history", help="riwayat kiriman (sha256, pengirim, waktu, status)")
    _store_filters(h)
    h.set_defaults(func=cmd_history)


def _store_filters(p: argparse.ArgumentParser) -> None:
    _store_options(p)
    p.add_argument("--bidang", help="hanya bidang ini")
    p.add_argument("--tahun", type=_tahun, help="hanya tahun ini")
    p.add_argument("--periode", type=_periode, help="hanya periode ini")


_EXTRA_COMMANDS.append(_register_store_commands)


def _user(args: argparse.Namespace) -> str:
    if getattr(args, "user", None):
        return str(args.user)
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still say who, generically
        return "cli"


def _connect(args: argparse.Namespace) -> tuple[Any, int | None]:
    """The store and the agency id (--instansi KODE), or StoreError."""
    from kinerja.store import StoreError, connect

    store = connect(args.db)
    if not args.instansi:
        return store, None
    found = store.instansi()
    match = found[found["kode"] == args.instansi]
    if match.empty:
        store.close()
        known = ", ".join(found["kode"]) or "belum ada"
        raise StoreError(f"Instansi '{args.instansi}' tidak ada (yang ada: {known}).")
    return store, int(match["id"].iloc[0])


def _store_command(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn StoreError into an Indonesian message and exit 1."""

    def wrapped(args: argparse.Namespace) -> int:
        from kinerja.store import StoreError

        try:
            return fn(args)
        except StoreError as exc:
            name = " ".join(
                x
                for x in (
                    args.command,
                    getattr(args, "db_command", None),
                    getattr(args, "pk_command", None),
                )
                if x
            )
            if args.json:
                _dump_json({"ok": False, "error": str(exc)})
            print(f"kinerja {name}: {exc}", file=sys.stderr)
            return 1

    return wrapped


@_store_command
def cmd_db_init(args: argparse.Namespace) -> int:
    store, iid = _connect(args)
    iid = iid if iid is not None else store.init(user=_user(args))
    peng = store.settings(iid)
    url = store.engine.url.render_as_string(hide_password=True)
    if args.json:
        _dump_json({"ok": True, "database": url, "instansi_id": iid, "instansi": peng.get("nama")})
    else:
        print(f"Basis data siap: {url}")
        bidang = ", ".join(peng.get("bidang", []))
        print(f"Instansi: {peng.get('nama')} (id {iid}); bidang: {bidang}")
    store.close()
    return 0


@_store_command
def cmd_db_backup(args: argparse.Namespace) -> int:
    store, _ = _connect(args)
    target = store.backup(args.path)
    if args.json:
        _dump_json({"ok": True, "backup": str(target), "bytes": target.stat().st_size})
    else:
        print(f"Cadangan tersimpan: {target} ({target.stat().st_size} byte)")
    store.close()
    return 0


@_store_command
def cmd_pk_import(args: argparse.Namespace) -> int:
    from kinerja.pk import read_pk

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(
            f"kinerja pk import: file '{path}' tidak dapat dibuka ({exc.strerror}).",
            file=sys.stderr,
        )
        return 1
    frame, errors = read_pk(data, path.name)
    if errors:
        if args.json:
            _dump_json({"ok": False, "file": path.name, "errors": errors})
        else:
            print(f"{path.name}: DITOLAK - {len(errors)} kesalahan")
            for e in errors[:MAX_SHOWN]:
                print(f"    - {e}")
        return 1
    store, iid = _connect(args)
    if iid is None:
        iid = store.init(user=_user(args))
    n = store.import_pk(frame, tahun=args.tahun, user=_user(args), instansi_id=iid)
    if args.json:
        _dump_json({"ok": True, "file": path.name, "tahun": args.tahun, "indikator": n})
    else:
        print(f"{path.name}: {n} indikator PK tahun {args.tahun} tersimpan.")
    store.close()
    return 0


@_store_command
def cmd_submit(args: argparse.Namespace) -> int:
    from kinerja import ingest

    store, iid = _connect(args)
    if iid is None:
        iid = store.init(user=_user(args))
    settings = store.capaian_settings(iid)
    defaults = ingest.Defaults(bidang=args.bidang, tahun=args.tahun, periode=args.periode)
    out_json = []
    ok = True
    for f in args.files:
        path = Path(f)
        try:
            data = path.read_bytes()
        except OSError as exc:
            # Not a submission: there are no bytes to keep.
            msg = f"file '{path}' tidak dapat dibuka ({exc.strerror})."
            ok = False
            out_json.append({"file": path.name, "status": "error", "message": msg})
            if not args.json:
                print(f"{path.name}: GAGAL - {msg}")
            continue
        result = ingest.read(data, filename=path.name, defaults=defaults, settings=settings)
        outcome = store.submit(
            result,
            data=data,
            filename=path.name,
            user=_user(args),
            instansi_id=iid,
            bidang=args.bidang,
            tahun=args.tahun,
            periode=args.periode,
        )
        ok &= outcome.accepted
        if args.json:
            obj = result.to_json()
            obj.pop("records", None)
            out_json.append(obj | outcome.to_json())
        else:
            print_report(result)
            print(
                f"  {'DISIMPAN' if outcome.accepted else 'DITOLAK'}: {outcome.message}"
                f" (kiriman #{outcome.kiriman_id})"
            )
    if args.json:
        _dump_json(out_json)
    store.close()
    return 0 if ok else 1


@_store_command
def cmd_records(args: argparse.Namespace) -> int:
    from kinerja import ingest

    store, iid = _connect(args)
    frame = store.records(
        instansi_id=iid, tahun=args.tahun, bidang=args.bidang, periode=args.periode
    )
    store.close()
    if args.json:
        _dump_json(ingest.records_to_json(frame))
        return 0
    if frame.empty:
        print("Belum ada data yang cocok.")
        return 0
    from kinerja.angka import format_angka

    shown = frame[
        ["bidang", "indikator", "tahun", "periode", "target", "realisasi", "capaian", "predikat"]
    ].copy()
    for c in ("target", "realisasi", "capaian"):
        shown[c] = [
            format_angka(v, 2 if c == "capaian" else None) if v == v else "-" for v in shown[c]
        ]
    print(shown.to_string(index=False))
    print(f"{len(frame)} data terkini.")
    return 0


def _plain(v: Any) -> Any:
    """A JSON-ready scalar: NA/NaN to None, numpy scalars to Python, times to ISO text."""
    import datetime as dt

    import pandas as pd

    if v is None or (not isinstance(v, str | bytes) and pd.isna(v)):
        return None
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return v.item() if hasattr(v, "item") else v


@_store_command
def cmd_history(args: argparse.Namespace) -> int:
    store, iid = _connect(args)
    frame = store.history(
        instansi_id=iid, tahun=args.tahun, bidang=args.bidang, periode=args.periode
    )
    store.close()
    if args.json:
        _dump_json([{k: _plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")])
        return 0
    if frame.empty:
        print("Belum ada kiriman yang cocok.")
        return 0
    label = {"accepted": "diterima", "refused": "ditolak", "superseded": "diganti"}
    for rec in frame.to_dict("records"):
        r = {k: _plain(v) for k, v in rec.items()}
        extra = f" oleh #{r['digantikan_oleh']}" if r["status"] == "superseded" else ""
        print(
            f"#{r['id']} {rec['waktu']:%Y-%m-%d %H:%M:%S} UTC  {r['pengguna']}  "
            f"{r['nama_file']}  {r['bidang'] or '-'} {r['periode'] or '-'} {r['tahun'] or '-'}  "
            f"{label.get(r['status'], r['status'])}{extra}  {r['jumlah_rekaman']} data  "
            f"sha256 {r['sha256'][:12]}"
        )
        if r["pesan"] and r["status"] == "refused":
            print(f"    {r['pesan']}")
    return 0
