"""Revocation is immediate: a save that comes in after a staff key was removed is refused by
the SSH session's child itself: every transaction of a service opened with a key checks
that the key is still its user's."""

from __future__ import annotations

import re
import threading
import time

import asyncssh
import pytest
from sqlalchemy import text

from lmp_tui.cli import main
from lmp_tui.errors import NotAllowed
from lmp_tui.services import BillingService


def _new_public_key() -> str:
    return asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()


def _wait(condition, timeout: float, what: str) -> float:  # noqa: ANN001
    """Seconds until ``condition()`` held (polled), or AssertionError after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - start


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


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_a_removal_waits_for_a_save_that_already_checked_the_key(db, world):
    """PostgreSQL: the save holds its key's row to its commit, so there is no moment in which
    a save that checked the key commits after the key is gone. (SQLite's writers hold the
    whole database, so the removal waits there as well.)"""
    admin = BillingService(db, "admin")
    key = admin.add_key("billing", _new_public_key()).fingerprint
    clerk = BillingService(db, "billing", ssh_key=key)
    checked, release = threading.Event(), threading.Event()

    def save_in_flight() -> None:
        with clerk._writing():  # the key is checked on entering
            checked.set()
            release.wait(30)

    saving = threading.Thread(target=save_in_flight)
    saving.start()
    removed: list[object] = []
    remover = threading.Thread(target=lambda: removed.append(admin.remove_key("billing", key)))
    try:
        assert checked.wait(30)
        remover.start()

        def removal_waits_for_the_save() -> bool:
            with db.engine.connect() as conn:
                return bool(conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE 'DELETE FROM staff_keys%'")).scalar())

        _wait(removal_waits_for_the_save, 20, "the removal waiting for the save's lock on the key")
        assert not removed
    finally:
        release.set()
        saving.join(30)
    remover.join(30)
    assert removed  # once the save committed, the key is removed
    with pytest.raises(NotAllowed, match="no longer signs in billing"):
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
    from lmp_tui.ssh_server import Limits, LmpSshServer, Session

    class Client:
        term_type, env = None, {"LMP_SSH_KEY": "SHA256:" + "A" * 43}

    server = LmpSshServer(db=None, url="sqlite://", data_dir=tmp_path, limits=Limits())  # type: ignore[arg-type]
    session = Session(user="dana", fingerprint="SHA256:" + "k" * 43, client="127.0.0.1:1", command="whoami",
                      terminal=False)
    assert server._child_env(Client(), session)["LMP_SSH_KEY"] == session.fingerprint  # type: ignore[arg-type]
