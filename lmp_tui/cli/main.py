"""The command line: ``lmp-tui`` (the terminal interface) and the commands support desks
and scripts use. Any failure is one sentence on stderr and exit status 1 (a mistyped
command line: argparse's usage and status 2), never a traceback; a refused command changes
nothing. Text from the database is printed through :mod:`lmp_tui.safetext`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from lmp_tui.cli.admin import add_admin_parsers, init_database
from lmp_tui.cli.console import FORMATS, FORMATS_ROWS, dump, out
from lmp_tui.cli.ssh import add_ssh_parser, serve_ssh, ssh_checks
from lmp_tui.domain.sorting import DEFAULT_SORT, SORT_KEYS
from lmp_tui.errors import MAX_PROBLEMS, ImportProblems, InvalidInput, LmpError
from lmp_tui.safetext import display_text

if TYPE_CHECKING:  # imported when a command runs: the interface paints before the database stack loads
    from lmp_tui.services import BillingService
    from lmp_tui.storage.db import Database

#: the largest report number (lmp_tui.commands.validation.MAX_ID, which a test compares)
MAX_ID = 2**31 - 1


def _number(what: str, low: int = 1, high: int = 2**63 - 1) -> Callable[[str], int]:
    """An argparse type: ASCII digits only (``int()`` would take other scripts' digits)."""

    def parse(text: str) -> int:
        from lmp_tui.commands.validation import parse_whole

        try:
            return parse_whole(text.strip().removeprefix("#"), what, low=low, high=high)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return parse


_report_id = _number("The report number", high=MAX_ID)
_positive = _number("The number", high=1_000_000_000)
_line_no = _number("The line number", high=1_000_000)
_seed = _number("The seed", low=0)


class _Parser(argparse.ArgumentParser):
    """argparse, with its messages (which quote what was typed) made harmless to print."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {display_text(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="SQLAlchemy database URL (default: $LMP_DATABASE_URL or SQLite in the user data dir)",
    )
    common.add_argument(
        "--user",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="staff user to act as (default: $LMP_USER or your login name)",
    )
    p = _Parser(
        prog="lmp-tui", parents=[common], description="Review, price, submit or reject partners' billing reports."
    )
    p.add_argument("--demo", action="store_true", help="use the demo database (created on first use)")
    p.add_argument("--open", metavar="ID", type=_report_id, help="start in this billing report")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(parent: Any, name: str, help: str, func: Callable[..., int]) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, help=help, parents=[common], description=help)
        sp.set_defaults(func=func)
        return sp

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    cmd(db, "upgrade", "apply the database migrations", _db_upgrade)

    d = cmd(sub, "demo", "write the demo database (never the default database)", _demo)
    d.add_argument("--seed", type=_seed, default=7)
    d.add_argument("--partners", type=_positive, default=36)
    d.add_argument("--cycles", type=_positive, default=6)
    d.add_argument("--last-cycle", default="2026-10", help="the newest cycle, YYYY-MM (default 2026-10)")

    r = cmd(sub, "reports", "list reports: filter by cycle, status and partner", _reports)
    r.add_argument("--cycle", metavar="YYYY-MM")
    r.add_argument("--status", metavar="S", help="msp-preparing, under-review, rejected, submitted, completed")
    r.add_argument("--partner", metavar="TEXT", help="partner name contains TEXT")
    r.add_argument("--sort", default=DEFAULT_SORT, help=", ".join(SORT_KEYS))
    r.add_argument("--desc", action="store_true", help="sort descending")
    r.add_argument("--limit", type=_positive, help="at most this many")
    r.add_argument("--format", choices=FORMATS_ROWS, default="table")

    rep = sub.add_parser("report", help="one report: show it or act on it").add_subparsers(
        dest="report_command", required=True
    )
    s = cmd(rep, "show", "show a report with its lines and history", _show)
    s.add_argument("id", type=_report_id)
    s.add_argument("--format", choices=FORMATS, default="table")
    s = cmd(rep, "set-po", "set the PO number", lambda svc, a: _act(svc.set_po(a.id, a.po), "PO number set"))
    s.add_argument("id", type=_report_id)
    s.add_argument("po")
    s = cmd(
        rep,
        "promo",
        "specify a promotional code on a line (Bid Desk Number or Promote Code)",
        lambda svc, a: _act(svc.apply_code(a.id, a.line, a.code), f"code applied to line {a.line}"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_line_no)
    s.add_argument("code")
    s = cmd(
        rep,
        "price",
        "edit the unit price a code opened",
        lambda svc, a: _act(svc.set_unit_price(a.id, a.line, a.value), f"unit price of line {a.line} set"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_line_no)
    s.add_argument("value")
    s = cmd(
        rep,
        "margin",
        "edit the channel margin a code opened",
        lambda svc, a: _act(svc.set_channel_margin(a.id, a.line, a.value), f"channel margin of line {a.line} set"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_line_no)
    s.add_argument("value")
    s = cmd(
        rep,
        "remove-code",
        "remove a line's promotional code (the line goes back to the price list)",
        lambda svc, a: _act(svc.remove_code(a.id, a.line), f"code removed from line {a.line}"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_line_no)
    s = cmd(
        rep,
        "reset-pricing",
        "Reset Unit Prices and Channel Margins",
        lambda svc, a: _act(svc.reset_pricing(a.id), "unit prices and channel margins reset"),
    )
    s.add_argument("id", type=_report_id)
    s = cmd(
        rep,
        "submit",
        "Submit to Trend Micro",
        lambda svc, a: _act(svc.submit(a.id, a.comment), "submitted to Trend Micro"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("--comment", default=None)
    s = cmd(
        rep,
        "reject",
        "Reject: return the report to the partner",
        lambda svc, a: _act(svc.reject(a.id, a.reason), "rejected and returned to the partner"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("--reason", required=True)

    s = cmd(sub, "whoami", "the staff user you act as, its role and distributor", _whoami)
    s.add_argument("--format", choices=FORMATS, default="table")

    c = cmd(sub, "codes", "list promotional codes", _codes)
    c.add_argument("--region", metavar="R")
    c.add_argument("--format", choices=FORMATS, default="table")
    add_admin_parsers(sub, cmd, _positive)
    add_ssh_parser(sub, cmd, _positive)

    part = sub.add_parser("partner", help="record a partner's move (admin)").add_subparsers(
        dest="partner_command", required=True
    )
    s = cmd(
        part,
        "submit",
        "the partner submits its usage report",
        lambda svc, a: _act(svc.partner_submit(a.id), "partner submission recorded"),
    )
    s.add_argument("id", type=_report_id)
    cyc = sub.add_parser("cycle", help="report cycles (admin)").add_subparsers(dest="cycle_command", required=True)
    s = cmd(cyc, "close", "the period ended: submit the cycle's prepared reports automatically", _close)
    s.add_argument("cycle", metavar="YYYY-MM")
    ven = sub.add_parser("vendor", help="record Trend Micro's move (admin)").add_subparsers(
        dest="vendor_command", required=True
    )
    s = cmd(
        ven,
        "complete",
        "Trend Micro completes a submitted report",
        lambda svc, a: _act(svc.vendor_complete(a.id), "completed by Trend Micro"),
    )
    s.add_argument("id", type=_report_id)
    s = cmd(
        ven,
        "return",
        "Trend Micro returns a submitted report for clarification",
        lambda svc, a: _act(svc.vendor_return(a.id, a.reason), "returned by Trend Micro"),
    )
    s.add_argument("id", type=_report_id)
    s.add_argument("--reason", required=True)
    return p


# --------------------------------------------------------------------------- commands


def _act(report: Any, what: str) -> int:
    from lmp_tui.domain.money import format_money

    out(
        f"Report #{report.id}: {what}. Status: {report.status_text}; total "
        f"{format_money(report.total, report.currency)}; version {report.version}."
    )
    return 0


def _db_upgrade(db: Database, args: argparse.Namespace) -> int:
    db.upgrade()
    out(f"{db.display_url} is at schema revision {db.current_revision()}.")
    return 0


def _demo(db: Database, args: argparse.Namespace) -> int:
    from lmp_tui.cli.progress import progress_bar
    from lmp_tui.commands.validation import parse_cycle
    from lmp_tui.demo import DemoOptions, generate

    opts = DemoOptions(
        seed=args.seed, partners=args.partners, cycles=args.cycles, last_cycle=parse_cycle(args.last_cycle)
    )
    with progress_bar("reports") as bar:
        summary = generate(db, opts, progress=lambda done, total: bar("writing", done, total))
    out(
        f"Demo database {db.display_url}: {summary.reports} reports, {summary.lines} lines, "
        f"{summary.partners} partners, cycles {summary.cycles[0]} to {summary.cycles[-1]}. "
        "Sign in as billing, viewer, admin or operator (or other-billing, of another distributor)."
    )
    return 0


def _reports(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render
    from lmp_tui.commands.validation import ReportQuery, parse, parse_cycle, parse_status

    filters = dict(
        cycle=args.cycle and parse_cycle(args.cycle),
        status=args.status and parse_status(args.status),
        partner_text=args.partner,
        sort=args.sort,
        descending=args.desc,
    )
    q = parse(ReportQuery, **filters)
    if args.format == "csv":
        svc.export_csv(sys.stdout, q, limit=args.limit)
        return 0
    rows = [r for page in svc.iter_pages(q, limit=args.limit) for r in page]
    if args.format == "json":
        dump([render.row_json(r) for r in rows])
    else:
        out(render.rows_table(rows))
        out(f"{len(rows)} report(s)")
    return 0


def _show(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render

    report = svc.load_report(args.id)
    if args.format == "json":
        dump(render.report_json(report))
    else:
        out(render.report_text(report))
    return 0


def _whoami(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render

    me = svc.whoami()
    if args.format == "json":
        dump(render.user_json(me))
    else:
        out(f"{me.name} ({me.role.value}) at {me.distributor}")
    return 0


def _codes(svc: BillingService, args: argparse.Namespace) -> int:
    from lmp_tui.cli import render

    codes = svc.codes(args.region)
    if args.format == "json":
        dump([render.code_json(c) for c in codes])
        return 0
    out(
        render.table(
            ("Code", "Kind", "Region", "Valid from", "Valid to", "Partner", "Min price", "Max margin", "Products"),
            (
                (
                    c.code,
                    c.kind.value,
                    c.region,
                    c.valid_from,
                    c.valid_to,
                    c.partner or "",
                    c.min_unit_price,
                    c.max_channel_margin,
                    f"{len(c.products)} product(s)" if c.products else "every product",
                )
                for c in codes
            ),
        )
    )
    return 0


def _close(svc: BillingService, args: argparse.Namespace) -> int:
    result = svc.close_cycle(args.cycle)
    out(
        f"Cycle {result.cycle} closed: {result.no_penalties} report(s) submitted automatically without "
        f"penalties, {result.penalties} with penalties; {result.untouched} were not being prepared "
        "and stay as they are."
    )
    return 0


# --------------------------------------------------------------------------- entry


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status. Every failure is one sentence on stderr."""
    _tolerant_streams()
    try:
        code = _main(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()
        return code
    except ImportProblems as err:  # one line a problem, as compilers do, then what to do
        for problem in err.problems[:MAX_PROBLEMS]:
            _fail(problem, prefix="")
        if len(err.problems) > MAX_PROBLEMS:
            _fail(f"…and {len(err.problems) - MAX_PROBLEMS:,} more problem(s).", prefix="")
        return _fail("nothing was imported; correct the file and import it again.")
    except LmpError as err:
        return _fail(str(err))
    except KeyboardInterrupt:
        return _fail("interrupted; nothing more was changed.", 130)
    except BrokenPipeError:
        _discard_stdout()
        return _fail(
            "the output was closed before all of it was written (e.g. by head); the command itself had finished."
        )
    except Exception as err:  # never a traceback in front of a clerk
        if os.environ.get("LMP_DEBUG") == "1":
            raise
        return _fail(
            f"stopped on an unexpected error ({type(err).__name__}); run it again with LMP_DEBUG=1 "
            "to see the details, and report them."
        )


def _main(argv: list[str]) -> int:
    for i, arg in enumerate(argv, 1):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in arg):  # undecodable bytes, escaped by Python
            raise InvalidInput(
                f"Argument {i} is not valid text (it holds bytes that are not UTF-8); type it again in UTF-8."
            )
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help (0), or a usage error (2) already explained by argparse
        return int(done.code or 0)
    ssh_checks(args)
    if args.command is None:  # the interface: it paints its frame first, then loads the settings and database
        from lmp_tui.ui.launch import interface

        return interface(args)
    from lmp_tui.places import database_url, staff_user
    from lmp_tui.services import BillingService
    from lmp_tui.settings import Settings
    from lmp_tui.storage.db import Database

    settings = Settings.load()
    url = database_url(
        getattr(args, "db", None), args.demo or args.command == "demo", settings.database_url, settings.data_dir
    )
    func = args.func
    makes_databases = func in (_db_upgrade, _demo, init_database)  # the only commands that create or migrate
    db = Database.open(url, create=makes_databases, busy_timeout_s=settings.busy_timeout_s)
    try:
        if func is serve_ssh:
            return func(db, args, settings)
        if makes_databases:
            return func(db, args)
        user = staff_user(getattr(args, "user", None), args.demo, settings.user)  # --demo: its billing user
        return func(BillingService(db, user, ssh_key=settings.ssh_key), args)
    finally:
        db.dispose()


def _fail(message: str, code: int = 1, prefix: str = "lmp-tui: ") -> int:
    try:
        sys.stderr.write(f"{prefix}{display_text(message)}\n")
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass
    return code


def _tolerant_streams() -> None:
    """Output that the terminal's encoding cannot show is escaped, never an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # a TextIOWrapper's; a replaced stream may lack it
        try:
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        except ValueError:
            pass


def _discard_stdout() -> None:
    """After a closed pipe, send what is left to /dev/null so that exiting does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
