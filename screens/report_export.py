"""Export Reports, for the report list (:class:`screens.report_list.ReportListScreen` mixes
this in): the list's query written as CSV in a worker, the path told; over SSH, how to get
the same CSV on one's own computer instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work

from lmp_tui.errors import LmpError


def export_command(fields: dict[str, Any]) -> str:
    """The command line that writes the same query as CSV on standard output."""
    import shlex

    args = ["reports", "--format", "csv"]
    if fields.get("cycle"):
        args += ["--cycle", str(fields["cycle"])]
    if fields.get("status") is not None:
        args += ["--status", getattr(fields["status"], "value", str(fields["status"]))]
    if fields.get("partner_text"):
        args += ["--partner", str(fields["partner_text"])]
    args += ["--sort", str(fields.get("sort"))] + (["--desc"] if fields.get("descending") else [])
    return " ".join(shlex.quote(a) for a in args)




class ReportExport:
    """Needs of the screen: ``service``, ``export_dir``, ``list_query``, ``total_count``."""

    def action_export(self) -> None:
        if self.service is None:
            self.notify("The database is still being opened; press x again in a moment.", severity="warning")
            return
        self.notify(f"Exporting {self.total_count:,} report(s)…", timeout=3)
        self._export(self.list_query, self.export_dir)

    @work(thread=True, group="export")
    def _export(self, fields: dict[str, Any], folder: Path) -> None:
        from lmp_tui.files import new_export
        from lmp_tui.commands.validation import ReportQuery

        assert self.service is not None
        query = ReportQuery(**fields)
        path = None
        try:
            self.service.whoami()  # still signed in and enabled: checked before a file is made
            path, out = new_export(folder)
            with out:
                n = self.service.export_csv(out, query)
        except (OSError, LmpError) as err:
            if path is not None:  # a part of an export is not one: it is not left to be taken for one
                path.unlink(missing_ok=True)
            self.app.call_from_thread(self.notify, f"Export failed: {err}", severity="error", timeout=10)
            return
        said = f"Exported {n:,} report(s) to {path}"
        if getattr(self.app, "over_ssh", False):  # that file is on the server: say how to get a copy
            said += (" on the lmp-tui server. For a copy on your own computer, run there: ssh -p PORT HOST "
                     f"{export_command(fields)} > reports.csv")
        self.app.call_from_thread(self.notify, said, title="Export Reports", timeout=20)
