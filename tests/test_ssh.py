"""``lmp-tui serve-ssh`` against the real OpenSSH client on a loopback port: the key decides
the user, the server decides the database, command sessions pass output and exit status
back, terminal sessions run the interface in a pseudo-terminal, and everything a client
might try instead (another user, another database, a password, an unknown or disabled
key) is refused. On PostgreSQL, twenty sessions edit at once and no update is lost."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import pytest

from lmp_tui.services import BillingService
from lmp_tui.ssh.server import colour_system

from .sshd import Server, make_key, start_server
from .terminal import ROOT, Terminal, exit_status
from .waiting import wait_until


def _url(db) -> str:  # noqa: ANN001
    return db.engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.fail("the OpenSSH client (ssh, ssh-keygen) is needed for these tests (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("keys")
    return {name: make_key(folder / name) for name in ("billing", "viewer", "admin", "disabled", "stranger")}


def _serve(db, keys, tmp_path, *args: str) -> Server:  # noqa: ANN001
    admin = BillingService(db, "admin")
    admin.add_user("clerk2", "billing")
    for user, key in (("billing", "billing"), ("viewer", "viewer"), ("admin", "admin"), ("clerk2", "disabled")):
        admin.add_key(user, key_text=(keys[key].with_suffix(".pub")).read_text())
    admin.disable_user("clerk2")
    return start_server(_url(db), tmp_path / "server", *args)


@pytest.fixture
def server(db, world, keys, tmp_path):  # noqa: ANN001, ANN201
    srv = _serve(db, keys, tmp_path)
    yield srv
    srv.stop()


def test_a_command_session_runs_as_the_keys_user_with_json_and_exit_status(server: Server, keys, world, db):
    # the login name says admin; the key is billing's, and the key decides
    done = server.ssh(keys["billing"], "whoami", "--format", "json", login="admin")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"name": "billing", "role": "billing", "distributor": "Ours Distribution"}

    done = server.ssh(keys["billing"], "reports", "--status", "under-review", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert world["review"] in [r["id"] for r in rows] and {r["status"] for r in rows} == {"under-review"}

    done = server.ssh(keys["billing"], "report", "show", "999999")
    assert done.returncode == 1 and b"was not found" in done.stderr

    done = server.ssh(keys["billing"], "report", "set-po", str(world["review"]), "PO-OVER-SSH")
    assert done.returncode == 0, done.stderr
    report = BillingService(db, "admin").load_report(world["review"])
    assert report.po_number == "PO-OVER-SSH" and report.history[-1].actor == "billing"

    log = server.log_text()
    assert "session user=billing key=SHA256:" in log and "command='report set-po" in log and "exit=0" in log


@pytest.mark.parametrize("command, why", [
    (["--user", "admin", "whoami"], b"--user is decided by the server"),
    (["--us", "admin", "whoami"], b"--user is decided by the server"),  # argparse's abbreviation too
    (["whoami", "--db", "sqlite:////tmp/elsewhere.sqlite3"], b"--db is decided by the server"),
    (["--demo", "reports"], b"--demo is not available over SSH"),
    (["db", "upgrade"], b"runs on the server itself"),
    (["serve-ssh"], b"runs on the server itself"),
    (["import", "usage", "/etc/passwd", "--cycle", "2026-10"], b"give - instead of the file's name"),
])
def test_the_client_cannot_choose_the_user_the_database_or_a_server_file(server: Server, keys, command, why):
    done = server.ssh(keys["admin"], *command)
    assert done.returncode == 1 and why in done.stderr, done.stderr


def test_client_environment_decides_nothing(server: Server, keys):
    done = server.ssh(keys["billing"], "whoami", options=["-o", "SetEnv=LMP_USER=admin LMP_DATABASE_URL=sqlite://"])
    assert done.returncode == 0 and done.stdout.startswith(b"billing (billing)"), done


def test_unknown_key_disabled_user_and_passwords_are_refused(server: Server, keys):
    for key in ("stranger", "disabled"):
        done = server.ssh(keys[key], "whoami")
        assert done.returncode == 255 and b"Permission denied (publickey)" in done.stderr, (key, done.stderr)
    # a password is never asked for: the server offers public keys only
    done = server.ssh(keys["stranger"], "whoami", options=[
        "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "PubkeyAuthentication=no"])
    assert done.returncode == 255 and b"Permission denied (publickey)" in done.stderr
    log = server.log_text()
    assert "unknown key" in log and "disabled user clerk2" in log
    assert "closed without signing in (disabled user clerk2)" in log


def test_a_viewer_key_cannot_change_anything(server: Server, keys, world, db):
    before = BillingService(db, "admin").load_report(world["review"])
    for command in (["report", "set-po", str(world["review"]), "PO-NO"],
                    ["report", "submit", str(world["review"])],
                    ["users", "add", "mallory", "--role", "admin"]):
        done = server.ssh(keys["viewer"], *command)
        assert done.returncode == 1 and b"You cannot" in done.stderr, (command, done.stderr)
    after = BillingService(db, "admin").load_report(world["review"])
    assert after.version == before.version and after.po_number == before.po_number


def test_an_admin_adds_a_key_over_ssh_from_standard_input(server: Server, keys, tmp_path):
    fresh = make_key(tmp_path / "newcomer")
    done = server.ssh(keys["admin"], "users", "add", "newcomer", "--role", "viewer")
    assert done.returncode == 0, done.stderr
    done = server.ssh(keys["admin"], "users", "add-key", "newcomer", "-",
                      input=fresh.with_suffix(".pub").read_bytes())
    assert done.returncode == 0 and b"added to newcomer" in done.stdout, done.stderr
    done = server.ssh(fresh, "whoami")
    assert done.returncode == 0 and done.stdout.startswith(b"newcomer (viewer)")


def test_over_ssh_nobody_grants_operator_and_an_admin_cannot_change_one(server: Server, keys, db):
    """The operator role is granted on the server itself only, and an admin's key cannot
    change an operator (docs/ownership.md); the server's own shell can."""
    BillingService(db, "admin").add_user("op", "operator")
    before = BillingService(db, "admin").users()
    for command, words in (
            (["users", "set-role", "billing", "operator"], b"granted only on the server itself, never over SSH"),
            (["users", "add", "op2", "--role", "operator"], b"granted only on the server itself, never over SSH"),
            (["users", "disable", "op"], b"op is an operator, and only an operator may change an operator"),
            (["users", "set-role", "op", "viewer"], b"op is an operator, and only an operator may change an operator")):
        done = server.ssh(keys["admin"], *command)
        assert done.returncode == 1 and words in done.stderr, (command, done.stderr)
    assert BillingService(db, "admin").users() == before


@pytest.fixture
def tmux_name():  # noqa: ANN201
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the terminal session test (.ci/run installs it)")
    name = f"lmp-ssh-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def _drain(stream: IO[bytes], into: bytearray) -> None:
    """Everything ``stream`` carries, appended to ``into`` as it comes (in a thread)."""
    while chunk := stream.read1(65536):  # type: ignore[attr-defined]
        into += chunk


def _children(server: Server) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_clerk_with_only_a_key_reviews_and_submits_a_report(server: Server, keys, tmux_name, tmp_path, db, world):
    marker = tmp_path / "ssh-ended"
    command = " ".join(server.ssh_argv(keys["billing"], login="admin", tty=True)) + f"; echo $? > {marker}; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", tmux_name, "-x", "80", "-y", "24", "-c", str(ROOT), command],
                   check=True, env={**os.environ, "TERM": "xterm-256color"})
    term = Terminal(tmux_name)
    term.wait_for("Find partner")  # the frame first; the database opens after it is painted
    term.wait_for("signed in as billing (billing)")
    assert len(_children(server)) == 1  # one child process for the session
    # the window grows: the interface lays itself out for the new size (the key bar moves to row 30)
    subprocess.run(["tmux", "resize-window", "-t", tmux_name, "-x", "100", "-y", "30"], check=True)
    wait_until(lambda: "Help" in term.screen().splitlines()[-1], 20, "the key bar on the new last row")
    # a colleague changes a report over SSH: it shows on this screen by itself, without a key
    done = server.ssh(keys["admin"], "report", "set-po", str(world["jp"]), "PO-LIVE-9")
    assert done.returncode == 0, done.stderr
    term.wait_for("PO-LIVE-9", timeout=10)
    # the reports under review; open the first, set its PO, submit it
    term.keys("t", "Down", "Down", "Enter")  # in one burst, as an SSH packet carries them
    term.wait_for_choice("Under review (", "All statuses")  # chosen, its list closed (see test_smoke_tmux.py)
    term.wait_for("MSP preparing", gone=True)
    term.wait_for("⏎ Open")
    term.keys("Enter")
    term.wait_for("Total invoice amount")
    term.keys("p")
    term.wait_for("Edit PO Number")
    term.keys("PO-SSH-1")
    term.wait_for("PO-SSH-1")
    term.keys("Enter")
    term.wait_for("Edit PO Number", gone=True)
    term.keys("s")
    term.wait_for("Comments to Trend Micro")
    term.keys("Checked over SSH")
    term.wait_for("Checked over SSH")
    term.keys("Tab")
    term.wait_for_focus("Submit")
    term.keys("Enter")
    term.wait_for("Submitted to Trend Micro")
    term.keys("Escape")
    term.wait_for("Find partner")
    term.keys("C-q")  # the interface ends: the session closes, and ssh with status 0
    assert exit_status(marker, 20) == "0"
    assert "terminal=yes command='(interface)' exit=0" in server.log_text()
    svc = BillingService(db, "admin")
    done = [svc.load_report(world[k]) for k in ("review", "eu", "jp")]
    submitted = [r for r in done if r.po_number == "PO-SSH-1"]
    assert len(submitted) == 1 and submitted[0].status.value == "submitted"
    assert {h.actor for h in submitted[0].history[-2:]} == {"billing"}


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_closing_the_connection_ends_the_child(server: Server, keys):
    argv = server.ssh_argv(keys["billing"], tty=True)
    client = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    shown = bytearray()
    threading.Thread(target=_drain, args=(client.stdout, shown), daemon=True).start()
    wait_until(lambda: _children(server), 30, "a child started for the session")
    wait_until(lambda: b"signed in as billing" in shown, 60, "the interface up and signed in")
    client.kill()  # the connection drops
    client.wait()
    wait_until(lambda: _children(server) == [], 15, "the session's child ending")


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_limits_per_user_in_total_and_idle_timeout(db, world, keys, tmp_path):
    srv = _serve(db, keys, tmp_path, "--max-sessions", "2", "--max-per-user", "1", "--idle-minutes", "0.1")
    try:
        first = subprocess.Popen(srv.ssh_argv(keys["billing"], tty=True), stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_until(lambda: _children(srv), 30, "the first session's child")
        second = srv.ssh(keys["billing"], "whoami")
        assert second.returncode == 1 and b"billing already has 1 session(s) open" in second.stderr
        # an admin's command waits for its standard input: the server now holds two sessions
        held = subprocess.Popen(srv.ssh_argv(keys["admin"], "users", "add-key", "viewer", "-"), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_until(lambda: len(_children(srv)) >= 2, 30, "the admin's command's child beside the first")
        third = srv.ssh(keys["viewer"], "whoami")
        assert third.returncode == 1 and b"the server holds its limit of 2 sessions" in third.stderr
        _, err = held.communicate(b"", timeout=30)  # its input ends, empty: refused, and the session ends
        assert held.returncode == 1 and b"exactly one public key" in err
        # no key for 6 s: the terminal session is told and closed
        out, _ = first.communicate(timeout=30)
        assert b"no key for 6 seconds, so the session was closed" in out
        assert srv.ssh(keys["billing"], "whoami").returncode == 0  # the slot is free again
        log = srv.log_text()
        assert "ended='idle timeout'" in log and "ended='refused: limit'" in log
    finally:
        srv.stop()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_host_key_is_made_once_kept_and_presented(db, world, keys, tmp_path):
    folder = tmp_path / "server"
    first = _serve(db, keys, tmp_path)
    first.stop()
    key = folder / "ssh_host_ed25519_key"
    assert key.stat().st_mode & 0o777 == 0o600
    printed = re.search(r"host key (SHA256:\S+)", first.log_text())[1]
    shown = subprocess.run(["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True).stdout
    assert printed in shown
    again = start_server(_url(db), folder)  # a restart keeps the same key
    try:
        assert f"host key {printed}" in again.log_text() and "made now" not in again.log_text()
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{again.port} {(folder / 'ssh_host_ed25519_key.pub').read_text()}")
        done = again.ssh(keys["billing"], "whoami", options=[
            "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={known}"])
        assert done.returncode == 0, done.stderr  # the client checked the server against that key
        # a second server on the same port: one sentence, not a crash
        busy = subprocess.run([sys.executable, "-m", "lmp_tui.cli.main", "serve-ssh", "--listen",
                               f"127.0.0.1:{again.port}", "--db", _url(db)], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "LMP_DATA_DIR": str(folder)}, stdin=subprocess.DEVNULL)
        assert busy.returncode == 1 and "choose another with --listen" in busy.stderr, busy.stderr
    finally:
        again.stop()


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_twenty_concurrent_sessions_lose_no_update(keys, world, db, tmp_path):
    server = _serve(db, keys, tmp_path, "--max-per-user", "20")
    request_stop = server.stop
    rid = world["review"]
    before = BillingService(db, "admin").load_report(rid)

    def edit(i: int) -> subprocess.CompletedProcess:
        key = keys["billing"] if i % 2 else keys["admin"]
        return server.ssh(key, "report", "set-po", str(rid), f"PO-{i:02d}", timeout=120)

    try:
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(edit, range(20)))
    finally:
        request_stop()
    assert [r.returncode for r in results] == [0] * 20, [r.stderr for r in results if r.returncode]
    after = BillingService(db, "admin").load_report(rid)
    assert after.version == before.version + 20  # each change applied on top of the one before
    set_po = [h for h in after.history if h.action.value == "po-set"][-20:]
    assert sorted(h.detail.split("→")[-1].strip() for h in set_po) == [f"PO-{i:02d}" for i in range(20)]
    assert after.po_number == set_po[-1].detail.split("→")[-1].strip()


def test_colour_system_follows_what_the_client_told():
    assert colour_system("xterm-256color", "truecolor") == "truecolor"
    assert colour_system("xterm-256color", "") == "256"  # most clients do not forward COLORTERM
    assert colour_system("xterm", "") == "standard"
    assert colour_system("linux", "rubbish") == "standard"


class _Client:
    """What a client sent with its session request (the parts the server reads)."""

    def __init__(self, term_type: str | None, env: dict[str, str]) -> None:
        self.term_type, self.env = term_type, env


def test_the_childs_environment_is_the_servers_not_the_clients(tmp_path):
    from lmp_tui.ssh.server import Limits, LmpSshServer, Session

    server = LmpSshServer(db=None, url="postgresql+psycopg://lmp:secret@dbhost/lmp", data_dir=tmp_path,
                          limits=Limits())  # type: ignore[arg-type]
    session = Session(user="dana", fingerprint="SHA256:x", client="127.0.0.1:1", command=None, terminal=True)
    client = _Client("xterm-256color", {"LMP_USER": "admin", "LMP_DATABASE_URL": "sqlite://", "LD_PRELOAD": "/x.so",
                                        "PYTHONPATH": "/evil", "LMP_DEBUG": "1", "COLORTERM": "truecolor"})
    env = server._child_env(client, session)  # type: ignore[arg-type]
    assert env["LMP_USER"] == "dana" and env["LMP_DATABASE_URL"] == "postgresql+psycopg://lmp:secret@dbhost/lmp"
    assert env["TERM"] == "xterm-256color" and env["TEXTUAL_COLOR_SYSTEM"] == "truecolor"
    assert not {"LD_PRELOAD", "PYTHONPATH", "LMP_DEBUG"} & set(env)
    # a TERM that is not a terminal name is replaced; without COLORTERM, 256 colours
    env = server._child_env(_Client("xterm\x1b]0;pwned\x07", {}), session)  # type: ignore[arg-type]
    assert env["TERM"] == "xterm-256color" and env["TEXTUAL_COLOR_SYSTEM"] == "256" and "COLORTERM" not in env


def test_serve_ssh_defaults():
    from lmp_tui.cli.main import build_parser

    args = build_parser().parse_args(["serve-ssh"])
    assert (args.listen, args.idle_minutes, args.max_sessions, args.max_per_user) == ("127.0.0.1:2222", 1800.0, 50, 5)
