"""Bounds before work (issue 14): a refused command reads none of its input, input is read
with a cap, a terminal's size is clamped and its child ends with the connection,
connections that do not sign in are capped in number and time, and every host-key
problem and refused request is one sentence (on the console or in the server's log)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import asyncssh
import pytest
from sqlalchemy import select

from lmp_tui.services import BillingService
from lmp_tui.ssh.children import MAX_TERMINAL, clamp_size
from lmp_tui.ssh.gate import DEFAULT_STARTUPS_PER_SOURCE as PER_SOURCE
from lmp_tui.storage.db import Database
from lmp_tui.storage.models import Region

from .factory import World
from .pg import start_cluster
from .sshd import ROOT, Server, make_key, start_server
from .waiting import async_wait_until, wait_until

MB = 2**20
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: these tests are about the server's bounds, not the database."""
    return sqlite_db


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.fail("the OpenSSH client (ssh, ssh-keygen) is needed for these tests (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("keys")
    return {name: make_key(folder / name) for name in ("billing", "viewer", "admin")}


def _add_keys(db: Database, keys: dict[str, Path]) -> None:
    admin = BillingService(db, "admin")
    for user in ("billing", "viewer", "admin"):
        admin.add_key(user, key_text=keys[user].with_suffix(".pub").read_text())


@pytest.fixture(scope="module")
def server(sqlite_template: Path, keys: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    """One server for the tests that leave it as they found it (each reads only its own log lines)."""
    folder = tmp_path_factory.mktemp("shared")
    shutil.copy(sqlite_template, folder / "db.sqlite3")
    db = Database.open(f"sqlite:///{folder / 'db.sqlite3'}")
    World.build(db)
    _add_keys(db, keys)
    srv = start_server(_url(db), folder / "server")
    db.dispose()
    yield srv
    srv.stop()


def _log_since(server: Server, mark: int) -> str:
    """The server's log from ``mark`` (a length of it taken before) on."""
    return server.log_text()[mark:]


def _cli(db: Database, user: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The command line as a child, its standard input a pipe the test holds open."""
    return subprocess.Popen([sys.executable, "-m", "lmp_tui.cli.main", "--db", _url(db), "--user", user, *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, **(env or {})})


# --------------------------------------------------------------------------- 1, 2: the role first, input capped


def test_a_viewers_import_is_refused_before_it_reads_standard_input(db, world):  # noqa: ANN001
    # the input never ends: a command that read it first would wait for ever
    child = _cli(db, "viewer", "import", "usage", "-", "--cycle", "2026-10")
    try:
        assert child.stdin is not None
        child.stdin.write(b"partner,product,provisioned\n")
        child.stdin.flush()
        wait_until(lambda: child.poll() is not None, 30, "the viewer's import to be refused with its input still open")
        err = child.stderr.read() if child.stderr else b""
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 1
    assert b"You cannot import" in err and b"your role is viewer" in err, err


def test_add_key_refuses_more_than_16_kb_having_read_at_most_that(db, world):  # noqa: ANN001
    child = _cli(db, "admin", "users", "add-key", "viewer", "-")
    assert child.stdin is not None
    fcntl.fcntl(child.stdin.fileno(), F_SETPIPE_SZ, 4096)  # the pipe holds 4 KB: what is written was read, but 4 KB
    written = 0

    def feed() -> None:  # a key that never ends: 1 MB, and the input stays open
        nonlocal written
        try:
            for _ in range(1024):
                child.stdin.write(b"A" * 1024)
                child.stdin.flush()
                written += 1024
        except (BrokenPipeError, OSError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        wait_until(lambda: child.poll() is not None, 30, "add-key to refuse its endless input")
        err = child.stderr.read() if child.stderr else b""
    finally:
        child.kill()
        child.wait()
        feeder.join(10)
    print(f"\nadd-key refused its input after {written / 1024:.0f} KB were written (a 4 KB pipe between)")
    assert child.returncode == 1
    assert b"standard input is larger than 16 KB, the most a public key may be" in err, err
    assert written <= (16 + 8 + 4 + 1) * 1024  # the limit, the reader's buffer, the pipe's, a write under way
    assert BillingService(db, "admin").show_user("viewer")[1] == []


def test_an_import_over_the_size_limit_names_the_setting_and_changes_nothing(db, world, tmp_path):  # noqa: ANN001
    big = tmp_path / "regions.csv"
    with big.open("w") as f:
        f.write("region,currency,code_kind,code_opens\nXX,USD,bid-desk,unit_price\n")
        f.write("\n" * MB)  # blank lines, which an import skips: 1 MB and a bit
    BillingService(db, "admin").set_role("admin", "operator")  # regions are shared: an operator's
    child = _cli(db, "admin", "import", "regions", str(big), env={"LMP_MAX_INPUT_MB": "1"})
    _, err = child.communicate(timeout=60)
    assert child.returncode == 1
    assert b"is larger than 1 MB, the most a CSV file may be" in err and b"LMP_MAX_INPUT_MB" in err, err
    assert b"Nothing was imported" in err
    with db.read() as session:
        assert session.scalar(select(Region).where(Region.code == "XX")) is None


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and its children, in KB (0 once it is gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(p) for p in f.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        return total
    return total + sum(_rss_kb(c) for c in children)


class _PeakMemory:
    """The most the server and its children held, sampled while a request runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.base, self.peak = pid, _rss_kb(pid), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_kb(self.pid))
            self._stop.wait(0.01)

    def __enter__(self) -> "_PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 1024


def test_a_viewers_100_mb_import_over_ssh_is_refused_without_the_server_holding_it(
        server, keys, tmp_path):  # noqa: ANN001
    big = tmp_path / "usage.csv"
    with big.open("wb") as f:  # 100 MB of a usage file's shape (a sparse file: no disk, no memory here)
        f.write(b"partner,product,provisioned,used,chargeable\n")
        f.truncate(100 * MB)
    small = tmp_path / "small.csv"
    small.write_bytes(b"partner,product,provisioned,used,chargeable\n")
    argv = server.ssh_argv(keys["viewer"], "import", "usage", "-", "--cycle", "2026-10")
    peaks, answers, times = [], [], []
    for source in (small, big):  # the same request with a few bytes, then with 100 MB
        started = time.monotonic()
        with _PeakMemory(server.proc.pid) as memory, source.open("rb") as stdin:
            answers.append(subprocess.run(argv, stdin=stdin, capture_output=True, timeout=120))
        times.append(time.monotonic() - started)
        peaks.append(memory.peak)
    added_mb = (peaks[1] - peaks[0]) / 1024
    print(f"\nviewer's import over SSH: {times[0]:.1f} s with a few bytes, {times[1]:.1f} s with 100 MB; peak RSS of "
          f"server + child {peaks[0] / 1024:.0f} MB and {peaks[1] / 1024:.0f} MB (100 MB added {added_mb:.1f} MB)")
    for done in answers:
        assert done.returncode == 1
        assert b"You cannot import" in done.stderr and b"your role is viewer" in done.stderr, done.stderr
    assert added_mb < 50


# --------------------------------------------------------------------------- 3: terminal sizes, the child's end


class _Screen(asyncssh.SSHClientSession):
    """What a terminal session shows, as bytes."""

    def __init__(self) -> None:
        self.received = bytearray()

    def data_received(self, data: bytes, datatype: object) -> None:
        self.received += data


async def _connect(server: Server, key: Path, *, local_addr: tuple[str, int] | None = None
                   ) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect("127.0.0.1", server.port, username="anyone", client_keys=[str(key)],
                                  known_hosts=None, local_addr=local_addr, connect_timeout=20)


def _children(server: Server) -> list[int]:
    with open(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children") as f:
        return [int(p) for p in f.read().split()]


@pytest.fixture
def one_session_each(db, world, keys, tmp_path) -> Iterator[Server]:  # noqa: ANN001
    _add_keys(db, keys)
    srv = start_server(_url(db), tmp_path / "server", "--max-per-user", "1")
    yield srv
    srv.stop()


def test_a_huge_terminal_whose_client_drops_ends_its_child_and_frees_the_slot(one_session_each, keys):  # noqa: ANN001
    server = one_session_each

    async def drop() -> tuple[int, float]:
        conn = await _connect(server, keys["billing"])
        chan, screen = await conn.create_session(_Screen, term_type="xterm-256color", term_size=(20000, 20000),
                                                 encoding=None)
        await async_wait_until(lambda: len(screen.received) > 256 * 1024, 60, "the interface to paint its screen")
        chan.pause_reading()  # the client takes no more of the screen, then drops
        child = _children(server)[0]
        conn.abort()
        await conn.wait_closed()
        dropped = time.monotonic()
        await async_wait_until(lambda: not _children(server), 15, "the session's child to end after its client dropped")
        return child, time.monotonic() - dropped

    child, took = asyncio.run(drop())
    print(f"\nthe child of a 20000×20000 session ended {took:.1f} s after its client dropped")
    assert not Path(f"/proc/{child}").exists()
    done = server.ssh(keys["billing"], "whoami")  # one session each: the dropped one no longer counts
    assert done.returncode == 0 and done.stdout.startswith(b"billing (billing)"), done.stderr
    assert "ended='client left'" in server.log_text()


def test_an_absurd_window_change_is_clamped_and_keys_still_reach_the_interface(server, keys):  # noqa: ANN001
    mark = len(server.log_text())

    async def resize_then_quit() -> int | None:
        conn = await _connect(server, keys["billing"])
        chan, screen = await conn.create_session(_Screen, term_type="xterm-256color", term_size=(80, 24),
                                                 encoding=None)
        await async_wait_until(lambda: b"signed in as" in screen.received, 60, "the interface to sign in")
        for cols, rows in ((70000, 70000), (2**32 - 1, 1), (0, 0), (100, 30)):
            chan.change_terminal_size(cols, rows)
        chan.write(b"\x11")  # Ctrl+Q: the interface ends, and with it the session
        await asyncio.wait_for(chan.wait_closed(), 30)
        status = chan.get_exit_status()
        conn.close()
        return status

    assert asyncio.run(resize_then_quit()) == 0
    assert "terminal=yes command='(interface)' exit=0" in _log_since(server, mark)


def test_terminal_sizes_are_clamped():
    assert clamp_size(20000, 20000) == (MAX_TERMINAL, MAX_TERMINAL) == (1000, 1000)
    assert clamp_size(0, 0) == (1, 1) and clamp_size(132, 43) == (132, 43)


# --------------------------------------------------------------------------- 5: host keys


def _write(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path.write_bytes(data)
    path.chmod(mode)
    return path


def _private(path: Path, key: asyncssh.SSHKey, mode: int = 0o600) -> Path:
    return _write(path, key.export_private_key(), mode)


def _encrypted(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", str(path)], check=True,
                   stdin=subprocess.DEVNULL)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _link(path: Path, target: str) -> Path:
    path.symlink_to(target)
    return path


_ED25519 = asyncssh.generate_private_key("ssh-ed25519")
_PEM = b"-----BEGIN OPENSSH PRIVATE KEY-----\n"
HOST_KEY_PROBLEMS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda p: p, "There is no host key"),
    "empty": (lambda p: _write(p, b""), "is empty"),
    "garbled": (lambda p: _write(p, _PEM + b"not a key\n"), "is not a private key the server can read"),
    "encrypted": (_encrypted, "is protected by a passphrase"),
    "public key": (lambda p: _write(p, _ED25519.export_public_key(), 0o644), "is a public key (a .pub file)"),
    "folder": (_folder, "is a folder, not a host key"),
    "fifo": (_fifo, "is a pipe, not a key file"),
    "dangling link": (lambda p: _link(p, "/nonexistent/ssh_host_key"), "which does not exist"),
    "link to /dev/zero": (lambda p: _link(p, "/dev/zero"), "is a device, not a key file"),
    "too large": (lambda p: _write(p, _PEM + b"A" * 100_000), "is larger than 64 KB"),
    "readable by others": (lambda p: _private(p, _ED25519, mode=0o644), "chmod 600"),
    "readable by the group": (lambda p: _private(p, _ED25519, mode=0o640), "chmod 600"),
    "RSA-1024": (lambda p: _private(p, asyncssh.generate_private_key("ssh-rsa", key_size=1024)),
                 "is an RSA key of 1024 bits; the server needs 2048 or more"),
}


@pytest.mark.parametrize("problem", list(HOST_KEY_PROBLEMS))
def test_each_host_key_problem_is_its_own_sentence(problem: str, tmp_path: Path):
    from lmp_tui.errors import InvalidInput
    from lmp_tui.ssh.hostkey import load_host_key

    make, sentence = HOST_KEY_PROBLEMS[problem]
    with pytest.raises(InvalidInput) as refused:
        load_host_key(make(tmp_path / "host_key"), make=False)
    assert sentence in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize("problem", ["fifo", "readable by others", "garbled", "link to /dev/zero"])
def test_serve_ssh_says_the_host_key_problem_and_stops(problem: str, tmp_path: Path, sqlite_template: Path):
    make, sentence = HOST_KEY_PROBLEMS[problem]
    key = make(tmp_path / "host_key")
    done = subprocess.run([sys.executable, "-m", "lmp_tui.cli.main", "serve-ssh", "--db", f"sqlite:///{sqlite_template}",
                           "--listen", "127.0.0.1:1", "--host-key", str(key)], capture_output=True, text=True,
                          timeout=30, cwd=ROOT, stdin=subprocess.DEVNULL,  # a pipe or a device is never waited on
                          env={**os.environ, "LMP_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode == 1 and sentence in done.stderr, done.stderr
    assert "unexpected error" not in done.stderr and done.stderr.count("\n") == 1  # one sentence
    assert not (tmp_path / "data" / "ssh_host_ed25519_key").exists()


def test_a_host_key_of_the_owners_alone_is_used_and_a_first_start_makes_one(tmp_path: Path):
    from lmp_tui.ssh.hostkey import load_host_key

    given = _private(tmp_path / "given", asyncssh.generate_private_key("ssh-rsa", key_size=2048))
    key, made = load_host_key(given, make=False)
    assert key.get_algorithm() == "ssh-rsa" and not made
    default = tmp_path / "data" / "ssh_host_ed25519_key"
    key, made = load_host_key(default)
    assert made and default.stat().st_mode & 0o777 == 0o600 and key.get_algorithm() == "ssh-ed25519"
    again, made = load_host_key(default)
    assert not made and again.public_data == key.public_data


# --------------------------------------------------------------------------- 4: connections that do not sign in


def _open_silent(port: int, count: int, source: str, banner: bool) -> list[socket.socket]:
    """``count`` connections from ``source`` that never sign in (each sends the SSH banner or nothing)."""
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
        if banner:
            s.sendall(b"SSH-2.0-NeverSignsIn\r\n")
        held.append(s)
    return held


def _closed_by_server(s: socket.socket) -> bool:
    """Whether the server closed the connection (what it said before doesn't matter)."""
    s.setblocking(False)
    try:
        while data := s.recv(65536):
            del data
        return True  # end of stream
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


def test_500_connections_that_never_sign_in_leave_room_for_a_clerk(server, keys):  # noqa: ANN001
    held: list[socket.socket] = []
    try:
        started = time.monotonic()
        for i in range(50):  # 500 in all, half of them saying nothing at all
            held += _open_silent(server.port, 10, "127.0.0.1", banner=bool(i % 2))
        opened = time.monotonic() - started

        async def sign_in() -> float:
            begun = time.monotonic()
            conn = await _connect(server, keys["billing"], local_addr=("127.0.0.2", 0))
            took = time.monotonic() - begun
            conn.close()
            await conn.wait_closed()
            return took

        took = asyncio.run(sign_in())
        wait_until(lambda: sum(_closed_by_server(s) for s in held) >= 500 - PER_SOURCE, 10,
              "the connections over the cap to be closed")
        still_open = sum(not _closed_by_server(s) for s in held)
    finally:
        for s in held:
            s.close()
    print(f"\n500 connections that never sign in opened in {opened:.1f} s; {still_open} held by the server; "
          f"a clerk signed in from another address in {took:.2f} s")
    assert took < 2
    assert still_open == PER_SOURCE  # --max-startups-per-source
    log = server.log_text()
    assert log.count(f"closed without signing in ({PER_SOURCE} connections from 127.0.0.1 were already signing in") \
        == 500 - PER_SOURCE


def test_connections_over_the_total_are_closed_and_a_silent_one_is_closed_after_the_grace_time(
        db, world, keys, tmp_path):  # noqa: ANN001
    _add_keys(db, keys)
    server = start_server(_url(db), tmp_path / "server", "--max-startups", "3", "--login-grace-seconds", "1")
    held: list[socket.socket] = []
    try:
        held = [s for source in ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
                for s in _open_silent(server.port, 1, source, banner=False)]
        wait_until(lambda: _closed_by_server(held[3]), 5, "the fourth connection to be closed at once")
        assert not any(_closed_by_server(s) for s in held[:3])
        wait_until(lambda: all(_closed_by_server(s) for s in held[:3]), 10, "the silent connections to be closed")
        wait_until(lambda: server.log_text().count("did not sign in within 1 s") == 3, 5, "one log line each")
        assert "closed without signing in (3 connections were already signing in, the server's limit (serve-ssh " \
               "--max-startups))" in server.log_text()
        assert server.ssh(keys["billing"], "whoami").returncode == 0  # the places are free again
    finally:
        for s in held:
            s.close()
        server.stop()


# --------------------------------------------------------------------------- 6: a log line for each refusal


def test_a_command_that_is_not_utf8_is_refused_with_a_sentence_and_logged_as_such(server, keys):  # noqa: ANN001
    mark = len(server.log_text())
    argv = [os.fsencode(a) for a in server.ssh_argv(keys["billing"], "whoami")] + [b"\xff\xfe"]
    done = subprocess.run(argv, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1 and done.stdout == b""  # nothing ran
    assert b"lmp-tui: the command is not UTF-8 text" in done.stderr, done.stderr
    wait_until(lambda: "ended='refused: the command is not UTF-8 text'" in _log_since(server, mark), 10,
          "the refusal's log line")
    line = next(ln for ln in _log_since(server, mark).splitlines() if "not UTF-8" in ln)
    assert "session user=billing key=SHA256:" in line and "command='(not UTF-8 text)' exit=1" in line, line


def test_a_command_the_child_refuses_says_why_in_the_log(server, keys):  # noqa: ANN001
    done = server.ssh(keys["billing"], "--user", "admin", "whoami")
    assert done.returncode == 1
    assert "ended='child exited: lmp-tui: --user is decided by the server over SSH" in server.log_text()
    done = server.ssh(keys["billing"], "report", "show", "'unbalanced")
    assert done.returncode == 1 and b"quotes do not match" in done.stderr
    assert "ended='refused: quotes do not match'" in server.log_text()


@pytest.mark.postgres  # a throwaway cluster of its own, stopped under the server
def test_a_database_outage_during_the_key_lookup_is_logged_and_the_client_refused(keys, tmp_path):
    cluster = start_cluster()  # a PostgreSQL of this test's own, to stop under the server
    server = None
    try:
        Database.open(cluster.url("postgres"), create=True).dispose()
        db = Database.open(cluster.url("postgres"))
        World.build(db)
        _add_keys(db, keys)
        db.dispose()
        server = start_server(cluster.url("postgres"), tmp_path / "server")
        cluster.stop()  # the database goes down
        done = server.ssh(keys["billing"], "whoami", options=["-o", "LogLevel=INFO"])
        assert done.returncode == 255 and b"Permission denied (publickey)" in done.stderr, done.stderr
        assert b"the server cannot reach its database just now" in done.stderr
        wait_until(lambda: "closed without signing in (the database could not be reached" in server.log_text(), 10,
              "the refusal's log line")
        assert "key lookup failed (DatabaseUnavailable: " in server.log_text()
        assert "no key offered that the server knows" not in server.log_text()
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
