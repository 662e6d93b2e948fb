"""Hostile text from partners and staff through every output of the command line: tables
show it literally and harmlessly, JSON keeps it exact (escaping what a terminal would act
on), CSV keeps a spreadsheet from running it, and another distributor's partners stay
theirs."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lmp_tui.cli.main import main
from lmp_tui.safetext import csv_cell, display_text, json_text

from . import hostile as h

CONTROL = [chr(c) for c in range(0x20) if chr(c) != "\n"] + ["\x7f", "\x9b", "\u202e", "\u2066"]


@pytest.fixture
def planted(world):
    return h.plant(world)


@pytest.fixture
def cli(db, planted, capsys):
    url = db.engine.url.render_as_string(hide_password=False)

    def run(*args: str, user: str = "billing") -> tuple[int, str, str]:
        code = main([*args, "--db", url, "--user", user])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def assert_harmless(text: str) -> None:
    raw = [seq for seq in h.RAW_SEQUENCES if seq in text]
    assert not raw, f"raw control sequences reached the output: {raw!r}"
    assert not [ch for ch in text if ch in CONTROL], "a control character reached the output"


def test_the_report_list_table_shows_hostile_text_literally(cli, planted):
    code, out, err = cli("reports")
    assert code == 0, err
    assert_harmless(out)
    assert '=HYPERLINK("x") [@click=app.exit(6' in out  # as text, cut to the column
    assert "+PO[/]␛[2J" in out  # the screen-clearing sequence made visible


def test_json_keeps_every_character_and_nothing_acts(cli, planted):
    code, out, _ = cli("reports", "--format", "json")
    assert code == 0
    assert_harmless(out)
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows[planted.report_id]["partner"] == h.PARTNER and rows[planted.report_id]["po_number"] == h.PO
    code, out, _ = cli("report", "show", str(planted.report_id), "--format", "json")
    assert_harmless(out)
    shown = json.loads(out)
    assert shown["lines"][0]["partner_comment"] == h.COMMENT
    assert shown["history"][0]["actor"] == h.HISTORY_ACTOR and shown["history"][0]["comment"] == h.HISTORY_COMMENT


def test_report_show_prints_every_hostile_field_harmlessly(cli, planted):
    code, out, err = cli("report", "show", str(planted.report_id))
    assert code == 0, err
    assert_harmless(out)
    for visible in ("[@click=app.exit(66)]Evil[/]", "␛]52;c;SGFja2VkIQ==␇␛[2J␛[H", "[@click=app.exit(67)]Shield[/]", "[b]bold?[/b]", "[@click=app.exit(68)]po set[/]",
                    "mallory[/]␛]52;c;SGFja2VkIQ==␇", "gpj.exe"):
        assert visible in out


def test_csv_export_neutralises_formulas_and_strips_control_characters(cli, planted):
    code, out, _ = cli("reports", "--format", "csv")
    assert code == 0
    assert_harmless(out.replace("\r\n", "\n"))  # CSV's own line ends aside
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    row = rows[str(planted.report_id)]
    assert row["partner"].startswith("'=HYPERLINK(") and "\x1b" not in row["partner"]
    assert row["po_number"] == "'+PO[/][2J"
    assert row["company_id"] == "[/]0000-[2J"
    for r in rows.values():  # no cell of any row starts a formula
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in r.values())


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'=1"),
    ("\r=1", "'=1"), ("\tplain", "'plain"), ("  =1", "'  =1"), ("Acme", "Acme"), ("12.50", "12.50"),
    ("a\x1b[2Jb\u202ec", "a[2Jbc"), ("", ""),
])
def test_csv_cell(cell, expected):
    assert csv_cell(cell) == expected


def test_display_and_json_text_rules():
    assert display_text("a\x1b[2J\x07\x7f\x9b\u202eb") == "a␛[2J␇␡\ufffd\ufffdb"
    assert display_text("one\ntwo\tthree", multiline=True) == "one\ntwo three"
    assert display_text("one\ntwo") == "one␊two"
    assert display_text("caf\udce9") == "caf\ufffd"  # bytes that were not UTF-8
    dumped = json_text({"name": "a\x1b\x9b\u202eb"})
    assert json.loads(dumped) == {"name": "a\x1b\x9b\u202eb"} and "\x9b" not in dumped and "\u202e" not in dumped


def test_codes_hide_other_distributors_partners(cli, planted):
    code, out, _ = cli("codes")
    assert code == 0
    assert_harmless(out)
    assert "BD-NA-EVIL" in out and "BD-NA-SECRET" not in out and h.FOREIGN_PARTNER not in out
    assert "BD-NA-FOREIGN" not in out and "Foreign Partner LLC" not in out  # the test world's own
    assert "BD-NA-ACME" in out and "Acme Networks" in out  # our partner's code is ours to see
    code, out, _ = cli("codes", "--format", "json")
    codes = {c["code"]: c for c in json.loads(out)}
    assert codes["BD-NA-EVIL"]["partner"] == h.PARTNER and "BD-NA-SECRET" not in codes
    # the other distributor sees its partner's code, and not ours
    code, out, _ = cli("codes", "--format", "json", user="outsider")
    codes = {c["code"]: c for c in json.loads(out)}
    assert "BD-NA-SECRET" in codes and "BD-NA-EVIL" not in codes and "BD-NA-ACME" not in codes


def test_users_table_shows_a_hostile_user_name_literally(cli):
    code, out, _ = cli("users")
    assert code == 0 and h.STAFF_USER in out
    code, out, err = cli("reports", user=h.STAFF_USER)  # the hostile user signs in and works
    assert code == 0, err


def test_refusals_quoting_hostile_input_are_harmless(cli, planted):
    rid = str(planted.report_id)
    for args in (("report", "set-po", rid, h.OSC52 + "PO"), ("report", "reject", rid, "--reason", h.CLEAR),
                 ("report", "submit", rid, "--comment", h.OSC8), ("reports", "--partner", h.CLEAR),
                 ("report", "promo", rid, "1", h.OSC52), ("reports", "--format", h.CLEAR)):
        code, out, err = cli(*args)
        assert code in (1, 2) and out == "", (args, out)
        assert_harmless(err)
        assert "Traceback" not in err
    code, out, _ = cli("report", "show", rid, "--format", "json")
    assert json.loads(out)["po_number"] == h.PO  # nothing changed
