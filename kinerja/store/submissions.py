"""Storing a checked file: one transaction that accepts it (its records become current, older
records of the same slots are superseded and what changed is recorded) or refuses it (kept
with its report, no record changed).

A slot is one bidang in one round (tahun + periode). A verified slot is locked: a file that
covers it is refused. Values the database cannot hold (text past a column's limit) are refused
by the store's own check, the same on SQLite and PostgreSQL; anything else the database
refuses (a key twice in one file) still ends as a refused submission, never as an exception.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from kinerja import schema
from kinerja.store import akun, instansi
from kinerja.store.engine import DatabaseRefused, driver_error, write
from kinerja.store.rounds import putaran
from kinerja.store.tables import (
    LENGTHS,
    Cakupan,
    Kiriman,
    Perubahan,
    Putaran,
    Rekaman,
    Verifikasi,
    add_audit,
    check_user,
    fit,
    now,
)
from kinerja.store.verification import set_status

# Record columns kept per stored record, in output order.
STORED_COLUMNS: list[str] = [
    *schema.RECORD_COLUMNS,
    *schema.ANGGARAN_COLUMNS,
    "capaian_catatan",
    "baris",
]
_FLOAT_COLUMNS = frozenset({"target", "realisasi", "capaian", "pagu", "realisasi_anggaran"})
# Past this many values too long, the report says how many more there are.
_MAX_TOO_LONG = 100


class _Report(Protocol):
    @property
    def errors(self) -> Sequence[Any]: ...
    @property
    def warnings(self) -> Sequence[Any]: ...


class IngestLike(Protocol):
    """What Store.submit needs from kinerja.ingest.IngestResult."""

    @property
    def records(self) -> pd.DataFrame: ...
    @property
    def report(self) -> _Report: ...
    @property
    def valid(self) -> bool: ...


@dataclass(frozen=True)
class SubmitOutcome:
    """The result of Store.submit. status: "accepted" or "refused"."""

    status: str
    kiriman_id: int
    message: str
    superseded: tuple[int, ...] = ()
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "kiriman_id": self.kiriman_id,
            "message": self.message,
            "superseded": list(self.superseded),
            "changes": self.changes,
        }


# (bidang, tahun, periode)
Slot = tuple[str, int, str]


@dataclass
class _Labels:
    """What a submission's row in kiriman says it covers (lists show it)."""

    bidang: str | None
    tahun: int | None
    periode: str | None


def submit(
    engine: Engine,
    iid: int,
    result: IngestLike,
    *,
    data: bytes,
    filename: str,
    user: str,
    bidang: str | None,
    tahun: int | None,
    periode: str | None,
) -> SubmitOutcome:
    """Store one checked file in one transaction.

    A valid result is accepted unless one of its slots (bidang + round) is verified;
    its records become current and older records of the same slots are superseded
    (changes recorded). An invalid or locked file, or one the database cannot hold, is stored
    as a refused submission with its report and changes no record. An invalid result's
    records (the reader gives none; kinerja.kirim gives the bidang, tahun and periode its
    sheets name) only label it: the history lists it under each complete slot among them
    (refused_labels). bidang/tahun/periode (the upload form's values) label a refused file
    that carries none.
    """
    user = user.strip() or "anonim"
    check_user(user)
    errors = [_issue_json(i) for i in result.report.errors]
    warnings = [_issue_json(i) for i in result.report.warnings]
    records = result.records if result.records is not None else schema.empty_records()
    if result.valid and records.empty:
        errors.append({"row": None, "column": None, "message": "Berkas tidak berisi data."})
    valid = bool(result.valid) and not records.empty
    if valid:
        too_long = _too_long(records)
        errors += too_long
        valid = not too_long

    slots: list[Slot] = []
    labels = _Labels(bidang, tahun, periode)
    if valid:
        slots = sorted(
            {
                (str(b), int(t), str(p))
                for b, t, p in records[["bidang", "tahun", "periode"]].itertuples(index=False)
            },
            key=lambda s: (s[1], _periode_key(s[2]), s[0]),
        )
        labels = _Labels(_label([s[0] for s in slots]), slots[0][1], _label([s[2] for s in slots]))
    else:
        labels = _Labels(*refused_labels(records, bidang, tahun, periode))
        slots = _named_slots(records)

    # What the upload form said, kept with a refused file (kinerja.kirim tells a repeat by it).
    form = {"bidang": bidang, "tahun": tahun, "periode": periode}
    base = {
        "instansi_id": iid,
        "nama_file": fit(filename, Kiriman.nama_file),
        "sha256": hashlib.sha256(data).hexdigest(),
        "ukuran": len(data),
        "isi": data,
        "pengguna": user,
    }
    # Each bidang the file covers (or its form names): a kabid or staf sends only its own.
    touched = sorted({s[0] for s in slots} | ({bidang} if bidang else set()))
    unggah = ("unggah", "unggah_bidang")
    try:
        with write(engine) as conn:
            akun.authorize(conn, user, unggah, bidang=touched, instansi_id=iid)
            instansi.lock(conn, iid)
            if not valid:
                message = "Berkas ditolak: " + (errors[0]["message"] if errors else "tidak sah.")
                return _refuse(conn, base, labels, slots, errors, warnings, message, form=form)
            return _accept(conn, iid, base, slots, labels, records, errors, warnings)
    except DatabaseRefused as exc:
        # Rolled back; the attempt is kept as a refused file like any other.
        errors.append({"row": None, "column": None, "message": str(exc)})
        with write(engine) as conn:
            akun.authorize(conn, user, unggah, bidang=touched, instansi_id=iid)
            instansi.lock(conn, iid)
            message = f"Berkas ditolak: {exc}"
            return _refuse(conn, base, labels, slots, errors, warnings, message, form=form)


def _accept(
    conn: Connection,
    iid: int,
    base: dict[str, Any],
    slots: list[Slot],
    labels: _Labels,
    records: pd.DataFrame,
    errors: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
) -> SubmitOutcome:
    user, filename = base["pengguna"], base["nama_file"]
    rounds = {(t, p): putaran(conn, iid, t, p) for _, t, p in slots}
    locked = conn.execute(
        select(Verifikasi.bidang, Putaran.tahun, Putaran.periode)
        .join(Putaran, Putaran.id == Verifikasi.putaran_id)
        .where(
            Verifikasi.putaran_id.in_(list(rounds.values())),
            Verifikasi.status == "verified",
        )
    ).all()
    locked_slots = {(b, t, p) for b, t, p in locked} & set(slots)
    if locked_slots:
        names = "; ".join(f"{b} {p} {t}" for b, t, p in sorted(locked_slots))
        msg = (
            f"Berkas ditolak: data {names} sudah diverifikasi dan dikunci. "
            "Minta pemverifikasi membuka verifikasi (dengan alasan) sebelum mengirim ulang."
        )
        errors = [*errors, {"row": None, "column": None, "message": msg}]
        return _refuse(conn, base, labels, slots, errors, warnings, msg)

    kid = conn.execute(
        insert(Kiriman)
        .values(
            **base,
            waktu=now(),
            bidang=fit(labels.bidang, Kiriman.bidang),
            tahun=slots[0][1] if len({s[1] for s in slots}) == 1 else None,
            periode=fit(", ".join(dict.fromkeys(s[2] for s in slots)), Kiriman.periode),
            status="accepted",
            jumlah_rekaman=len(records),
            laporan={"errors": errors, "warnings": warnings},
        )
        .returning(Kiriman.id)
    ).scalar_one()
    conn.execute(
        insert(Cakupan),
        [{"kiriman_id": kid, "putaran_id": rounds[(t, p)], "bidang": b} for b, t, p in slots],
    )

    changes, superseded = _supersede(conn, iid, kid, slots, records)
    _insert_records(conn, iid, kid, records)

    for b, t, p in slots:
        set_status(conn, iid, rounds[(t, p)], b, "submitted", user, None, kid)
    add_audit(
        conn,
        user,
        "kiriman.terima",
        "kiriman",
        kid,
        instansi_id=iid,
        baru={
            "nama_file": filename,
            "sha256": base["sha256"],
            "jumlah_rekaman": len(records),
            "menggantikan": superseded,
            "jumlah_perubahan": len(changes),
        },
    )
    msg = f"Berkas {filename} disimpan: {len(records)} baris data."
    if superseded:
        msg += (
            f" Menggantikan kiriman {', '.join(f'#{s}' for s in superseded)}"
            f" ({len(changes)} nilai berubah)."
        )
    return SubmitOutcome("accepted", kid, msg, tuple(superseded), changes)


def _refuse(
    conn: Connection,
    base: dict[str, Any],
    labels: _Labels,
    slots: list[Slot],
    errors: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
    message: str,
    *,
    form: dict[str, Any] | None = None,
) -> SubmitOutcome:
    """Keep a refused file; the history finds it under each of slots (else its labels' one).
    The report keeps the upload form's values as "formulir" when given."""
    laporan: dict[str, Any] = {"errors": errors, "warnings": warnings, "pesan": message}
    if form is not None:
        laporan["formulir"] = form
    kid = conn.execute(
        insert(Kiriman)
        .values(
            **base,
            waktu=now(),
            bidang=fit(labels.bidang, Kiriman.bidang),
            tahun=labels.tahun,
            periode=fit(labels.periode, Kiriman.periode),
            status="refused",
            jumlah_rekaman=0,
            laporan=laporan,
        )
        .returning(Kiriman.id)
    ).scalar_one()
    iid = base["instansi_id"]
    if not slots:
        p = schema.parse_periode(labels.periode) if labels.periode else None
        if labels.bidang and labels.tahun and p:
            slots = [(labels.bidang, int(labels.tahun), p)]
    for b, t, p in slots:
        if fit(b, Cakupan.bidang) == b:
            pid = putaran(conn, iid, t, p)
            conn.execute(insert(Cakupan).values(kiriman_id=kid, putaran_id=pid, bidang=b))
    add_audit(
        conn,
        base["pengguna"],
        "kiriman.tolak",
        "kiriman",
        kid,
        instansi_id=iid,
        baru={
            "nama_file": base["nama_file"],
            "sha256": base["sha256"],
            "pesan": message,
            "jumlah_galat": len(errors),
        },
    )
    return SubmitOutcome("refused", kid, message)


def _supersede(
    conn: Connection,
    iid: int,
    kid: int,
    slots: list[Slot],
    records: pd.DataFrame,
) -> tuple[list[dict[str, Any]], list[int]]:
    """Make the slots' current records non-current; (changes, superseded submission ids)."""
    cond = sa.or_(
        *[
            sa.and_(Rekaman.bidang == b, Rekaman.tahun == t, Rekaman.periode == p)
            for b, t, p in slots
        ]
    )
    base = sa.and_(Rekaman.instansi_id == iid, Rekaman.kini == sa.true(), cond)
    key = ["bidang", "indikator", "tahun", "periode"]
    old_cols = ["kiriman_id", *key, "target", "realisasi"]
    old = pd.DataFrame(
        # Plain driver rows: these columns need no result processing, and building
        # 100,000 Row objects costs more than the query.
        conn.execute(
            select(*[getattr(Rekaman, c) for c in old_cols]).where(base)
        ).cursor.fetchall(),
        columns=old_cols,
    )
    if old.empty:
        return [], []
    conn.execute(update(Rekaman).where(base).values(kini=False))
    old_ids = sorted(int(x) for x in old["kiriman_id"].unique())
    # A submission none of whose records is current any more is superseded as a whole.
    still = set(
        conn.execute(
            select(Rekaman.kiriman_id)
            .where(Rekaman.kiriman_id.in_(old_ids), Rekaman.kini == sa.true())
            .distinct()
        ).scalars()
    )
    gone = [k for k in old_ids if k not in still]
    if gone:
        conn.execute(
            update(Kiriman)
            .where(Kiriman.id.in_(gone))
            .values(status="superseded", digantikan_oleh=kid)
        )
    for kl in gone:
        add_audit(
            conn,
            "sistem",
            "kiriman.diganti",
            "kiriman",
            kl,
            instansi_id=iid,
            lama={"status": "accepted"},
            baru={"status": "superseded", "digantikan_oleh": kid},
        )

    new = records[[*key, "target", "realisasi"]].copy()
    for frame in (old, new):
        frame["tahun"] = frame["tahun"].astype("int64")
        frame["bidang"] = frame["bidang"].astype(str)
        frame["indikator"] = frame["indikator"].astype(str)
        for c in ("target", "realisasi"):
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    both = old.merge(new, on=key, how="outer", suffixes=("_lama", "_baru"))

    def same(a: pd.Series, b: pd.Series) -> pd.Series:
        close = (a - b).abs() <= 1e-9 * a.abs().clip(lower=1.0)
        return (a.isna() & b.isna()) | close.fillna(False)

    changed = (
        both["kiriman_id"].isna()
        | ~same(both["target_lama"], both["target_baru"])
        | ~same(both["realisasi_lama"], both["realisasi_baru"])
    )
    diff = both[changed]
    if diff.empty:
        return [], old_ids
    out: dict[str, list[Any]] = {
        # An indicator new in this file is a change against the file it replaces.
        "kiriman_lama_id": [int(x) for x in diff["kiriman_id"].fillna(old_ids[0]).astype("int64")],
        "bidang": diff["bidang"].tolist(),
        "indikator": diff["indikator"].tolist(),
        "tahun": [int(x) for x in diff["tahun"]],
        "periode": diff["periode"].tolist(),
    }
    for c in ("target_lama", "target_baru", "realisasi_lama", "realisasi_baru"):
        out[c] = [None if math.isnan(v) else float(v) for v in diff[c].tolist()]
    changes = [dict(zip(out, row, strict=True)) for row in zip(*out.values(), strict=True)]
    _bulk_insert(conn, Perubahan.__tablename__, {"kiriman_id": [kid] * len(diff), **out})
    return changes, old_ids


def _insert_records(conn: Connection, iid: int, kid: int, records: pd.DataFrame) -> None:
    # Column-wise conversion and the driver's own bulk path: per-row SQLAlchemy parameter
    # processing cost more than the insert itself (100,000 rows: 2.8 s -> under 1 s).
    n = len(records)
    columns: dict[str, list[Any]] = {
        "kiriman_id": [kid] * n,
        "instansi_id": [iid] * n,
        "kini": [True] * n,
    }
    for c in STORED_COLUMNS:
        if c not in records.columns:
            columns[c] = [None] * n
            continue
        col = records[c]
        values = col.astype(object).where(col.notna(), None).tolist()
        if c in ("tahun", "baris"):
            values = [None if v is None else int(v) for v in values]
        elif c in _FLOAT_COLUMNS:
            values = [None if v is None else float(v) for v in values]
        elif c == "arah":
            values = [v or "naik" for v in values]
        columns[c] = values
    _bulk_insert(conn, Rekaman.__tablename__, columns)


def _bulk_insert(conn: Connection, table: str, columns: Mapping[str, list[Any]]) -> None:
    """Insert equal-length columns through the driver's bulk path, in conn's transaction.

    PostgreSQL: COPY (several times faster than psycopg's pipelined executemany); SQLite:
    sqlite3's executemany. Values must already be plain Python (None for missing).
    """
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        statement = f"COPY {table} ({', '.join(names)}) FROM STDIN"
        try:
            with dbapi.cursor() as cur, cur.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except Exception as exc:  # the driver's own errors: not wrapped by SQLAlchemy
            raise driver_error(conn, statement, exc) from exc
    else:
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
            rows,  # type: ignore[arg-type]
        )


# --- small helpers ------------------------------------------------------------------------


def _too_long(records: pd.DataFrame) -> list[dict[str, Any]]:
    """Report issues for text longer than its column holds (LENGTHS), with the sheet row."""
    found: list[tuple[int, str, int, int]] = []  # (position, column, length, limit)
    for c, limit in LENGTHS.items():
        col = records[c] if c in records.columns else None
        if col is None or not (col.dtype == object or pd.api.types.is_string_dtype(col)):
            continue
        lengths = col.str.len().to_numpy(dtype="float64", na_value=math.nan)
        found += [(int(i), c, int(lengths[i]), limit) for i in (lengths > limit).nonzero()[0]]
    found.sort()  # in sheet order
    issues = []
    for i, c, n, limit in found[:_MAX_TOO_LONG]:
        row = records["baris"].iloc[i] if "baris" in records.columns else None
        label = schema.LABEL.get(c, c)
        issues.append(
            {
                "row": None if row is None or pd.isna(row) else int(row),
                "column": label,
                "message": f"{label} terlalu panjang: {n} karakter (paling banyak {limit}).",
            }
        )
    if len(found) > _MAX_TOO_LONG:
        issues.append(
            {
                "row": None,
                "column": None,
                "message": f"Dan {len(found) - _MAX_TOO_LONG} nilai lain yang terlalu panjang.",
            }
        )
    return issues


def _issue_json(issue: Any) -> dict[str, Any]:
    """row, column, message; sheet when the issue names one (a workbook of several), and
    code when the reader gave one (kinerja.evaluate reads it)."""
    if isinstance(issue, Mapping):
        out = {k: issue.get(k) for k in ("row", "column", "message")}
        sheet = issue.get("sheet")
    else:
        out = {
            "row": getattr(issue, "row", None),
            "column": getattr(issue, "column", None),
            "message": getattr(issue, "message", str(issue)),
        }
        sheet = getattr(issue, "sheet", None)
        code = getattr(issue, "code", None)
    if isinstance(issue, Mapping):
        code = issue.get("code")
    if sheet is not None:
        out["sheet"] = str(sheet)
    if code is not None:  # what the evaluation links a warning by (angka_ambigu, ...)
        out["code"] = str(code)
    return out


def refused_labels(
    records: pd.DataFrame, bidang: str | None, tahun: int | None, periode: str | None
) -> tuple[str | None, int | None, str | None]:
    """The bidang, tahun and periode a refused submission's row shows: those its records
    name ("A, B" when several; tahun only when there is one), else the given ones."""
    if not ({"bidang", "tahun", "periode"} <= set(records.columns)) or records.empty:
        return bidang, tahun, periode
    years = {int(str(y)) for y in records["tahun"].dropna().tolist()}
    return (
        _label(records["bidang"].dropna().tolist()) or bidang,
        years.pop() if len(years) == 1 else tahun,
        _label(records["periode"].dropna().tolist()) or periode,
    )


def _named_slots(records: pd.DataFrame) -> list[Slot]:
    """The complete, well-formed slots an invalid result's records name (for the history)."""
    if not ({"bidang", "tahun", "periode"} <= set(records.columns)) or records.empty:
        return []
    out: set[Slot] = set()
    for b, t, p in records[["bidang", "tahun", "periode"]].itertuples(index=False):
        periode = schema.parse_periode(p) if isinstance(p, str) else None
        tahun = schema.parse_tahun(t) if t is not None and not pd.isna(t) else None
        if isinstance(b, str) and b.strip() and tahun is not None and periode is not None:
            out.add((b, tahun, periode))
    return sorted(out, key=lambda s: (s[1], _periode_key(s[2]), s[0]))


def _periode_key(p: str) -> tuple[int, int]:
    return (
        schema.PERIODE_AKHIR_BULAN.get(p, 99),
        schema.PERIODE.index(p) if p in schema.PERIODE else 99,
    )


def _label(values: Sequence[Any]) -> str | None:
    vals = sorted({str(v) for v in values if v is not None and str(v) != ""})
    return ", ".join(vals) if vals else None
