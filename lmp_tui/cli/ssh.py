"""The command line's SSH side: ``serve-ssh`` (its options and start), and what a command
sent over SSH may not do (the server decides the user, the database and the files)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lmp_tui.errors import InvalidInput
from lmp_tui.ssh.gate import DEFAULT_LOGIN_GRACE_S, DEFAULT_STARTUPS, DEFAULT_STARTUPS_PER_SOURCE

if TYPE_CHECKING:
    from lmp_tui.settings import Settings
    from lmp_tui.storage.db import Database


def add_ssh_parser(sub: Any, cmd: Callable[..., argparse.ArgumentParser], positive: Callable[[str], int]) -> None:
    s = cmd(sub, "serve-ssh", "serve lmp-tui to staff over SSH: their key decides who they are", serve_ssh)
    s.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:2222", help="default 127.0.0.1:2222")
    s.add_argument(
        "--host-key",
        metavar="PATH",
        help="the server's private host key (default: made on first start in the data directory)",
    )
    s.add_argument("--max-sessions", type=positive, default=50, metavar="N", help="sessions at once (default 50)")
    s.add_argument(
        "--max-per-user", type=positive, default=5, metavar="N", help="sessions at once per staff user (default 5)"
    )
    s.add_argument(
        "--max-startups",
        type=positive,
        default=DEFAULT_STARTUPS,
        metavar="N",
        help=f"connections not signed in yet, at once (default {DEFAULT_STARTUPS}); more are closed at once",
    )
    s.add_argument(
        "--max-startups-per-source",
        type=positive,
        default=DEFAULT_STARTUPS_PER_SOURCE,
        metavar="N",
        help=f"the same, from one client address (default {DEFAULT_STARTUPS_PER_SOURCE})",
    )
    s.add_argument(
        "--login-grace-seconds",
        type=_grace,
        default=DEFAULT_LOGIN_GRACE_S,
        metavar="N",
        help=f"close a connection that has not signed in after N seconds (default {DEFAULT_LOGIN_GRACE_S:g})",
    )
    s.add_argument(
        "--idle-minutes",
        type=_minutes,
        default="30",
        metavar="N",  # text: argparse converts it
        help="close a terminal session after N minutes without a key (default 30)",
    )


def _between(text: str, low: str, high: str, unit: str) -> float:
    """A number typed for a timer (a float: not money), within ``low`` … ``high``."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal(0)
    if not value.is_finite() or not Decimal(low) <= value <= Decimal(high):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of {unit} between {low} and {high}")
    return float(value)


def _grace(text: str) -> float:
    return _between(text, "1", "600", "seconds")


def _minutes(text: str) -> float:
    return _between(text, "0.01", "10000", "minutes") * 60  # seconds


def serve_ssh(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from lmp_tui.ssh.server import Limits, parse_listen, serve

    try:
        parse_listen(args.listen)
    except ValueError as err:
        raise InvalidInput(str(err)) from None
    limits = Limits(
        sessions=args.max_sessions,
        per_user=args.max_per_user,
        idle_s=args.idle_minutes,
        startups=args.max_startups,
        startups_per_source=args.max_startups_per_source,
        login_grace_s=args.login_grace_seconds,
        input_mb=settings.max_input_mb,
    )
    return serve(
        db,
        db.engine.url.render_as_string(hide_password=False),
        settings.data_dir,
        listen=args.listen,
        host_key_path=Path(args.host_key) if args.host_key else None,
        limits=limits,
        busy_timeout_s=settings.busy_timeout_s,
    )


#: what a command sent over SSH may not do: the server decides the user and the database,
#: and only the server's operator makes, migrates or serves databases
_SSH_REFUSED_COMMANDS = {"db", "demo", "init", "serve-ssh"}


def ssh_checks(args: argparse.Namespace) -> None:
    from lmp_tui.domain.policy import over_ssh

    if not over_ssh():
        return
    for option in ("db", "user"):
        if hasattr(args, option):
            raise InvalidInput(
                f"--{option} is decided by the server over SSH: your key says who you are, and the "
                "server which database. Leave the option out."
            )
    if args.demo:
        raise InvalidInput("--demo is not available over SSH: the server decides the database.")
    if args.command is None and not sys.stdout.isatty():
        raise InvalidInput(
            "The interface needs a terminal: connect with ssh -t HOST, or give a command (e.g. reports --format json)."
        )
    if args.command in _SSH_REFUSED_COMMANDS:
        raise InvalidInput(f"`{args.command}` runs on the server itself, not over SSH; ask whoever runs the server.")
    for name in ("file",):
        value = getattr(args, name, None)
        if value is not None and value != "-":
            raise InvalidInput(
                "Over SSH a file is sent on standard input: give - instead of the file's name, e.g. "
                "`ssh HOST import usage - --cycle 2026-10 < usage.csv`."
            )
