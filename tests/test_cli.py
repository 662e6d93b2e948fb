"""The command line as support desks and scripts use it, on a demo database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lmp_tui.cli.main import main
from lmp_tui.storage.db import HEAD_REVISION


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["demo", "--db", f"sqlite:///{path}"]) == 0
    return path


@pytest.fixture
def cli(demo_template, tmp_path, capsys):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"

    def run(*args: str, user: str = "billing") -> tuple[int, str, str]:
        code = main([*args, "--db", url, "--user", user])
        out, err = capsys.readouterr()
        return code, out, err

    run.url = url  # type: ignore[attr-defined]
    return run


def jrun(cli, *args, user="billing"):
    code, out, err = cli(*args, "--format", "json", user=user)
    assert code == 0, err
    return json.loads(out)


def test_reports_json_keys_and_filters(cli):
    rows = jrun(cli, "reports", "--status", "under-review")
    assert rows and {r["status"] for r in rows} == {"under-review"}
    assert set(rows[0]) >= {"id", "partner", "region", "cycle", "status", "review_reason", "po_number", "total",
                            "currency"}
    assert {r["review_reason"] for r in rows} == {"auto-no-penalties", "auto-penalties", "manual-submission",
                                                  "returned-by-vendor"}
    one = rows[0]["partner"][:5]
    found = jrun(cli, "reports", "--partner", one.lower())
    assert found and all(one.lower() in r["partner"].lower() for r in found)
    cycle = jrun(cli, "reports", "--cycle", "2026-09")
    assert cycle and {r["cycle"] for r in cycle} == {"2026-09"}


def test_reports_csv(cli):
    code, out, _ = cli("reports", "--status", "rejected", "--format", "csv")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("id,partner,company_id,region,cycle,status")
    assert len(lines) > 1 and all(",rejected," in ln for ln in lines[1:])


def _first(cli, status, region=None, reason=None):
    rows = jrun(cli, "reports", "--status", status)
    return next(r for r in rows if (region is None or r["region"] == region)
                and (reason is None or r["review_reason"] == reason))


def test_walk_to_submitted_and_to_rejected(cli):
    na = _first(cli, "under-review", "NA")
    rid = str(na["id"])
    assert cli("report", "set-po", rid, "PO-TICKET-4471")[0] == 0
    code, out, err = cli("report", "promo", rid, "1", "BD-NA-GEN")
    assert code == 0, err
    code, out, err = cli("report", "price", rid, "1", "1.00")
    assert code == 0 and "unit price of line 1 set" in out
    code, out, err = cli("report", "submit", rid, "--comment", "Priced with BD-NA-GEN.")
    assert code == 0 and "Submitted to Trend Micro" in out
    shown = jrun(cli, "report", "show", rid)
    assert shown["status"] == "submitted" and shown["po_number"] == "PO-TICKET-4471"
    assert shown["lines"][0]["promo_code"] == "BD-NA-GEN" and shown["lines"][0]["unit_price"] == "1.00"
    assert [h["action"] for h in shown["history"]][-4:] == ["po-set", "code-applied", "unit-price-changed",
                                                             "submitted"]
    eu = _first(cli, "under-review", "EU")
    code, out, err = cli("report", "reject", str(eu["id"]), "--reason", "Line 2 needs a comment.")
    assert code == 0 and "rejected" in out
    assert jrun(cli, "report", "show", str(eu["id"]))["status"] == "rejected"


def test_report_json_shape(cli):
    rid = str(_first(cli, "under-review")["id"])
    shown = jrun(cli, "report", "show", rid)
    assert set(shown) >= {"id", "partner", "company_id", "region", "currency", "cycle", "period_start", "period_end",
                          "status", "review_reason", "auto_submitted", "po_number", "total", "version", "lines",
                          "history"}
    assert set(shown["lines"][0]) >= {"line_no", "name", "units", "provisioned", "used", "over_provisioned_pct",
                                      "chargeable", "discrepancy", "partner_comment", "unit_price", "channel_margin",
                                      "promo_code", "editable_field", "subtotal"}
    assert isinstance(shown["total"], str) and isinstance(shown["lines"][0]["subtotal"], str)
    from decimal import Decimal

    assert Decimal(shown["total"]) == sum(Decimal(ln["subtotal"]) for ln in shown["lines"])


def test_table_output_is_readable(cli):
    rid = str(_first(cli, "under-review")["id"])
    code, out, _ = cli("report", "show", rid)
    assert code == 0 and "Total invoice amount:" in out and "History:" in out


@pytest.mark.parametrize(
    "args, user, message",
    [
        (("report", "set-po", "{id}", "X" * 36), "billing", "at most 35"),
        (("report", "price", "{id}", "1", "NaN"), "billing", "not a plain number"),
        (("report", "margin", "{id}", "1", "100"), "billing", "below 100"),
        (("report", "promo", "{id}", "1", "NOPE-1"), "billing", "does not exist"),
        (("report", "reject", "{id}", "--reason", " "), "billing", "cannot be empty"),
        (("report", "submit", "{id}"), "viewer", "viewer"),
        (("report", "set-po", "{id}", "PO"), "other-billing", "not found"),
        (("report", "set-po", "{id}", "PO"), "ghost", "no staff user 'ghost'"),
        (("report", "show", "999999"), "billing", "not found"),
        (("vendor", "complete", "{id}"), "admin", "only when it is Submitted"),
        (("cycle", "close", "2026-13"), "admin", "YYYY-MM"),
    ],
)
def test_errors_are_one_sentence_non_zero_and_change_nothing(cli, args, user, message):
    rid = str(_first(cli, "under-review", "NA", "manual-submission")["id"])
    before = jrun(cli, "report", "show", rid)
    code, out, err = cli(*[a.replace("{id}", rid) for a in args], user=user)
    assert code == 1 and out == ""
    assert err.startswith("lmp-tui: ") and message in err and "Traceback" not in err
    assert jrun(cli, "report", "show", rid) == before


def test_bad_report_number_is_a_usage_error(cli):
    code, _, err = cli("report", "show", "abc")
    assert code == 2 and "The report number 'abc' is not a whole number" in err


def test_unreachable_database_is_a_clear_error(capsys):
    code = main(["reports", "--db", "postgresql://nobody@127.0.0.1:1/none", "--user", "x"])
    err = capsys.readouterr().err
    assert code == 1 and "Cannot reach the database" in err and "Traceback" not in err
    code = main(["reports", "--db", "not a url", "--user", "x"])
    assert code == 1 and "not a database URL" in capsys.readouterr().err


def test_other_parties_moves(cli):
    rej = _first(cli, "rejected")
    code, out, err = cli("partner", "submit", str(rej["id"]), user="admin")
    assert code == 0 and "Manual submission" in out
    sub = _first(cli, "submitted")
    code, out, err = cli("vendor", "return", str(sub["id"]), "--reason", "Clarify line 1.", user="admin")
    assert code == 0 and "Returned by Trend Micro" in out
    sub2 = _first(cli, "submitted")
    assert cli("vendor", "complete", str(sub2["id"]), user="admin")[0] == 0
    code, out, err = cli("cycle", "close", "2026-10", user="admin")
    assert code == 0 and "with penalties" in out
    assert not [r for r in jrun(cli, "reports", "--cycle", "2026-10") if r["status"] == "msp-preparing"]


def test_codes_and_users(cli):
    codes = jrun(cli, "codes", "--region", "na")
    assert codes and {c["region"] for c in codes} == {"NA"}
    assert set(codes[0]) == {"code", "kind", "region", "products", "valid_from", "valid_to", "partner",
                             "min_unit_price", "max_channel_margin"}
    users = jrun(cli, "users")
    assert {(u["name"], u["role"]) for u in users} == {("billing", "billing"), ("viewer", "viewer"), ("admin", "admin"),
                                                      ("operator", "operator")}
    assert set(users[0]) == {"name", "role", "distributor"}


def test_db_upgrade(cli):
    code, out, _ = cli("db", "upgrade")
    assert code == 0 and f"revision {HEAD_REVISION}" in out


def test_app_start_refusals_are_clear(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path))
    code = main(["--demo", "--user", "ghost"])
    err = capsys.readouterr().err
    assert code == 1 and "no staff user 'ghost'" in err and "Traceback" not in err
    assert (tmp_path / "demo.sqlite3").exists()  # the demo was created on first use
    code = main(["--db", "postgresql://nobody@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 1 and "Cannot reach the database" in err


def test_reports_limit_in_every_format(cli):
    assert len(jrun(cli, "reports", "--limit", "7")) == 7
    code, out, _ = cli("reports", "--limit", "3", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 1 + 3
    code, out, _ = cli("reports", "--format", "csv")
    assert len(out.strip().splitlines()) == 1 + len(jrun(cli, "reports"))


def test_tables_align_names_of_wide_characters():
    """A Japanese partner name takes two terminal cells a character: the next column still
    starts at the same place on every line."""
    from rich.cells import cell_len

    from lmp_tui.cli.render import table

    text = table(("Partner", "Cycle", "Total"), [("東京データ株式会社", "2026-10", "1,000"), ("Acme", "2026-10", "5")],
                 right=(2,))
    lines = text.splitlines()
    starts = {cell_len(line[: line.index("2026-10")]) for line in lines[2:]}
    ends = {cell_len(line) for line in lines}
    assert len(starts) == 1 and len(ends) == 1, text


def test_demo_commands_sign_in_as_the_demo_user_like_the_interface(demo_template, tmp_path, monkeypatch, capsys):
    """`lmp-tui --demo reports` works without --user, as `lmp-tui --demo` does: one rule
    (lmp_tui.places.staff_user) for both."""
    shutil.copy(demo_template, tmp_path / "demo.sqlite3")
    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LMP_USER", raising=False)
    assert main(["--demo", "reports", "--status", "under-review", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["status"] for r in rows} == {"under-review"}
