"""End to end in a real terminal: tmux runs ``lmp-tui --demo`` at 80×24; we read the
screen, open a report, walk it to Submitted by keyboard, and quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        _tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 45, *, gone: bool = False) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if (text in shown) is not gone:
                return shown
            time.sleep(0.25)
        raise AssertionError(f"{text!r} never {'went' if gone else 'appeared'}; the screen shows:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end test (.ci/run installs it)")
    name = f"lmp-smoke-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "exited"
    env = {**os.environ, "LMP_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color"}
    env.pop("LMP_DATABASE_URL", None)
    command = f"{sys.executable} -m lmp_tui.cli --demo; echo $? > {marker}; sleep 5"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(ROOT), command],
                   check=True, env=env)
    term = Terminal(name)
    term.marker = marker  # type: ignore[attr-defined]
    yield term
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_demo_in_a_real_terminal(terminal):
    shown = terminal.wait_for("Billing reports")
    assert "signed in as billing" in shown and "Find partner" in shown
    # filter to the reports waiting for us, open the first one
    terminal.keys("t")
    terminal.wait_for("Under review (")
    terminal.keys("Down", "Down", "Enter")
    terminal.wait_for("MSP preparing", gone=True)  # the list now holds only reports under review
    terminal.keys("Enter")
    shown = terminal.wait_for("Total invoice amount")
    assert "Under review" in shown and "Lines" in shown
    # set the PO and submit to Trend Micro with a comment
    terminal.keys("p")
    terminal.wait_for("Edit PO Number")
    terminal.keys("PO-SMOKE-1")
    terminal.wait_for("PO-SMOKE-1")
    terminal.keys("Enter")
    terminal.wait_for("PO-SMOKE-1")
    terminal.keys("s")
    terminal.wait_for("Comments to Trend Micro")
    terminal.keys("Checked in tmux")
    terminal.wait_for("Checked in tmux")
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.keys("Enter")
    shown = terminal.wait_for("Submitted to Trend Micro")
    assert "No action is offered" in shown
    terminal.keys("Escape")
    terminal.wait_for("Billing reports")
    terminal.keys("C-q")
    deadline = time.monotonic() + 20
    while not terminal.marker.exists() and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert terminal.marker.read_text().strip() == "0"  # type: ignore[attr-defined]
