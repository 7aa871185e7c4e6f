"""Agencies and their settings: seeding from instansi.toml, reading and changing settings, and
the row lock that serialises one agency's writers."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from kinerja.store import akun
from kinerja.store.engine import StoreError, data_dir, read, write
from kinerja.store.tables import (
    Cakupan,
    Indikator,
    Instansi,
    Putaran,
    Rekaman,
    add_audit,
    check_length,
    check_user,
    now,
)

if TYPE_CHECKING:
    from kinerja.capaian import Settings

# The checkout's data/ (the demo agency's instansi.toml, the demo sheets): read-only seeds,
# absent from an installed wheel. The database never goes here (engine.data_dir).
CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"


def read_instansi_toml(path: Path) -> dict[str, Any]:
    """Agency settings from a TOML file (data/instansi.toml); {} when absent."""
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return data.get("instansi", data) if isinstance(data.get("instansi"), dict) else data


def settings_from_toml(data: Mapping[str, Any]) -> dict[str, Any]:
    """Agency settings as stored, from data/instansi.toml's shape.

    The TOML writes predikat bounds as a table ([capaian.predikat] sangat_tinggi = 91, ...);
    the database keeps capaian.Settings.to_dict(), checked by Settings.from_dict.
    """
    from kinerja import capaian

    out = {k: v for k, v in data.items() if k != "capaian"}
    cap = dict(data.get("capaian") or {})
    predikat = cap.pop("predikat", None)
    if isinstance(predikat, Mapping):
        bands: list[list[Any]] = [
            [float(bound), str(name).replace("_", " ").title()]
            for name, bound in sorted(predikat.items(), key=lambda kv: -float(kv[1]))
        ]
        bands.append([None, "Sangat Rendah"])
        cap["predikat_bands"] = bands
    try:
        out["capaian"] = capaian.Settings.from_dict(cap).to_dict()
    except (TypeError, ValueError) as exc:
        raise StoreError(f"Pengaturan capaian di instansi.toml tidak sah: {exc}") from exc
    return out


def lock(conn: Connection, iid: int) -> None:
    """Serialise writers of one agency (PostgreSQL row lock; SQLite already holds its lock)."""
    found = conn.execute(select(Instansi.id).where(Instansi.id == iid).with_for_update()).scalar()
    if found is None:
        raise StoreError(f"Instansi {iid} tidak ada.")


def default_id(engine: Engine) -> int:
    """The first agency's id (the one a single-agency deployment has)."""
    first = _first_id(engine)
    if first is None:
        raise StoreError("Belum ada instansi: jalankan `kinerja db init` terlebih dahulu.")
    return first


def create(
    engine: Engine, kode: str, nama: str, pengaturan: dict[str, Any] | None, *, user: str
) -> int:
    """Add an agency; kode is a short unique name (e.g. "disperinaker")."""
    check_user(user)
    check_length(kode, Instansi.kode, "Kode instansi")
    check_length(nama, Instansi.nama, "Nama instansi")
    peng = {"nama": nama, "bidang": [], **(pengaturan or {})}
    with write(engine) as conn:
        akun.authorize(conn, user, "pengaturan")
        if conn.scalar(select(Instansi.id).where(Instansi.kode == kode)) is not None:
            raise StoreError(f"Instansi dengan kode {kode!r} sudah ada.")
        iid = conn.execute(
            insert(Instansi)
            .values(kode=kode, nama=nama, pengaturan=peng, dibuat=now())
            .returning(Instansi.id)
        ).scalar_one()
        add_audit(conn, user, "instansi.buat", "instansi", iid, instansi_id=iid, baru=peng)
    return int(iid)


def every(engine: Engine) -> pd.DataFrame:
    """Every agency: id, kode, nama."""
    with read(engine) as conn:
        rows = conn.execute(
            select(Instansi.id, Instansi.kode, Instansi.nama).order_by(Instansi.id)
        ).all()
    return pd.DataFrame(rows, columns=["id", "kode", "nama"])


def init(engine: Engine, toml_path: Path | None, *, user: str) -> int:
    """Make sure one agency exists (seeded from instansi.toml); return its id.

    Without toml_path: instansi.toml in data_dir() (a deployment's own, beside its database),
    else the checkout's data/instansi.toml (the demo agency; a wheel has none), else an
    agency named "Instansi".
    """
    first = _first_id(engine)
    if first is not None:
        return first
    if toml_path is None:
        candidates = [data_dir() / "instansi.toml", CHECKOUT_DATA / "instansi.toml"]
        toml_path = next((c for c in candidates if c.exists()), candidates[-1])
    data = settings_from_toml(read_instansi_toml(toml_path))
    nama = str(data.get("nama") or "Instansi")
    kode = str(data.get("kode") or re.sub(r"[^a-z0-9]+", "-", nama.lower()).strip("-")[:64])
    try:
        return create(engine, kode or "instansi", nama, data, user=user)
    except StoreError:
        first = _first_id(engine)  # another process may have seeded it first
        if first is None:
            raise
        return first


def _first_id(engine: Engine) -> int | None:
    with read(engine) as conn:
        return conn.scalar(select(Instansi.id).order_by(Instansi.id).limit(1))


def settings(engine: Engine, iid: int) -> dict[str, Any]:
    """The agency's settings (nama, bidang, kepala_dinas, capaian, ...)."""
    with read(engine) as conn:
        peng = conn.scalar(select(Instansi.pengaturan).where(Instansi.id == iid))
    if peng is None:
        raise StoreError(f"Instansi {iid} tidak ada.")
    return dict(peng)


def set_settings(
    engine: Engine, iid: int, values: Mapping[str, Any], *, user: str
) -> dict[str, Any]:
    """Merge values into the agency's settings (top-level keys replaced); audited.

    Checked here for every caller: capaian (capaian.Settings), bidang (kinerja.pengaturan:
    names unique ignoring case and spacing; a name with stored records, submissions or PK
    indicators cannot leave the list), tenggat_hari (whole days 0..366 per periode). The
    other keys are checked by the forms (kinerja.pengaturan) before they reach the store.
    """
    check_user(user)
    values = dict(values)
    if "capaian" in values:
        from kinerja import capaian

        try:
            values["capaian"] = capaian.Settings.from_dict(values["capaian"] or {}).to_dict()
        except (TypeError, ValueError) as exc:
            raise StoreError(f"Pengaturan capaian tidak sah: {exc}") from exc
    if "bidang" in values:
        values["bidang"] = _checked_bidang(values["bidang"])
    if "tenggat_hari" in values:
        from kinerja import pengaturan

        hasil = pengaturan.check_tenggat(values["tenggat_hari"] or {})
        if not hasil.ok:
            raise StoreError(" ".join(hasil.galat))
        values["tenggat_hari"] = hasil.nilai["tenggat_hari"]
    with write(engine) as conn:
        akun.authorize(conn, user, _settings_aksi(values), instansi_id=iid)
        lock(conn, iid)  # a submission under a bidang being removed waits, or is counted
        old = conn.scalar(select(Instansi.pengaturan).where(Instansi.id == iid))
        if old is None:
            raise StoreError(f"Instansi {iid} tidak ada.")
        if "bidang" in values:
            _refuse_dropping_bidang_with_data(conn, iid, old.get("bidang") or [], values["bidang"])
        new = {**old, **values}
        changed: dict[str, Any] = {"pengaturan": new}
        if new.get("nama"):
            changed["nama"] = str(new["nama"])
            check_length(changed["nama"], Instansi.nama, "Nama instansi")
        conn.execute(update(Instansi).where(Instansi.id == iid).values(**changed))
        add_audit(
            conn, user, "pengaturan.ubah", "instansi", iid, instansi_id=iid, lama=old, baru=new
        )
    return new


# Settings that belong to another job than the agency's administration: the evaluation's
# thresholds are set where the data is evaluated (SOP step 6), by those who verify.
_SETTINGS_OF: dict[str, str] = {"evaluasi": "verifikasi"}


def _settings_aksi(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The actions (kinerja.peran) that may change these settings: "pengaturan" always; the
    job's own action when every key belongs to it."""
    jobs = {_SETTINGS_OF.get(k) for k in values}
    return ("pengaturan", *(j for j in jobs if j)) if len(jobs) == 1 else ("pengaturan",)


def _checked_bidang(names: Any) -> list[str]:
    """The bidang list cleaned (kinerja.pengaturan.check_bidang), or StoreError."""
    from kinerja import pengaturan

    if not (isinstance(names, list) and all(isinstance(b, str) and b.strip() for b in names)):
        raise StoreError("Daftar bidang harus berupa daftar nama yang tidak kosong.")
    hasil = pengaturan.check_bidang(names)
    if not hasil.ok:
        raise StoreError(" ".join(hasil.galat))
    return list(hasil.nilai["bidang"])


def bidang_usage(conn: Connection, iid: int, names: list[str]) -> dict[str, dict[str, int]]:
    """What the agency stores under each name, exactly as spelled: {"rekaman" (every version),
    "kiriman" (submissions covering it), "indikator" (PK rows of any year)}; names with
    nothing stored are left out."""
    if not names:
        return {}
    counts: dict[str, dict[str, int]] = {}
    queries = {
        "rekaman": select(Rekaman.bidang, func.count())
        .where(Rekaman.instansi_id == iid, Rekaman.bidang.in_(names))
        .group_by(Rekaman.bidang),
        "kiriman": select(Cakupan.bidang, func.count(func.distinct(Cakupan.kiriman_id)))
        .join(Putaran, Putaran.id == Cakupan.putaran_id)
        .where(Putaran.instansi_id == iid, Cakupan.bidang.in_(names))
        .group_by(Cakupan.bidang),
        "indikator": select(Indikator.bidang, func.count())
        .where(Indikator.instansi_id == iid, Indikator.bidang.in_(names))
        .group_by(Indikator.bidang),
    }
    for what, q in queries.items():
        for name, n in conn.execute(q).all():
            counts.setdefault(name, {"rekaman": 0, "kiriman": 0, "indikator": 0})[what] = int(n)
    return counts


def _refuse_dropping_bidang_with_data(
    conn: Connection, iid: int, lama: list[str], baru: list[str]
) -> None:
    """A bidang leaves the list (removed, renamed or respelled: data is stored under its exact
    name) only when nothing is stored under it; else StoreError saying how much is."""
    from kinerja import pengaturan

    used = bidang_usage(conn, iid, pengaturan.bidang_hilang(lama, baru))
    if not used:
        return
    parts = []
    for name, n in used.items():
        amounts = [
            f"{n['rekaman']} data kinerja" if n["rekaman"] else "",
            f"{n['kiriman']} kiriman" if n["kiriman"] else "",
            f"{n['indikator']} indikator PK" if n["indikator"] else "",
        ]
        parts.append(f"{name!r} ({', '.join(a for a in amounts if a)})")
    raise StoreError(
        "Bidang berikut tidak dapat dihapus atau diganti namanya karena sudah ada data atas "
        f"namanya: {'; '.join(parts)}. Biarkan nama lama tetap di daftar (data lama tetap "
        "memakainya) dan tambahkan nama baru sebagai bidang tersendiri."
    )


def capaian_settings(engine: Engine, iid: int) -> Settings:
    """The agency's capaian.Settings (defaults where unset)."""
    from kinerja import capaian

    stored = settings(engine, iid).get("capaian") or {}
    return capaian.Settings.from_dict(stored) if stored else capaian.Settings()
