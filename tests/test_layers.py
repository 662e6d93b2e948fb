"""The layers hold: each package of the core imports only what the table below allows, the
core never imports Textual (but for its ui package), and screens and widgets never open a
database session of their own."""

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


#: what each package of lmp_tui may import of the others (the modules at its root: errors,
#: settings, places, safetext, files — the base — any may). The table is the architecture:
#: rules at the bottom, the command line at the top; nothing imports upwards.
BASE = {"errors", "settings", "places", "safetext", "files"}
MAY_IMPORT: dict[str, set[str]] = {
    "domain": set(),
    "commands": {"domain"},
    "storage": {"domain"},
    "services": {"domain", "commands", "storage"},
    "editing": {"domain", "commands", "services"},
    "demo": {"domain", "commands", "storage"},
    "startup": {"domain", "commands", "storage", "services", "demo"},
    "ssh": {"domain", "commands", "storage", "services"},
    "ui": {"domain", "commands", "editing", "services", "startup"},
    "cli": {"domain", "commands", "storage", "services", "demo", "ssh", "ui"},
}
#: the one package of the core that may import Textual
TEXTUAL_IN = "ui"


def _core_modules():
    for p in (ROOT / "lmp_tui").rglob("*.py"):
        parts = p.relative_to(ROOT / "lmp_tui").parts
        if "migrations" not in parts:
            yield (parts[0] if len(parts) > 1 else "(base)"), p


def _lmp_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
        found |= {n.split(".")[1] for n in names if n.startswith("lmp_tui.")}
    return found


def test_every_package_imports_only_what_the_table_allows():
    packages = {pkg for pkg, _ in _core_modules()} - {"(base)"}
    assert packages == set(MAY_IMPORT), "a package missing from MAY_IMPORT (or one gone)"
    wrong = []
    for pkg, path in _core_modules():
        allowed = BASE | ({pkg} | MAY_IMPORT[pkg] if pkg != "(base)" else BASE)
        wrong += [f"{path.relative_to(ROOT)} imports lmp_tui.{m}" for m in _lmp_imports(path) - allowed]
    assert wrong == []


def test_core_does_not_import_textual():
    offenders = [p.relative_to(ROOT).as_posix() for pkg, p in _core_modules()
                 if pkg != TEXTUAL_IN and "textual" in _imports(p)]
    assert offenders == []


def test_importing_the_core_does_not_load_textual():
    code = ("import sys, lmp_tui.cli.main, lmp_tui.services, lmp_tui.demo, lmp_tui.cli.render;"
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
    from lmp_tui.commands import admin
    from lmp_tui.cli import main as cli
    from lmp_tui.cli import admin as cli_admin
    from lmp_tui.commands import validation

    assert cli_admin.IMPORT_ORDER == admin.IMPORT_ORDER
    assert cli.MAX_ID == validation.MAX_ID
