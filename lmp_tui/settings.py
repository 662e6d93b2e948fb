"""Settings: pydantic-settings with the ``LMP_`` prefix; the command line overrides them.

``LMP_DATABASE_URL`` — any SQLAlchemy URL (default: SQLite in the user data directory);
``LMP_USER`` — the staff user (default: the login name); ``LMP_DATA_DIR`` — where the
default and demo databases live; ``LMP_BUSY_TIMEOUT_S`` — how long a SQLite writer waits
for another one (default 15 s); ``LMP_MAX_INPUT_MB`` — the most an import reads of its file
or standard input (default 64); ``LMP_SSH_KEY`` — set by ``serve-ssh`` only, in the
environment it builds for a session: the fingerprint of the key the user signed in with,
which every transaction then checks is still theirs. A value that is not valid text is
refused with a sentence.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lmp_tui.errors import InvalidInput
from lmp_tui.places import default_data_dir, login_name
from lmp_tui.safetext import find_unsafe

#: the most an import reads, in MB (LMP_MAX_INPUT_MB)
DEFAULT_MAX_INPUT_MB = 64


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LMP_", extra="ignore")

    database_url: str | None = None
    user: str = Field(default_factory=login_name)
    data_dir: Path = Field(default_factory=default_data_dir)
    busy_timeout_s: float = Field(default=15.0, gt=0, le=600)
    max_input_mb: int = Field(default=DEFAULT_MAX_INPUT_MB, ge=1, le=4096)
    ssh_key: str | None = None

    @field_validator("database_url", "user", "data_dir", "ssh_key", mode="before")
    @classmethod
    def _valid_text(cls, value: object) -> object:
        if isinstance(value, (str, Path)) and find_unsafe(str(value)) is not None:
            raise ValueError("it is not valid text: it holds a control character or bytes that are not UTF-8")
        return value

    @classmethod
    def load(cls) -> Settings:
        """The settings from the environment; a bad value is one sentence naming the variable."""
        try:
            return cls()
        except ValidationError as err:
            first = err.errors()[0]
            name = "LMP_" + "_".join(str(p) for p in first.get("loc", ())).upper()
            msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
            raise InvalidInput(
                f"The environment variable {name} is refused ({msg}); correct or unset it and try again."
            ) from None
