"""The command line's administration: staff users, the first start, imports and the audit.
Admin only except listing users and reading the audit; the services decide (the policy)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lmp_tui.cli.console import FORMATS, dump, out
from lmp_tui.domain.model import AdminAction, Role
from lmp_tui.errors import ImportProblems, InvalidInput

if TYPE_CHECKING:  # the database stack is imported when a command runs, not to build the parser
    from lmp_tui.services import BillingService
    from lmp_tui.storage.db import Database

ROLES = tuple(r.value for r in Role)
#: the import kinds in the order a first start imports them (lmp_tui.commands.admin.IMPORT_ORDER, which a
#: test compares; named here so that building the parser does not import pydantic's row models)
IMPORT_ORDER: tuple[str, ...] = ("regions", "products", "partners", "prices", "codes", "usage")


def add_admin_parsers(sub: Any, cmd: Callable[..., argparse.ArgumentParser], positive: Callable[[str], int]) -> None:
    u = cmd(sub, "users", "list the staff users of your distributor; an admin adds and changes them", _users)
    u.add_argument("--format", choices=FORMATS, default="table")
    us = u.add_subparsers(dest="users_command", metavar="ACTION")
    s = cmd(
        us,
        "add",
        "add a staff user (admin; an operator only on the server itself)",
        lambda svc, a: _user_done(svc.add_user(a.name, a.role), "added"),
    )
    s.add_argument("name")
    s.add_argument("--role", required=True, choices=ROLES)
    s = cmd(
        us,
        "set-role",
        "change a staff user's role (admin; operator only on the server itself)",
        lambda svc, a: _user_done(svc.set_role(a.name, a.role), "now has the role"),
    )
    s.add_argument("name")
    s.add_argument("role", choices=ROLES)
    s = cmd(
        us,
        "disable",
        "disable a staff user: it can do nothing until enabled (admin)",
        lambda svc, a: _user_done(svc.disable_user(a.name), "is disabled"),
    )
    s.add_argument("name")
    s = cmd(
        us,
        "enable",
        "enable a disabled staff user again (admin)",
        lambda svc, a: _user_done(svc.enable_user(a.name), "is enabled"),
    )
    s.add_argument("name")

    s = cmd(us, "add-key", "add an OpenSSH public key that signs the user in to serve-ssh (admin)", _add_key)
    s.add_argument("name")
    s.add_argument("file", metavar="FILE", help="the user's public key file (.pub); - reads it from standard input")
    s = cmd(
        us,
        "remove-key",
        "remove one of a user's SSH keys, named by its fingerprint (admin)",
        lambda svc, a: _key_done(svc.remove_key(a.name, a.fingerprint), a.name, "removed from"),
    )
    s.add_argument("name")
    s.add_argument("fingerprint", metavar="FINGERPRINT", help="SHA256:… as `users show NAME` lists it")
    s = cmd(us, "show", "a staff user and its SSH keys (admin)", _show_user)
    s.add_argument("name")
    s.add_argument("--format", choices=FORMATS, default="table")

    s = cmd(sub, "init", "first start: create the database, your distributor and its first admin", init_database)
    s.add_argument("--distributor", required=True, metavar="NAME", help="your company's name")
    s.add_argument("--admin", required=True, metavar="LOGIN", help="the first admin's login name")

    imp = cmd(
        sub,
        "import",
        "import a CSV file of regions, products, partners, prices, codes or usage (admin; "
        "regions, products, prices and general codes: operator)",
        _import,
    )
    imp.add_argument("kind", choices=IMPORT_ORDER, metavar="KIND", help=", ".join(IMPORT_ORDER))
    imp.add_argument("file", metavar="FILE", help="UTF-8 CSV with a header row")
    imp.add_argument("--cycle", metavar="YYYY-MM", help="the report cycle of a usage file")
    imp.add_argument("--dry-run", action="store_true", help="check the file and print what would change; write nothing")
    imp.add_argument("--format", choices=FORMATS, default="table")

    s = cmd(sub, "audit", "the history of administration: users, reference data, imports", _audit)
    s.add_argument("--limit", type=positive, default=200)
    s.add_argument("--format", choices=FORMATS, default="table")


def _users(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render

    users = svc.users()
    if args.format == "json":
        dump([render.user_json(u) for u in users])
    else:
        out(
            render.table(
                ("Name", "Role", "Enabled", "Distributor"),
                ((u.name, u.role.value, "yes" if u.enabled else "no", u.distributor) for u in users),
            )
        )
    return 0


def _user_done(user: Any, what: str) -> int:
    if what == "added":
        what = f"added as {user.role.value} at {user.distributor}"
    elif what == "now has the role":
        what = f"now has the role {user.role.value}"
    out(f"Staff user {user.name} {what}.")
    return 0


#: the most `users add-key` reads: a public key is one line of a few hundred bytes
KEY_LIMIT_BYTES = 16_384


def _add_key(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.commands.import_files import InputLimit, read_text

    svc.allowed(AdminAction.ADD_KEY, name=args.name)  # before the key is read (standard input may wait)
    limit = InputLimit(
        KEY_LIMIT_BYTES, "give the user's public key, the file ending in .pub (one line). Nothing was changed."
    )
    return _key_done(svc.add_key(args.name, read_text(args.file, "public key", limit)), args.name, "added to")


def _key_done(key: Any, name: str, what: str) -> int:
    out(f"Key {key.fingerprint} ({key.algorithm}{' ' + key.comment if key.comment else ''}) {what} {name}.")
    return 0


def _show_user(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render

    user, keys = svc.show_user(args.name)
    if args.format == "json":
        dump(
            {
                **render.user_json(user),
                "enabled": user.enabled,
                "keys": [
                    {
                        "fingerprint": k.fingerprint,
                        "algorithm": k.algorithm,
                        "comment": k.comment,
                        "added_at": k.added_at.isoformat(),
                    }
                    for k in keys
                ],
            }
        )
        return 0
    out(
        f"{user.name}: {user.role.value} at {user.distributor}, {'enabled' if user.enabled else 'disabled'}; "
        f"{len(keys)} SSH key(s)"
    )
    if keys:
        out(
            render.table(
                ("Fingerprint", "Kind", "Comment", "Added (UTC)"),
                ((k.fingerprint, k.algorithm, k.comment, f"{k.added_at:%Y-%m-%d %H:%M}") for k in keys),
            )
        )
    return 0


def init_database(db: Database, args: argparse.Namespace) -> int:
    from lmp_tui.services import initialise

    db.upgrade()
    user = initialise(db, args.distributor, args.admin)
    out(
        f"{db.display_url} is ready for {user.distributor}; its first admin is {user.name}. Next: sign in as "
        f"{user.name} (--user {user.name}), add staff (lmp-tui users add NAME --role billing) and import your "
        "regions, products, partners, prices, codes and usage (lmp-tui import KIND FILE). Regions, products, "
        "prices and general codes are shared by every distributor and need an operator: on this machine, "
        f"`lmp-tui users set-role {user.name} operator` makes one."
    )
    return 0


def _import(svc: BillingService, args: argparse.Namespace) -> int:
    import re
    from pathlib import Path

    from lmp_tui.cli.progress import progress_bar
    from lmp_tui.commands.import_files import by_line, import_limit, read_rows
    from lmp_tui.commands.validation import parse_cycle
    from lmp_tui.domain.policy import import_action
    from lmp_tui.settings import Settings

    svc.allowed(import_action(args.kind))  # before the file is opened: a refusal reads nothing
    cycle = args.cycle and parse_cycle(args.cycle)
    named = re.search(r"(?<![0-9])(20[0-9]{2})-?(0[1-9]|1[0-2])(?![0-9])", Path(args.file).name)
    if cycle and named and f"{named[1]}-{named[2]}" != cycle:
        raise InvalidInput(
            f"The file name {Path(args.file).name} says {named[1]}-{named[2]}, but --cycle is {cycle}; "
            "give the cycle the file is for (or rename the file if --cycle is right)."
        )
    with progress_bar() as bar:  # for files of more than a few thousand rows (PROGRESS_FROM)
        rows, problems = read_rows(
            Path(args.file), args.kind, progress=bar, limit=import_limit(Settings.load().max_input_mb)
        )
        if rows:  # the database's checks of the good rows, listed with the file's problems in one round
            try:
                result = svc.import_rows(
                    args.kind,
                    "standard input" if args.file == "-" else args.file,
                    rows,
                    cycle=cycle,
                    dry_run=args.dry_run or bool(problems),
                    progress=bar,
                )
            except ImportProblems as err:
                problems += err.problems
    if problems:
        raise ImportProblems(by_line(problems))
    if args.format == "json":
        dump(result.as_json())
        return 0
    for line in result.changes[:100] if result.dry_run else ():
        out(f"  {line}")
    if result.dry_run and len(result.changes) > 100:
        out(f"  …and {len(result.changes) - 100:,} more change(s) (--format json lists them all)")
    counts = (
        "; ".join(
            f"{name}: {c.created:,} created, {c.updated:,} updated, {c.unchanged:,} unchanged"
            for name, c in result.counts.items()
        )
        or "nothing in it"
    )
    if not any(c.created or c.updated for c in result.counts.values()):
        out(f"{args.file} ({args.kind}): nothing to change; {counts}.")
    elif result.dry_run:
        out(f"{args.file} ({args.kind}) would change: {counts}. Nothing was written (dry run).")
    else:
        out(f"{args.file} ({args.kind}) imported: {counts}.")
    return 0


def _audit(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render

    entries = svc.admin_history(args.limit)
    if args.format == "json":
        dump(
            [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "subject": e.subject,
                    "key": e.key,
                    "action": e.action,
                    "detail": e.detail,
                    "shared": e.shared,
                }
                for e in entries
            ]
        )
        return 0
    out(
        render.table(
            ("When (UTC)", "Who", "What", "Which", "Change"),
            (
                (
                    f"{e.at:%Y-%m-%d %H:%M}",
                    e.actor,
                    f"{e.subject} {e.action}{' (shared)' if e.shared else ''}",
                    e.key,
                    e.detail,
                )
                for e in entries
            ),
        )
    )
    return 0
