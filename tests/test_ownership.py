"""Who owns the reference data (docs/ownership.md), on SQLite and on PostgreSQL, through the
command line as staff run it. The known world has two distributors with an admin each:
``admin`` of Ours Distribution and ``outside-admin`` of Other Distribution. Regions,
products, prices and general codes are shared: only an operator changes them, and every
distributor's audit shows the change. A partner-specific code is its partner's
distributor's. The operator role is granted only on the server itself, and an admin over
SSH cannot change an operator. Company IDs are one partner whatever their case; a taken
login is refused with the same words wherever it is taken."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from lmp_tui.cli.main import main
from lmp_tui.storage import models as m

from .factory import World

HEADER = "code,kind,region,products,valid_from,valid_to,partner,min_unit_price,max_channel_margin\n"
FOREIGN = "11111111-2222-4333-8444-555555555555"  # Other Distribution's partner, in NA
ACME = "0b7f6a52-3d5e-4c1a-9a57-0d2f1c4e8a11"  # Ours Distribution's partner, in NA
SHARED = ("Regions, products, prices and general codes are shared by every distributor: only an operator may "
          "change them. Ask your operator.")
EVERY_PRODUCT = "Email Security;Endpoint Security;Network Appliance"


@pytest.fixture
def run(db, world: World, capsys):
    """``run(*args, user=...)`` → (status, stdout, stderr) of ``lmp-tui ARGS`` on the server itself."""
    url = db.engine.url.render_as_string(hide_password=False)

    def go(*args: str, user: str = "admin") -> tuple[int, str, str]:
        code = main([*args, "--db", url, "--user", user])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go


@pytest.fixture
def ssh(db, world: World, capsys, monkeypatch):
    """``ssh(user, *args, stdin=...)``: the command as ``lmp-tui serve-ssh`` runs it for a
    signed-in user, in the environment the server builds for its sessions."""
    url = db.engine.url.render_as_string(hide_password=False)

    def go(user: str, *args: str, stdin: str | None = "") -> tuple[int, str, str]:
        """``stdin=None``: standard input that must not be read at all."""
        with monkeypatch.context() as env:
            for name, value in (("LMP_SSH_SESSION", "1"), ("LMP_DATABASE_URL", url), ("LMP_USER", user)):
                env.setenv(name, value)
            env.setattr(sys, "stdin", _Unread() if stdin is None else io.TextIOWrapper(io.BytesIO(stdin.encode())))
            code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go


@pytest.fixture
def key_file(tmp_path: Path) -> str:
    """A new OpenSSH public key, in a file."""
    import asyncssh

    path = tmp_path / "op.pub"
    path.write_bytes(asyncssh.generate_private_key("ssh-ed25519", comment="op@desk").export_public_key())
    return str(path)


class _Unread(io.TextIOWrapper):
    """Standard input a refused command must not touch (a client's upload may never end)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO())

    @property
    def buffer(self):  # noqa: ANN201
        raise AssertionError("standard input was read")


def write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def state(db) -> dict[str, object]:
    """Every table's rows, as text: what a refused command must leave as it was."""
    with db.read() as s:
        return {t.name: sorted(map(str, s.execute(select(t)).all())) for t in m.Base.metadata.sorted_tables}


def audit(run, user: str) -> list[dict]:
    code, out, err = run("audit", "--format", "json", user=user)
    assert code == 0, err
    return json.loads(out)


def test_another_distributors_admin_cannot_take_a_general_code(run, tmp_path, db, world):
    """The review's case: Other's admin made Ours' general code partner-specific for its own
    partner ("codes: 0 created, 1 updated"), so Ours' clerk was refused it."""
    before = state(db)
    takes = HEADER + f"BD-NA-OPEN,bid-desk,NA,,2026-01-01,2026-12-31,{FOREIGN},,\n"
    redates = HEADER + "BD-NA-OPEN,bid-desk,NA,,2026-01-01,2026-01-31,,,\n"
    for rows in (takes, redates):
        code, out, err = run("import", "codes", write(tmp_path, "codes.csv", rows), user="outside-admin")
        assert code == 1 and out == "", err
        assert f"codes.csv:2: code: BD-NA-OPEN is a general code (for every partner). {SHARED}" in err
    assert state(db) == before
    # Ours' clerk still prices with it
    code, _, err = run("report", "promo", str(world["review"]), "1", "BD-NA-OPEN", user="billing")
    assert code == 0, err


@pytest.mark.parametrize("kind, rows", [
    ("regions", "region,currency,code_kind,code_opens\nNA,USD,promote,unit_price\n"),
    ("products", "product,units\nEndpoint Security,devices\n"),
    ("prices", "region,product,unit_price,channel_margin\nNA,Endpoint Security,1.00,20\n"),
])
def test_an_admin_cannot_change_the_shared_reference_data(run, tmp_path, db, kind, rows):
    before = state(db)
    for admin in ("admin", "outside-admin"):
        code, out, err = run("import", kind, write(tmp_path, f"{kind}.csv", rows), user=admin)
        assert (code, out, err) == (1, "", f"lmp-tui: {SHARED}\n")
        code, _, err = run("import", kind, write(tmp_path, f"{kind}.csv", rows), "--dry-run", user=admin)
        assert err == f"lmp-tui: {SHARED}\n"
    assert state(db) == before


def test_the_role_is_checked_before_the_file_is_read(run, tmp_path, ssh):
    missing = str(tmp_path / "no-such-file.csv")
    code, _, err = run("import", "regions", missing, user="admin")
    assert (code, err) == (1, f"lmp-tui: {SHARED}\n")
    code, _, err = run("import", "partners", missing, user="viewer")
    assert code == 1 and "only an admin" in err and "no file" not in err
    code, _, err = run("users", "add-key", "billing", missing, user="billing")
    assert code == 1 and "only an admin" in err and "no file" not in err
    # over SSH a file comes on standard input: a refused command never reads (or waits for) it
    code, _, err = ssh("admin", "import", "prices", "-", stdin=None)
    assert (code, err) == (1, f"lmp-tui: {SHARED}\n")
    code, _, err = ssh("viewer", "users", "add-key", "billing", "-", stdin=None)
    assert code == 1 and "only an admin" in err


def test_an_operators_change_shows_in_every_distributors_audit(run, tmp_path, db, world):
    # on the server itself an admin makes the first operator
    code, out, err = run("users", "set-role", "admin", "operator")
    assert code == 0 and "now has the role operator" in out, err
    prices = write(tmp_path, "prices.csv", "region,product,unit_price,channel_margin\nNA,Email Security,3.50,15\n")
    code, out, err = run("import", "prices", prices)
    assert code == 0 and "1 updated" in out, err
    codes = write(tmp_path, "codes.csv", HEADER
                  + f"BD-NA-OPEN,bid-desk,NA,{EVERY_PRODUCT},2026-01-01,2026-11-30,,,\n"
                  + f"BD-NA-ACME,bid-desk,NA,{EVERY_PRODUCT},2026-01-01,2026-12-31,{ACME},,\n")
    code, out, err = run("import", "codes", codes)
    assert code == 0 and "1 updated, 1 unchanged" in out, err
    partners = write(tmp_path, "partners.csv", f"company_id,name,city,state,region\n{ACME},Acme Networks Inc,,,NA\n")
    assert run("import", "partners", partners)[0] == 0
    for reader in ("viewer", "outsider"):  # Ours' support desk, and Other's clerk
        entries = {(e["subject"], e["key"]): e for e in audit(run, reader)}
        price = entries[("price", "NA / Email Security")]
        assert price["actor"] == "admin" and price["shared"] and price["detail"] == "unit_price 3.33 → 3.50"
        assert entries[("code", "BD-NA-OPEN")]["detail"] == "valid_to 2026-12-31 → 2026-11-30"
    # a distributor's own change stays in its own audit
    assert ("partner", ACME) in {(e["subject"], e["key"]) for e in audit(run, "viewer")}
    assert ("partner", ACME) not in {(e["subject"], e["key"]) for e in audit(run, "outsider")}
    code, out, _ = run("audit", user="outsider")
    assert "price changed (shared)" in out


def test_a_partner_specific_code_is_its_distributors(run, tmp_path, db, world):
    assert run("users", "set-role", "outside-admin", "operator", user="outside-admin")[0] == 0  # on the server
    before = state(db)

    def refused(user: str, row: str) -> str:
        code, out, err = run("import", "codes", write(tmp_path, "codes.csv", HEADER + row), user=user)
        assert code == 1 and out == "", err
        return err.splitlines()[0].split("codes.csv:2: ", 1)[1]

    # a row names only the importer's partners: another's is as unknown as one that does not exist
    theirs = refused("admin", f"BD-NA-NEW,bid-desk,NA,,2026-01-01,2026-12-31,{FOREIGN},,\n")
    nobody = refused("admin", "BD-NA-NEW,bid-desk,NA,,2026-01-01,2026-12-31,22222222-0000-4000-8000-000000000000,,\n")
    assert theirs == f"partner: there is no partner {FOREIGN} among your distributor's partners; import partners " \
                     "first, or correct the company ID."
    assert nobody == theirs.replace(FOREIGN, "22222222-0000-4000-8000-000000000000")
    # another distributor's partner-specific code can be neither changed nor created again, even by an
    # operator, and the refusal does not say whose it is
    for row in (f"BD-NA-ACME,bid-desk,NA,,2026-01-01,2026-12-31,{FOREIGN},,\n",
                "BD-NA-ACME,bid-desk,NA,,2026-01-01,2026-12-31,,,\n"):
        words = refused("outside-admin", row)
        assert words == "code: BD-NA-ACME is already in use; check the code, or give yours another."
    # an admin changes its own partner's code, but makes no general code of it, nor a new one
    assert refused("admin", "BD-NA-ACME,bid-desk,NA,,2026-01-01,2026-12-31,,,\n").startswith(
        "partner: a code for no partner is a general code. Regions, products, prices and general codes are shared")
    assert refused("admin", "BD-NA-GEN,bid-desk,NA,,2026-01-01,2026-12-31,,,\n").startswith(
        "partner: a code for no partner is a general code.")
    assert state(db) == before
    own = HEADER + f"BD-NA-ACME,bid-desk,NA,{EVERY_PRODUCT},2026-01-01,2026-10-31,{ACME.upper()},,\n" \
                   f"BD-NA-OPEN,bid-desk,NA,{EVERY_PRODUCT},2026-01-01,2026-12-31,,,\n"
    code, out, err = run("import", "codes", write(tmp_path, "own.csv", own), user="admin")
    assert code == 0 and "codes: 0 created, 1 updated, 1 unchanged" in out, err  # a general code as it is: fine
    entry = next(e for e in audit(run, "viewer") if e["key"] == "BD-NA-ACME")
    assert not entry["shared"] and entry["detail"] == "valid_to 2026-12-31 → 2026-10-31"
    assert "BD-NA-ACME" not in {e["key"] for e in audit(run, "outsider")}
    # pricing still checks the partner: Other's clerk cannot use Ours' partner's code
    code, _, err = run("report", "promo", str(world["foreign"]), "1", "BD-NA-ACME", user="outsider")
    assert code == 1 and "reserved for another partner" in err and "Acme" not in err


def test_an_admin_cannot_take_over_an_operator(run, ssh, db, key_file):
    assert run("users", "add", "op", "--role", "operator")[0] == 0  # on the server itself
    assert run("users", "add-key", "op", key_file)[0] == 0
    key = Path(key_file).read_text()
    before = state(db)
    fingerprint = json.loads(run("users", "show", "op", "--format", "json")[1])["keys"][0]["fingerprint"]
    for args in (("users", "add-key", "op", "-"), ("users", "remove-key", "op", fingerprint),
                 ("users", "disable", "op"), ("users", "set-role", "op", "billing"),
                 ("users", "set-role", "op", "admin")):
        code, _, err = ssh("admin", *args, stdin=key)
        assert code == 1 and "op is an operator, and only an operator may change an operator" in err, (args, err)
    # the operator role is granted on the server itself only, whoever asks over SSH
    for user, args in (("admin", ("users", "set-role", "billing", "operator")),
                       ("admin", ("users", "add", "newop", "--role", "operator")),
                       ("op", ("users", "set-role", "billing", "operator")),
                       ("op", ("users", "add", "newop", "--role", "operator"))):
        code, _, err = ssh(user, *args)
        assert code == 1 and "granted only on the server itself, never over SSH" in err, (user, args, err)
    assert state(db) == before
    # on the server itself it takes an admin or an operator
    code, _, err = run("users", "set-role", "viewer", "operator", user="billing")
    assert code == 1 and "only an admin" in err
    # an operator changes an operator, over SSH too; an admin does on the server itself
    assert run("users", "add", "op2", "--role", "operator")[0] == 0
    assert ssh("op", "users", "disable", "op2")[:2] == (0, "Staff user op2 is disabled.\n")
    assert run("users", "enable", "op2")[0] == 0


def test_a_company_id_is_one_partner_whatever_its_case(run, tmp_path, db, world):
    upper = ACME.upper()
    partners = write(tmp_path, "partners.csv",
                     f"company_id,name,city,state,region\n{upper},Acme Renamed,Austin,TX,NA\n")
    code, out, err = run("import", "partners", partners)
    assert code == 0 and "partners: 0 created, 1 updated" in out, err
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(m.Partner)) == 4
        assert s.scalar(select(m.Partner.name).where(m.Partner.company_id == ACME)) == "Acme Renamed"
    usage = write(tmp_path, "usage.csv", f"company_id,product,provisioned,used,chargeable,comment\n"
                                         f"{upper},Email Security,5,5,,\n")
    code, out, err = run("import", "usage", usage, "--cycle", "2026-12")
    assert code == 0 and "1 created" in out, err


def test_a_taken_login_is_refused_alike_wherever_it_is_taken(run):
    code, _, at_other = run("users", "add", "outsider", "--role", "billing")  # Other Distribution's clerk
    code2, _, at_ours = run("users", "add", "viewer", "--role", "billing")
    assert code == code2 == 1
    assert at_other == "lmp-tui: The login outsider is taken; choose another.\n"
    assert at_ours == at_other.replace("outsider", "viewer")


def test_migration_0007_lowers_company_ids_and_keeps_the_keys(db, world, run, key_file):
    """Down to 0006 and up again: the stored company IDs in lower case (a clash is refused,
    nothing changed), the staff and their keys kept, and the operator role accepted."""
    from alembic import command

    from lmp_tui.errors import DatabaseUnavailable
    from lmp_tui.storage.db import HEAD_REVISION, alembic_config

    assert run("users", "add-key", "billing", key_file)[0] == 0
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0006")
    with db.write() as s:
        s.execute(text("UPDATE partners SET company_id = upper(company_id)"))
        s.execute(text("INSERT INTO partners (name, company_id, city, state, region_id, distributor_id) "
                       "SELECT 'Twin', lower(company_id), '', '', region_id, distributor_id FROM partners "
                       "WHERE name = 'Acme Networks'"))
    with pytest.raises(DatabaseUnavailable, match="differ only in case"):
        db.upgrade()
    assert db.current_revision() == "0006"
    with db.write() as s:
        s.execute(text("DELETE FROM partners WHERE name = 'Twin'"))
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    with db.read() as s:
        assert s.scalar(select(m.Partner.company_id).where(m.Partner.name == "Acme Networks")) == ACME
        assert s.scalar(select(func.count()).select_from(m.StaffKey)) == 1
    assert run("users", "set-role", "viewer", "operator")[0] == 0
