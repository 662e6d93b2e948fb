"""The files and folders lmp-tui creates, and who may read them: the SQLite database (its
``-wal`` and ``-shm`` take the database file's mode from SQLite itself), the folders made
for it, the interface's CSV exports and the SSH server's session folders.

They are the owner's only (files 0600, folders 0700), whatever the umask, so billing data
is not readable by every local user. An admin shares them with a group by giving the
folder they are created in that group and the setgid bit (``chgrp billing DIR && chmod
2770 DIR``): in such a folder, files are created 0660 and folders 2770 (so what is made
inside them is shared too). Nothing that exists already is changed.

An export's name says when it was made, to the millisecond, and it never replaces another
file: each is created exclusively, with ``-2``, ``-3``… added when the name is taken (two
exports in the same moment, from one process or two).
"""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path
from typing import IO

OWNER_FILE, OWNER_FOLDER = 0o600, 0o700
GROUP_FILE, GROUP_FOLDER = 0o660, 0o2770
EXPORT_STEM = "billing-reports"
#: how many names an export tries before it gives up (each taken one is another export)
MAX_TRIES = 1000


def shared_with_group(folder: Path) -> bool:
    """Whether the admin shares ``folder`` with its group (its setgid bit is set)."""
    try:
        return bool(folder.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def make_folder(path: Path) -> None:
    """``path`` and its missing parents, each owner-only (or shared with the group when
    the folder it is made in is). An existing folder is left as it is."""
    missing = []
    while not path.is_dir() and path.parent != path:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        mode = GROUP_FOLDER if shared_with_group(folder.parent) else OWNER_FOLDER
        try:
            os.mkdir(folder, mode)
        except FileExistsError:
            if folder.is_dir():  # made meanwhile by someone else: theirs, as they made it
                continue
            raise
        os.chmod(folder, mode)  # past the umask (and the setgid bit, which mkdir may drop)


def create_file(path: Path) -> int:
    """Create ``path``, which must not exist yet (FileExistsError otherwise), owner-only or
    shared with the group as its folder says; returns the open descriptor, for writing."""
    mode = GROUP_FILE if shared_with_group(path.parent) else OWNER_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        os.fchmod(fd, mode)  # past the umask
    except BaseException:
        os.close(fd)
        raise
    return fd


def new_export(folder: Path, now: datetime | None = None) -> tuple[Path, IO[str]]:
    """A new CSV file in ``folder`` (made if missing) named for ``now``, open for writing:
    ``billing-reports-20261120-093000-123.csv``, or ``…-123-2.csv`` when that is taken."""
    make_folder(folder)
    moment = now or datetime.now()
    base = f"{EXPORT_STEM}-{moment:%Y%m%d-%H%M%S}-{moment.microsecond // 1000:03d}"
    for n in range(1, MAX_TRIES + 1):
        path = folder / (f"{base}.csv" if n == 1 else f"{base}-{n}.csv")
        try:
            fd = create_file(path)
        except FileExistsError:
            continue
        return path, os.fdopen(fd, "w", newline="", encoding="utf-8")
    raise FileExistsError(
        f"{MAX_TRIES} exports named {base} already exist in {folder}; move some of them away and export again"
    )
