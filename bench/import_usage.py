"""Benchmark: a usage import at scale, through the functions ``lmp-tui import`` uses
(``read_file`` then ``BillingService.import_rows``). Target: 100,000 usage rows import in
under a minute on SQLite (reading + checking the file, and writing it, together).

    uv run python bench/import_usage.py [--rows 100000] [--partners 10000] [--products 40]
                                        [--cycle 2026-10] [--db URL] [--profile]

On a fresh database (a temporary SQLite file, or --db URL: an empty database, e.g.
PostgreSQL) it makes the distributor and its admin (``initialise``), imports generated
regions (NA USD, EU EUR, JP JPY), products, partners and prices (every region × product),
then the usage file three times:

- first: every partner's report is created (expects created == partners);
- again, the same file: idempotent (expects 0 created, 0 updated, all unchanged);
- modified: ~10% of the partners' rows changed (expects those reports' lines replaced,
  the others unchanged).

For each it times reading + validating the file (``read_file``), the import into the
database (``import_rows``) and their sum; then the peak memory (ru_maxrss). It exits 1 when
a count (or the reports and lines stored) is not what was expected, so it also checks the
import's correctness.
``--profile`` runs the first usage import under cProfile and prints its top costs.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import pstats
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import func, select

from lmp_tui.commands.import_files import read_file
from lmp_tui.services import BillingService
from lmp_tui.services.admin import initialise
from lmp_tui.storage import models as m
from lmp_tui.storage.db import Database

TARGET_S = 60.0
TARGET_ROWS = 100_000
REGIONS = (("NA", "USD", "North America"), ("EU", "EUR", "Europe"), ("JP", "JPY", "Japan"))
UNITS = ("seats", "cores", "instances", "GB", "users")
CITIES = (("Seattle", "WA"), ("Berlin", ""), ("Osaka", ""), ("Austin", "TX"), ("Lyon", ""))


# --------------------------------------------------------------------------- files


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Path:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def product_name(j: int) -> str:
    return f"Cloud Product {j + 1:03d}"


def company_id(i: int) -> str:
    return f"P{i + 1:06d}"


def partner_products(partners: int, products: int, rows: int) -> list[list[int]]:
    """Each partner's products (distinct), ``rows`` in all, spread evenly."""
    each, extra = divmod(rows, partners)
    return [[(i * 7 + j) % products for j in range(each + (1 if i < extra else 0))] for i in range(partners)]


def usage_row(i: int, j: int, variant: int = 0) -> tuple[Any, ...]:
    """A valid, varied usage row: chargeable empty or ≤ provisioned, and equal to
    provisioned (or empty) when used is empty; some comments, with commas and quotes."""
    h = (i * 131 + j * 17 + variant * 7) % 1000
    provisioned = 1 + h % 500
    comment = ""
    if h % 20 == 0:
        comment = f"Partner {i + 1}: seats moved, see ticket #{h}"
    elif h % 97 == 0:
        comment = 'count includes "trial" users, 2 of them'
    if h % 5 == 0:  # used empty
        return provisioned, "", provisioned if h % 2 else "", comment
    used = max(0, provisioned - h % 13 + 3)  # sometimes above provisioned: a discrepancy
    chargeable = "" if h % 3 == 0 else min(used, provisioned) - (1 if h % 7 == 0 and used else 0)
    return provisioned, used, chargeable, comment


def write_usage(path: Path, plan: list[list[int]], changed_every: int = 0) -> tuple[Path, int]:
    """The usage file; with ``changed_every`` N, every Nth partner's rows differ (another
    provisioned/used/comment, and one line fewer when it has several). Returns the path and
    how many partners changed."""
    rows: list[tuple[Any, ...]] = []
    changed = 0
    for i, prods in enumerate(plan):
        variant = 0
        if changed_every and i % changed_every == 0:
            variant, changed = 1, changed + 1
            prods = prods[:-1] if len(prods) > 1 else prods
        for j in prods:
            provisioned, used, chargeable, comment = usage_row(i, j, variant)
            if variant:
                provisioned += 1  # always a change, even when usage_row repeats itself
                if used == "" and chargeable != "":
                    chargeable = provisioned
            rows.append((company_id(i), product_name(j), provisioned, used, chargeable, comment))
    return write_csv(path, ("company_id", "product", "provisioned", "used", "chargeable", "comment"), rows), changed


# --------------------------------------------------------------------------- runs


@dataclass
class Run:
    name: str
    rows: int
    read_s: float
    import_s: float
    counts: dict[str, tuple[int, int, int]]

    @property
    def total_s(self) -> float:
        return self.read_s + self.import_s


def run_import(svc: BillingService, kind: str, path: Path, name: str, cycle: str | None = None,
               wrap: Callable[[Callable[[], Any]], Any] | None = None) -> Run:
    t = time.perf_counter()
    rows = read_file(path, kind)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    call = lambda: svc.import_rows(kind, path.name, rows, cycle=cycle)  # noqa: E731
    result = wrap(call) if wrap else call()
    import_s = time.perf_counter() - t
    counts = {k: (c.created, c.updated, c.unchanged) for k, c in result.counts.items()}
    return Run(name, len(rows), read_s, import_s, counts)


def expect(problems: list[str], run: Run, subject: str, created: int, updated: int, unchanged: int) -> None:
    got = run.counts.get(subject, (0, 0, 0))
    if got != (created, updated, unchanged):
        problems.append(f"{run.name}: {subject} created/updated/unchanged = {got}, expected "
                        f"{(created, updated, unchanged)}")


def stored(db: Database) -> tuple[int, int]:
    """The reports and lines the database holds."""
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(m.BillingReport)) or 0,
                s.scalar(select(func.count()).select_from(m.LineItem)) or 0)


def check_stored(problems: list[str], db: Database, run: Run, reports: int, lines: int) -> None:
    got = stored(db)
    if got != (reports, lines):
        problems.append(f"{run.name}: the database holds {got[0]:,} reports and {got[1]:,} lines, expected "
                        f"{reports:,} and {lines:,}")


def peak_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="usage rows (default 100,000)")
    ap.add_argument("--partners", type=int, default=10_000, help="partners (default 10,000)")
    ap.add_argument("--products", type=int, default=40, help="products (default 40)")
    ap.add_argument("--cycle", default="2026-10", help="the usage's report cycle (default 2026-10)")
    ap.add_argument("--db", help="an empty database's URL (default: a new SQLite file in a temporary folder)")
    ap.add_argument("--profile", action="store_true", help="profile the first usage import (cProfile)")
    args = ap.parse_args()
    if args.rows > args.partners * args.products:
        ap.error(f"--rows {args.rows:,} is more than partners × products ({args.partners * args.products:,})")
    if args.rows < args.partners:
        ap.error("--rows must be at least --partners (every partner has a line)")

    work = Path(tempfile.mkdtemp(prefix="lmp-bench-import-"))
    url = args.db or f"sqlite:///{work / 'bench.sqlite3'}"
    db = Database.open(url, create=True)
    db.upgrade()
    initialise(db, "Bench Distribution", "admin")
    svc = BillingService(db, "admin")
    svc.set_role("admin", "operator")  # the shared reference data is an operator's (on the server itself)
    print(f"database: {db.display_url} ({db.dialect}); files in {work}")

    # the reference data, in IMPORT_ORDER
    files = {
        "regions": write_csv(work / "regions.csv", ("region", "currency", "code_kind", "code_opens", "name"),
                             [(r, c, "promote" if r != "JP" else "bid-desk", "unit_price", n) for r, c, n in REGIONS]),
        "products": write_csv(work / "products.csv", ("product", "units"),
                              [(product_name(j), UNITS[j % len(UNITS)]) for j in range(args.products)]),
        "partners": write_csv(work / "partners.csv", ("company_id", "name", "city", "state", "region"),
                              [(company_id(i), f"Partner {i + 1} Hosting", *CITIES[i % len(CITIES)],
                                REGIONS[i % len(REGIONS)][0]) for i in range(args.partners)]),
        "prices": write_csv(work / "prices.csv", ("region", "product", "unit_price", "channel_margin"),
                            [(r, product_name(j), (f"{(j % 9 + 1) * 150}" if c == "JPY" else f"{j % 9 + 1}.{j % 4}5"),
                              f"{10 + j % 15}.5") for r, c, _ in REGIONS for j in range(args.products)]),
    }
    expected = {"regions": len(REGIONS), "products": args.products, "partners": args.partners,
                "prices": len(REGIONS) * args.products}
    problems: list[str] = []
    refs: list[Run] = []
    for kind, path in files.items():
        run = run_import(svc, kind, path, kind)
        refs.append(run)
        expect(problems, run, kind[:-1] + "s", expected[kind], 0, 0)

    plan = partner_products(args.partners, args.products, args.rows)
    usage, _ = write_usage(work / "usage.csv", plan)
    modified, changed = write_usage(work / "usage-modified.csv", plan, changed_every=10)

    profiler = cProfile.Profile() if args.profile else None
    wrap = (lambda call: profiler.runcall(call)) if profiler else None
    first = run_import(svc, "usage", usage, "usage, first (creates)", args.cycle, wrap=wrap)
    check_stored(problems, db, first, args.partners, args.rows)
    again = run_import(svc, "usage", usage, "usage, same file again", args.cycle)
    check_stored(problems, db, again, args.partners, args.rows)
    third = run_import(svc, "usage", modified, "usage, ~10% changed", args.cycle)
    check_stored(problems, db, third, args.partners, args.rows - changed)
    expect(problems, first, "usage reports", args.partners, 0, 0)
    expect(problems, again, "usage reports", 0, 0, args.partners)
    expect(problems, third, "usage reports", 0, changed, args.partners - changed)
    for run, rows in ((first, args.rows), (again, args.rows), (third, args.rows - changed)):
        if run.rows != rows:
            problems.append(f"{run.name}: read {run.rows:,} rows, expected {rows:,}")
    memory = peak_mb()

    print(f"{'import':28s} {'rows':>8s} {'read+check':>11s} {'write':>9s} {'total':>9s}  "
          "created / updated / unchanged")
    for run in (*refs, first, again, third):
        c = "; ".join(f"{a:,} / {b:,} / {u:,}" for a, b, u in run.counts.values()) or "-"
        print(f"{run.name:28s} {run.rows:8,d} {run.read_s:9.2f} s {run.import_s:7.2f} s {run.total_s:7.2f} s  {c}")
    rate = first.rows / first.total_s if first.total_s else 0.0
    print(f"first usage import: {rate:,.0f} rows/s; peak memory (ru_maxrss) {memory:,.0f} MB")
    scaled = first.total_s * TARGET_ROWS / args.rows
    met = "met" if scaled < TARGET_S else "NOT met"
    note = "" if args.rows == TARGET_ROWS else f" (scaled from {args.rows:,} rows: {scaled:.1f} s)"
    print(f"target: under {TARGET_S:.0f} s for {TARGET_ROWS:,} rows — {met}: {first.total_s:.1f} s{note} "
          f"on {db.dialect}")

    if profiler is not None:
        print("\nprofile of the first usage import (import_rows), top by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
        print("top by own time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)
    db.dispose()
    for p in problems:
        print(f"WRONG: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
