"""The report list over the database: export the query as CSV, page by moving past the edge."""

from __future__ import annotations

import csv

from widgets.report_table import ReportTable

from ..hostile import plant

from .conftest import said, settle
from .test_workflow import SIZE, table_ids


async def test_export_reports_writes_the_query_as_csv(make_app, ui_world, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        files = list((tmp_path / "exports").glob("*.csv"))
        assert len(files) == 1
        assert len(files[0].read_text().strip().splitlines()) == 1 + 9
        assert any(str(files[0]) in message for _, message in said(app))


async def test_two_exports_at_once_are_two_files_and_a_failed_one_leaves_none(make_app, ui_world, tmp_path):
    from lmp_tui.errors import DatabaseUnavailable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x", "x")  # in the same second (the names once had seconds only)
        await settle(pilot)
        files = list((tmp_path / "exports").glob("*.csv"))
        assert len(files) == 2 and all(len(f.read_text().strip().splitlines()) == 1 + 9 for f in files)

        def part_then_fail(out, query):  # noqa: ANN001
            out.write("id,partner\n")
            raise DatabaseUnavailable("The database is busy; try again in a moment.")

        app.service.export_csv = part_then_fail
        await pilot.press("x")
        await settle(pilot)
        assert any("Export failed" in message for _, message in said(app))
        assert sorted((tmp_path / "exports").glob("*.csv")) == sorted(files)


async def test_a_user_disabled_meanwhile_is_refused_before_any_file_or_folder_is_made(make_app, ui_world,
                                                                                       sqlite_db, tmp_path):
    from sqlalchemy import text

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with sqlite_db.write() as s:  # an admin disables billing while the list is open
            s.execute(text("UPDATE staff_users SET enabled = false WHERE name = 'billing'"))
        await pilot.press("x")
        await settle(pilot)
        failed = [message for _, message in said(app) if "Export failed" in message]
        assert failed and "disabled" in failed[0]
        assert not (tmp_path / "exports").exists()


async def test_export_over_ssh_says_the_file_is_on_the_server_and_how_to_get_a_copy(make_app, ui_world, tmp_path):
    import shlex
    import subprocess
    import sys

    app = make_app()
    app.over_ssh = True  # run by serve-ssh
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Under review
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        exported = next(message for _, message in said(app) if "Exported" in message)
        assert "on the lmp-tui server" in exported
        command = exported.split("ssh -p PORT HOST ", 1)[1].removesuffix(" > reports.csv")
        assert "--status under-review" in command
        # the command it offers writes the same rows as the file on the server
        server_file = next((tmp_path / "exports").glob("*.csv")).read_text()
        done = subprocess.run([sys.executable, "-m", "lmp_tui.cli.main", *shlex.split(command), "--db",
                               app.service.db.engine.url.render_as_string(hide_password=False), "--user", "billing"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == server_file.splitlines()


async def test_export_reports_keeps_a_spreadsheet_from_running_partner_text(make_app, ui_world, tmp_path):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        (path,) = (tmp_path / "exports").glob("*.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    row = rows[str(h.report_id)]
    assert row["partner"].startswith("'=HYPERLINK(") and row["po_number"].startswith("'+PO")
    assert not any(ch in cell for cell in row.values() for ch in "\x1b\x07\x9b\u202e")


async def test_paging_through_the_database_by_moving_past_the_edge(make_app, ui_world, monkeypatch):
    import lmp_tui.startup.prefetch as prefetch

    monkeypatch.setattr(prefetch, "PAGE_SIZE", 4)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = table_ids(app)
        assert len(first) == 4 and "p1/3" in str(app.screen.query_one("#summary").render())
        await pilot.press("down", "down", "down", "down")  # past the last row: the next page
        await settle(pilot)
        second = table_ids(app)
        assert len(second) == 4 and not set(first) & set(second)
        assert app.screen.query_one(ReportTable).cursor_row == 0
        await pilot.press("up")  # before the first row: back, on the last row
        await settle(pilot)
        assert table_ids(app) == first and app.screen.query_one(ReportTable).cursor_row == 3
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert len(table_ids(app)) == 1 and "p3/3" in str(app.screen.query_one("#summary").render())
