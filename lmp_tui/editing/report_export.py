"""Export Reports from the list: the list's query written as CSV (run in a worker), what the
user is told; over SSH, how to get the same CSV on one's own computer instead."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmp_tui.editing.notice import Notice
from lmp_tui.errors import LmpError

if TYPE_CHECKING:
    from lmp_tui.services import BillingService


def export_command(fields: dict[str, Any]) -> str:
    """The command line that writes the same query as CSV on standard output."""
    args = ["reports", "--format", "csv"]
    if fields.get("cycle"):
        args += ["--cycle", str(fields["cycle"])]
    if fields.get("status") is not None:
        args += ["--status", getattr(fields["status"], "value", str(fields["status"]))]
    if fields.get("partner_text"):
        args += ["--partner", str(fields["partner_text"])]
    args += ["--sort", str(fields.get("sort"))] + (["--desc"] if fields.get("descending") else [])
    return " ".join(shlex.quote(a) for a in args)


@dataclass(frozen=True)
class ExportRequest:
    """One export to run (in a worker): the query's fields, the folder, and whether the app
    runs on a server (over SSH: the file is there, not on the user's computer)."""

    fields: dict[str, Any]
    folder: Path
    count: int  # the reports the list counts for the query
    over_ssh: bool = False

    @property
    def started(self) -> Notice:
        return Notice(f"Exporting {self.count:,} report(s)…", timeout=3)

    def run(self, service: BillingService) -> Notice:
        """Write the file; what to tell. A failed export leaves no part of a file behind."""
        from lmp_tui.commands.validation import ReportQuery
        from lmp_tui.files import new_export

        query = ReportQuery(**self.fields)
        path = None
        try:
            service.whoami()  # still signed in and enabled: checked before a file is made
            path, out = new_export(self.folder)
            with out:
                n = service.export_csv(out, query)
        except (OSError, LmpError) as err:
            if path is not None:  # a part of an export is not one: it is not left to be taken for one
                path.unlink(missing_ok=True)
            return Notice(f"Export failed: {err}", severity="error", timeout=10)
        said = f"Exported {n:,} report(s) to {path}"
        if self.over_ssh:  # that file is on the server: say how to get a copy
            said += (
                " on the lmp-tui server. For a copy on your own computer, run there: ssh -p PORT HOST "
                f"{export_command(self.fields)} > reports.csv"
            )
        return Notice(said, title="Export Reports", timeout=20)
