"""The interface's start in a real pseudo-terminal: from the second start on, the first page
is painted with the first frame (no "Loading…"); keys typed before Textual has the terminal
are kept as typed, and the terminal's mode is put back."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

from .factory import World
from .waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]



def _start_in_a_pty(url: str, data_dir: Path):
    """The interface at 80×24 in a pseudo-terminal: (pid, fd)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the interface
        env = {k: v for k, v in os.environ.items() if not k.startswith("LMP_")}
        env.update(TERM="xterm-256color", LMP_DATA_DIR=str(data_dir))
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "lmp_tui.cli.main", "--db", url, "--user", "billing"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def _read_until(fd: int, out: bytearray, pattern: bytes, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while pattern not in out:
        left = deadline - time.monotonic()
        assert left > 0, f"{pattern!r} never came; the terminal got:\n{bytes(out[-1500:])!r}"
        if select.select([fd], [], [], left)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break


def _stop(pid: int, fd: int, out: bytearray) -> None:
    os.write(fd, b"\x11")  # Ctrl+Q
    deadline = time.monotonic() + 20
    while os.waitpid(pid, os.WNOHANG)[0] == 0:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        if select.select([fd], [], [], 0.2)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                pass
    os.close(fd)


def test_the_first_start_paints_its_first_page_at_once(sqlite_db, tmp_path):
    """The start's child reads the first page by the statements kept as code
    (lmp_tui.startup.quickread): the very first frame already holds the page, "Loading…" is never
    painted, and nothing is kept in the data folder for it."""
    World.build(sqlite_db)
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    data = tmp_path / "data"
    summary = "9 reports · p1/1".encode()
    pid, fd = _start_in_a_pty(url, data)
    out = bytearray()
    _read_until(fd, out, summary)
    _read_until(fd, out, "signed in as billing".encode())
    _stop(pid, fd, out)
    assert "Loading…".encode() not in out[: out.index(summary)]
    assert not (data / "cache").exists()


def test_keys_typed_before_the_interface_takes_the_terminal_are_kept(sqlite_db, tmp_path):
    """As soon as the terminal stops echoing (the program's first step, well before Textual
    starts), ``t ↓ ↓ ⏎`` typed at once chooses "Under review"."""
    World.build(sqlite_db)
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    pid, fd = _start_in_a_pty(url, tmp_path / "data")
    # the program's early switch (or Textual's); looked for often, to type as soon as it comes
    wait_until(lambda: not termios.tcgetattr(fd)[3] & termios.ECHO, 20, "the terminal no longer echoing",
               step=0.005)
    os.write(fd, b"t\x1b[B\x1b[B\r")
    out = bytearray()
    _read_until(fd, out, "Under review (3)".encode())  # the choice made, its count shown
    _read_until(fd, out, "3 reports · p1/1".encode())
    assert not out.startswith(b"t")  # not echoed before the interface drew
    _stop(pid, fd, out)


def test_the_early_key_mode_is_set_and_put_back(monkeypatch):
    """Keys typed before Textual starts: no echo, no line holding, Enter kept as Enter,
    Ctrl+Q not flow control; the mode found is put back afterwards."""
    from lmp_tui.ui.launch import _keep_early_keys

    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "r") as tty:
            monkeypatch.setattr(sys, "stdin", tty)
            before = termios.tcgetattr(slave)
            assert before[3] & termios.ECHO and before[3] & termios.ICANON and before[0] & termios.ICRNL
            restore = _keep_early_keys()
            mode = termios.tcgetattr(slave)
            assert not mode[3] & (termios.ECHO | termios.ICANON)
            assert not mode[0] & (termios.ICRNL | termios.IXON)
            restore()
            assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)
