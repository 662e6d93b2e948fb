"""Benchmark: the interface in a real 80×24 pseudo-terminal (TERM=xterm-256color), against
a bare Textual app started the same way, runs interleaved (lmp-tui, bare, lmp-tui, …).

    uv run python bench/ui_80x24.py --db sqlite:////path/bench.sqlite3 [--repeat 7] [--root DIR]
                                    [--open ID] [--user billing]

"Painted" is read from the terminal's side: the pty's output is read until a marker text
appears, then until the output has been quiet for QUIET_S; the time is that of the last
byte of the frame. Measures, each as median (p50), p95 and spread (min–max):

- start → the frame painted (title, filters, "Loading…": the app is there, the database
  stack still loading) and start → first list page painted (the summary line "… reports · p1/…");
- status filter → page painted: ``t``, the status chosen with ↓ and Enter (timed from Enter);
- partner find, one character → page painted (timed from the keystroke, debounce included);
- with ``--open ID`` (a large report alone in the newest cycle, e.g. bench/ui_responsiveness.py's
  2,000-line one): the cycle chosen in the list, Enter → the report's first rows painted, Reset
  (``z``) → painted, and a cursor ↓: bytes
  and frames written per key, at the top of the grid (two rows and the detail pane change)
  and further down, where each ↓ scrolls the grid by a row ("cursor ↓ scrolling").

``--report-only`` skips the list's filter and find rounds (start is still measured).

Each start has a new data folder: the first page is read without the database stack
whatever was kept (:mod:`lmp_tui.startup.quickread`: nothing is).

The bare app paints a marker at start and repaints a line on a key, so the ratios show what
lmp-tui adds over Textual itself in the same terminal. ``--root`` runs another source tree
with this Python (e.g. an export of an earlier commit, for before/after figures).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

COLS, ROWS = 80, 24
QUIET_S = 0.08
TIMEOUT_S = 60.0
ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(rb"reports? \xc2\xb7 p\d+/")  # "12,345 reports · p1/247"
SYNC_END = b"\x1b[?2026l"  # Textual wraps each frame in synchronized output

BARE = textwrap.dedent('''
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        BINDINGS = [("t", "change", "change"), ("a", "change", "change"), ("enter", "change", "change"),
                    ("q", "quit", "quit")]
        n = 0

        def compose(self):
            yield Static("BARE READY 0", id="s")

        def action_change(self):
            self.n += 1
            self.query_one("#s").update(f"BARE READY {self.n}")

    Bare().run()
''')


class Term:
    """A program in a pseudo-terminal of COLS×ROWS; its output is read as it comes."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.t0 = time.perf_counter()
        pid, fd = os.forkpty()
        if pid == 0:  # the child: the terminal's size first, then the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.pid, self.fd = pid, fd
        self.out = bytearray()
        self.last = self.t0  # when the last byte came

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            raise RuntimeError("the program ended:\n" + self.out[-2000:].decode(errors="replace")) from None
        if not chunk:
            raise RuntimeError("the program ended")
        self.out += chunk
        self.last = time.perf_counter()
        self._answer(chunk)
        return True

    def _answer(self, chunk: bytes) -> None:
        """Answer the terminal queries Textual makes, as a terminal would."""
        if b"\x1b[?2026$p" in chunk:  # synchronized output: supported
            os.write(self.fd, b"\x1b[?2026;2$y")
        if b"\x1b[6n" in chunk:
            os.write(self.fd, f"\x1b[{ROWS};1R".encode())

    def wait(self, marker: re.Pattern[bytes] | bytes, since: int = 0) -> float:
        """Read until ``marker`` appears after byte ``since`` and the output is quiet; the time
        of the last byte."""
        deadline = time.perf_counter() + TIMEOUT_S
        found = False
        while True:
            if not found:
                found = (marker.search(self.out, since) if isinstance(marker, re.Pattern)
                         else self.out.find(marker, since) >= 0)
            if found:
                if not self._read(QUIET_S):
                    return self.last
            else:
                self._read(0.05)
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no {marker!r} within {TIMEOUT_S} s; what was painted since the key, "
                                   f"row by row:\n{readable(self.out[since:])}")

    def quiet(self) -> float:
        while self._read(QUIET_S):
            pass
        return self.last

    def answer(self, mark: int) -> float:
        """Read until output comes after byte ``mark``, then until it is quiet."""
        deadline = time.perf_counter() + TIMEOUT_S
        while len(self.out) <= mark:
            self._read(0.05)
            if time.perf_counter() > deadline:
                raise TimeoutError("no output after the key")
        return self.quiet()

    def key(self, data: bytes) -> tuple[float, int]:
        self.quiet()
        mark = len(self.out)
        os.write(self.fd, data)
        return time.perf_counter(), mark

    def max_rss_mib(self) -> float:
        """The program's peak resident memory so far (Linux: VmHWM)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            while self._read(0.2):
                pass
        except (RuntimeError, OSError):
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def readable(data: bytes, most: int = 40) -> str:
    """Terminal output as the text painted on each row (the last ``most`` writes), for a
    timeout's message: "row 3: …" for every cursor move, styles left out."""
    text = data.decode(errors="replace")
    text = re.sub(r"\x1b\[(\d+);\d+H", lambda m: f"\nrow {m.group(1)}: ", text)
    text = re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]|\x1b[=>]|\r", "", text)
    return "\n".join(line for line in text.split("\n")[-most:] if line.strip())


def environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LMP_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS), PYTHONPATH=str(root),
               LMP_DATA_DIR=tempfile.mkdtemp(prefix="lmp-bench-"))
    env.pop("COLORTERM", None)
    return env


def lmp_argv(args: argparse.Namespace, *more: str) -> list[str]:
    return [sys.executable, "-m", "lmp_tui.cli.main", "--db", args.db, "--user", args.user, *more]


def lmp_round(args: argparse.Namespace, root: Path, i: int) -> dict[str, float]:
    out: dict[str, float] = {}
    term = Term(lmp_argv(args), root, environment(root))
    try:
        out["start → frame painted"] = term.wait(b"Billing reports") - term.t0
        out["start → first list page"] = term.wait(SUMMARY) - term.t0
        for k in range(0 if args.report_only else 3):  # status filter: t, the status below the current one, Enter
            term.key(b"t")
            term.quiet()
            term.key(b"\x1b[B")
            t, mark = term.key(b"\r")
            out[f"status filter → page #{k}"] = term.wait(SUMMARY, mark) - t
        term.key(b"/")
        term.quiet()
        for k, ch in enumerate(b"" if args.report_only else b"aeo"):  # one character, then erased (that reload is not timed)
            t, mark = term.key(bytes([ch]))
            out[f"find, one character → page #{k}"] = term.wait(SUMMARY, mark) - t
            _, mark = term.key(b"\x7f")
            term.wait(SUMMARY, mark)
    finally:
        term.close()
    if args.open:  # the report's cycle (the first one offered, newest first) has only that report
        term = Term(lmp_argv(args), root, environment(root))
        try:
            term.wait(SUMMARY)
            term.key(b"y")
            term.quiet()
            term.key(b"\x1b[B")
            _, mark = term.key(b"\r")
            term.wait(re.compile(rb"[^\d,]1 report \xc2\xb7 p1/1 "), mark)
            t, mark = term.key(b"\r")
            out["open large report → first rows"] = term.wait(args.row_marker.encode(), mark) - t
            term.quiet()
            t, mark = term.key(b"z")  # Reset asks nothing; its toast is painted with it
            out["Reset → painted"] = term.answer(mark) - t
            time.sleep(4.5)  # the toast goes
            term.quiet()
            for k in range(20):  # the first five at the top; from the 13th on the grid scrolls
                t, mark = term.key(b"\x1b[B")
                painted = term.answer(mark) - t
                if 5 <= k < 12:
                    continue
                name = "cursor ↓" if k < 5 else "cursor ↓ scrolling"
                out[f"{name} → painted #{k}"] = painted
                out[f"{name} bytes #{k}"] = len(term.out) - mark
                out[f"{name} frames #{k}"] = term.out.count(SYNC_END, mark)
            out["max RSS, MiB"] = term.max_rss_mib()
        finally:
            term.close()
    return out


def bare_round(script: Path, root: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    term = Term([sys.executable, str(script)], root, environment(root))
    try:
        out["start → first list page"] = out["start → frame painted"] = term.wait(b"BARE READY 0") - term.t0
        for k in range(3):
            t, mark = term.key(b"t")
            out[f"status filter → page #{k}"] = term.wait(f"BARE READY {k + 1}".encode(), mark) - t
        for k in range(3):
            t, mark = term.key(b"a")
            out[f"find, one character → page #{k}"] = term.wait(f"BARE READY {k + 4}".encode(), mark) - t
        t, mark = term.key(b"\r")
        out["cursor ↓ → painted"] = term.wait(b"BARE READY 7", mark) - t
        out["cursor ↓ bytes"] = len(term.out) - mark
        out["cursor ↓ frames"] = max(1, term.out.count(SYNC_END, mark))
        out["open large report → first rows"] = out["cursor ↓ → painted"]
        out["Reset → painted"] = out["cursor ↓ → painted"]
        out["max RSS, MiB"] = term.max_rss_mib()
    finally:
        term.close()
    return out


def merged(rounds: list[dict[str, float]]) -> dict[str, list[float]]:
    """The repeated measures of a round (``… #k``) pooled under one name."""
    out: dict[str, list[float]] = {}
    for r in rounds:
        for key, value in r.items():
            out.setdefault(key.split(" #")[0], []).append(value)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="a database with reports (e.g. bench/ui_responsiveness.py's)")
    ap.add_argument("--user", default="billing")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--root", type=Path, default=ROOT, help="the source tree to run (default: this one)")
    ap.add_argument("--report-only", action="store_true", help="skip the list's filter and find rounds")
    ap.add_argument("--open", action="store_true", help="open the newest cycle's report (the 2,000-line one)")
    ap.add_argument("--row-marker", default="Line 1 ·", help="text painted with the first rows (default: the line pane's 'Line 1 ·')")
    args = ap.parse_args()
    script = Path(tempfile.mkdtemp(prefix="lmp-bench-")) / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    lmp, bare = [], []
    for i in range(args.repeat):  # interleaved, so that a busy moment of the machine hits both
        lmp.append(lmp_round(args, args.root, i))
        bare.append(bare_round(script, args.root))
        print(f"round {i + 1}/{args.repeat} done", file=sys.stderr)
    a, b = merged(lmp), merged(bare)
    print(f"{COLS}×{ROWS} pty, TERM=xterm-256color, {args.repeat} interleaved rounds; tree {args.root}")
    print(f"{'measure':34s} {'lmp p50':>9s} {'p95':>8s} {'min–max':>15s} {'bare p50':>9s} {'ratio':>6s}")
    for key, values in a.items():
        base = b.get(key, [float("nan")])
        if key.endswith("MiB"):
            m, bm = statistics.median(values), statistics.median(base)
            print(f"{key:34s} {m:9.1f} {p95(values):8.1f} {min(values):7.1f}–{max(values):<7.1f} {bm:9.1f} "
                  f"{m / bm:5.1f}×")
            continue
        if key.endswith(("bytes", "frames")):
            print(f"{key:34s} {statistics.median(values):9.0f} {p95(values):8.0f} "
                  f"{min(values):7.0f}–{max(values):<7.0f} {statistics.median(base):9.0f}")
            continue
        m, q, lo, hi, bm = (statistics.median(values) * 1000, p95(values) * 1000, min(values) * 1000,
                            max(values) * 1000, statistics.median(base) * 1000)
        print(f"{key:34s} {m:7.0f}ms {q:6.0f}ms {lo:6.0f}–{hi:<6.0f}ms {bm:7.0f}ms {m / bm:5.1f}×")


if __name__ == "__main__":
    main()
