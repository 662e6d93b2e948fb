"""Fixtures: a database per test on SQLite and on a real PostgreSQL (started by the test
session itself), a small known world of partners, codes and reports, and services."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from lmp_tui.services import BillingService
from lmp_tui.storage.db import Database
from lmp_tui.storage.models import Base

from .factory import World
from .pg import Cluster, start_cluster

FIXED_NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
BACKENDS = ["sqlite", "postgres"]


#: the test files that drive a real terminal, an SSH client or a child process end to end
E2E_FILES = {"test_smoke_tmux.py", "test_start_terminal.py", "test_ssh.py", "test_ssh_bounds.py",
             "test_revocation.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers by where a test lives and what it runs on: ``ui`` (the interface driven by
    Pilot), ``e2e`` (a real terminal or SSH client), ``postgres`` (the throwaway cluster).
    ``uv run pytest -m "not ui and not e2e"`` is the core, for the inner loop."""
    for item in items:
        path = Path(str(item.fspath))
        if "ui" in path.parts[-2:-1]:
            item.add_marker(pytest.mark.ui)
        if path.name in E2E_FILES:
            item.add_marker(pytest.mark.e2e)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgres" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if os.environ.get("LMP_TEST_SKIP_POSTGRES") == "1" and not os.environ.get("CI"):
        pytest.skip("LMP_TEST_SKIP_POSTGRES=1 (never honoured in CI)")
    cluster = start_cluster()
    try:
        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE lmp_test"))
        admin.dispose()
        Database.open(cluster.url("lmp_test"), create=True).dispose()  # migrate once
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    Database.open(f"sqlite:///{path}", create=True).dispose()
    return path


def _fresh_db(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "test.sqlite3"
        shutil.copy(template, target)
        return Database.open(f"sqlite:///{target}")
    cluster = request.getfixturevalue("pg_cluster")
    db = Database.open(cluster.url("lmp_test"))
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as conn:  # the histories refuse TRUNCATE: their triggers are off for this one
        for history in ("report_history", "admin_history"):
            conn.execute(text(f"ALTER TABLE {history} DISABLE TRIGGER USER"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for history in ("report_history", "admin_history"):
            conn.execute(text(f"ALTER TABLE {history} ENABLE TRIGGER USER"))
    return db


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    database = _fresh_db(request.param, request, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    database = _fresh_db("sqlite", request, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def world(db: Database) -> World:
    return World.build(db)


@pytest.fixture
def service(db: Database, world: World):  # noqa: ANN201
    def make(user: str = "billing") -> BillingService:
        return BillingService(db, user, clock=lambda: FIXED_NOW)

    return make
