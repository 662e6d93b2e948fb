"""Issue 9 on both databases: the partner find ignores accents and case through the stored
search key; a report being prepared is exported and printed with usage only."""

from __future__ import annotations

import csv
import io
import json

from lmp_tui.cli import render
from lmp_tui.cli.main import main
from lmp_tui.domain.model import Status
from lmp_tui.domain.search import search_key
from lmp_tui.storage import models as m


def test_search_key():
    assert search_key("München") == "munchen" and search_key("STRASSE") == search_key("Straße")
    assert search_key("Ångström Café") == "angstrom cafe"


def test_find_ignores_accents_and_case(service, world, db):
    rid = world.report("munich", "berlin", "2026-06", Status.UNDER_REVIEW, None)
    with db.write() as s:  # as an import renames a partner: the services write the key with the name
        s.get(m.BillingReport, rid).partner_name = "München Sicherheit"
        s.get(m.BillingReport, rid).partner_key = search_key("München Sicherheit")
    svc = service()
    for typed in ("munchen", "MÜNCHEN", "Münch", "chen sich"):
        page = svc.query_reports(partner_text=typed)
        assert [r.id for r in page.rows] == [rid], typed
    assert svc.status_counts(partner_text="munchen")[Status.UNDER_REVIEW] == 1
    assert svc.query_reports(partner_text="ACME NET").total_count == 5
    assert svc.query_reports(partner_text="münchenx").total_count == 0


def test_a_new_report_gets_its_key_from_the_model(world, db):
    """The factory writes no key: the model's default makes it from the name."""
    with db.read() as s:
        row = s.get(m.BillingReport, world["review"])
        assert row.partner_key == "acme networks"


def test_a_report_being_prepared_is_printed_and_exported_with_usage_only(service, world, db, capsys, monkeypatch):
    svc = service()
    prep = svc.load_report(world["prep"])
    data = render.report_json(prep)
    assert data["total"] is None
    assert all(k not in ln for ln in data["lines"]
               for k in ("unit_price", "channel_margin", "subtotal", "promo_code"))
    assert data["lines"][0]["provisioned"] == 10
    text = render.report_text(prep)
    lines_part = text.split("Total invoice")[1]
    assert "Unit Price" not in lines_part and "Subtotal" not in lines_part and "USD" not in lines_part
    review = render.report_json(svc.load_report(world["review"]))
    assert review["total"] is not None and "subtotal" in review["lines"][0]

    rows = svc.query_reports().rows
    by_id = {r.id: r for r in rows}
    assert render.row_json(by_id[world["prep"]])["total"] is None
    assert render.row_json(by_id[world["review"]])["total"] == "961.53"
    out = io.StringIO()
    svc.export_csv(out)
    exported = {r["id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert exported[str(world["prep"])]["total"] == "" and exported[str(world["review"])]["total"] == "961.53"
    table = render.rows_table([by_id[world["prep"]], by_id[world["jp"]]])
    assert "154,200 JPY" in table and table.count("USD") == 0

    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["reports", "--db", url, "--user", "billing", "--format", "json", "--status", "msp-preparing"]) == 0
    assert all(r["total"] is None for r in json.loads(capsys.readouterr().out))
    assert main(["report", "show", str(world["prep"]), "--db", url, "--user", "billing", "--format", "json"]) == 0
    assert "subtotal" not in capsys.readouterr().out
