"""A real terminal for the end-to-end tests: a tmux session we type into and read."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

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


def exit_status(marker: Path, timeout: float) -> str:
    """The status the shell wrote once the app ended ("" if it has not ended in time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = marker.read_text().strip() if marker.exists() else ""
        if status:
            return status
        time.sleep(0.2)
    return ""
