"""A first start without the demo, through the command line as an adopting distributor
would run it, on SQLite and on PostgreSQL: init, staff, every import, then the partner's
submission and a billing user who sets the PO, applies an imported code and submits.
Then each import kind refused for one bad row among good ones (nothing written, the line
named), re-imported unchanged (nothing written), and the staff rules."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lmp_tui.cli.main import main
from lmp_tui.storage import models as m

FILES = {
    "regions": """region,currency,code_kind,code_opens,name
NA,USD,bid-desk,unit_price,North America
EU,EUR,promote,channel_margin,Europe
JP,JPY,bid-desk,unit_price,Japan
""",
    "products": """units,product
seats,Worry-Free Services
users,Cloud App Security
mailboxes,Email Security
""",
    "partners": """company_id,name,city,state,region
ACME-1,Acme Networks,Austin,TX,NA
BERLIN-1,Berlin Cyber GmbH,Berlin,,EU
TOKYO-1,Tokyo Secure K.K.,Tokyo,,JP
""",
    "prices": """region,product,unit_price,channel_margin
NA,Worry-Free Services,3.50,20
NA,Cloud App Security,2.25,20
NA,Email Security,1.10,15
EU,Worry-Free Services,3.20,22.5
EU,Email Security,1.00,18
JP,Worry-Free Services,420,20
""",
    "codes": """code,kind,region,products,valid_from,valid_to,partner,min_unit_price,max_channel_margin
BD-NA-100,bid-desk,NA,Worry-Free Services;Email Security,2026-01-01,2026-12-31,,2.00,
PR-EU-BERLIN,promote,EU,,2026-01-01,2026-12-31,BERLIN-1,,40
""",
    "usage": """company_id,product,provisioned,used,chargeable,comment
ACME-1,Worry-Free Services,100,80,80,Seasonal staff left
ACME-1,Cloud App Security,40,,,
ACME-1,Email Security,25,25,,
BERLIN-1,Worry-Free Services,10,10,,
BERLIN-1,Email Security,30,20,,
TOKYO-1,Worry-Free Services,7,,,
""",
}

#: one bad row (line 3) among good ones, per kind, and what the refusal must name
BAD = {
    "regions": ("region,currency,code_kind,code_opens\nAP,AUD,promote,unit_price\nZZ,XYZ,promote,unit_price\n"
                "KR,KRW,bid-desk,unit_price\n", "currency:"),
    "products": ("product,units\nDeep Security,hosts\nApex One,\nVision One,endpoints\n", "units:"),
    "partners": ("company_id,name,city,state,region\nSYD-1,Sydney IT,Sydney,NSW,NA\nOSL-1,Oslo AS,Oslo,,ZZ\n"
                 "LIM-1,Lima SAC,Lima,,NA\n", "region: there is no region ZZ"),
    "prices": ("region,product,unit_price,channel_margin\nNA,Worry-Free Services,3.60,20\n"
               "JP,Email Security,12.50,20\nEU,Cloud App Security,2.00,20\n", "unit_price: 12.50 has more decimals"),
    "codes": ("code,kind,region,products,valid_from,valid_to,partner,min_unit_price,max_channel_margin\n"
              "BD-NA-200,bid-desk,NA,,2026-01-01,2026-12-31,,,\n"
              "BD-NA-201,bid-desk,NA,,2026-12-31,2026-01-01,,,\n"
              "PR-EU-202,promote,EU,Email Security,2026-10-01,2026-10-31,BERLIN-1,,30\n",
              "valid_to 2026-01-01 is before"),
    "usage": ("company_id,product,provisioned,used,chargeable,comment\nACME-1,Worry-Free Services,50,50,,\n"
              "ACME-1,Email Security,20,10,30,\nBERLIN-1,Email Security,5,5,,\n",
              "chargeable (30) may not exceed provisioned (20)"),
}

CYCLE = "2026-10"


@pytest.fixture
def run(db, tmp_path, capsys):
    """``run(*args, user=...)`` → (status, stdout, stderr) of ``lmp-tui ARGS --db URL``."""
    url = db.engine.url.render_as_string(hide_password=False)

    def go(*args: str, user: str | None = "ana") -> tuple[int, str, str]:
        code = main([*args, "--db", url, *(["--user", user] if user else [])])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    go.db = db  # type: ignore[attr-defined]
    return go


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def started(run, tmp_path) -> None:
    assert run("init", "--distributor", "Ours Distribution", "--admin", "ana", user=None)[0] == 0
    # the shared reference data is an operator's: on the server itself, its first admin becomes one
    assert run("users", "set-role", "ana", "operator")[0] == 0
    assert run("users", "add", "bob", "--role", "billing")[0] == 0
    for kind in ("regions", "products", "partners", "prices", "codes"):
        code, out, err = run("import", kind, write(tmp_path, f"{kind}.csv", FILES[kind]))
        assert code == 0, err
    code, out, err = run("import", "usage", write(tmp_path, "usage.csv", FILES["usage"]), "--cycle", CYCLE)
    assert code == 0, err


def table_state(db) -> dict[str, int]:
    """How many rows each table holds, and every report's version: what an import may change."""
    with db.read() as s:
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in m.Base.metadata.sorted_tables}
        versions = dict(s.execute(select(m.BillingReport.id, m.BillingReport.version)).all())
    return {**counts, **{f"v{k}": v for k, v in versions.items()}}


def test_first_start_to_a_submitted_report(run, tmp_path):
    # before init: the refusal says how to start, not to run a command that refuses too
    code, _, err = run("reports", user="bob")
    assert code == 1 and "no staff users yet" in err and "lmp-tui init" in err
    started(run, tmp_path)
    code, out, _ = run("reports", "--format", "json", user="bob")
    reports = {r["partner"]: r for r in json.loads(out)}
    assert {r["status"] for r in reports.values()} == {"msp-preparing"}
    acme = reports["Acme Networks"]
    # while the partner prepares, the distributor sees usage only: no total yet
    assert acme["total"] is None and acme["lines"] == 3 and acme["discrepancies"] == 1
    rid = str(acme["id"])
    assert run("partner", "submit", rid)[0] == 0
    assert run("partner", "submit", str(reports["Tokyo Secure K.K."]["id"]))[0] == 0
    code, out, _ = run("reports", "--format", "json", user="bob")
    reports = {r["partner"]: r for r in json.loads(out)}
    # 80 × 3.50 × 0.80 = 224.00; 40 × 2.25 × 0.80 = 72.00; 25 × 1.10 × 0.85 = 23.375 → 23.38
    assert D(reports["Acme Networks"]["total"]) == D("319.38")
    # Tokyo: Used empty, Chargeable empty → Chargeable = Provisioned: 7 × 420 × 0.80 = 2,352 JPY
    assert D(reports["Tokyo Secure K.K."]["total"]) == D("2352")
    assert run("report", "set-po", rid, "PO-77", user="bob")[0] == 0
    assert run("report", "promo", rid, "1", "bd-na-100", user="bob")[0] == 0  # the imported code verifies
    assert run("report", "price", rid, "1", "2.50", user="bob")[0] == 0  # within its lowest price 2.00
    code, _, err = run("report", "price", rid, "1", "1.99", user="bob")
    assert code == 1 and "2.00" in err
    code, out, err = run("report", "submit", rid, user="bob")
    assert code == 0, err
    assert "Submitted to Trend Micro" in out and "255.38 USD" in out  # 80 × 2.50 × 0.80 = 160 + 72 + 23.38
    code, out, _ = run("report", "show", rid, "--format", "json", user="bob")
    history = [h["action"] for h in json.loads(out)["history"]]
    assert history[0] == "usage-imported" and history[-1] == "submitted"
    # the administration was written down: who, what, old → new
    code, out, _ = run("audit", "--format", "json", user="bob")
    audit = json.loads(out)
    assert {(e["subject"], e["key"]) for e in audit} >= {("user", "bob"), ("price", "NA / Email Security"),
                                                          ("code", "BD-NA-100"), ("usage", f"cycle {CYCLE}")}
    assert all(e["actor"] == "ana" for e in audit)
    # a usage row for a report past MSP preparing is refused, naming the report and its status
    state = table_state(run.db)
    again = write(tmp_path, "again.csv", FILES["usage"].replace("100,80,80", "100,90,90"))
    code, _, err = run("import", "usage", again, "--cycle", CYCLE)
    assert code == 1 and f"again.csv:2: company_id: report #{rid} of Acme Networks" in err
    assert "Submitted to Trend Micro" in err and "nothing was imported" in err
    assert table_state(run.db) == state
    # the month's file itself, run again after the submission, changes nothing and is not refused
    code, out, err = run("import", "usage", str(tmp_path / "usage.csv"), "--cycle", CYCLE)
    assert code == 0 and "nothing to change" in out and "3 unchanged" in out, err
    assert table_state(run.db) == state


@pytest.mark.parametrize("kind", list(BAD))
def test_one_bad_row_refuses_the_whole_file(run, tmp_path, kind):
    started(run, tmp_path)
    state = table_state(run.db)
    text, expected = BAD[kind]
    path = write(tmp_path, f"bad-{kind}.csv", text)
    args = ("import", kind, path, *(("--cycle", "2026-11") if kind == "usage" else ()))
    code, out, err = run(*args)
    assert code == 1 and out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:3: ") and expected in first, err
    assert err.splitlines()[-1] == "lmp-tui: nothing was imported; correct the file and import it again."
    assert table_state(run.db) == state  # not one row of the good ones was written
    # the same file without the bad line imports, and importing it again changes nothing
    good = "".join(line for i, line in enumerate(text.splitlines(keepends=True), 1) if i != 3)
    path = write(tmp_path, f"good-{kind}.csv", good)
    args = ("import", kind, path, *(("--cycle", "2026-11") if kind == "usage" else ()))
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    first = json.loads(out)["counts"]
    assert sum(c["created"] + c["updated"] for c in first.values()) == 2
    state = table_state(run.db)
    code, out, _ = run(*args, "--format", "json")
    again = json.loads(out)["counts"]
    assert code == 0 and sum(c["unchanged"] for c in again.values()) == 2
    assert all(c["created"] == c["updated"] == 0 for c in again.values())
    assert table_state(run.db) == state  # no new history, no version bump


def test_every_reference_file_imported_again_changes_nothing(run, tmp_path):
    started(run, tmp_path)
    state = table_state(run.db)
    for kind in FILES:
        extra = ("--cycle", CYCLE) if kind == "usage" else ()
        code, out, err = run("import", kind, str(tmp_path / f"{kind}.csv"), *extra)
        assert code == 0 and "0 created, 0 updated" in out, (kind, out, err)
    assert table_state(run.db) == state


def test_dry_run_prints_the_changes_and_writes_nothing(run, tmp_path):
    started(run, tmp_path)
    state = table_state(run.db)
    path = write(tmp_path, "prices2.csv", "region,product,unit_price,channel_margin\n"
                                          "NA,Email Security,1.25,15\nEU,Cloud App Security,2.00,20\n")
    code, out, err = run("import", "prices", path, "--dry-run")
    assert code == 0, err
    assert "change price NA / Email Security: unit_price 1.10" in out and "→ 1.25" in out
    assert "add price EU / Cloud App Security" in out and "Nothing was written (dry run)" in out
    assert table_state(run.db) == state
    code, out, _ = run("import", "prices", path, "--format", "json")
    assert json.loads(out)["counts"] == {"prices": {"created": 1, "updated": 1, "unchanged": 0}}
    code, out, _ = run("audit", "--format", "json")
    change = next(e for e in json.loads(out) if e["key"] == "NA / Email Security" and e["action"] == "changed")
    assert change["detail"] == "unit_price 1.10 → 1.25"


def test_usage_replaces_the_lines_while_the_partner_prepares(run, tmp_path):
    started(run, tmp_path)
    code, out, _ = run("reports", "--partner", "Berlin", "--format", "json")
    berlin = json.loads(out)[0]
    changed = FILES["usage"].replace("BERLIN-1,Email Security,30,20,,", "BERLIN-1,Email Security,30,30,,")
    code, out, err = run("import", "usage", write(tmp_path, "usage2.csv", changed), "--cycle", CYCLE,
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["counts"]["usage reports"] == {"created": 0, "updated": 1, "unchanged": 2}
    code, out, _ = run("report", "show", str(berlin["id"]), "--format", "json")
    report = json.loads(out)
    assert report["version"] == berlin["version"] + 1
    assert [h["action"] for h in report["history"]] == ["usage-imported", "usage-imported"]
    assert report["lines"][1]["used"] == 30


def test_file_problems_are_named_by_line_and_column(run, tmp_path):
    started(run, tmp_path)
    state = table_state(run.db)
    cases = [
        ("products", "product,units,colour\nX,seats,red\n", ":1: colour: not a column of a products file"),
        ("products", "product\nX\n", ":1: units: missing"),
        ("products", "product,units\nX,seats\nX,hosts\n", ":3: product: X appears again (first on line 2)"),
        ("products", "product,units\nX,seats,extra\n", ":2: the row has 3 value(s)"),
        ("products", "", ":1: the file is empty"),
        ("products", "product,units\n", ":2: the file has a header but no rows"),
        ("regions", "region,currency,code_kind,code_opens\nAP,AUD,coupon,unit_price\n", ":2: code_kind: 'coupon'"),
        ("usage", "company_id,product,provisioned,used,chargeable,comment\nNOPE,Email Security,1,,,\n",
         ":2: company_id: there is no partner nope"),
        ("usage", "company_id,product,provisioned,used,chargeable,comment\nACME-1,Email Security,١٢,,,\n",
         ":2: provisioned:"),
    ]
    for kind, text, expected in cases:
        path = write(tmp_path, "case.csv", text)
        code, _, err = run("import", kind, path, *(("--cycle", CYCLE) if kind == "usage" else ()))
        assert code == 1 and expected in err, (text, err)
    (tmp_path / "latin1.csv").write_bytes("product,units\nCafé,seats\n".encode("latin-1"))
    code, _, err = run("import", "products", str(tmp_path / "latin1.csv"))
    assert code == 1 and "latin1.csv:2: the file is not UTF-8" in err
    many = "product,units\n" + "".join(f"P{i},\n" for i in range(70))
    code, _, err = run("import", "products", write(tmp_path, "many.csv", many))
    lines = err.splitlines()
    assert code == 1 and len(lines) == 52 and lines[50] == "…and 20 more problem(s)."
    code, _, err = run("import", "usage", str(tmp_path / "usage.csv"))
    assert code == 1 and "--cycle YYYY-MM" in err
    # Excel in Europe separates by ';'; a misnamed column is named as typed, with its likely name
    code, _, err = run("import", "partners", write(tmp_path, "semi.csv", "company_id;name;city;state;region\n"
                                                                       "X-1;X;Oslo;;EU\n"))
    assert code == 1 and err.splitlines()[0].endswith("separated by ';', not ','; save the file as CSV UTF-8 "
                                                      "(comma-separated) and import it again.")
    code, _, err = run("import", "partners", write(tmp_path, "typo.csv", "CompanyID,name,city,state,region\n"
                                                                       "X-1,X,Oslo,,EU\n"))
    assert code == 1 and "typo.csv:1: CompanyID: not a column of a partners file; did you mean company_id?" in err
    assert "missing" not in err
    # the file's problems and the database's come in one round, in the order of the lines
    code, _, err = run("import", "usage", write(tmp_path, "two.csv", "company_id,product,provisioned,used,chargeable,"
                                                                     "comment\nNOPE,Email Security,1,,,\n"
                                                                     "ACME-1,Email Security,1.5,,,\n"), "--cycle", CYCLE)
    problems = err.splitlines()
    assert code == 1 and problems[0].startswith(f"{tmp_path}/two.csv:2: company_id: there is no partner nope")
    assert problems[1].startswith(f"{tmp_path}/two.csv:3: provisioned:")
    # a file named for another month than --cycle is refused before it is read
    code, _, err = run("import", "usage", str(tmp_path / "usage.csv").replace("usage.csv", "usage-2026-09.csv"),
                       "--cycle", CYCLE)
    assert code == 1 and "says 2026-09, but --cycle is 2026-10" in err
    assert table_state(run.db) == state


def test_codes_that_could_never_be_verified_are_refused(run, tmp_path):
    started(run, tmp_path)
    state = table_state(run.db)
    header = "code,kind,region,products,valid_from,valid_to,partner,min_unit_price,max_channel_margin\n"
    cases = [("PR-NA-1,promote,NA,,2026-01-01,2026-12-31,,,\n", "kind: region NA uses Bid Desk Numbers"),
             ("BD-NA-2,bid-desk,NA,,2026-01-01,2026-12-31,BERLIN-1,,\n", "partner: berlin-1 is in region EU, not NA"),
             ("BD-NA-3,bid-desk,NA,,2026-01-01,2026-12-31,,,40\n", "max_channel_margin: region NA's codes open the "
                                                                    "unit price")]
    for row, expected in cases:
        code, _, err = run("import", "codes", write(tmp_path, "code.csv", header + row))
        assert code == 1 and f"code.csv:2: {expected}" in err, err
    assert table_state(run.db) == state


def test_staff_rules(run, tmp_path):
    started(run, tmp_path)
    # only an admin administers; the refusal says whom to ask
    code, _, err = run("users", "add", "eve", "--role", "admin", user="bob")
    assert code == 1 and "only an admin" in err
    code, _, err = run("import", "partners", str(tmp_path / "partners.csv"), user="bob")
    assert code == 1 and "only an admin" in err
    code, _, err = run("import", "products", str(tmp_path / "products.csv"), user="bob")
    assert code == 1 and "only an operator" in err
    # the last enabled admin can be neither disabled nor demoted
    for args in (("users", "disable", "ana"), ("users", "set-role", "ana", "billing")):
        code, _, err = run(*args)
        assert code == 1 and "last enabled admin" in err
    assert run("users", "set-role", "bob", "admin")[0] == 0
    assert run("users", "set-role", "ana", "billing")[0] == 0  # now another admin exists
    assert run("users", "set-role", "ana", "admin", user="bob")[0] == 0
    # a disabled user can do nothing, not even read
    assert run("users", "add", "carol", "--role", "billing")[0] == 0
    assert run("users", "disable", "carol")[0] == 0
    for args in (("reports",), ("users",), ("codes",)):
        code, _, err = run(*args, user="carol")
        assert code == 1 and "disabled" in err and "users enable carol" in err
    assert run("users", "enable", "carol")[0] == 0
    assert run("reports", user="carol")[0] == 0
    code, out, _ = run("users", "--format", "json", user="carol")
    assert {u["name"] for u in json.loads(out)} == {"ana", "bob", "carol"}
    # an unknown user is told how to get added, never to run a command that refuses too
    code, _, err = run("users", user="dave")
    assert code == 1 and "users add dave" in err and "`lmp-tui users` lists" not in err
    # a login name is checked; a second init is refused
    code, _, err = run("users", "add", "bad name", "--role", "billing")
    assert code == 1 and "login name" in err
    code, _, err = run("init", "--distributor", "Other", "--admin", "zed", user=None)
    assert code == 1 and "already belongs to Ours Distribution" in err
