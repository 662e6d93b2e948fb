"""Something to tell the user, as a screen shows it (a toast): what the core's controllers
(:mod:`lmp_tui.editing.editor`, :mod:`lmp_tui.editing.report_list`) hand their screens to say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """Something to tell the user, as the screen shows it."""

    message: str
    title: str | None = None
    severity: Severity = "information"
    timeout: float = 4
