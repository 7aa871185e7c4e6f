"""`kinerja user`: add, list, disable, unlock accounts and set their passwords."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kinerja.cli import (
    Parser,
    _connect,
    _dump_json,
    _echo,
    _plain,
    _safe,
    _store_command,
    _store_options,
    _user,
    _wib,
)
from kinerja.peran import PERAN, PERAN_BIDANG

TANPA_AKUN = "Belum ada akun: semua perintah berjalan tanpa pemeriksaan peran."


def register(sub: Any) -> None:
    u = sub.add_parser("user", help="akun pengguna dan perannya (add, list, disable, passwd)")
    usub = u.add_subparsers(dest="user_command", metavar="PERINTAH", parser_class=Parser)
    usub.required = True
    who = "nama pengguna yang menjalankan (admin; bawaan: pengguna sistem)"

    a = usub.add_parser(
        "add",
        help="buat akun; kata sandi ditanya dua kali, atau dibaca satu baris dari stdin",
    )
    _store_options(a)
    a.add_argument("--role", required=True, choices=list(PERAN), help="peran akun")
    bidang_roles = " dan ".join(sorted(PERAN_BIDANG))
    a.add_argument("--bidang", help=f"bidang akun (wajib untuk {bidang_roles})")
    a.add_argument("--email", help="surel (untuk masuk lewat SSO)")
    a.add_argument("--user", default=None, help=who)
    a.add_argument("username", metavar="USERNAME")
    a.set_defaults(func=cmd_user_add)

    ls = usub.add_parser("list", help="daftar akun")
    _store_options(ls)
    ls.set_defaults(func=cmd_user_list)

    for name, help_, func in (
        ("disable", "nonaktifkan akun", cmd_user_disable),
        ("unlock", "buka akun yang terkunci", cmd_user_unlock),
    ):
        p = usub.add_parser(name, help=help_)
        _store_options(p)
        p.add_argument("--user", default=None, help=who)
        p.add_argument("username", metavar="USERNAME")
        p.set_defaults(func=func)

    pw = usub.add_parser("passwd", help="ganti kata sandi (juga membuka kunci akun)")
    _store_options(pw)
    pw.add_argument("--user", default=None, help="yang menjalankan (bawaan: akun itu sendiri)")
    pw.add_argument("username", metavar="USERNAME")
    pw.set_defaults(func=cmd_user_passwd)


def read_password() -> str | None:
    """The new password: asked twice on a terminal (never echoed), else the first line of
    standard input. None, with a message, when it was empty or the two did not match."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Kata sandi baru: ")
        if first != getpass.getpass("Ulangi kata sandi: "):
            _echo("Kata sandi tidak sama; tidak ada yang diubah.", err=True)
            return None
        password = first
    else:
        password = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
    if not password:
        _echo("Kata sandi kosong; tidak ada yang diubah.", err=True)
        return None
    return password


@_store_command
def cmd_user_add(args: argparse.Namespace) -> int:
    store, iid = _connect(args, create=True)
    try:
        store.init(user=_user(args))  # the agency a kabid's or staf's bidang is checked in
        password = read_password()
        if password is None:
            return 1
        store.add_user(
            args.username,
            password,
            peran=args.role,
            bidang=args.bidang,
            email=args.email,
            user=_user(args),
            instansi_id=iid,
        )
        made = store.account(args.username)
    finally:
        store.close()
    assert made is not None
    if args.json:
        _dump_json({"ok": True, "username": made.username, "peran": made.peran,
                    "bidang": made.bidang})  # fmt: skip
    else:
        where = f", bidang {_safe(made.bidang)}" if made.bidang else ""
        _echo(f"Akun '{made.username}' ({PERAN[made.peran]}{where}) dibuat.")
    return 0


@_store_command
def cmd_user_list(args: argparse.Namespace) -> int:
    store, iid = _connect(args)
    try:
        frame = store.users(instansi_id=iid)
    finally:
        store.close()
    if args.json:
        _dump_json([{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")])
        return 0
    if frame.empty:
        _echo(TANPA_AKUN)
        return 0
    for r in frame.to_dict("records"):
        state = "aktif" if r["aktif"] else "NONAKTIF"
        if r["terkunci"]:
            state += ", TERKUNCI"
        masuk = _wib(r["terakhir_masuk"]) if _plain(r["terakhir_masuk"]) else "belum pernah masuk"
        extra = "".join(f"  {_safe(r[k])}" for k in ("bidang", "email") if _plain(r[k]))
        _echo(f"{r['username']}  {PERAN.get(r['peran'], r['peran'])}{extra}  {state}  {masuk}")
    return 0


def _done(args: argparse.Namespace, message: str) -> int:
    if args.json:
        from kinerja.store.akun import normal

        _dump_json({"ok": True, "username": normal(args.username)})
    else:
        _echo(message)
    return 0


@_store_command
def cmd_user_disable(args: argparse.Namespace) -> int:
    store, _ = _connect(args)
    try:
        store.disable_user(args.username, user=_user(args))
    finally:
        store.close()
    return _done(args, f"Akun '{_safe(args.username)}' dinonaktifkan.")


@_store_command
def cmd_user_unlock(args: argparse.Namespace) -> int:
    store, _ = _connect(args)
    try:
        store.unlock_user(args.username, user=_user(args))
    finally:
        store.close()
    return _done(args, f"Akun '{_safe(args.username)}' dibuka kembali.")


@_store_command
def cmd_user_passwd(args: argparse.Namespace) -> int:
    store, _ = _connect(args)
    try:
        if store.account(args.username) is None:
            from kinerja.store import StoreError

            raise StoreError(f"Pengguna '{args.username}' tidak dikenal.")
        password = read_password()
        if password is None:
            return 1
        store.set_password(args.username, password, user=args.user or args.username)
    finally:
        store.close()
    return _done(args, f"Kata sandi akun '{_safe(args.username)}' diganti.")
