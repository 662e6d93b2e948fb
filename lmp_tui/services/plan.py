"""An import's plan: what it will create or change, with its history words (old → new)
and its problems, worked out before anything is written; and what it reports back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lmp_tui.services.base import Acting

Progress = Callable[[str, int, int], None]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """What an import changed (or, on a dry run, would change)."""

    what: str
    source: str
    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "import": self.what,
            "file": self.source,
            "dry_run": self.dry_run,
            "counts": {k: vars(c) for k, c in self.counts.items()},
            "changes": self.changes,
        }


@dataclass
class Plan:
    """Everything an import will do, worked out before anything is written."""

    source: str
    problems: list[str] = field(default_factory=list)
    steps: list[Callable[[], None]] = field(default_factory=list)
    #: subject, key, action, detail, shared (lmp_tui.storage.models.AdminHistoryRow)
    history: list[tuple[str, str, str, str, bool]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    changed_reports: list[tuple[int, int]] = field(default_factory=list)

    def problem(self, line: int, column: str, text: str) -> None:
        self.problems.append(f"{self.source}:{line}: {column}: {text}")

    def change(
        self,
        subject: str,
        key: str,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        step: Callable[[], None],
        *,
        shared: bool = False,
    ) -> None:
        """Record a creation (``old`` None) or the fields that differ; nothing if none do.
        ``shared``: the data every distributor shares (each one's audit shows the change)."""
        if old is None:
            detail = ", ".join(f"{k} {shown(v)}" for k, v in new.items())
            self.counts[subject + "s"].created += 1
            self.changes.append(f"add {subject} {key}: {detail}")
            self.history.append((subject, key, "added", detail, shared))
        else:
            diff = [(k, old[k], v) for k, v in new.items() if old.get(k) != v]
            if not differs(old, new):
                self.counts[subject + "s"].unchanged += 1
                return
            detail = "; ".join(f"{k} {shown(a)} → {shown(b)}" for k, a, b in diff)
            self.counts[subject + "s"].updated += 1
            self.changes.append(f"change {subject} {key}: {detail}")
            self.history.append((subject, key, "changed", detail, shared))
        self.steps.append(step)


def product_list(names: Any) -> str:
    return ";".join(sorted(names)) or "every product"


def shown(value: Any) -> str:
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, (tuple, frozenset, set, list)):
        return ";".join(sorted(str(v) for v in value))
    return str(getattr(value, "value", value))


def differs(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Whether a row creates (``old`` None) or changes something, as :meth:`Plan.change` counts it."""
    return old is None or any(old.get(k) != v for k, v in new.items())


def admin_entry(ctx: Acting, subject: str, key: str, action: str, detail: str, shared: bool = False) -> dict[str, Any]:
    """A row of the administration history, by the signed-in user, now."""
    return dict(
        at=ctx.now,
        actor=ctx.user.name,
        distributor_id=ctx.user.distributor_id,
        subject=subject,
        key=key[:200],
        action=action,
        detail=detail,
        shared=shared,
    )
