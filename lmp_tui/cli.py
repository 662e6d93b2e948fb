"""The command line: ``lmp-tui`` (the terminal interface) and the commands support desks
and scripts use. Errors go to stderr as one sentence, exit non-zero and change nothing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable, Sequence

from . import render
from .errors import LmpError
from .services import BillingService
from .settings import Settings
from .storage.db import Database
from .validation import parse_cycle, parse_status

FORMATS_ROWS = ("table", "json", "csv")
FORMATS = ("table", "json")


def _report_id(text: str) -> int:
    if not text.strip().lstrip("#").isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a report number; use digits, e.g. 1042")
    return int(text.strip().lstrip("#"))


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="SQLAlchemy database URL (default: $LMP_DATABASE_URL or SQLite in the user data dir)")
    common.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                        help="staff user to act as (default: $LMP_USER or your login name)")
    p = argparse.ArgumentParser(prog="lmp-tui", parents=[common],
                                description="Review, price, submit or reject partners' billing reports.")
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
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--partners", type=_positive, default=36)
    d.add_argument("--cycles", type=_positive, default=6)
    d.add_argument("--last-cycle", default="2026-10", help="the newest cycle, YYYY-MM (default 2026-10)")

    r = cmd(sub, "reports", "list reports: filter by cycle, status and partner", _reports)
    r.add_argument("--cycle", metavar="YYYY-MM")
    r.add_argument("--status", metavar="S", help="msp-preparing, under-review, rejected, submitted, completed")
    r.add_argument("--partner", metavar="TEXT", help="partner name contains TEXT")
    r.add_argument("--sort", default="cycle", help="partner, cycle, status, po, lines, discrepancies, comments, total, id")
    r.add_argument("--desc", action="store_true", help="sort descending")
    r.add_argument("--limit", type=_positive, help="at most this many")
    r.add_argument("--format", choices=FORMATS_ROWS, default="table")

    rep = sub.add_parser("report", help="one report: show it or act on it").add_subparsers(
        dest="report_command", required=True)
    s = cmd(rep, "show", "show a report with its lines and history", _show)
    s.add_argument("id", type=_report_id)
    s.add_argument("--format", choices=FORMATS, default="table")
    s = cmd(rep, "set-po", "set the PO number", lambda svc, a: _act(svc.set_po(a.id, a.po), "PO number set"))
    s.add_argument("id", type=_report_id)
    s.add_argument("po")
    s = cmd(rep, "promo", "specify a promotional code on a line (Bid Desk Number or Promote Code)",
            lambda svc, a: _act(svc.apply_code(a.id, a.line, a.code), f"code applied to line {a.line}"))
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_positive)
    s.add_argument("code")
    s = cmd(rep, "price", "edit the unit price a code opened",
            lambda svc, a: _act(svc.set_unit_price(a.id, a.line, a.value), f"unit price of line {a.line} set"))
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_positive)
    s.add_argument("value")
    s = cmd(rep, "margin", "edit the channel margin a code opened",
            lambda svc, a: _act(svc.set_channel_margin(a.id, a.line, a.value), f"channel margin of line {a.line} set"))
    s.add_argument("id", type=_report_id)
    s.add_argument("line", type=_positive)
    s.add_argument("value")
    s = cmd(rep, "reset-pricing", "Reset Unit Prices and Channel Margins",
            lambda svc, a: _act(svc.reset_pricing(a.id), "unit prices and channel margins reset"))
    s.add_argument("id", type=_report_id)
    s = cmd(rep, "submit", "Submit to Trend Micro",
            lambda svc, a: _act(svc.submit(a.id, a.comment), "submitted to Trend Micro"))
    s.add_argument("id", type=_report_id)
    s.add_argument("--comment", default=None)
    s = cmd(rep, "reject", "Reject: return the report to the partner",
            lambda svc, a: _act(svc.reject(a.id, a.reason), "rejected and returned to the partner"))
    s.add_argument("id", type=_report_id)
    s.add_argument("--reason", required=True)

    c = cmd(sub, "codes", "list promotional codes", _codes)
    c.add_argument("--region", metavar="R")
    c.add_argument("--format", choices=FORMATS, default="table")
    u = cmd(sub, "users", "list the staff users of your distributor", _users)
    u.add_argument("--format", choices=FORMATS, default="table")

    part = sub.add_parser("partner", help="record a partner's move (admin)").add_subparsers(
        dest="partner_command", required=True)
    s = cmd(part, "submit", "the partner submits its usage report",
            lambda svc, a: _act(svc.partner_submit(a.id), "partner submission recorded"))
    s.add_argument("id", type=_report_id)
    cyc = sub.add_parser("cycle", help="report cycles (admin)").add_subparsers(dest="cycle_command", required=True)
    s = cmd(cyc, "close", "the period ended: submit the cycle's prepared reports automatically", _close)
    s.add_argument("cycle", metavar="YYYY-MM")
    ven = sub.add_parser("vendor", help="record Trend Micro's move (admin)").add_subparsers(
        dest="vendor_command", required=True)
    s = cmd(ven, "complete", "Trend Micro completes a submitted report",
            lambda svc, a: _act(svc.vendor_complete(a.id), "completed by Trend Micro"))
    s.add_argument("id", type=_report_id)
    s = cmd(ven, "return", "Trend Micro returns a submitted report for clarification",
            lambda svc, a: _act(svc.vendor_return(a.id, a.reason), "returned by Trend Micro"))
    s.add_argument("id", type=_report_id)
    s.add_argument("--reason", required=True)
    return p


# --------------------------------------------------------------------------- commands


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _dump(data: Any) -> None:
    _out(json.dumps(data, indent=2, ensure_ascii=False))


def _act(report: Any, what: str) -> int:
    from .money import format_money

    _out(f"Report #{report.id}: {what}. Status: {report.status_text}; total "
         f"{format_money(report.total, report.currency)}; version {report.version}.")
    return 0


def _db_upgrade(db: Database, args: argparse.Namespace) -> int:
    db.upgrade()
    _out(f"{db.display_url} is at schema revision {db.current_revision()}.")
    return 0


def _demo(db: Database, args: argparse.Namespace) -> int:
    from .demo import DemoOptions, generate

    opts = DemoOptions(seed=args.seed, partners=args.partners, cycles=args.cycles,
                       last_cycle=parse_cycle(args.last_cycle))
    summary = generate(db, opts, progress=_progress_bar)
    sys.stderr.write("\n")
    _out(f"Demo database {db.display_url}: {summary.reports} reports, {summary.lines} lines, "
         f"{summary.partners} partners, cycles {summary.cycles[0]} to {summary.cycles[-1]}. "
         "Sign in as billing, viewer or admin (or other-billing, of another distributor).")
    return 0


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} reports")
    sys.stderr.flush()


def _reports(svc: BillingService, args: argparse.Namespace) -> int:
    from .validation import ReportQuery, parse

    filters = dict(cycle=args.cycle and parse_cycle(args.cycle),
                   status=args.status and parse_status(args.status),
                   partner_text=args.partner, sort=args.sort, descending=args.desc)
    q = parse(ReportQuery, **filters)
    if args.format == "csv":
        svc.export_csv(sys.stdout, q, limit=args.limit)
        return 0
    rows = [r for page in svc.iter_pages(q, limit=args.limit) for r in page]
    if args.format == "json":
        _dump([render.row_json(r) for r in rows])
    else:
        _out(render.rows_table(rows))
        _out(f"{len(rows)} report(s)")
    return 0


def _show(svc: BillingService, args: argparse.Namespace) -> int:
    report = svc.load_report(args.id)
    if args.format == "json":
        _dump(render.report_json(report))
    else:
        _out(render.report_text(report))
    return 0


def _codes(svc: BillingService, args: argparse.Namespace) -> int:
    codes = svc.codes(args.region)
    if args.format == "json":
        _dump([render.code_json(c) for c in codes])
        return 0
    _out(render.table(
        ("Code", "Kind", "Region", "Valid from", "Valid to", "Partner", "Min price", "Max margin", "Products"),
        ((c.code, c.kind.value, c.region, c.valid_from, c.valid_to, c.partner or "", c.min_unit_price,
          c.max_channel_margin, f"{len(c.products)} product(s)") for c in codes)))
    return 0


def _users(svc: BillingService, args: argparse.Namespace) -> int:
    users = svc.users()
    if args.format == "json":
        _dump([render.user_json(u) for u in users])
    else:
        _out(render.table(("Name", "Role", "Distributor"), ((u.name, u.role.value, u.distributor) for u in users)))
    return 0


def _close(svc: BillingService, args: argparse.Namespace) -> int:
    result = svc.close_cycle(args.cycle)
    _out(f"Cycle {result.cycle} closed: {result.no_penalties} report(s) submitted automatically without "
         f"penalties, {result.penalties} with penalties; {result.untouched} were not being prepared "
         "and stay as they are.")
    return 0


# --------------------------------------------------------------------------- entry


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    url = getattr(args, "db", None)
    if url is None:
        url = settings.demo_url() if (args.demo or args.command == "demo") else settings.default_url()
    try:
        if args.command is None:
            from .app import run_app

            return run_app(settings, url=url, user=getattr(args, "user", None), demo=args.demo,
                           open_report=args.open)
        db = Database.open(url)
        try:
            func = args.func
            if func in (_db_upgrade, _demo):
                return func(db, args)
            return func(BillingService(db, getattr(args, "user", None) or settings.user), args)
        finally:
            db.dispose()
    except LmpError as err:
        sys.stderr.write(f"lmp-tui: {err}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("lmp-tui: interrupted; nothing more was changed.\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
