"""The layers hold: the core never imports Textual (but for the app module), and screens
and widgets never open a database session of their own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_does_not_import_textual():
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "lmp_tui").rglob("*.py")
                 if p.name != "app.py" and "textual" in _imports(p)]
    assert offenders == []


def test_importing_the_core_does_not_load_textual():
    code = ("import sys, lmp_tui.cli, lmp_tui.services, lmp_tui.demo, lmp_tui.render;"
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_interface_does_not_touch_the_database():
    for folder in ("screens", "widgets"):
        for p in (ROOT / folder).rglob("*.py"):
            imported = _imports(p)
            assert "sqlalchemy" not in imported, p
            text = p.read_text(encoding="utf-8")
            assert "lmp_tui.storage" not in text and "Session(" not in text, p


def test_the_command_lines_copies_of_core_constants_match():
    """cli.py and cli_admin.py name these without importing pydantic's modules (start-up time)."""
    from lmp_tui import admin, cli, cli_admin, validation

    assert cli_admin.IMPORT_ORDER == admin.IMPORT_ORDER
    assert cli.MAX_ID == validation.MAX_ID
