"""The command line: `kinerja validate`, `kinerja merge` (python -m kinerja ...).

Output is a contract other tools rely on: exit 0 when all is well, 1 when a file is invalid or
refused, 2 for a usage error; `--json` output only ever gains keys. Never a traceback.

- Each FILE is reported under the path as given ("a/x.xlsx" and "b/x.xlsx" stay apart); the
  same file named twice is read once. A FILE that cannot be read (missing, a folder, not a
  regular file, not readable) gets its own refusal in Indonesian and the other files are still
  read: the system's English error text is never shown (`_os_reason`).
- `merge --out` into a folder that does not exist is a usage error (exit 2), told before any
  input is read. `merge --csv-indonesia` writes CSV for Excel set to Indonesian (';' separator,
  decimal comma); the default CSV is comma-separated with a decimal point (both UTF-8 with BOM).
- `--db` and KINERJA_DATABASE_URL are checked before connecting: sqlite, postgresql or
  postgresql+psycopg, and a SQLite file only in a folder that exists (no folder is ever
  created; only `db init`, `submit`, `pk import` and `demo` may create the file itself).
- Text output escapes control characters in anything that came from a user or a file (file
  names, sheet names, cell text, history): "\\x1b", "\\n" (`_safe`). Times are WIB. JSON output
  is the raw text (JSON escapes it), encoded by orjson; `validate --json` streams its array.

Heavy imports (pandas, pandera) happen inside the commands, after the files have started to
parse in background threads, so a large file costs little more than reading it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import errno
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

import orjson

from kinerja import schema
from kinerja.waktu import WIB
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

# C0 and C1 controls (ESC starts terminal escape sequences), bidi overrides that reorder what
# a terminal shows, line/paragraph separators, and lone surrogates (undecodable file names).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    return _NAMED_ESCAPES.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _safe(text: object) -> str:
    """Text for a terminal: control characters and escape sequences shown escaped.

    ESC is shown as "\\x1b", a newline as "\\n": a file name or a cell can neither drive the
    terminal nor forge a line of output. Applied to every line of text output; JSON stays raw.
    """
    return _UNSAFE.sub(_escape, str(text))


def _echo(line: object = "", *, err: bool = False) -> None:
    """Print one line of text output, escaped (see _safe)."""
    print(_safe(line), file=sys.stderr if err else sys.stdout)


def _os_reason(exc: OSError, *, writing: bool = False) -> str:
    """Why a file could not be used, in Indonesian (never the system's English strerror)."""
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return "tidak ditemukan"
    if code in (errno.EACCES, errno.EPERM):
        return f"tidak boleh {'ditulis' if writing else 'dibaca'} (izin ditolak)"
    if code == errno.EISDIR:
        return "adalah folder, bukan file"
    if code == errno.ENAMETOOLONG:
        return "namanya terlalu panjang"
    if code == errno.ENOSPC:
        return "tidak dapat ditulis: ruang disk penuh"
    if code == errno.EROFS:
        return "tidak dapat ditulis: penyimpanannya hanya-baca"
    name = errno.errorcode.get(code) if code is not None else None
    action = "ditulis" if writing else "dibuka"
    return f"tidak dapat {action} (kesalahan sistem{' ' + name if name else ''})"


def _file_problem(path: str, exc: OSError, *, writing: bool = False) -> str:
    """ "File 'a/x.xlsx' tidak ditemukan." and the like (see _os_reason)."""
    return f"File '{path}' {_os_reason(exc, writing=writing)}."


def _input_problem(path: str) -> str | None:
    """Why FILE cannot be read (Indonesian), or None when it is a regular file to try."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return _file_problem(path, exc)
    except ValueError:  # an embedded NUL byte
        return f"File '{path}' tidak ditemukan."
    if stat.S_ISDIR(st.st_mode):
        return f"File '{path}' adalah folder, bukan file."
    if not stat.S_ISREG(st.st_mode):
        # A device or a pipe could be endless (/dev/zero): never read it.
        return f"File '{path}' bukan file biasa (perangkat atau pipa), tidak dibaca."
    return None


def _shown_name(path: str) -> str:
    """The path as given, as valid text (a non-UTF-8 file name gets U+FFFD, not a crash)."""
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:
        return path.encode("utf-8", "replace").decode("utf-8")


def _unique(files: Sequence[str]) -> list[str]:
    """FILE arguments in order, each file once (the same resolved path named twice)."""
    seen: set[str] = set()
    out: list[str] = []
    for f in files:
        try:
            key = os.path.realpath(f)
        except (OSError, ValueError):
            key = f
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


class Parser(argparse.ArgumentParser):
    """argparse that speaks Indonesian on usage errors (exit 2)."""

    def error(self, message: str) -> NoReturn:
        for en, id_ in _ARGPARSE_ID:
            message = message.replace(en, id_)
        self.print_usage(sys.stderr)
        self.exit(2, _safe(f"{self.prog}: kesalahan penggunaan: {message}") + "\n")


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
    v.add_argument(
        "--annotate",
        metavar="DIR",
        help="tulis DIR/<nama>-diperiksa.xlsx untuk tiap file yang ditolak: sel yang salah "
        "diberi warna dan komentar, lembar pertama 'Daftar Masalah' (DIR harus sudah ada)",
    )
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=cmd_validate)

    m = sub.add_parser("merge", help="gabungkan beberapa lembar menjadi satu dataset")
    add_context_options(m)
    m.add_argument("--out", required=True, help="file keluaran .xlsx atau .csv")
    m.add_argument(
        "--csv-indonesia",
        action="store_true",
        help="CSV untuk Excel berbahasa Indonesia: pemisah ';' dan koma desimal "
        "(bawaan: pemisah ',' dan titik desimal; keduanya UTF-8 dengan BOM)",
    )
    m.add_argument("--json", action="store_true", help="keluaran JSON")
    m.add_argument("files", nargs="+", metavar="FILE")
    m.set_defaults(func=cmd_merge)

    d = sub.add_parser("demo", help="isi basis data dengan data contoh (data/demo)")
    d.add_argument(
        "--db", help="URL basis data (bawaan: KINERJA_DATABASE_URL atau data/kinerja.db)"
    )
    d.add_argument("--dir", default=None, help="folder data contoh (bawaan: data/demo)")
    d.add_argument("--json", action="store_true", help="keluaran JSON")
    d.add_argument(
        "--akun",
        action="store_true",
        help="mode demo: buat juga satu akun per peran (kabid_<bidang>, staf_<bidang>, ...) "
        "berkata sandi 'demo', bila belum ada akun; jangan dipakai di server sungguhan",
    )
    d.set_defaults(func=cmd_demo)

    for register in _EXTRA_COMMANDS:
        register(sub)
    from kinerja import cli_evaluasi  # imports this module's helpers: registered last

    cli_evaluasi.register(sub)
    from kinerja import cli_export

    cli_export.register(sub)
    from kinerja import cli_format

    cli_format.register(sub)
    from kinerja import cli_round

    cli_round.register(sub)
    from kinerja import cli_user

    cli_user.register(sub)
    return parser


# Other command groups (the store's) register themselves here; see the end of this module.
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file beside it: a reader never sees half a file;
    OSError is raised (and the temporary file removed) for the caller to report."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _open(path: str) -> Book | WorkbookError:
    from kinerja.workbook import load

    problem = _input_problem(path)
    if problem:
        return WorkbookError(problem)
    try:
        return load(path)
    except WorkbookError as exc:
        return exc
    except OSError as exc:  # vanished or became unreadable after the check
        return WorkbookError(_file_problem(path, exc))


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
            name = _shown_name(path)  # as given: a/x.xlsx and b/x.xlsx stay apart
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
        print(_safe(f"    - {prefix + ': ' if prefix else ''}{i.message}"), file=out)
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
            _safe(f"{result.file}: VALID - {n} data{sheet}, {len(rep.warnings)} peringatan"),
            file=out,
        )
    else:
        print(
            _safe(
                f"{result.file}: DITOLAK - {len(rep.errors)} kesalahan, "
                f"{len(rep.warnings)} peringatan"
            ),
            file=out,
        )
    _print_issue_list("Kesalahan", rep.errors, out)
    _print_issue_list("Peringatan", rep.warnings, out)


_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _json_default(v: Any) -> Any:
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if hasattr(v, "item"):  # a numpy or pandas scalar
        return v.item()
    raise TypeError(f"{type(v).__name__} bukan nilai JSON")


def _json_bytes(obj: Any) -> bytes:
    """obj as indented UTF-8 JSON, encoded in C (orjson); NaN never appears (values are None)."""
    try:
        return orjson.dumps(obj, default=_json_default, option=_JSON_OPTIONS)
    except orjson.JSONEncodeError:
        # Text orjson refuses (a lone surrogate, e.g. from an old .xls): the standard encoder
        # writes it as an escape and the output stays JSON.
        text = json.dumps(obj, ensure_ascii=True, allow_nan=False, indent=2, default=_json_default)
        return text.encode("ascii")


def _write(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a caller's redirect)
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()  # keep order with text already written
    buffer.write(data)


def _dump_json(obj: Any) -> None:
    _write(_json_bytes(obj) + b"\n")


def _dump_json_array(items: Iterable[Any]) -> None:
    """A JSON array written one element at a time, so it is never in memory whole twice.

    Elements start at the left margin (not re-indented under the "["): indenting them would
    copy each element's bytes once more, the size of the whole output for one large file.
    """
    _write(b"[")
    sep = b"\n"
    for item in items:
        _write(sep)
        _write(_json_bytes(item))
        sep = b",\n"
    _write(b"]\n" if sep == b"\n" else b"\n]\n")


def _without_records(result: Any) -> dict[str, Any]:
    """result.to_json() with "records": [] (none converted: merge and submit only count them)."""
    return dataclasses.replace(result, records=result.records.iloc[:0]).to_json()


def _drain(results: list[Any]) -> Iterator[dict[str, Any]]:
    """Each result's JSON object, releasing the result once converted."""
    while results:
        yield results.pop(0).to_json()


def cmd_validate(args: argparse.Namespace) -> int:
    """Report on each FILE; with --annotate DIR also write each refused file back marked.

    Exit 0 when every file is valid, 1 when one is not, 2 when DIR is not a folder (told
    before any file is read). Each JSON object gains "annotated": the path written, or null
    (a valid file, no --annotate, or a problem with the file as a whole).
    """
    folder = None if args.annotate is None else Path(args.annotate)
    if folder is not None and not folder.is_dir():
        what = "bukan folder" if folder.exists() else "tidak ada; buat dulu foldernya"
        _echo(
            f"kinerja validate: kesalahan penggunaan: --annotate '{folder}' {what} "
            "(tidak ada file yang dibaca)",
            err=True,
        )
        return 2
    files = _unique(args.files)
    results = read_files(files, args)
    ok = all(r.valid for r in results)
    marked: list[tuple[str | None, str | None]] = [(None, None)] * len(results)
    if folder is not None:
        marked = _annotate_files(files, results, folder)
    if args.json:
        paths = [path for path, _ in marked]
        _dump_json_array(
            obj | {"annotated": p} for obj, p in zip(_drain(results), paths, strict=True)
        )
    else:
        for r, (path, why) in zip(results, marked, strict=True):
            print_report(r)
            if path is not None:
                _echo(f"  File bertanda: {path}")
            elif why is not None:
                _echo(f"  Tidak ada file bertanda: {why}")
    return 0 if ok else 1


def _annotate_files(
    files: Sequence[str], results: Sequence[Any], folder: Path
) -> list[tuple[str | None, str | None]]:
    """For each refused file, (path written, None) or (None, why not); (None, None) for a
    valid one. Two refused files with the same stem get "-2", "-3" ... (x.xlsx and x.ods)."""
    from kinerja import anotasi

    used: set[str] = set()
    out: list[tuple[str | None, str | None]] = []
    for path, result in zip(files, results, strict=True):
        if result.valid:
            out.append((None, None))
            continue
        data = None
        if anotasi.can_annotate(result):
            try:
                data = anotasi.annotate(Path(path).read_bytes(), result.file, result)
            except OSError as exc:
                out.append((None, _file_problem(result.file, exc)))
                continue
        if data is None:
            out.append((None, anotasi.NOT_ANNOTATED))
            continue
        n = 1
        while (name := anotasi.output_name(result.file, n)).lower() in used:
            n += 1
        used.add(name.lower())
        target = folder / name
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            out.append((None, _file_problem(str(target), exc, writing=True)))
            continue
        out.append((str(target), None))
    return out


def _out_problem(out: Path, csv_indonesia: bool = False) -> str | None:
    """Why merge cannot write --out (Indonesian), checked before any input is read."""
    if out.suffix.lower() not in (".xlsx", ".csv"):
        return "--out harus berakhiran .xlsx atau .csv"
    if csv_indonesia and out.suffix.lower() != ".csv":
        return "--csv-indonesia hanya untuk --out berakhiran .csv"
    if out.is_dir():
        return f"--out '{out}' adalah folder; beri nama file, misalnya {out / 'gabungan.xlsx'}"
    parent = out.parent
    if not parent.is_dir():
        return (
            f"folder '{parent}' untuk --out tidak ada; buat dulu foldernya "
            "atau pilih folder lain (tidak ada file yang dibaca)"
        )
    return None


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge FILEs into --out. Exit 2 when --out cannot be written (bad suffix, a folder, a
    folder that does not exist), told before any input is read; 1 when a file is invalid or
    two files hold the same data (nothing written), or writing fails."""
    out = Path(args.out)
    problem = _out_problem(out, args.csv_indonesia)
    if problem:
        _echo(f"kinerja merge: kesalahan penggunaan: {problem}", err=True)
        return 2
    suffix = out.suffix.lower()
    results = read_files(_unique(args.files), args)
    from kinerja import export, ingest

    merged, clashes = ingest.merge(results)
    invalid = [r for r in results if not r.valid]
    ok = not invalid and not clashes
    write_error = None
    if ok:
        if suffix == ".xlsx":
            data = export.to_xlsx(merged)
        else:
            data = export.to_csv(merged, indonesia=args.csv_indonesia)
        tmp = out.with_name(out.name + ".tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, out)
        except OSError as exc:
            write_error = _file_problem(str(out), exc, writing=True)
            tmp.unlink(missing_ok=True)
            ok = False
    if args.json:
        obj = {
            "out": str(out) if ok else None,
            "written": ok,
            "records": len(merged) if ok else 0,
            "files": [_without_records(r) | {"records": len(r.records)} for r in results],
            "conflicts": [i.to_json() for i in clashes],
        }
        if write_error:
            obj["error"] = write_error
        _dump_json(obj)
    else:
        for r in results:
            print_report(r)
        for c in clashes:
            _echo(f"KONFLIK: {c.message}")
        if ok:
            _echo(f"Tersimpan: {out} ({len(merged)} data dari {len(results)} file)")
        elif write_error:
            _echo(f"Tidak ada yang ditulis: {write_error}")
        else:
            why = f"{len(invalid)} file tidak valid" if invalid else f"{len(clashes)} data ganda"
            _echo(f"Tidak ada yang ditulis: {why}.")
    return 0 if ok else 1


DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def _demo_pk(store: Any, pk_dir: Path, folder: Path, user: str) -> list[dict[str, Any]]:
    """Import each pk-<tahun>.xlsx of the demo as that year's indicator master, unless the
    year already has one (a person's edits are never overwritten)."""
    from kinerja import pk

    outcomes: list[dict[str, Any]] = []
    for path in sorted(pk_dir.glob("pk-*.xlsx")) if pk_dir.is_dir() else []:
        m = re.fullmatch(r"pk-(\d{4})\.xlsx", path.name)
        if m is None:
            continue
        tahun = int(m.group(1))
        name = str(path.relative_to(folder))
        if not store.indicators(tahun=tahun).empty:
            outcomes.append({"file": name, "status": "sudah ada"})
            continue
        frame, errors = pk.read_pk(path.read_bytes(), path.name)
        if errors:
            outcomes.append({"file": name, "status": "refused", "pesan": "; ".join(errors)})
            continue
        n = store.import_pk(frame, tahun=tahun, user=user)
        outcomes.append({"file": name, "status": "accepted", "pesan": f"{n} indikator PK"})
    return outcomes


def demo_accounts(store: Any) -> list[str]:
    """Demo mode: one account per role, password "demo" (admin, kepala_dinas, sekretaris,
    subkoordinator, and kabid_<slug> / staf_<slug> for each bidang of the settings), and the
    setting demo = true that the login page reads. Only on a database without accounts (a
    deployment's own are never joined by a known password); the names made, else []."""
    from kinerja.store.akun import DEMO_PASSWORD, demo_username

    if store.has_accounts():
        return []
    store.set_settings({"demo": True}, user="demo")
    made: list[str] = []
    store.add_user("admin", DEMO_PASSWORD, peran="admin", user="demo", demo=True)
    made.append("admin")
    for peran in ("kepala_dinas", "sekretaris", "subkoordinator"):
        store.add_user(peran, DEMO_PASSWORD, peran=peran, user="admin", demo=True)
        made.append(peran)
    for bidang in store.settings().get("bidang") or []:
        for peran in ("kabid", "staf"):
            name = demo_username(peran, bidang)
            store.add_user(name, DEMO_PASSWORD, peran=peran, bidang=bidang, user="admin", demo=True)
            made.append(name)
    return made


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the database if needed and submit every demo sheet not stored yet (idempotent).

    A demo file whose bytes are in the history is never sent again, even when later uploads
    superseded it: running the demo again must not overwrite a person's data. A database
    with no round opened yet gets the demo's round in progress (cli_round.open_demo_round).
    """
    import hashlib

    from kinerja import ingest, kirim
    from kinerja.store import StoreError, connect

    folder = Path(args.dir) if args.dir else DEMO_DIR
    pk_dir = folder / "pk"  # the PK master of each year: imported, never submitted
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in SPREADSHEET_SUFFIXES and pk_dir not in p.parents
    )
    if not files:
        _echo(f"kinerja demo: tidak ada file contoh di {folder}", err=True)
        return 1
    try:
        store = connect(_db_url(args.db, create=True))
        # Once accounts exist (a demo run with --akun before), the demo's data is the
        # subkoordinator's: the one role that uploads for every bidang and imports the PK.
        user = "subkoordinator" if store.has_accounts() else "demo"
        store.init(user=user)
        stored = set(store.history()["sha256"])
        settings = store.capaian_settings()
        outcomes = _demo_pk(store, pk_dir, folder, user)
        for path in files:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() in stored:
                outcomes.append({"file": str(path.relative_to(folder)), "status": "sudah ada"})
                continue
            sent = kirim.kirim(
                store, data, path.name, defaults=ingest.Defaults(), user=user, settings=settings
            )
            status = "sudah ada" if sent.sudah_ada else sent.outcome.status
            outcomes.append(
                {"file": str(path.relative_to(folder)), "status": status, "pesan": sent.message}
            )
        from kinerja.cli_round import DEMO_PUTARAN, open_demo_round

        opened = open_demo_round(store, dt.datetime.now(dt.UTC))
        if opened:  # the first run: the year before is finished, its data verified
            from kinerja.cli_evaluasi import DEMO_TAHUN_TERVERIFIKASI, verify_demo_year

            by = user if store.has_accounts() else _demo_subkoordinator(store)
            verified = verify_demo_year(store, user=by)
        akun = demo_accounts(store) if args.akun else []
    except StoreError as exc:
        _echo(f"kinerja demo: {exc}", err=True)
        return 1
    if args.json:
        _dump_json(outcomes)
    else:
        shown = {"accepted": "diterima", "refused": "DITOLAK"}
        for o in outcomes:
            _echo(f"{o['file']}: {shown.get(o['status'], o['status'])}")
        _echo(f"Basis data siap: {len(store.records())} data terkini.")
        if opened:
            _echo(f"Putaran {DEMO_PUTARAN[1]} {DEMO_PUTARAN[0]} berjalan (lihat Beranda).")
            _echo(f"Data {DEMO_TAHUN_TERVERIFIKASI} terverifikasi: {verified} putaran bidang.")
        if akun:
            _echo(f"Akun demo (kata sandi 'demo'): {', '.join(akun)}.")
    return 0 if all(o["status"] in ("accepted", "sudah ada") for o in outcomes) else 1


def _demo_subkoordinator(store: Any) -> str:
    """The name the demo's own decisions are recorded under: the settings' Sub Koordinator."""
    who = store.settings().get("subkoordinator")
    return str(who.get("nama") or "Sub Koordinator") if isinstance(who, dict) else "Sub Koordinator"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the command did not expect to fail: still in Indonesian
        where = f"'{exc.filename}' " if exc.filename is not None else ""
        _echo(f"kinerja: {where}{_os_reason(exc)}.", err=True)
        return 1
    except Exception as exc:  # the last line of defence: a message, never a traceback
        _echo(f"kinerja: kesalahan tak terduga: {type(exc).__name__}: {exc}", err=True)
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
    init.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
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
    add_reader_option(p)


def add_reader_option(p: argparse.ArgumentParser) -> None:
    """--user of a read command: a kabid's or staf's account sees its own bidang only."""
    p.add_argument(
        "--user",
        default=None,
        help="baca sebagai akun ini (Kepala Bidang dan Staf: hanya bidangnya)",
    )


def seen_bidang(store: Any, args: argparse.Namespace) -> tuple[bool, str | None]:
    """The bidang filter of a read command: (True, --bidang) unless --user names a kabid or
    staf account, whose own bidang it becomes; (False, None) when --bidang asks for another
    one (nothing to show). StoreError for an unknown or disabled --user."""
    from kinerja import bidang

    if not getattr(args, "user", None):
        return True, args.bidang
    visible = store.visible_bidang(args.user)
    if visible is None:
        return True, args.bidang
    if not visible or (args.bidang and bidang.match(args.bidang, visible) is None):
        return False, None
    return True, visible[0]


_EXTRA_COMMANDS.append(_register_store_commands)


def _user(args: argparse.Namespace) -> str:
    """--user; without it, while the database has no account, the login name (as before
    accounts). Once accounts exist (_connect notes it) --user is required (StoreError) and
    is the account's name as stored (case and surrounding spaces dropped)."""
    if getattr(args, "user", None):
        if getattr(args, "akun_ada", False):
            # The account's own spelling, so the audit names the account, not the typing.
            from kinerja.store.akun import normal

            return normal(str(args.user))
        return str(args.user)
    if getattr(args, "akun_ada", False):
        from kinerja.store import StoreError

        raise StoreError(
            "Sudah ada akun: sebutkan akun yang menjalankan perintah ini dengan --user NAMA. "
            "Tidak ada yang diubah."
        )
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still say who, generically
        return "cli"


DB_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg", "postgres")
DB_EXAMPLE = "sqlite:///data/kinerja.db atau postgresql+psycopg://pengguna@host/nama"


def _db_url(url: str | None, *, create: bool) -> str | None:
    """The database URL to open (None: the store's default file), checked; else StoreError.

    --db, else KINERJA_DATABASE_URL: a URL SQLAlchemy can parse, of a supported kind; for a
    SQLite file, its folder must exist (never created: a typo must not leave an empty
    database somewhere), and unless ``create`` the file must exist too.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from kinerja.store import StoreError

    source = "--db"
    if not url:
        url = os.environ.get("KINERJA_DATABASE_URL") or None
        source = "KINERJA_DATABASE_URL"
        if url is None:
            return None
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Not echoed: it may hold a password.
        raise StoreError(
            f"URL basis data di {source} tidak dapat dibaca. Contoh: {DB_EXAMPLE}."
        ) from None
    if parsed.drivername not in DB_DRIVERS:
        raise StoreError(
            f"Jenis basis data '{parsed.drivername}' di {source} tidak didukung. "
            f"Gunakan sqlite atau postgresql, contoh: {DB_EXAMPLE}."
        )
    db = parsed.database
    if (
        parsed.get_backend_name() == "sqlite"
        and db
        and db != ":memory:"
        and "uri" not in parsed.query
    ):
        path = Path(db)
        if not path.parent.is_dir():
            raise StoreError(
                f"Folder '{path.parent}' untuk basis data SQLite tidak ada; periksa {source} "
                "atau buat dulu foldernya. Tidak ada yang dibuat."
            )
        if path.is_dir():
            raise StoreError(f"Basis data SQLite '{path}' di {source} adalah folder, bukan file.")
        if not create and not path.exists():
            raise StoreError(
                f"Basis data SQLite '{path}' belum ada; periksa {source}, atau buat dengan "
                "'kinerja db init'."
            )
    return url


def _connect(args: argparse.Namespace, *, create: bool = False) -> tuple[Any, int | None]:
    """The store and the agency id (--instansi KODE), or StoreError.

    ``create``: a missing SQLite file may be created (commands that initialise the database).
    """
    from kinerja.store import StoreError, connect

    store = connect(_db_url(args.db, create=create))
    args.akun_ada = store.has_accounts()  # from then on _user requires --user
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
                    getattr(args, "flag_command", None),
                    getattr(args, "user_command", None),
                )
                if x
            )
            if args.json:
                _dump_json({"ok": False, "error": str(exc)})
            _echo(f"kinerja {name}: {exc}", err=True)
            return 1

    return wrapped


@_store_command
def cmd_db_init(args: argparse.Namespace) -> int:
    store, iid = _connect(args, create=True)
    # Seeding the agency is the system's (it writes nothing once there is one).
    user = (args.user or "sistem") if args.akun_ada else _user(args)
    iid = iid if iid is not None else store.init(user=user)
    peng = store.settings(iid)
    url = store.engine.url.render_as_string(hide_password=True)
    if args.json:
        _dump_json({"ok": True, "database": url, "instansi_id": iid, "instansi": peng.get("nama")})
    else:
        _echo(f"Basis data siap: {url}")
        bidang = ", ".join(peng.get("bidang", []))
        _echo(f"Instansi: {peng.get('nama')} (id {iid}); bidang: {bidang}")
    store.close()
    return 0


@_store_command
def cmd_db_backup(args: argparse.Namespace) -> int:
    store, _ = _connect(args)
    target = store.backup(args.path)
    if args.json:
        _dump_json({"ok": True, "backup": str(target), "bytes": target.stat().st_size})
    else:
        _echo(f"Cadangan tersimpan: {target} ({target.stat().st_size} byte)")
    store.close()
    return 0


@_store_command
def cmd_pk_import(args: argparse.Namespace) -> int:
    from kinerja.pk import read_pk

    path = Path(args.file)
    shown = _shown_name(args.file)  # as given, like every command
    problem = _input_problem(args.file)
    if problem is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            problem = _file_problem(shown, exc)
    if problem:
        if args.json:
            _dump_json({"ok": False, "file": shown, "error": problem})
        _echo(f"kinerja pk import: {problem}", err=True)
        return 1
    store, iid = _connect(args, create=True)
    if iid is None:
        iid = store.init(user=_user(args))
    # The agency's bidang list: a PK row of another bidang is refused with its cell and the
    # closest names; a matched one is stored in the list's spelling (kinerja.bidang).
    daftar = store.settings(iid).get("bidang") or []
    frame, errors = read_pk(data, shown, daftar_bidang=daftar)
    if errors:
        store.close()
        if args.json:
            _dump_json({"ok": False, "file": shown, "errors": errors})
        else:
            _echo(f"{shown}: DITOLAK - {len(errors)} kesalahan")
            for e in errors[:MAX_SHOWN]:
                _echo(f"    - {e}")
        return 1
    n = store.import_pk(frame, tahun=args.tahun, user=_user(args), instansi_id=iid)
    if args.json:
        _dump_json({"ok": True, "file": shown, "tahun": args.tahun, "indikator": n})
    else:
        _echo(f"{shown}: {n} indikator PK tahun {args.tahun} tersimpan.")
    store.close()
    return 0


@_store_command
def cmd_submit(args: argparse.Namespace) -> int:
    from kinerja import ingest, kirim

    store, iid = _connect(args, create=True)
    if iid is None:
        iid = store.init(user=_user(args))
    settings = store.capaian_settings(iid)
    defaults = ingest.Defaults(bidang=args.bidang, tahun=args.tahun, periode=args.periode)
    out_json = []
    ok = True
    for f in _unique(args.files):
        path = Path(f)
        shown = _shown_name(f)  # reported as given; stored under its base name
        msg = _input_problem(f)
        if msg is None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                msg = _file_problem(shown, exc)
        if msg is not None:
            # Not a submission: there are no bytes to keep.
            ok = False
            out_json.append({"file": shown, "status": "error", "message": msg})
            if not args.json:
                _echo(f"{shown}: GAGAL - {msg}")
            continue
        sent = kirim.kirim(
            store,
            data,
            shown,
            defaults=defaults,
            user=_user(args),
            settings=settings,
            instansi_id=iid,
            stored_name=_shown_name(path.name),
        )
        ok &= sent.accepted
        if args.json:
            obj = _without_records(sent.result)
            obj.pop("records", None)
            out_json.append(obj | sent.to_json())
        else:
            print_report(sent.result)
            if sent.sudah_ada:  # the message names the submission that already holds it
                _echo(f"  SUDAH ADA: {sent.message}")
            else:
                verdict = "DISIMPAN" if sent.accepted else "DITOLAK"
                _echo(f"  {verdict}: {sent.message} (kiriman #{sent.kiriman_id})")
    if args.json:
        _dump_json(out_json)
    store.close()
    return 0 if ok else 1


@_store_command
def cmd_records(args: argparse.Namespace) -> int:
    store, iid = _connect(args)
    ok, seen = seen_bidang(store, args)
    frame = store.records(instansi_id=iid, tahun=args.tahun, bidang=seen, periode=args.periode)
    store.close()
    if not ok:
        frame = frame.iloc[0:0]
    if args.json:
        from kinerja import ingest  # the reader (and pandera) only for --json's shape

        _dump_json(ingest.records_to_json(frame))
        return 0
    if frame.empty:
        _echo("Belum ada data yang cocok.")
        return 0
    from kinerja import capaian
    from kinerja.angka import TANDA_KOSONG, format_angka

    shown = frame[
        ["bidang", "indikator", "tahun", "periode", "target", "realisasi", "capaian", "predikat"]
    ].copy()
    # Capaian as shown: two decimals, half up on the exact decimal value (not the float).
    shown["capaian"] = capaian.tampil(frame)
    for c in shown.columns:
        if c in ("target", "realisasi", "capaian"):
            # format_angka shows a blank (None/NaN) as "–", never "NaN".
            shown[c] = [format_angka(v, 2 if c == "capaian" else None) for v in shown[c]]
        else:
            shown[c] = [TANDA_KOSONG if _plain(v) is None else _safe(v) for v in shown[c]]
    melampaui = capaian.melampaui_target(frame)
    shown["melampaui"] = ["melampaui target" if m else "" for m in melampaui]
    shown["keterangan capaian"] = [
        "" if _plain(v) is None else _safe(v) for v in capaian.catatan_capaian(frame)
    ]
    print(shown.to_string(index=False))  # every cell escaped above
    _echo(f"{len(frame)} data terkini.")
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
    ok, seen = seen_bidang(store, args)
    frame = store.history(instansi_id=iid, tahun=args.tahun, bidang=seen, periode=args.periode)
    store.close()
    if not ok:
        frame = frame.iloc[0:0]
    if args.json:
        _dump_json([{k: _plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")])
        return 0
    if frame.empty:
        _echo("Belum ada kiriman yang cocok.")
        return 0
    label = {"accepted": "diterima", "refused": "ditolak", "superseded": "diganti"}
    for rec in frame.to_dict("records"):
        r = {k: _plain(v) for k, v in rec.items()}
        extra = f" oleh #{r['digantikan_oleh']}" if r["status"] == "superseded" else ""
        _echo(
            f"#{r['id']} {_wib(rec['waktu'])}  {r['pengguna']}  "
            f"{r['nama_file']}  {r['bidang'] or '-'} {r['periode'] or '-'} {r['tahun'] or '-'}  "
            f"{label.get(r['status'], r['status'])}{extra}  {r['jumlah_rekaman']} data  "
            f"sha256 {r['sha256'][:12]}"
        )
        if r["pesan"] and r["status"] == "refused":
            _echo(f"    {r['pesan']}")
    return 0


def _wib(waktu: dt.datetime | None) -> str:
    """A stored time (UTC) as the app shows it, in WIB: "2024-01-02 10:11:12 WIB"; "" for
    none (None, or pd.NaT, which is a datetime too)."""
    import pandas as pd

    if waktu is None or pd.isna(waktu):
        return ""
    if waktu.tzinfo is None:
        waktu = waktu.replace(tzinfo=dt.UTC)
    return f"{waktu.astimezone(WIB):%Y-%m-%d %H:%M:%S} WIB"
