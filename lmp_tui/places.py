"""Which database and which staff user a start means when its command line does not say:
the environment (``LMP_DATABASE_URL``, ``LMP_USER``, ``LMP_DATA_DIR``), the platform's
data folder, the login name. The rules only, without pydantic or SQLAlchemy:
:mod:`lmp_tui.settings` builds on them, and so does the start's child
(:mod:`lmp_tui.startup.quickread`), which finds the first page's SQLite file with them before the
database stack is loaded."""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

APP_NAME = "lmp-tui"
DEMO_FILE = "demo.sqlite3"
DEFAULT_FILE = "lmp.sqlite3"
#: who the demo signs in as when no user is given
DEMO_USER = "billing"

#: a plain SQLite file URL: no query string, no escapes (anything else is SQLAlchemy's to read)
_PLAIN_SQLITE = re.compile(r"^sqlite(?:\+pysqlite)?:///([^?%]+)$")


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url(url: str | None, demo: bool, configured: str | None, data_dir: Path) -> str:
    """The database a start opens: the one given, else the demo's or the configured one,
    else the default file in the data folder."""
    if url:
        return url
    if demo:
        return sqlite_url(data_dir / DEMO_FILE)
    return configured or sqlite_url(data_dir / DEFAULT_FILE)


def staff_user(user: str | None, demo: bool, configured: str) -> str:
    """Who a start signs in as: the one given, else the demo's, else the configured one."""
    return user or (DEMO_USER if demo else configured)


def sqlite_file(database: str | None) -> Path | None:
    """The file of a SQLite URL's database part (None: in memory, or a ``file:`` URI)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL, as SQLAlchemy reads it; None for any
    other URL (those are read by SQLAlchemy itself)."""
    found = _PLAIN_SQLITE.match(url)
    return sqlite_file(found.group(1)) if found else None


def from_environment(url: str | None, user: str | None, demo: bool) -> tuple[str, str]:
    """The database URL and staff user of a start, read from the environment as the
    settings read it (names in any case), without validating them: for the start's child
    only, whose caller (:mod:`lmp_tui.startup.quickread`) refuses what is not plain text."""
    env = {k.lower(): v for k, v in os.environ.items() if k.lower().startswith("lmp_")}
    data = env.get("lmp_data_dir")
    data_dir = Path(data) if data is not None else default_data_dir()
    return (
        database_url(url, demo, env.get("lmp_database_url"), data_dir),
        staff_user(user, demo, env["lmp_user"] if "lmp_user" in env else login_name()),
    )
