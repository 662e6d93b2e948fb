"""Benchmark: the demo generator at scale (default 5,000 partners × 20 cycles ≈ 100k
reports, 1M lines) on SQLite, then the report list's query times on that database.

    uv run python bench/demo_generation.py [--partners 5000] [--cycles 20] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from lmp_tui.demo import DemoOptions, generate
from lmp_tui.services import BillingService
from lmp_tui.storage.db import Database


def timed(fn, repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--partners", type=int, default=5000)
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--db")
    args = ap.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    db = Database.open(url, create=True)
    t = time.perf_counter()
    summary = generate(db, DemoOptions(partners=args.partners, cycles=args.cycles))
    took = time.perf_counter() - t
    print(f"demo: {summary.reports:,} reports, {summary.lines:,} lines in {took:.1f} s on {db.dialect}")
    svc = BillingService(db, "billing")
    cycle = summary.cycles[-2]
    cases = {
        "first page, no filter (cycle desc)": lambda: svc.query_reports(sort="cycle", descending=True),
        "page of one cycle": lambda: svc.query_reports(cycle=cycle),
        "page of one status": lambda: svc.query_reports(status="under-review"),
        "cycle + status": lambda: svc.query_reports(cycle=cycle, status="under-review"),
        "partner text 'harbor'": lambda: svc.query_reports(partner_text="harbor"),
        "page 400 by total": lambda: svc.query_reports(sort="total", offset=40_000),
        "counts per status": lambda: svc.status_counts(),
        "counts per status, one cycle": lambda: svc.status_counts(cycle=cycle),
        "open a report": lambda: svc.load_report(summary.reports // 2),
    }
    for name, fn in cases.items():
        print(f"  {name:38s} {timed(fn):8.1f} ms (median of 7)")


if __name__ == "__main__":
    main()
