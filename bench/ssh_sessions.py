"""How lmp-tui serve-ssh holds up: many terminal sessions at once, and the bytes one
keystroke costs over SSH.

    uv run python bench/ssh_sessions.py [--sessions 20] [--keys 30]

Makes a demo database in a temporary folder, gives the demo's billing user a key, starts
``lmp-tui serve-ssh`` on a loopback port and connects with asyncssh's client in 80×24
pseudo-terminals:

* sessions held: N interface sessions opened at once; time until each painted its list;
  the memory of the server and its children (RSS, from /proc) with all of them open;
* bytes per keystroke: in one session, ↓ pressed K times in the report list, waiting for
  the screen to settle each time; the bytes the server sent for each key (median, p95, max);
* a command session: ``reports --format json`` round trip (median of 5).

Exits 1 if a session does not paint or a command fails. Figures vary with the machine:
compare runs on the same one."""

from __future__ import annotations

import argparse
import asyncio
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

from tests.sshd import make_key, start_server  # noqa: E402


def rss_kib(pid: int) -> int:
    """The resident memory of a process and all its descendants, KiB."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo.extend(int(k) for k in kids)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


async def read_until(proc: asyncssh.SSHClientProcess, marker: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(marker)
        seen += await asyncio.wait_for(proc.stdout.read(65536), left)
    return seen


async def settle(proc: asyncssh.SSHClientProcess, quiet: float = 0.3, timeout: float = 5.0) -> int:
    """Bytes received until nothing came for ``quiet`` seconds."""
    got = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = await asyncio.wait_for(proc.stdout.read(65536), quiet)
        except asyncio.TimeoutError:
            break
        got += len(data)
    return got


def quit_(proc: asyncssh.SSHClientProcess) -> None:
    try:
        proc.stdin.write(b"\x11")  # Ctrl+Q
    except BrokenPipeError:  # already closed
        pass


async def run(port: int, key: Path, sessions: int, keys: int, server_pid: int) -> dict[str, object]:
    client_key = asyncssh.read_private_key(str(key))

    async def open_one() -> tuple[asyncssh.SSHClientConnection, asyncssh.SSHClientProcess, float]:
        start = time.monotonic()
        conn = await asyncssh.connect("127.0.0.1", port, username="bench", client_keys=[client_key],
                                      known_hosts=None, agent_path=None)
        proc = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
        await read_until(proc, b"Find", 120)
        return conn, proc, time.monotonic() - start

    alone = []
    for _ in range(3):  # one session on an idle server
        c, p, t = await open_one()
        alone.append(t)
        quit_(p)
        await asyncio.sleep(0.5)
        c.close()
    opened = await asyncio.gather(*(open_one() for _ in range(sessions)))
    paint = sorted(t for _, _, t in opened)
    await asyncio.sleep(2)
    memory = rss_kib(server_pid)
    conn, proc, _ = opened[0]
    await settle(proc, 1.0)
    per_key = []
    for _ in range(keys):
        proc.stdin.write(b"\x1b[B")  # ↓
        per_key.append(await settle(proc))
    for c, p, _ in opened:
        quit_(p)
    await asyncio.sleep(1)
    for c, _, _ in opened:
        c.close()
    round_trips = []
    for _ in range(5):
        start = time.monotonic()
        async with asyncssh.connect("127.0.0.1", port, username="bench", client_keys=[client_key],
                                    known_hosts=None, agent_path=None) as c:
            done = await c.run("reports --format json --limit 50", encoding=None)
            if done.exit_status != 0:
                raise SystemExit(f"reports over SSH failed: {done.stderr!r}")
        round_trips.append(time.monotonic() - start)
    per_key.sort()
    return {
        "alone_s": statistics.median(alone), "sessions": sessions, "paint_median_s": statistics.median(paint), "paint_max_s": paint[-1],
        "rss_total_mib": memory / 1024, "rss_per_session_mib": memory / 1024 / sessions,
        "key_bytes_median": statistics.median(per_key), "key_bytes_p95": per_key[int(0.95 * (len(per_key) - 1))],
        "key_bytes_max": per_key[-1], "command_round_trip_s": statistics.median(round_trips),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--keys", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
        env = {**os.environ, "LMP_DATA_DIR": str(folder)}
        lmp = [sys.executable, "-m", "lmp_tui.cli.main"]
        subprocess.run([*lmp, "demo", "--db", url], check=True, env=env, cwd=ROOT, capture_output=True)
        key = make_key(folder / "bench-key")
        subprocess.run([*lmp, "--db", url, "--user", "admin", "users", "add-key", "billing", f"{key}.pub"],
                       check=True, env=env, cwd=ROOT, capture_output=True)
        server = start_server(url, folder / "server", "--max-sessions", str(args.sessions + 10),
                              "--max-per-user", str(args.sessions + 10))
        try:
            result = asyncio.run(run(server.port, key, args.sessions, args.keys, server.proc.pid))
        finally:
            server.stop()
    print(f"one session, idle server:      connect → list painted {result['alone_s']:.2f} s (median of 3)")
    print(f"sessions held at once:         {result['sessions']}")
    print(f"connect → list painted:        median {result['paint_median_s']:.2f} s, slowest {result['paint_max_s']:.2f} s")
    print(f"memory, server + children:     {result['rss_total_mib']:.0f} MiB "
          f"({result['rss_per_session_mib']:.0f} MiB a session)")
    print(f"bytes sent per ↓ in the list:  median {result['key_bytes_median']:.0f}, p95 {result['key_bytes_p95']}, "
          f"max {result['key_bytes_max']}")
    print(f"reports --format json over SSH: {result['command_round_trip_s']:.2f} s (connect, run, exit; median of 5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
