"""A catalogue of bad environments, each through the command line as a support desk would
meet it: one sentence on stderr saying what to do, exit status 1 (argparse's usage errors
keep 2), no traceback, no file created, the database unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lmp_tui.cli.main import main
from lmp_tui.storage.db import HEAD_REVISION

CLI = [sys.executable, "-m", "lmp_tui.cli.main"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("env-demo") / "demo.sqlite3"
    assert main(["demo", "--db", f"sqlite:///{path}", "--partners", "4", "--cycles", "2"]) == 0
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path) -> Path:
    target = tmp_path / "db" / "demo.sqlite3"
    target.parent.mkdir()
    shutil.copy(demo_file, target)
    return target


def _state(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(capsys, args: list[str], *, status: int = 1) -> str:
    """Run the command; assert it was refused with one sentence and no traceback (a usage
    error: argparse's usage line, then one sentence)."""
    code = main(args)
    out, err = capsys.readouterr()
    assert code == status, (code, out, err)
    assert "Traceback" not in err and "\x1b" not in err
    lines = err.strip().splitlines()
    if status == 1:
        assert len(lines) == 1 and lines[0].startswith("lmp-tui: "), err
    else:
        assert lines[0].startswith("usage: ") and lines[-1].startswith("lmp-tui") and ": error: " in lines[-1], err
    return err


def review_id(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT min(b.id) FROM billing_reports b JOIN distributors d ON d.id = b.distributor_id "
                             "WHERE status = 'under-review' AND d.name NOT LIKE 'Other%'").fetchone()[0]
    conn.close()
    return int(found)


def refused_unchanged(capsys, folder: Path, args: list[str], **kw: int) -> str:
    before = _state(folder)
    err = refused(capsys, args, **kw)
    assert _state(folder) == before, "the command changed or created a file"
    return err


# ------------------------------------------------------------------ not a database


@pytest.mark.parametrize("content", [os.urandom(4096), b"id,partner\n1,Acme\n" * 40])
def test_a_file_that_is_not_a_database(capsys, tmp_path, content):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(content)
    err = refused_unchanged(capsys, tmp_path, ["reports", "--db", f"sqlite:///{path}", "--user", "billing"])
    assert "is not an lmp-tui database, or it is damaged" in err


def test_a_database_with_damaged_pages(capsys, demo_copy):
    with sqlite3.connect(demo_copy) as conn:  # the pages the reports' table and indexes start on
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        roots = [r for (r,) in conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'billing_reports' "
                                            "AND rootpage > 1")]
    conn.close()
    data = bytearray(demo_copy.read_bytes())
    for page in roots:  # the schema survives, the reports do not
        offset = (page - 1) * page_size
        data[offset:offset + 300] = bytes((offset + i) * 7 % 251 for i in range(300))
    demo_copy.write_bytes(bytes(data))
    err = refused_unchanged(capsys, demo_copy.parent,
                            ["reports", "--db", f"sqlite:///{demo_copy}", "--user", "billing"])
    assert "damaged" in err and "restore" in err


def test_a_database_made_by_a_newer_version(capsys, demo_copy):
    with sqlite3.connect(demo_copy) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    url = f"sqlite:///{demo_copy}"
    err = refused_unchanged(capsys, demo_copy.parent, ["reports", "--db", url, "--user", "billing"])
    assert "newer version of lmp-tui" in err and "0099" in err
    # db upgrade does not touch it either
    err = refused_unchanged(capsys, demo_copy.parent, ["db", "upgrade", "--db", url])
    assert "newer version of lmp-tui" in err


def test_a_database_that_is_not_lmp_tuis(capsys, tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount TEXT)")
    conn.close()
    for args in (["reports"], ["db", "upgrade"], ["demo"]):
        err = refused_unchanged(capsys, tmp_path, [*args, "--db", f"sqlite:///{path}", "--user", "billing"])
        assert "not lmp-tui's" in err


def test_an_older_database_asks_for_db_upgrade_which_migrates_it(capsys, demo_copy):
    url = f"sqlite:///{demo_copy}"
    from alembic import command

    from lmp_tui.storage.db import Database, alembic_config

    old = Database.open(url)
    with old.engine.begin() as conn:  # back to revision 0001, as an older lmp-tui left it
        command.downgrade(alembic_config(conn), "0001")
    old.dispose()
    err = refused_unchanged(capsys, demo_copy.parent, ["reports", "--db", url, "--user", "billing"])
    assert "older version" in err and f"lmp-tui db upgrade --db {url}" in err
    assert main(["db", "upgrade", "--db", url]) == 0
    assert f"schema revision {HEAD_REVISION}" in capsys.readouterr().out
    assert main(["reports", "--db", url, "--user", "billing"]) == 0


# ------------------------------------------------------------------ a mistyped --db


def test_a_missing_file_or_folder_is_not_created(capsys, tmp_path):
    for path in (tmp_path / "typo.sqlite3", tmp_path / "no" / "such" / "folder" / "lmp.sqlite3"):
        err = refused_unchanged(capsys, tmp_path, ["reports", "--db", f"sqlite:///{path}", "--user", "billing"])
        assert f"There is no database at {path}" in err and "lmp-tui init" in err
        assert not path.exists() and not (tmp_path / "no").exists()
    # the interface refuses the same way
    err = refused_unchanged(capsys, tmp_path, ["--db", f"sqlite:///{tmp_path / 'typo.sqlite3'}"])
    assert "There is no database" in err


def test_a_relative_sqlite_path_is_explained(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # sqlite:///srv/lmp.sqlite3 meant /srv/lmp.sqlite3, but it is srv/ below here
    err = refused_unchanged(capsys, tmp_path, ["reports", "--db", "sqlite:///srv/lmp.sqlite3", "--user", "billing"])
    assert f"relative to the current folder {tmp_path}" in err and "sqlite:////srv/lmp.sqlite3" in err


def test_an_empty_file_is_refused_and_stays_empty(capsys, tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    err = refused_unchanged(capsys, tmp_path, ["users", "--db", f"sqlite:///{path}", "--user", "billing"])
    assert "is empty" in err and "lmp-tui init" in err and "lmp-tui demo" in err
    assert path.stat().st_size == 0


def test_only_db_upgrade_and_demo_create_a_database(capsys, tmp_path):
    path = tmp_path / "new" / "lmp.sqlite3"
    assert main(["db", "upgrade", "--db", f"sqlite:///{path}"]) == 0
    assert path.exists() and f"revision {HEAD_REVISION}" in capsys.readouterr().out


# ------------------------------------------------------------------ read-only and busy


def test_a_read_only_database(capsys, demo_copy):
    url = f"sqlite:///file:{demo_copy}?mode=ro&uri=true"
    assert main(["reports", "--db", url, "--user", "billing", "--limit", "1"]) == 0  # reading works
    capsys.readouterr()
    err = refused_unchanged(capsys, demo_copy.parent, ["report", "set-po", "1", "PO-1", "--db", url,
                                                       "--user", "billing"])
    assert "read-only for you" in err and "nothing was changed" in err


def test_sqlite_locked_by_another_writer_past_the_busy_timeout(capsys, demo_copy, monkeypatch):
    monkeypatch.setenv("LMP_BUSY_TIMEOUT_S", "0.3")
    holder = sqlite3.connect(demo_copy, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another lmp-tui in the middle of a save
    try:
        before = _state(demo_copy.parent)
        err = refused(capsys, ["report", "set-po", "1", "PO-LOCKED", "--db", f"sqlite:///{demo_copy}",
                               "--user", "billing"])
        assert "busy" in err and "Try again" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with sqlite3.connect(demo_copy) as conn:
        assert conn.execute("SELECT count(*) FROM billing_reports WHERE po_number = 'PO-LOCKED'").fetchone() == (0,)
    conn.close()
    assert before  # the database was there throughout


def test_a_bad_busy_timeout_setting(capsys, demo_copy, monkeypatch):
    monkeypatch.setenv("LMP_BUSY_TIMEOUT_S", "soon")
    err = refused_unchanged(capsys, demo_copy.parent, ["reports", "--db", f"sqlite:///{demo_copy}"])
    assert "LMP_BUSY_TIMEOUT_S" in err


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "2147483648", "١٢", "１２", "0", "-3",
                                    "1e3", "1_000"])
def test_report_numbers_beyond_64_bits_or_not_ascii_digits(capsys, demo_copy, number):
    err = refused_unchanged(capsys, demo_copy.parent,
                            ["report", "show", number, "--db", f"sqlite:///{demo_copy}"], status=2)
    assert "report number" in err.lower()


def test_the_largest_report_number_is_simply_not_found(capsys, demo_copy):
    err = refused_unchanged(capsys, demo_copy.parent, ["report", "show", str(2**31 - 1), "--db",
                                                       f"sqlite:///{demo_copy}", "--user", "billing"])
    assert "was not found" in err


@pytest.mark.parametrize("args", [["report", "price", "1", "١", "10"], ["report", "price", "1", "1", "١٠"],
                                  ["report", "margin", "1", "1", "１０"], ["reports", "--cycle", "٢٠٢٦-١٠"],
                                  ["demo", "--seed", "٧"], ["report", "price", "1", "1", "1e2"]])
def test_non_ascii_digits_and_exponents_are_refused(capsys, demo_copy, args):
    status = 2 if args[0] == "demo" or args[-2] == "١" else 1
    refused_unchanged(capsys, demo_copy.parent, [*args, "--db", f"sqlite:///{demo_copy}", "--user", "billing"],
                      status=status)


# ------------------------------------------------------------------ text that is not text


def _run(args: list[bytes], env: dict[str, str | bytes] | None = None, **kw) -> subprocess.CompletedProcess:
    environ = {**os.environ, **(env or {})}
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([*map(os.fsencode, CLI), *args], env=environ, stderr=subprocess.PIPE, timeout=60, **kw)


def test_arguments_that_are_not_valid_text(demo_copy):
    url = f"sqlite:///{demo_copy}".encode()
    before = _state(demo_copy.parent)
    for args in ([b"reports", b"--partner", b"caf\xe9"], [b"report", b"set-po", b"1", b"PO\xff\xfe"]):
        done = _run([*args, b"--db", url, b"--user", b"billing"])
        err = done.stderr.decode()
        assert done.returncode == 1 and "is not valid text" in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1
    assert _state(demo_copy.parent) == before


@pytest.mark.parametrize("name", ["LMP_USER", "LMP_DATABASE_URL", "LMP_DATA_DIR"])
def test_environment_values_that_are_not_valid_text(demo_copy, name):
    env = {name: b"bill\xffing", **({} if name == "LMP_DATABASE_URL" else {"LMP_DATABASE_URL": f"sqlite:///{demo_copy}"})}
    done = _run([b"users"], env={k: os.fsdecode(v) if isinstance(v, bytes) else v for k, v in env.items()})
    err = done.stderr.decode()
    assert done.returncode == 1 and f"The environment variable {name} is refused" in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_output_closed_early_as_by_head(demo_copy):
    read, write = os.pipe()
    os.close(read)  # like `| head` that has already gone
    try:
        done = _run([b"reports", b"--db", f"sqlite:///{demo_copy}".encode(), b"--user", b"billing"],
                    stdout=write)
    finally:
        os.close(write)
    err = done.stderr.decode()
    assert done.returncode == 1 and "output was closed" in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1


def test_output_piped_into_head_for_real(demo_copy):
    url = f"sqlite:///{demo_copy}"
    script = f"{' '.join(CLI)} reports --db '{url}' --user billing --format json | head -n 2; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60)
    assert done.stdout.decode().splitlines()[0] == "["
    assert "Traceback" not in done.stderr.decode() and "Exception ignored" not in done.stderr.decode()
    assert done.returncode in (0, 1)  # 1 with the sentence when head closed the pipe before the end


def test_an_unexpected_error_is_one_sentence_without_its_details(capsys, demo_copy, monkeypatch):
    from lmp_tui.services import BillingService

    def boom(self, *a, **k):
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(BillingService, "users", boom)
    err = refused(capsys, ["users", "--db", f"sqlite:///{demo_copy}", "--user", "billing"])
    assert "RuntimeError" in err and "secret detail" not in err and "LMP_DEBUG=1" in err


def test_a_second_writer_waits_instead_of_failing(capsys, demo_copy):
    """Within the busy timeout, a command waits for the other writer and then applies."""
    report = review_id(demo_copy)
    holder = sqlite3.connect(demo_copy, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    timer.start()
    try:
        code = main(["report", "set-po", str(report), "PO-WAITED", "--db", f"sqlite:///{demo_copy}",
                     "--user", "billing"])
    finally:
        timer.join()
        holder.close()
    out, err = capsys.readouterr()
    assert code == 0 and "PO number set" in out, err


def test_postgresql_missing_or_empty_database(capsys, pg_cluster):
    from sqlalchemy import create_engine, text

    err = refused(capsys, ["reports", "--db", pg_cluster.url("no_such_db"), "--user", "billing"])
    assert "does not exist" in err and "lmp-tui init" in err
    admin = create_engine(pg_cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS lmp_empty"))
        conn.execute(text("CREATE DATABASE lmp_empty"))
    admin.dispose()
    err = refused(capsys, ["users", "--db", pg_cluster.url("lmp_empty"), "--user", "billing"])
    assert "is empty" in err and "lmp-tui init" in err
    check = create_engine(pg_cluster.url("lmp_empty"))
    with check.connect() as conn:  # nothing was created in it
        assert conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar() == 0
    check.dispose()
