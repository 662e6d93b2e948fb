"""Benchmark: live refresh. The interface shows the report list (headless ``run_test`` at
80×24); another *process* sets a report's PO number (``lmp-tui report set-po`` through the
services) and prints the wall-clock moment its transaction committed; we time from that
moment until the list shows the new PO, without a key pressed.

    uv run python bench/live_refresh.py [--repeat 10] [--postgres]

SQLite: a temporary database file with the tests' small world. ``--postgres`` also starts
a throwaway PostgreSQL cluster (as the tests do: needs initdb and pg_ctl) and measures there.
Prints each run and the median per database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lmp_tui.ui.app import build_app  # noqa: E402
from lmp_tui.services import BillingService  # noqa: E402
from lmp_tui.storage.db import Database  # noqa: E402
from tests.factory import World  # noqa: E402
from widgets.report_table import ReportTable  # noqa: E402

WRITER = """
import sys, time
from lmp_tui.services import BillingService
from lmp_tui.storage.db import Database
db = Database.open(sys.argv[1])
svc = BillingService(db, "admin")
svc.whoami()  # connected and warm before the timed write
for line in sys.stdin:
    rid, po = line.split()
    svc.set_po(int(rid), po)
    print(repr(time.time()), flush=True)  # the moment after the commit
"""


async def measure(url: str, report_id: int, repeat: int) -> list[float]:
    db = Database.open(url)
    app = build_app(BillingService(db, "billing"), export_dir=Path(tempfile.mkdtemp()))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    times = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(1.0)
            table = app.screen.query_one(ReportTable)
            for i in range(repeat):
                po = f"PO-LIVE-{i}"
                await pilot.pause(0.7)  # between changes, as people make them
                assert writer.stdin is not None and writer.stdout is not None
                writer.stdin.write(f"{report_id} {po}\n")
                writer.stdin.flush()
                committed = float(await asyncio.to_thread(writer.stdout.readline))
                while str(table.get_cell(str(report_id), "po")) != po:
                    await asyncio.sleep(0.005)
                    if time.time() - committed > 10:
                        raise TimeoutError(po)
                times.append(time.time() - committed)
                print(f"  {po}: {times[-1] * 1000:.0f} ms", flush=True)
    finally:
        if writer.stdin:
            writer.stdin.close()
        writer.wait(timeout=10)
        db.dispose()
    return times


def sqlite_url() -> tuple[str, int]:
    path = Path(tempfile.mkdtemp()) / "live.sqlite3"
    db = Database.open(f"sqlite:///{path}", create=True)
    world = World.build(db)
    db.dispose()
    return f"sqlite:///{path}", world["review"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    results = {}
    url, rid = sqlite_url()
    print("SQLite:")
    results["SQLite"] = asyncio.run(measure(url, rid, args.repeat))
    if args.postgres:
        from sqlalchemy import create_engine, text

        from tests.pg import start_cluster

        cluster = start_cluster()
        try:
            admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE lmp_bench"))
            admin.dispose()
            db = Database.open(cluster.url("lmp_bench"), create=True)
            world = World.build(db)
            db.dispose()
            print("PostgreSQL:")
            results["PostgreSQL"] = asyncio.run(measure(cluster.url("lmp_bench"), world["review"], args.repeat))
        finally:
            cluster.stop()
    for name, times in results.items():
        print(f"{name}: commit in another process → list shows it: median {statistics.median(times) * 1000:.0f} ms, "
              f"min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f} (n={len(times)})")


if __name__ == "__main__":
    main()
