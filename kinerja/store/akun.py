"""Accounts: argon2 password hashes, sign-in with throttle and lock, the role check of writes."""

# Until the first account is made a deployment works as before: authorize() lets everything
# through and every user name is taken as given. The first account must be an admin; from then
# on every write names an active account whose role may take the action ("sistem", the
# seeding's user, is then refused like any unknown name).
#
# Sign-in: after the 3rd consecutive failure the next attempt waits min(2**(gagal-3), 60)
# seconds; the 10th consecutive failure locks the account until an admin unlocks it or sets a
# new password. Passwords and hashes never reach the audit log or a message.

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, true, update
from sqlalchemy.engine import Connection, Engine

from kinerja import bidang as bidang_mod
from kinerja import peran as peran_mod
from kinerja.store.engine import StoreError, read, write
from kinerja.store.tables import Akun as AkunRow
from kinerja.store.tables import Instansi, add_audit, check_length, now

HASHER = PasswordHasher()
"""The hasher (argon2id, the library's current defaults); tests swap in cheaper parameters."""

MIN_PASSWORD = 8
THROTTLE_AFTER = 3  # failures before attempts are spaced out
MAX_WAIT_S = 60
LOCK_AFTER = 10
DEMO_PASSWORD = "demo"
SISTEM = "sistem"  # the user of the command line and the seeding while there is no account

SALAH = "Nama pengguna atau kata sandi salah."
TERKUNCI = f"Akun terkunci setelah {LOCK_AFTER} kali gagal; minta admin membukanya."

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,99}")
USER_COLUMNS = ["username", "peran", "bidang", "email", "aktif", "terkunci", "terakhir_masuk"]


@dataclass(frozen=True)
class Akun:
    """A signed-in or looked-up account (never its hash)."""

    username: str
    peran: str
    bidang: str | None
    email: str | None
    aktif: bool
    instansi_id: int | None


def _akun(row: Any) -> Akun:
    return Akun(row.username, row.peran, row.bidang, row.email, row.aktif, row.instansi_id)


def normal(username: str) -> str:
    """A user name as stored: trimmed, lowercased."""
    return username.strip().lower()


def demo_username(peran: str, nama_bidang: str) -> str:
    """kabid_perindustrian for ("kabid", "Bidang Perindustrian")."""
    slug = nama_bidang.strip().removeprefix("Bidang ").lower()
    return f"{peran}_{'_'.join(slug.split())}"


# --- reading --------------------------------------------------------------------------------


def any_accounts(conn: Connection) -> bool:
    return conn.scalar(select(AkunRow.id).limit(1)) is not None


def has_accounts(engine: Engine) -> bool:
    with read(engine) as conn:
        return any_accounts(conn)


def _row(conn: Connection, username: str, *, lock: bool = False) -> Any:
    """The account's row (its columns as attributes), or None."""
    q = select(AkunRow).where(AkunRow.username == normal(username))
    if lock:
        q = q.with_for_update()
    return conn.execute(q).first()


def account(engine: Engine, username: str) -> Akun | None:
    with read(engine) as conn:
        row = _row(conn, username)
    return None if row is None else _akun(row)


def account_by_email(engine: Engine, email: str) -> Akun | None:
    with read(engine) as conn:
        found = conn.execute(select(AkunRow).where(AkunRow.email == email.strip().lower())).first()
    return None if found is None else _akun(found)


def users(engine: Engine, *, instansi_id: int | None) -> pd.DataFrame:
    """Accounts (of instansi_id and the deployment-wide ones, or every one): USER_COLUMNS."""
    q = select(*(getattr(AkunRow, c) for c in USER_COLUMNS)).order_by(AkunRow.username)
    if instansi_id is not None:
        q = q.where((AkunRow.instansi_id == instansi_id) | AkunRow.instansi_id.is_(None))
    with read(engine) as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=USER_COLUMNS)


# --- authorization ----------------------------------------------------------------------------


def _known(conn: Connection, user: str) -> Any:
    row = _row(conn, user)
    if row is None:
        raise StoreError(f"Pengguna '{user}' tidak dikenal.")
    if not row.aktif:
        raise StoreError(f"Pengguna '{user}' nonaktif.")
    return row


def authorize(
    conn: Connection,
    user: str,
    aksi: str | Iterable[str],
    *,
    bidang: str | Iterable[str] | None = None,
    instansi_id: int | None = None,
) -> None:
    """StoreError unless user's account may take one of aksi (kinerja.peran), in conn's
    transaction; nothing is checked while there is no account.

    bidang: the bidang the action touches; a kabid or staf passes "unggah_bidang" or
    "jawab_tanda" only when each of them is the account's own bidang."""
    if not any_accounts(conn):
        return
    row = _known(conn, user)
    if row.instansi_id is not None and instansi_id is not None and row.instansi_id != instansi_id:
        raise StoreError(f"Akun '{row.username}' tidak terdaftar untuk instansi ini.")
    choices = [aksi] if isinstance(aksi, str) else list(aksi)
    if "unggah_bidang" in choices and "unggah" not in choices:
        choices.append("unggah")  # who may upload for any bidang may for one
    names = [bidang] if isinstance(bidang, str) else list(bidang or [])
    for a in choices:
        if not peran_mod.boleh(row.peran, a):
            continue
        if row.peran in peran_mod.PERAN_BIDANG and a in ("unggah_bidang", "jawab_tanda"):
            lain = [b for b in names if bidang_mod.match(b, [row.bidang or ""]) is None]
            if lain:
                raise StoreError(
                    f"Peran {peran_mod.PERAN[row.peran]} hanya boleh {peran_mod.AKSI[a]} "
                    f"({row.bidang}); {', '.join(sorted(set(lain)))} bukan bidangnya."
                )
        return
    raise StoreError(peran_mod.alasan_ditolak(row.peran, choices[0]))


def check(
    engine: Engine,
    user: str,
    aksi: str,
    *,
    bidang: str | None = None,
    instansi_id: int | None = None,
) -> None:
    """authorize() in a transaction of its own (pages ask before they offer an action)."""
    with read(engine) as conn:
        authorize(conn, user, aksi, bidang=bidang, instansi_id=instansi_id)


def visible_bidang(engine: Engine, user: str) -> list[str] | None:
    """The bidang user may see: None (all) while there is no account or for a role that sees
    everything; [its bidang] for a kabid or staf; StoreError for an unknown or disabled user."""
    with read(engine) as conn:
        if not any_accounts(conn):
            return None
        row = _known(conn, user)
    if peran_mod.boleh(row.peran, "lihat"):
        return None
    return [row.bidang] if row.bidang else []


# --- changing accounts ------------------------------------------------------------------------


def _serialise(conn: Connection) -> None:
    """One account writer at a time (the first-account rule); SQLite already holds its lock."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7285402)")


def _check_password(password: str, username: str, *, demo: bool) -> None:
    if demo and password == DEMO_PASSWORD:
        return
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"Kata sandi paling sedikit {MIN_PASSWORD} karakter.")
    if password.strip().lower() == normal(username):
        raise StoreError("Kata sandi tidak boleh sama dengan nama pengguna.")


def _agency_bidang(conn: Connection, instansi_id: int | None) -> list[str]:
    q = select(Instansi.pengaturan).order_by(Instansi.id).limit(1)
    if instansi_id is not None:
        q = select(Instansi.pengaturan).where(Instansi.id == instansi_id)
    peng = conn.scalar(q)
    if peng is None:
        raise StoreError("Belum ada instansi: jalankan `kinerja db init` terlebih dahulu.")
    return list(peng.get("bidang") or [])


def add_user(
    engine: Engine,
    username: str,
    password: str,
    *,
    peran: str,
    bidang: str | None,
    email: str | None,
    user: str,
    instansi_id: int | None,
    demo: bool = False,
) -> int:
    """A new account; the first must be an admin (made by anyone), later ones by an admin."""
    name = normal(username)
    if not _USERNAME.fullmatch(name):
        raise StoreError(
            "Nama pengguna 2-100 karakter: huruf kecil, angka, titik, garis bawah atau tanda "
            "hubung, diawali huruf atau angka."
        )
    if name == SISTEM:
        raise StoreError(f"Nama pengguna '{SISTEM}' dicadangkan untuk sistem.")
    if peran not in peran_mod.PERAN:
        pilihan = ", ".join(peran_mod.PERAN)
        raise StoreError(f"Peran {peran!r} tidak dikenal; pilih salah satu: {pilihan}.")
    _check_password(password, name, demo=demo)
    mail = email.strip().lower() if email and email.strip() else None
    if mail is not None:
        check_length(mail, AkunRow.email, "Surel")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", mail):
            raise StoreError(f"Surel {mail!r} tidak sah.")
    hashed = HASHER.hash(password)
    with write(engine) as conn:
        _serialise(conn)
        if any_accounts(conn):
            authorize(conn, user, "akun", instansi_id=instansi_id)
        elif peran != "admin":
            raise StoreError(
                "Akun pertama harus admin: buat dulu dengan `kinerja user add --role admin NAMA`."
            )
        nama_bidang: str | None = None
        if peran in peran_mod.PERAN_BIDANG:
            if not bidang or not bidang.strip():
                raise StoreError(f"Peran {peran_mod.PERAN[peran]} harus menyebut bidangnya.")
            daftar = _agency_bidang(conn, instansi_id)
            nama_bidang = bidang_mod.match(bidang, daftar)
            if nama_bidang is None:
                raise StoreError(bidang_mod.tidak_dikenal(bidang, daftar, "pada akun"))
        elif bidang and bidang.strip():
            raise StoreError(
                f"Peran {peran_mod.PERAN[peran]} tidak terikat pada satu bidang; "
                "bidang hanya untuk Kepala Bidang dan Staf."
            )
        if _row(conn, name) is not None:
            raise StoreError(f"Nama pengguna '{name}' sudah dipakai.")
        if mail is not None and conn.scalar(select(AkunRow.id).where(AkunRow.email == mail)):
            raise StoreError(f"Surel {mail!r} sudah dipakai akun lain.")
        at = now()
        aid = conn.execute(
            insert(AkunRow)
            .values(
                instansi_id=instansi_id,
                username=name,
                password_hash=hashed,
                peran=peran,
                bidang=nama_bidang,
                email=mail,
                aktif=True,
                gagal=0,
                coba_lagi=None,
                terkunci=False,
                dibuat=at,
                diubah=at,
                terakhir_masuk=None,
            )
            .returning(AkunRow.id)
        ).scalar_one()
        add_audit(
            conn,
            user,
            "akun.buat",
            "akun",
            aid,
            instansi_id=instansi_id,
            baru={"username": name, "peran": peran, "bidang": nama_bidang, "email": mail},
        )
    return int(aid)


def _target(conn: Connection, username: str) -> Any:
    row = _row(conn, username, lock=True)
    if row is None:
        raise StoreError(f"Pengguna '{username}' tidak dikenal.")
    return row


def disable_user(engine: Engine, username: str, *, user: str) -> None:
    """Disable an account (admins only); the last active admin cannot be disabled."""
    with write(engine) as conn:
        _serialise(conn)
        row = _target(conn, username)
        authorize(conn, user, "akun", instansi_id=row.instansi_id)
        if row.peran == "admin" and row.aktif:
            admins = conn.scalar(
                select(func.count()).where(AkunRow.peran == "admin", AkunRow.aktif == true())
            )
            if int(admins or 0) <= 1:
                raise StoreError("Admin aktif terakhir tidak dapat dinonaktifkan.")
        conn.execute(update(AkunRow).where(AkunRow.id == row.id).values(aktif=False, diubah=now()))
        add_audit(
            conn,
            user,
            "akun.nonaktif",
            "akun",
            row.id,
            instansi_id=row.instansi_id,
            lama={"aktif": row.aktif},
            baru={"username": row.username, "aktif": False},
        )


def set_password(engine: Engine, username: str, password: str, *, user: str) -> None:
    """A new password (by an admin, or by the account itself); also unlocks the account."""
    name = normal(username)
    _check_password(password, name, demo=False)
    hashed = HASHER.hash(password)
    with write(engine) as conn:
        _serialise(conn)
        row = _target(conn, name)
        if normal(user) != row.username:
            authorize(conn, user, "akun", instansi_id=row.instansi_id)
        else:
            _known(conn, user)
        conn.execute(
            update(AkunRow)
            .where(AkunRow.id == row.id)
            .values(password_hash=hashed, gagal=0, coba_lagi=None, terkunci=False, diubah=now())
        )
        add_audit(
            conn,
            user,
            "akun.sandi",
            "akun",
            row.id,
            instansi_id=row.instansi_id,
            baru={"username": row.username},
        )


def unlock_user(engine: Engine, username: str, *, user: str) -> None:
    """Clear an account's failed attempts and lock (admins only)."""
    with write(engine) as conn:
        _serialise(conn)
        row = _target(conn, username)
        authorize(conn, user, "akun", instansi_id=row.instansi_id)
        conn.execute(
            update(AkunRow)
            .where(AkunRow.id == row.id)
            .values(gagal=0, coba_lagi=None, terkunci=False, diubah=now())
        )
        add_audit(
            conn,
            user,
            "akun.buka",
            "akun",
            row.id,
            instansi_id=row.instansi_id,
            lama={"gagal": row.gagal, "terkunci": row.terkunci},
            baru={"username": row.username, "gagal": 0, "terkunci": False},
        )


# --- signing in -------------------------------------------------------------------------------

# Verified against when the name is unknown, so that an unknown name costs as long as a wrong
# password (the answer is the same: nobody learns which names exist).
_DUMMY_HASH: str | None = None


def _dummy_verify(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash("bukan-kata-sandi-siapa-pun")
    with contextlib.suppress(VerificationError, InvalidHashError):
        HASHER.verify(_DUMMY_HASH, password)


def authenticate(
    engine: Engine, username: str, password: str, *, now_: dt.datetime | None = None
) -> Akun:
    """The account, when the password is right; else StoreError (see the module docstring).

    A failure is counted in its own committed transaction before the refusal leaves."""
    at = now_ or now()
    refusal: str | None = None
    with write(engine) as conn:
        row = _row(conn, username, lock=True)
        if row is None:
            _dummy_verify(password)
            raise StoreError(SALAH)
        if row.terkunci:
            raise StoreError(TERKUNCI)
        if row.coba_lagi is not None and at < row.coba_lagi:
            wait = math.ceil((row.coba_lagi - at).total_seconds())
            raise StoreError(f"Terlalu banyak percobaan; coba lagi dalam {wait} detik.")
        try:
            HASHER.verify(row.password_hash, password)
            ok = True
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            gagal = row.gagal + 1
            values: dict[str, object] = {"gagal": gagal, "coba_lagi": None}
            refusal = SALAH
            if gagal >= LOCK_AFTER:
                values["terkunci"] = True
                refusal = TERKUNCI
                add_audit(
                    conn,
                    row.username,
                    "akun.terkunci",
                    "akun",
                    row.id,
                    instansi_id=row.instansi_id,
                    baru={"username": row.username, "gagal": gagal},
                )
            elif gagal >= THROTTLE_AFTER:
                wait_s = min(2 ** (gagal - THROTTLE_AFTER), MAX_WAIT_S)
                values["coba_lagi"] = at + dt.timedelta(seconds=wait_s)
            conn.execute(update(AkunRow).where(AkunRow.id == row.id).values(**values))
        elif not row.aktif:
            refusal = "Akun ini nonaktif; hubungi admin."
        else:
            values = {"gagal": 0, "coba_lagi": None, "terakhir_masuk": at}
            if HASHER.check_needs_rehash(row.password_hash):
                values["password_hash"] = HASHER.hash(password)
            conn.execute(update(AkunRow).where(AkunRow.id == row.id).values(**values))
            found = _akun(row)
    if refusal is not None:
        raise StoreError(refusal)
    return found
