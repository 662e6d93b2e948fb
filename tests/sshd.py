"""``lmp-tui serve-ssh`` started for a test on a loopback port, and the real OpenSSH client
(``ssh``) pointed at it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_key(path: Path) -> Path:
    """A new Ed25519 key pair; returns the private key's path (the public one ends in .pub)."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True,
                   stdin=subprocess.DEVNULL)
    return path


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log: Path

    def ssh_argv(self, key: Path, *command: str, login: str = "anyone", tty: bool = False,
                 options: Sequence[str] = ()) -> list[str]:
        # ssh takes the first value given for an option: the test's own come first
        return ["ssh", *options, "-p", str(self.port), "-i", str(key), "-o", "IdentitiesOnly=yes", "-o",
                "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
                "LogLevel=ERROR", "-o", "ConnectTimeout=20", *(["-tt"] if tty else ["-T"]), f"{login}@127.0.0.1",
                *(["--", *command] if command else [])]

    def ssh(self, key: Path, *command: str, input: bytes | None = None, login: str = "anyone",
            options: Sequence[str] = (), timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(self.ssh_argv(key, *command, login=login, options=options), input=input or b"",
                              capture_output=True, timeout=timeout)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(url: str, data_dir: Path, *args: str) -> Server:
    log = data_dir / "serve-ssh.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LMP_DATA_DIR": str(data_dir), "LMP_DATABASE_URL": url}
    env.pop("LMP_USER", None)
    for _ in range(3):  # the free port may be taken (by another test run) before the server binds it
        port = free_port()
        with log.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "lmp_tui.cli.main", "serve-ssh", "--listen",
                                     f"127.0.0.1:{port}", *args], stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
        server = Server(port, proc, log)
        with contextlib.suppress(AssertionError):  # not in time: said below, with its log
            wait_until(lambda: "listening on" in server.log_text() or proc.poll() is not None, 60,  # noqa: B023
                       "serve-ssh listening")
        if "listening on" in server.log_text():
            return server
        server.stop()
        if "address already in use" not in server.log_text():
            break
    raise RuntimeError(f"serve-ssh did not start: {server.log_text()}")
