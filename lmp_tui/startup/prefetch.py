"""The report list's first page, read in a child process while the interface starts.

Textual's import and first paint and the database stack's import (SQLAlchemy, pydantic, the
services: about as long again) are both work for the interpreter, which runs one thread at
a time. Forked before Textual loads, a child reads the first page, the counts per status and
the cycles: from a SQLite file by the first page's statements, kept as code, without the
database stack (:mod:`lmp_tui.startup.quickread`, ~60 ms: the page is there for the first frame),
else (PostgreSQL, or anything unusual) on another core by opening the database and signing in
exactly as the interface will (:func:`lmp_tui.startup.connect.open_service`). It hands them
over through a pipe as plain values (:mod:`lmp_tui.domain.views`) and exits. The interface
shows them as soon as they come, and reads the page again once its own database stack is up
(what it shows is never older than the start).

The child only ever saves time: whatever goes wrong in it (no database, an unknown user, a
slow disk) is left to the interface's own start, which says it properly. It never writes
to the terminal, never makes a database, and is killed if the interface ends first."""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from lmp_tui.domain.sorting import DEFAULT_SORT, sort_order

if TYPE_CHECKING:
    from lmp_tui.domain.model import Status
    from lmp_tui.domain.views import ReportPage, StaffUserView
    from lmp_tui.startup.quickread import EarlyReader, Source

#: the most rows a page of the list holds; a page is as many rows as the list shows, and
#: PAGE_SPARE more (80×24 shows about 16)
PAGE_SIZE = 50
PAGE_SPARE = 2
#: before the list is laid out, the screen's lines that are not its rows: title, filters
#: (with their margin), summary, the table's header, the two-line key bar
CHROME_LINES = 7


def page_rows(shown: int) -> int:
    """A page's size for a list that shows ``shown`` rows."""
    return max(1, min(PAGE_SIZE, shown + PAGE_SPARE))


def first_query(height: int) -> dict[str, Any]:
    """The list's query as it starts, in a terminal of ``height`` lines."""
    return dict(
        cycle=None,
        status=None,
        partner_text=None,
        sort=DEFAULT_SORT,
        descending=sort_order(DEFAULT_SORT).descending,
        offset=0,
        limit=page_rows(height - CHROME_LINES),
    )


@dataclass(frozen=True)
class FirstPage:
    fields: dict[str, Any]  # the query it answers (ReportQuery's fields)
    user: StaffUserView
    counts: dict[Status, int]
    page: ReportPage
    cycles: list[str]
    #: where it was read without the database stack (:mod:`lmp_tui.startup.quickread`), None when
    #: read the long way
    source: Source | None = None

    def reader(self) -> EarlyReader | None:
        """What reads the first page of another status the same way while the interface's
        database stack loads (None when the page came the long way)."""
        if self.source is None:
            return None
        from lmp_tui.startup.quickread import EarlyReader

        return EarlyReader(self.source, self.counts)


class Prefetch:
    """A child reading the first page; :meth:`take` waits for it (off the event loop)."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self._done = self._reaped = False

    def finished(self) -> bool:
        """Whether the child has ended (its whole answer is then in the pipe: :meth:`take`
        returns at once). A page larger than the pipe's buffer keeps it from ending until
        it is read, so False only means "not yet known"."""
        if self._done:
            return False
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return False
        self._reaped = True
        return True

    def take(self, timeout: float) -> FirstPage | None:
        """The first page, or None when the child failed or took longer than ``timeout``."""
        if self._done:
            return None
        data, deadline = bytearray(), time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    return None
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                data += chunk
            first = pickle.loads(bytes(data)) if data else None
            return first if isinstance(first, FirstPage) else None
        except Exception:  # a child that died half-way: the interface reads the page itself
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Stop and reap the child (at once if it is still reading); close the pipe."""
        if self._done:
            return
        self._done = True
        if not self._reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def start(url: str | None, user: str | None, demo: bool, height: int) -> Prefetch | None:
    """Fork the child (call it before Textual is imported); None where there is no fork."""
    if not hasattr(os, "fork"):
        return None
    fields = first_query(height)
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        os.close(read_end)
        _child(write_end, url, user, demo, fields)
    os.close(write_end)
    return Prefetch(pid, read_end)


def _quick(url: str | None, user: str | None, demo: bool, fields: dict[str, Any]) -> FirstPage | None:
    """The first page without the database stack (:mod:`lmp_tui.startup.quickread`), where it can be."""
    try:
        from lmp_tui.startup import quickread

        found = quickread.locate(url, user, demo)
        got = quickread.read_first_page(*found, fields) if found is not None else None
        return FirstPage(fields, *got) if got is not None else None
    except Exception:  # noqa: BLE001 - anything unusual: the long way round says it properly
        return None


def _long_way(url: str | None, user: str | None, demo: bool, fields: dict[str, Any]) -> FirstPage:
    from lmp_tui.commands.validation import ReportQuery
    from lmp_tui.startup.connect import open_service

    service, me, db = open_service(url, user, demo, make_demo=False)
    try:
        counts = service.status_counts()
        page = service.query_reports(ReportQuery(**fields), total=sum(counts.values()))
        cycles = service.cycles()
    finally:
        db.dispose()
    return FirstPage(fields, me, counts, page, cycles)


def _child(fd: int, url: str | None, user: str | None, demo: bool, fields: dict[str, Any]) -> NoReturn:
    code = 1
    try:
        quiet = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):  # never the terminal: the interface owns it
            os.dup2(quiet, std)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        first = _quick(url, user, demo, fields) or _long_way(url, user, demo, fields)
        data = pickle.dumps(first, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    except BaseException:  # noqa: BLE001 - the interface's own start says what went wrong
        pass
    finally:
        os._exit(code)
