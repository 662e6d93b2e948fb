"""The child process of one SSH session, and the record of the session it updates: the
interface in a pseudo-terminal of its own (keys in, screen out, window sizes passed on, an
idle timeout), or a command with its standard streams passed through. Closing the
connection ends the child; the child ending closes the session. A session the server
revokes (its key removed, its user disabled: :mod:`lmp_tui.ssh.revocation`) asks its child
to end (SIGTERM: the interface puts the terminal back itself), kills it after
REVOKE_GRACE_S, and tells the person why in one sentence."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh

#: what a terminal is left in when its session is cut from outside: no mouse reports, no
#: bracketed paste, no focus or size reports, the keyboard protocol Textual pushed popped,
#: main screen, cursor shown, lines wrap again, colours reset
_TERMINAL_RESET = (
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1016l\x1b[?2004l\x1b[?1004l"
    b"\x1b[?2048l\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?7h\x1b[0m\r\n"
)

#: how long a revoked session's child has to end by itself before it is killed
REVOKE_GRACE_S = 2.0
#: the exit status a revoked session ends with
REVOKED_STATUS = 1


@dataclass
class Session:
    user: str
    fingerprint: str
    client: str
    command: str | None
    terminal: bool
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    bytes_in: int = 0
    bytes_out: int = 0
    #: why it ended: the child exited, the client left, it idled out, or it was refused
    ended: str = "child exited"
    last_input: float = field(default_factory=time.monotonic)
    #: why the server ends it ("key SHA256:… removed", "user NAME disabled"), once it does
    revoked: str | None = None
    _revoke: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def revoke(self, why: str) -> None:
        """End the session: its key or its user lost the right to sign in."""
        if self.revoked is None:
            self.revoked, self.ended = why, f"revoked: {why}"
            self._revoke.set()

    async def revoked_now(self) -> None:
        await self._revoke.wait()

    def revoked_notice(self, newline: str) -> bytes:
        return (
            f"lmp-tui: your access was revoked by an administrator ({self.revoked}); the session is closed.{newline}"
        ).encode()


#: the largest terminal a session gets, in columns and in rows: a client that asks for more
#: (when it starts or when its window changes) gets this much; a screen of 20000 × 20000
#: would cost the interface gigabytes, and a size over 65535 does not fit a terminal at all
MAX_TERMINAL = 1000
#: how long a child that has ended may still pass on what it wrote before it ended
_OUTPUT_GRACE_S = 2.0
#: how much of the end of a failed command's standard error is kept, to say why in the log
_WHY_BYTES = 512


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """The terminal size a client asked for, within 1 … :data:`MAX_TERMINAL` each way."""
    return min(max(cols, 1), MAX_TERMINAL), min(max(rows, 1), MAX_TERMINAL)


def _set_size(fd: int, rows: int, cols: int) -> None:
    cols, rows = clamp_size(cols, rows)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


#: what the interface's child runs first, in an interpreter of its own (no site: a few ms):
#: its terminal (standard input) becomes its controlling terminal, then it becomes the
#: interface (exec, same process). It runs in a new session (start_new_session: setsid, done
#: by subprocess itself), so the terminal is free to take. Not a ``preexec_fn``: Python runs
#: that between fork and exec, which is unsafe in a process with threads (the server has them).
_TAKE_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execv(sys.argv[1], sys.argv[1:])"
)


def take_terminal(argv: list[str]) -> list[str]:
    """``argv`` run with the pseudo-terminal on its standard input as its controlling terminal."""
    return [sys.executable, "-S", "-c", _TAKE_TERMINAL, *argv]


class PtyChild:
    """The interface in a pseudo-terminal of its own: keys in, screen out, sizes passed on."""

    def __init__(self, process: asyncssh.SSHServerProcess, session: Session, idle_s: float) -> None:
        self.process, self.session, self.idle_s = process, session, idle_s
        self.loop = asyncio.get_running_loop()

    async def run(self, argv: list[str], env: dict[str, str], workdir: Path) -> int:
        cols, rows, _, _ = self.process.get_terminal_size()
        master, slave = pty.openpty()
        _set_size(slave, rows or 24, cols or 80)
        try:
            child = await asyncio.create_subprocess_exec(
                *take_terminal(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=str(workdir),
                start_new_session=True,
            )
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self.master, self.child = master, child
        out, idle = asyncio.ensure_future(self._out()), asyncio.ensure_future(self._idle())
        closed, exited = asyncio.ensure_future(self.process.wait_closed()), asyncio.ensure_future(child.wait())
        revoked = asyncio.ensure_future(self.session.revoked_now())
        tasks = [out, asyncio.ensure_future(self._in()), idle, closed, exited, revoked]
        try:
            # only the child's end is a normal end; its output stopping is not (the client
            # may have stopped taking it), so the child goes on until it exits or is hung up on
            done, _ = await asyncio.wait({exited, closed, idle, revoked}, return_when=asyncio.FIRST_COMPLETED)
            if exited not in done and revoked in done:
                return await self._revoked(out)
            if exited not in done:  # the client left or idled out: hang up on the child
                self.session.ended = "idle timeout" if idle in done else "client left"
                await self._hang_up(reset=idle in done)
            elif not closed.done():  # what it wrote last reaches the client
                await asyncio.wait({out, closed}, timeout=_OUTPUT_GRACE_S, return_when=asyncio.FIRST_COMPLETED)
            return await exited
        finally:
            for task in tasks:
                task.cancel()
            await self._hang_up(reset=False)
            os.close(master)

    async def _ready(self, add: Callable[..., Any], remove: Callable[[int], Any]) -> None:
        """Until the pseudo-terminal is readable (the loop's add_reader) or writable (add_writer)."""
        ready = self.loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        add(self.master, wake)
        try:
            await ready
        finally:
            remove(self.master)

    async def _readable(self) -> None:
        await self._ready(self.loop.add_reader, self.loop.remove_reader)

    async def _out(self) -> None:
        while True:
            await self._readable()
            try:
                data = os.read(self.master, 65536)
            except BlockingIOError:
                continue
            except OSError:  # EIO: the child closed its terminal (it ended)
                return
            if not data:
                return
            self.session.bytes_out += len(data)
            self.process.stdout.write(data)
            await self.process.stdout.drain()

    async def _in(self) -> None:
        while True:
            try:
                data = await self.process.stdin.read(65536)
            except asyncssh.TerminalSizeChanged as change:
                _set_size(self.master, change.height, change.width)
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                continue
            if not data:
                return  # the client sent EOF: the interface goes on until it ends or the client leaves
            self.session.bytes_in += len(data)
            self.session.last_input = time.monotonic()
            await self._write(data)

    async def _write(self, data: bytes) -> None:
        while data:
            try:
                n = os.write(self.master, data)
                data = data[n:]
            except BlockingIOError:
                await self._ready(self.loop.add_writer, self.loop.remove_writer)

    async def _idle(self) -> None:
        while True:
            left = self.idle_s - (time.monotonic() - self.session.last_input)
            if left <= 0:
                return
            await asyncio.sleep(min(left, 30))

    async def _revoked(self, out: asyncio.Future[None]) -> int:
        """The interface is asked to end (it puts the terminal back itself), killed if it
        does not within REVOKE_GRACE_S (then the server puts the terminal back); the
        person is told why."""
        killed = await end_child(self.child, signal.SIGTERM, REVOKE_GRACE_S)
        code = await self.child.wait()
        if killed or code < 0:  # it did not put the terminal back: the server does
            self.session.ended += f", killed after {REVOKE_GRACE_S:g} s" if killed else ", ended by a signal"
        await asyncio.wait({out}, timeout=1.0)  # the screen's last bytes (its own restore) go before the notice
        if not self.process.is_closing():
            self.process.stdout.write(
                (_TERMINAL_RESET if killed or code < 0 else b"\r\n") + self.session.revoked_notice("\r\n")
            )
        return REVOKED_STATUS

    async def _hang_up(self, *, reset: bool) -> None:
        await end_child(self.child, signal.SIGHUP, 3.0)
        if reset and not self.process.is_closing():
            span = f"{round(self.idle_s / 60)} minute(s)" if self.idle_s >= 60 else f"{round(self.idle_s)} seconds"
            self.process.stdout.write(
                _TERMINAL_RESET
                + (
                    f"lmp-tui: no key for {span}, so the session was closed. What you saved is safe; "
                    "unsaved changes are lost. Connect again to go on.\r\n"
                ).encode()
            )


async def end_child(child: asyncio.subprocess.Process, first: signal.Signals, grace: float) -> bool:
    """Ask the child's process group to end (``first``), and kill it after ``grace`` seconds;
    whether it had to be killed."""
    for sig, wait in ((first, grace), (signal.SIGKILL, 3.0)):
        if child.returncode is not None:
            return False
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return False
        try:
            await asyncio.wait_for(child.wait(), wait)
            return sig is signal.SIGKILL
        except TimeoutError:
            continue
    return True


async def pipe_child(
    process: asyncssh.SSHServerProcess, session: Session, argv: list[str], env: dict[str, str], workdir: Path
) -> int:
    """A command: its standard streams are the session's; its exit status is passed back."""
    child = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=str(workdir),
        start_new_session=True,
    )
    stdin, stdout, stderr = child.stdin, child.stdout, child.stderr
    assert stdin and stdout and stderr

    said = bytearray()  # the end of what it said on standard error: why it failed, for the log

    async def copy_out(source: asyncio.StreamReader, target: Any, keep: bytearray | None = None) -> None:
        while data := await source.read(65536):
            session.bytes_out += len(data)
            if keep is not None:
                keep[:] = (keep + data)[-_WHY_BYTES:]
            target.write(data)
            await target.drain()

    async def copy_in() -> None:
        try:
            while data := await process.stdin.read(65536):
                session.bytes_in += len(data)
                stdin.write(data)
                await stdin.drain()
            stdin.close()
        except (BrokenPipeError, ConnectionResetError):  # the command did not read all of it
            pass

    outputs = [
        asyncio.ensure_future(copy_out(stdout, process.stdout)),
        asyncio.ensure_future(copy_out(stderr, process.stderr, said)),
    ]
    feeding = asyncio.ensure_future(copy_in())
    closed = asyncio.ensure_future(process.wait_closed())
    waiting = asyncio.ensure_future(child.wait())
    revoked = asyncio.ensure_future(session.revoked_now())
    try:
        await asyncio.wait({waiting, closed, revoked}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done() and revoked.done():  # the command stops, its output so far is passed on
            if await end_child(child, signal.SIGTERM, REVOKE_GRACE_S):
                session.ended += f", killed after {REVOKE_GRACE_S:g} s"
            await waiting
            if not closed.done():
                await asyncio.wait(outputs, timeout=1)
                process.stderr.write(session.revoked_notice("\n"))
            return REVOKED_STATUS
        if not waiting.done():  # the client left: the command stops
            session.ended = "client left"
            await end_child(child, signal.SIGTERM, 5.0)
        code = await waiting
        if not closed.done():
            await asyncio.wait(outputs, timeout=10)
        last = said.decode("utf-8", "replace").strip().rpartition("\n")[2]
        if code != 0 and session.ended == "child exited" and last:
            session.ended = f"child exited: {last[:200]}"
        return code
    finally:
        for task in (*outputs, feeding, closed, revoked):
            task.cancel()
