"""The interface stops safely: a crash exits non-zero with one sentence and no dump of
local variables (which may hold partners' data); the palette's Quit asks like Ctrl+Q."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from screens.billing_report import BillingReportScreen
from screens.confirm_dialog import ConfirmDialog
from widgets.report_table import ReportTable

from .conftest import run_from_palette, settle

ROOT = Path(__file__).resolve().parents[2]
SIZE = (80, 24)

#: the app as the command line starts it, headless, with the report list's mount broken
CRASHING = textwrap.dedent("""
    import sys
    from textual.app import App
    import screens.report_list as report_list
    from lmp_tui.cli.main import main

    def boom(self):
        password = "hunter2-local"
        raise RuntimeError("\\x1b]52;c;SGFja2VkIQ==\\x07 secret-message [/]" + password[:0])

    report_list.ReportListScreen.on_mount = boom
    run = App.run
    App.run = lambda self, *a, **k: run(self, *a, **{**k, "headless": True})
    sys.exit(main(["--db", sys.argv[1], "--user", "billing"]))
""")


def crash(sqlite_db, **env: str) -> subprocess.CompletedProcess[str]:
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    environ = {**os.environ, **env}
    environ.pop("LMP_DATABASE_URL", None)
    if not env:
        environ.pop("LMP_DEBUG", None)
    return subprocess.run([sys.executable, "-c", CRASHING, url], capture_output=True, text=True, cwd=ROOT,
                          env=environ, timeout=60)


def test_a_crash_exits_non_zero_with_one_sentence(sqlite_db, ui_world):
    out = crash(sqlite_db)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "RuntimeError" in lines[0] and "LMP_DEBUG=1" in lines[0] and "unsaved changes are lost" in lines[0]
    for leak in ("locals", "hunter2", "secret-message", "\x1b", "Traceback", "password"):
        assert leak not in out.stderr + out.stdout


def test_a_crash_with_lmp_debug_shows_textual_details(sqlite_db, ui_world):
    out = crash(sqlite_db, LMP_DEBUG="1")
    assert out.returncode != 0
    assert "RuntimeError" in out.stderr and "boom" in out.stderr
    assert "LMP_DEBUG=1" not in out.stderr


def test_a_failed_workers_crash_is_named_by_its_own_error_never_its_message():
    from textual.worker import WorkerFailed

    from lmp_tui.ui.app import LmpApp

    sentence = LmpApp.crash_sentence(WorkerFailed(ValueError("\x1b]52;c;SGFja2VkIQ==\x07 secret-message [/]")))
    assert "(ValueError)" in sentence and "LMP_DEBUG=1" in sentence
    for leak in ("secret-message", "\x1b", "\n", "WorkerFailed"):
        assert leak not in sentence
    assert "unexpected error;" in LmpApp.crash_sentence(None)  # no error kept: the sentence without a name


async def test_palette_quit_asks_when_changes_are_unsaved(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        table.move_cursor(row=table.index_of(ui_world["review"]))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen)
        await pilot.press("z")  # reset pricing: a change
        await run_from_palette(pilot, "Quit")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.is_running
        await pilot.press("n")
        assert isinstance(app.screen, BillingReportScreen) and app.screen.unsaved == 1


async def test_palette_quit_without_changes_quits(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, "Quit")
        await settle(pilot)
        assert not app.is_running
    assert app.return_code == 0
