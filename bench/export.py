"""Benchmark: Export Reports (the CSV of a query) on a 100k-report database: wall time and
peak memory of exporting every report, per sort order.

    uv run python bench/export.py [--db URL] [--user billing] [--sort cycle --sort total] [--repeat 3]

Without ``--db`` it copies /tmp/perfl-bench.sqlite3 (made by bench/ui_responsiveness.py)
to /tmp/lmp-export-bench.sqlite3 once and exports from the copy. Each export runs in a
child process of its own; its memory is the child's peak resident size less its size just
before the export (the database open, the user read). To compare two versions (A/B), run
it once with ``PYTHONPATH`` naming the other version's package folder: the first line says
which ``lmp_tui`` was measured.

Measured (2 shared cores, descending, median of 3; peak MiB the same within noise, 5–7):
one statement streamed in one snapshot, against OFFSET pages with a COUNT each, took
cycle 6.1 s (was 9.5), partner 6.8 (7.9), total 6.0 (18.6), po 6.0 (15.3); with csv_cell's
one-search fast path, about 3 s in each order.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path("/tmp/perfl-bench.sqlite3")
COPY = Path("/tmp/lmp-export-bench.sqlite3")
SORTS = ("cycle", "partner", "total", "po")


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def child(url: str, user: str, sort: str, descending: bool) -> None:
    from lmp_tui.services import BillingService
    from lmp_tui.storage.db import Database
    from lmp_tui.commands.validation import ReportQuery

    svc = BillingService(Database.open(url), user)
    svc.whoami()
    query = ReportQuery(sort=sort, descending=descending)
    before = _rss_kib()
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "out.csv", "w", newline="", encoding="utf-8") as out:
        start = time.perf_counter()
        n = svc.export_csv(out, query)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"rows": n, "seconds": seconds, "peak_mib": (peak - before) / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="database URL (default: a copy of /tmp/perfl-bench.sqlite3)")
    ap.add_argument("--user", default="billing")
    ap.add_argument("--sort", action="append", help=f"sort order(s) (default: {', '.join(SORTS)})")
    ap.add_argument("--asc", action="store_true", help="ascending (default: descending, the list's first look)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=4, metavar=("URL", "USER", "SORT", "DESC"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        url, user, sort, desc = args.child
        child(url, user, sort, desc == "1")
        return
    url = args.db
    if url is None:
        if not COPY.exists():
            shutil.copy(SOURCE, COPY)  # the original stays as it is: exports open it for writing (WAL)
        url = f"sqlite:///{COPY}"
    import lmp_tui

    print(f"lmp_tui from {Path(lmp_tui.__file__).parent}; database {url}")
    print(f"{'sort':<10} {'rows':>8} {'seconds (median)':>17} {'peak MiB (max)':>15}")
    for sort in args.sort or SORTS:
        runs = []
        for _ in range(args.repeat):
            done = subprocess.run([sys.executable, __file__, "--child", url, args.user, sort,
                                   "0" if args.asc else "1"], capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{sort:<10} {runs[0]['rows']:>8,} {statistics.median(r['seconds'] for r in runs):>17.2f} "
              f"{max(r['peak_mib'] for r in runs):>15.1f}")


if __name__ == "__main__":
    main()
