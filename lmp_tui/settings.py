"""Settings: pydantic-settings with the ``LMP_`` prefix; the command line overrides them.

``LMP_DATABASE_URL`` — any SQLAlchemy URL (default: SQLite in the user data directory);
``LMP_USER`` — the staff user (default: the login name); ``LMP_DATA_DIR`` — where the
default and demo databases live.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "lmp-tui"
DEMO_FILE = "demo.sqlite3"
DEFAULT_FILE = "lmp.sqlite3"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LMP_", extra="ignore")

    database_url: str | None = None
    user: str = Field(default_factory=_login_name)
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))

    def default_url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir / DEFAULT_FILE)

    def demo_url(self) -> str:
        return sqlite_url(self.data_dir / DEMO_FILE)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
