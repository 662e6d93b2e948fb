"""The interface on a database that never saw the demo: started with `init`, staffed, and
filled from the import files; a billing user prices an imported report with an imported
code and submits it, by keyboard."""

from __future__ import annotations

from decimal import Decimal as D

from lmp_tui.ui.app import build_app
from lmp_tui.domain.model import Status
from lmp_tui.commands.import_files import read_file
from lmp_tui.services import BillingService, initialise
from lmp_tui.commands.validation import ReportQuery
from screens.submit_dialog import SubmitDialog

from ..conftest import FIXED_NOW
from ..test_imports import CYCLE, FILES
from .conftest import settle, type_text
from .test_workflow import SIZE, open_report, table_ids


async def test_an_imported_report_priced_and_submitted(sqlite_db, tmp_path):
    initialise(sqlite_db, "Ours Distribution", "ana")
    admin = BillingService(sqlite_db, "ana", clock=lambda: FIXED_NOW)
    admin.add_user("bob", "billing")
    admin.set_role("ana", "operator")  # the shared reference data is an operator's (granted on the server itself)
    for kind, text in FILES.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        admin.import_rows(kind, path.name, read_file(path, kind), cycle=CYCLE if kind == "usage" else None)
    acme = next(r for r in admin.query_reports(ReportQuery()).rows if r.partner == "Acme Networks")
    admin.partner_submit(acme.id)

    app = build_app(BillingService(sqlite_db, "bob", clock=lambda: FIXED_NOW), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(table_ids(app)) == 3  # the imported reports, one a partner
        screen = await open_report(pilot, app, acme.id)
        await pilot.press("p")
        await type_text(pilot, "PO-77")
        await pilot.press("enter")
        await pilot.press("c")
        await type_text(pilot, "bd-na-100")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await type_text(pilot, "2.50")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.draft.working.total == D("255.38")
        await pilot.press("s")
        assert isinstance(app.screen, SubmitDialog)
        await pilot.press("tab", "enter")
        await settle(pilot)
        saved = screen.draft.saved
        assert saved.status is Status.SUBMITTED and saved.total == D("255.38") and saved.po_number == "PO-77"
        assert saved.history[0].detail.startswith("usage imported from usage.csv: 3 line(s)")
