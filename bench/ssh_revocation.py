"""What immediate revocation costs and how immediate it is (lmp_tui/ssh/revocation.py).

    uv run python bench/ssh_revocation.py [--sessions 5] [--seconds 20] [--rounds 5] [--postgres]

* the check's query: :func:`lmp_tui.services.owners_of_keys` for 50 open sessions' keys,
  median time of one call (the server makes one a second while sessions are open);
* the server's CPU: ``lmp-tui serve-ssh`` with no session and then with N command sessions
  held open (each waiting for its input), CPU seconds per wall second of the server process
  alone (its children are not counted: they are the sessions themselves);
* the time from ``users remove-key`` (the service call returning) to the end of a held
  command session, as its client sees it (``--rounds`` times).

SQLite by default; ``--postgres`` starts a throwaway cluster (tests/pg.py). Figures vary
with the machine: compare runs on the same one."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lmp_tui.services import BillingService, initialise, owners_of_keys  # noqa: E402
from lmp_tui.storage.db import Database  # noqa: E402
from tests.sshd import make_key, start_server  # noqa: E402


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds of one process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int, seconds: float) -> float:
    before, start = cpu_s(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_s(pid) - before) / (time.monotonic() - start)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def wait(condition, timeout: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.postgres:
            from sqlalchemy import create_engine, text

            from tests.pg import start_cluster

            cluster = start_cluster()
            admin_engine = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
            with admin_engine.connect() as conn:
                conn.execute(text("CREATE DATABASE bench"))
            admin_engine.dispose()
            url = cluster.url("bench")
        else:
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        try:
            db = Database.open(url, create=True)
            initialise(db, "Bench Distribution", "boss")
            boss = BillingService(db, "boss")
            for i in range(50):
                boss.add_user(f"clerk{i}", "billing")
                boss.add_key(f"clerk{i}", asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode())
            fingerprints = [k.fingerprint for i in range(50) for k in boss.show_user(f"clerk{i}")[1]]
            owners_of_keys(db, fingerprints)
            times = []
            for _ in range(200):
                start = time.perf_counter()
                owners_of_keys(db, fingerprints)
                times.append(time.perf_counter() - start)
            print(f"{db.dialect}: one check of 50 sessions' keys: median {statistics.median(times) * 1000:.2f} ms, "
                  f"max {max(times) * 1000:.2f} ms (1 query)")

            keys = [make_key(folder / f"k{i}") for i in range(args.sessions + args.rounds)]
            for i, key in enumerate(keys):
                boss.add_user(f"held{i}", "admin")
                boss.add_key(f"held{i}", key.with_suffix(".pub").read_text())
            server = start_server(url, folder / "server", "--max-sessions", "100")
            try:
                idle = server_cpu(server.proc.pid, args.seconds)
                held = [subprocess.Popen(server.ssh_argv(k, "users", "add-key", "clerk0", "-"), stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                        for k in keys[:args.sessions]]
                wait(lambda: len(children(server.proc.pid)) == args.sessions, 60)
                busy = server_cpu(server.proc.pid, args.seconds)
                print(f"server CPU: no session {idle * 100:.2f} %, {args.sessions} sessions held "
                      f"{busy * 100:.2f} % of one core ({args.seconds:g} s each)")
                for proc in held:
                    proc.kill()
                ends = []
                for i in range(args.sessions, args.sessions + args.rounds):
                    client = subprocess.Popen(server.ssh_argv(keys[i], "users", "add-key", "clerk0", "-"),
                                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE)
                    wait(lambda: len(children(server.proc.pid)) >= 1, 60)
                    fingerprint = boss.show_user(f"held{i}")[1][0].fingerprint
                    boss.remove_key(f"held{i}", fingerprint)
                    start = time.monotonic()
                    client.wait(30)
                    ends.append(time.monotonic() - start)
                    wait(lambda: not children(server.proc.pid), 30)
                print(f"remove-key to the session's end: median {statistics.median(ends):.2f} s, "
                      f"max {max(ends):.2f} s ({args.rounds} rounds: {', '.join(f'{e:.2f}' for e in ends)})")
            finally:
                server.stop()
            db.dispose()
        finally:
            if cluster is not None:
                cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
