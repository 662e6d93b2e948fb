"""The demo generator: deterministic, complete, and careful where it writes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from lmp_tui.cli.main import main
from lmp_tui.demo import DemoOptions, generate
from lmp_tui.domain.model import CodeKind, EditableField, ReviewReason, Role, Status
from lmp_tui.errors import InvalidInput
from lmp_tui.services import BillingService
from lmp_tui.storage import models as m

from .factory import World


@pytest.fixture
def demo_db(db):
    generate(db, DemoOptions())
    return db


def test_demo_covers_every_status_reason_and_rule(demo_db):
    svc = BillingService(demo_db, "billing")
    counts = svc.status_counts()
    assert all(counts[s] > 0 for s in Status), counts
    rows = svc.query_reports(limit=100_000).rows
    assert len(rows) >= 30 * 6 and len({r.cycle for r in rows}) >= 6 and len({r.partner for r in rows}) >= 30
    assert {r.review_reason for r in rows if r.status is Status.UNDER_REVIEW} == set(ReviewReason)
    assert any(r.auto_submitted for r in rows if r.review_reason is ReviewReason.AUTO_PENALTIES)
    assert sum(r.discrepancy_count for r in rows) > 0 and sum(r.comment_count for r in rows) > 0
    with demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(m.LineItem).where(m.LineItem.used.is_(None))) > 0
        regions = s.scalars(select(m.Region)).all()
        assert len(regions) >= 3
        assert {r.code_kind for r in regions} == set(CodeKind)
        assert {r.code_opens for r in regions} == set(EditableField)
        assert "JPY" in {r.currency for r in regions}
        users = s.scalars(select(m.StaffUser)).all()
        ours = {u.role for u in users if u.distributor.name == "Northwind Distribution"}
        assert ours == set(Role) and any(u.distributor.name != "Northwind Distribution" for u in users)


def test_demo_codes_include_each_kind_of_refusal(demo_db):
    svc = BillingService(demo_db, "billing")
    checks = set()
    reports = svc.query_reports(status="under-review", limit=1000).rows
    codes = [c.code for c in svc.codes()]
    for row in reports[:12]:
        for code in codes:
            try:
                svc.verify_code(row.id, 1, code)
                checks.add("ok")
            except Exception as err:  # noqa: BLE001
                checks.add(getattr(err, "check", type(err).__name__))
    assert {"ok", "kind", "region", "product", "validity", "partner"} <= checks


def test_demo_is_deterministic_for_a_seed(tmp_path, capsys):
    outs = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        assert main(["demo", "--db", url, "--seed", "11", "--partners", "8", "--cycles", "3"]) == 0
        capsys.readouterr()
        assert main(["reports", "--db", url, "--user", "billing", "--format", "json"]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0] == outs[1] and len(outs[0]) == 8 * 3
    url = f"sqlite:///{tmp_path / 'c'}.sqlite3"
    assert main(["demo", "--db", url, "--seed", "12", "--partners", "8", "--cycles", "3"]) == 0
    capsys.readouterr()
    main(["reports", "--db", url, "--user", "billing", "--format", "json"])
    assert json.loads(capsys.readouterr().out) != outs[0]


def test_demo_refuses_a_database_with_real_data(db):
    World.build(db)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(m.BillingReport))
    with pytest.raises(InvalidInput, match="not demo data"):
        generate(db, DemoOptions(partners=2, cycles=1))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(m.BillingReport)) == before


def test_demo_can_be_regenerated_over_an_earlier_demo(demo_db):
    summary = generate(demo_db, DemoOptions(partners=3, cycles=2))
    assert summary.reports == (3 + 3) * 2


def test_demo_without_db_writes_its_own_file_not_the_default(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LMP_DATABASE_URL", raising=False)
    assert main(["demo", "--partners", "2", "--cycles", "1"]) == 0
    assert (tmp_path / "demo.sqlite3").exists()
    assert not (tmp_path / "lmp.sqlite3").exists()
    assert "demo.sqlite3" in capsys.readouterr().out


def test_demo_progress_is_reported(sqlite_db):
    seen = []
    generate(sqlite_db, DemoOptions(partners=1200, cycles=1), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1203, 1203) and len(seen) >= 2
