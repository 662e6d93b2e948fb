"""The command line's progress bars (a large import, the demo data): shown on a terminal,
never in a script's log."""

from __future__ import annotations

import io
import re

import pytest

from lmp_tui.cli.main import main
from lmp_tui.cli.progress import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_each_phase_has_a_bar_that_ends_full(monkeypatch: pytest.MonkeyPatch):
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress_bar("rows") as bar:
        bar("checking", 1500, 3000)
        bar("checking", 3000, 3000)
        bar("writing", 3000, 3000)
    last = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue()).split("\r")[-1].splitlines()
    assert [line.split()[0] for line in last] == ["checking", "writing"]
    assert all(line.endswith("3000/3000 rows") for line in last)


def test_a_script_gets_no_bar_from_the_demo(tmp_path, capsys):  # noqa: ANN001
    assert main(["demo", "--db", f"sqlite:///{tmp_path / 'demo.sqlite3'}", "--partners", "40", "--cycles", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Demo database" in captured.out
