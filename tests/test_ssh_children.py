"""The interface's child of an SSH session: its pseudo-terminal is its controlling terminal
(Ctrl+C, a hang-up and /dev/tty reach it), and it is started without a ``preexec_fn`` (code
run between fork and exec, which Python documents as unsafe in a process with threads: the
server has them)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lmp_tui.ssh.children import PtyChild, Session

pytestmark = pytest.mark.e2e

#: what the child reports: whether /dev/tty opens (only with a controlling terminal), whether
#: its terminal's foreground process group is its own, and whether it leads its own session
REPORT = ("import os; os.close(os.open('/dev/tty', os.O_RDWR)); "
          "print('tty', os.tcgetpgrp(0) == os.getpgrp(), os.getsid(0) == os.getpid(), flush=True)")


class _Out:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    async def drain(self) -> None:
        pass


class _In:
    async def read(self, n: int) -> bytes:
        await asyncio.Event().wait()  # the client types nothing
        return b""


class _Client:
    """The SSH side of a session with a terminal: 80×24, no keys, never closing."""

    def __init__(self) -> None:
        self.stdout, self.stdin = _Out(), _In()

    def get_terminal_size(self) -> tuple[int, int, int, int]:
        return 80, 24, 0, 0

    async def wait_closed(self) -> None:
        await asyncio.Event().wait()

    def is_closing(self) -> bool:
        return False


def test_the_interface_child_owns_its_terminal_and_is_started_without_preexec_fn(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch):
    started: list[dict[str, Any]] = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    client = _Client()

    async def run() -> int:
        session = Session(user="billing", fingerprint="SHA256:x", client="test", command=None, terminal=True)
        child = PtyChild(client, session, idle_s=60)  # type: ignore[arg-type]
        return await asyncio.wait_for(child.run([sys.executable, "-c", REPORT], dict(os.environ), tmp_path), 30)

    assert asyncio.run(run()) == 0, client.stdout.data
    assert b"tty True True" in client.stdout.data
    assert len(started) == 1 and started[0].get("preexec_fn") is None
    assert started[0].get("start_new_session") is True
