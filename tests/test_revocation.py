"""Revocation is immediate: removing a staff key or disabling a user ends the SSH sessions
open with it within a few seconds (the interface puts the terminal back, the person is told
why), and a save that comes in meanwhile is refused by the child itself: every transaction
of a service opened with a key checks that the key is still its user's."""

from __future__ import annotations

import os
import subprocess
import re
import threading
import time

import asyncssh
import pytest
from sqlalchemy import text

from lmp_tui.cli.main import main
from lmp_tui.errors import NotAllowed
from lmp_tui.services import BillingService
from lmp_tui.commands.ssh_keys import parse_public_key

from .sshd import make_key
from .terminal import ROOT, Terminal
from .waiting import wait_until, waited
from .test_ssh import _children, _serve, keys, tmux_name  # noqa: F401 - fixtures shared with the SSH tests


def _fingerprint(public_key: str) -> str:
    return parse_public_key(public_key).fingerprint


def _new_public_key() -> str:
    return asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()


# --------------------------------------------------------------------------- the child refuses by itself


def test_a_save_after_the_key_is_removed_is_refused_and_changes_nothing(db, world):
    admin = BillingService(db, "admin")
    key = admin.add_key("billing", _new_public_key()).fingerprint
    clerk = BillingService(db, "billing", ssh_key=key)  # as serve-ssh's child opens it
    rid = world["review"]
    clerk.set_po(rid, "PO-BEFORE")  # the key is billing's: saves go through
    admin.remove_key("billing", key)
    before = admin.load_report(rid)
    with pytest.raises(NotAllowed, match=re.escape(f"The SSH key {key} no longer signs in billing: an admin removed "
                                                   "it, so nothing was saved")):
        clerk.set_po(rid, "PO-AFTER")
    after = admin.load_report(rid)
    assert (after.po_number, after.version, len(after.history)) == ("PO-BEFORE", before.version, len(before.history))
    with pytest.raises(NotAllowed, match="no longer signs in billing"):  # nor can it read
        clerk.load_report(rid)


def test_a_key_that_is_another_users_now_signs_nobody_in_as_the_first(db, world):
    admin = BillingService(db, "admin")
    public = _new_public_key()
    key = admin.add_key("billing", public).fingerprint
    clerk = BillingService(db, "billing", ssh_key=key)
    admin.remove_key("billing", key)
    admin.add_key("viewer", public)  # the same key given to someone else
    with pytest.raises(NotAllowed, match="no longer signs in billing"):
        clerk.set_po(world["review"], "PO-X")


def _waits_for_a_save_in_flight(db, clerk: BillingService, change, statement: str) -> None:  # noqa: ANN001
    """``change`` (an admin's, in a thread) waits in PostgreSQL for the lock of a save that
    ``clerk`` has begun (and checked itself in), and is done once that save commits."""
    checked, release = threading.Event(), threading.Event()

    def save_in_flight() -> None:
        with clerk._writing():  # the user and the key are checked on entering
            checked.set()
            release.wait(30)

    saving = threading.Thread(target=save_in_flight)
    saving.start()
    done: list[object] = []
    changer = threading.Thread(target=lambda: done.append(change()))
    try:
        assert checked.wait(30)
        changer.start()

        def waits_for_the_save() -> bool:
            with db.engine.connect() as conn:
                return bool(conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE :statement"), {"statement": statement + "%"}).scalar())

        wait_until(waits_for_the_save, 20, f"{statement} waiting for the save's lock")
        assert not done
    finally:
        release.set()
        saving.join(30)
    changer.join(30)
    assert done  # once the save committed, the change is made


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_a_removal_waits_for_a_save_that_already_checked_the_key(db, world):
    """PostgreSQL: the save holds its key's row to its commit, so there is no moment in which
    a save that checked the key commits after the key is gone. (SQLite's writers hold the
    whole database, so the removal waits there as well.)"""
    admin = BillingService(db, "admin")
    key = admin.add_key("billing", _new_public_key()).fingerprint
    clerk = BillingService(db, "billing", ssh_key=key)
    _waits_for_a_save_in_flight(db, clerk, lambda: admin.remove_key("billing", key), "DELETE FROM staff_keys")
    with pytest.raises(NotAllowed, match="no longer signs in billing"):
        clerk.set_po(world["review"], "PO-LATE")


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_disabling_a_user_waits_for_a_save_that_already_checked_the_user(db, world):
    """PostgreSQL: a save holds its user's row to its commit, so no save that found the user
    enabled commits after the user is disabled."""
    admin = BillingService(db, "admin")
    clerk = BillingService(db, "billing")
    _waits_for_a_save_in_flight(db, clerk, lambda: admin.disable_user("billing"), "UPDATE staff_users")
    with pytest.raises(NotAllowed, match="disabled"):
        clerk.set_po(world["review"], "PO-LATE")


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_command_line_checks_the_key_the_server_put_in_its_environment(db, world, monkeypatch, capsys):
    admin = BillingService(db, "admin")
    key = admin.add_key("billing", _new_public_key()).fingerprint
    admin.remove_key("billing", key)
    url = db.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("LMP_SSH_KEY", key)
    code = main(["report", "set-po", str(world["review"]), "PO-CLI", "--db", url, "--user", "billing"])
    assert code == 1 and f"The SSH key {key} no longer signs in billing" in capsys.readouterr().err
    assert admin.load_report(world["review"]).po_number != "PO-CLI"


def test_the_child_is_given_the_key_by_the_server_never_by_the_client(tmp_path):
    from lmp_tui.ssh.server import Limits, LmpSshServer, Session

    class Client:
        term_type, env = None, {"LMP_SSH_KEY": "SHA256:" + "A" * 43}

    server = LmpSshServer(db=None, url="sqlite://", data_dir=tmp_path, limits=Limits())  # type: ignore[arg-type]
    session = Session(user="dana", fingerprint="SHA256:" + "k" * 43, client="127.0.0.1:1", command="whoami",
                      terminal=False)
    assert server._child_env(Client(), session)["LMP_SSH_KEY"] == session.fingerprint  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the server ends the sessions


def _pane_flags(name: str) -> dict[str, str]:
    names = ("alternate_on", "cursor_flag", "mouse_any_flag", "mouse_sgr_flag", "mouse_button_flag")
    shown = subprocess.run(["tmux", "display-message", "-p", "-t", name, " ".join(f"#{{{n}}}" for n in names)],
                           capture_output=True, text=True, check=True).stdout.split()
    return dict(zip(names, shown))


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_removing_a_key_ends_its_open_interface_and_puts_the_terminal_back(db, world, keys, tmux_name, tmp_path):
    server = _serve(db, keys, tmp_path)
    try:
        marker = tmp_path / "ssh-ended"
        command = " ".join(server.ssh_argv(keys["billing"], tty=True)) + f"; echo $? > {marker}; sleep 60"
        subprocess.run(["tmux", "new-session", "-d", "-s", tmux_name, "-x", "100", "-y", "30", "-c", str(ROOT),
                        command], check=True, env={**os.environ, "TERM": "xterm-256color"})
        term = Terminal(tmux_name)
        term.wait_for("signed in as billing (billing)")
        # another key's session, waiting for its input: it is left alone
        other = subprocess.Popen(server.ssh_argv(keys["admin"], "users", "add-key", "viewer", "-"),
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_until(lambda: len(_children(server)) == 2, 30, "the admin's command's start")
        assert _pane_flags(tmux_name)["alternate_on"] == "1"  # the interface is up, on its own screen
        key = _fingerprint(keys["billing"].with_suffix(".pub").read_text())
        BillingService(db, "admin").remove_key("billing", key)
        took = waited(marker.exists, 10, "the session's end")
        print(f"remove-key to the end of the session: {took:.2f} s")
        assert took < 5
        # the server ends the session, or the interface, reading the database, saw it first: either says so
        wait_until(lambda: re.search("the session is closed|this session can do nothing more",
                                term.screen().replace("\n", "")) is not None, 10, "the sentence")
        shown = term.screen()
        told = shown.replace("\n", "")
        assert (f"lmp-tui: your access was revoked by an administrator (key {key} removed); the session is closed."
                in told or f"lmp-tui: The SSH key {key} no longer signs in billing:" in told), shown
        assert "signed in as billing" not in shown  # the interface's screen is gone: the main screen is back
        assert _pane_flags(tmux_name) == {"alternate_on": "0", "cursor_flag": "1", "mouse_any_flag": "0",
                                          "mouse_sgr_flag": "0", "mouse_button_flag": "0"}
        wait_until(lambda: marker.read_text().strip() != "", 5, "the exit status")
        assert marker.read_text().strip() == "1"
        wait_until(lambda: "command='(interface)'" in server.log_text(), 10, "the session's log line")
        line = next(ln for ln in server.log_text().splitlines() if "command='(interface)'" in ln)
        # one line says why; the interface ended by itself (it was not killed)
        assert re.search(f"ended='revoked: key {re.escape(key)} removed( \\(the session saw it first\\))?'", line)
        assert "user=billing" in line, line
        _, err = other.communicate(_new_public_key().encode(), timeout=60)
        assert other.returncode == 0, err
        assert _children(server) == []
    finally:
        server.stop()


def _reading_its_input(server) -> bool:  # noqa: ANN001
    """The session's one child waits in a read of its standard input (a pipe from the server:
    the kernel names the wait pipe_read or anon_pipe_read)."""
    children = _children(server)
    try:
        return len(children) == 1 and open(f"/proc/{children[0]}/wchan").read().endswith("pipe_read")
    except OSError:
        return False


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_disabling_a_user_ends_a_command_waiting_for_its_input(db, world, keys, tmp_path):
    boss_key = make_key(tmp_path / "boss")
    admin = BillingService(db, "admin")
    admin.add_user("boss", "admin")
    admin.add_key("boss", boss_key.with_suffix(".pub").read_text())
    server = _serve(db, keys, tmp_path)
    try:
        held = subprocess.Popen(server.ssh_argv(boss_key, "users", "add-key", "viewer", "-"), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_until(lambda: _reading_its_input(server), 30, "the command waiting for its input (its checks passed)")
        admin.disable_user("boss")
        start = time.monotonic()
        held.wait(timeout=15)  # its input is still open (not closed, as communicate would): only the server ends it
        err = held.stderr.read()
        took = time.monotonic() - start
        print(f"users disable to the end of the session: {took:.2f} s")
        assert took < 5
        assert held.returncode == 1
        assert (b"lmp-tui: your access was revoked by an administrator (user boss disabled); the session is closed."
                in err), err
        wait_until(lambda: "ended='revoked: user boss disabled'" in server.log_text(), 10, "the session's log line")
        assert len(BillingService(db, "admin").show_user("viewer")[1]) == 1  # nothing was added
    finally:
        server.stop()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_connection_kept_open_opens_no_session_once_its_key_is_removed(db, world, keys, tmp_path):
    """OpenSSH's connection sharing (ControlMaster): the connection signed in before the key
    was removed; a session opened on it afterwards is refused with a sentence and a log line."""
    server = _serve(db, keys, tmp_path)
    control = tmp_path / "mux"
    share = ["-o", f"ControlPath={control}"]
    master = subprocess.Popen(server.ssh_argv(keys["billing"], options=[*share, "-o", "ControlMaster=yes", "-N"]),
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(control.exists, 30, "the shared connection")
        assert server.ssh(keys["billing"], "reports", "--format", "json", options=share).returncode == 0
        BillingService(db, "admin").remove_key("billing", _fingerprint(keys["billing"].with_suffix(".pub").read_text()))
        refused = server.ssh(keys["billing"], "reports", "--format", "json", options=share)
        assert master.poll() is None  # the same connection, still open
        assert refused.returncode == 1
        key = _fingerprint(keys["billing"].with_suffix(".pub").read_text())
        assert f"lmp-tui: your key no longer signs you in (key {key} removed)".encode() in refused.stderr, refused.stderr
        wait_until(lambda: f"ended='refused: key {key} removed'" in server.log_text(), 10, "the refusal's log line")
    finally:
        master.terminate()
        master.wait(10)
        server.stop()
