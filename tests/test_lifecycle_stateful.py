"""Hypothesis drives random sequences of every service call, by every role, on every
report: no sequence reaches a transition docs/guide.md does not allow, a refused call changes
nothing, every accepted call adds its history, the total is always the sum of the rounded
subtotals, and a Completed report never changes."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from lmp_tui.domain import money
from lmp_tui.domain.model import TRANSITIONS, Action, Status
from lmp_tui.errors import LmpError
from lmp_tui.cli.render import report_json
from lmp_tui.services import BillingService
from lmp_tui.storage.db import Database

from .conftest import FIXED_NOW
from .factory import World

REPORT_KEYS = ["review", "eu", "jp", "prep", "prep_clean", "rejected", "submitted", "completed", "foreign"]
USERS = ["billing", "viewer", "admin", "outsider"]
CODES = ["BD-NA-1", "BD-NA-OPEN", "BD-NA-OLD", "PR-EU-1", "PR-JP-1", "PR-NA-1", "BD-NA-ACME", "NOPE"]
PRICES = ["0", "4.99", "5.00", "12.5", "1000", "1234", "-1", "NaN", "1.234"]
MARGINS = ["0", "15", "39.99", "40", "40.01", "99.99", "100", "abc"]
TEXTS = ["", "   ", "Please fix line 1.", "x" * 2001]

CALLS = {
    "set_po": (Action.SET_PO, lambda s, i, d: s.set_po(i, d.draw(st.sampled_from(["PO-1", "", "P" * 36])))),
    "promo": (Action.APPLY_CODE, lambda s, i, d: s.apply_code(i, d.draw(st.integers(1, 4)),
                                                              d.draw(st.sampled_from(CODES)))),
    "price": (Action.SET_UNIT_PRICE, lambda s, i, d: s.set_unit_price(i, d.draw(st.integers(1, 3)),
                                                                      d.draw(st.sampled_from(PRICES)))),
    "margin": (Action.SET_CHANNEL_MARGIN, lambda s, i, d: s.set_channel_margin(i, d.draw(st.integers(1, 3)),
                                                                              d.draw(st.sampled_from(MARGINS)))),
    "reset": (Action.RESET_PRICING, lambda s, i, d: s.reset_pricing(i)),
    "draft": (Action.SAVE_DRAFT, lambda s, i, d: s.save_draft(i, [{"kind": "set_po", "po_number": "PO-D"}])),
    "submit": (Action.SUBMIT, lambda s, i, d: s.submit(i, d.draw(st.sampled_from(TEXTS)))),
    "reject": (Action.REJECT, lambda s, i, d: s.reject(i, d.draw(st.sampled_from(TEXTS)))),
    "partner": (Action.PARTNER_SUBMIT, lambda s, i, d: s.partner_submit(i)),
    "complete": (Action.VENDOR_COMPLETE, lambda s, i, d: s.vendor_complete(i)),
    "return": (Action.VENDOR_RETURN, lambda s, i, d: s.vendor_return(i, d.draw(st.sampled_from(TEXTS)))),
}


def make_machine(make_db):
    class Lifecycle(RuleBasedStateMachine):
        @initialize()
        def setup(self):
            self.db = make_db()
            self.world = World.build(self.db)
            self.svc = {u: BillingService(self.db, u, clock=lambda: FIXED_NOW) for u in USERS}
            self.ids = [self.world[k] for k in REPORT_KEYS]
            self.completed_seen: dict[int, dict] = {}

        def teardown(self):
            if hasattr(self, "db"):
                self.db.dispose()

        def _state(self, rid):
            return report_json(self.svc["admin" if rid != self.world["foreign"] else "outsider"].load_report(rid))

        @rule(data=st.data(), key=st.sampled_from(REPORT_KEYS), user=st.sampled_from(USERS),
              call=st.sampled_from(sorted(CALLS)))
        def act(self, data, key, user, call):
            rid = self.world[key]
            before = self._state(rid)
            action, fn = CALLS[call]
            try:
                fn(self.svc[user], rid, data)
            except LmpError:
                assert self._state(rid) == before, f"refused {call} by {user} changed report {key}"
                return
            after = self._state(rid)
            was = Status(before["status"])
            t = TRANSITIONS[action]
            assert was in t.sources, f"{call} was allowed from {was}"
            assert Status(after["status"]) is (t.target or was)
            assert len(after["history"]) > len(before["history"])
            assert after["history"][-1]["actor"] != ""
            assert after["version"] == before["version"] + 1

        @rule()
        def close_cycle(self):
            before = {rid: self._state(rid) for rid in self.ids}
            try:
                self.svc["admin"].close_cycle("2026-11")
            except LmpError:
                pytest.fail("closing a cycle with reports must work")
            for rid in self.ids:
                after = self._state(rid)
                if before[rid]["status"] != after["status"]:
                    assert before[rid]["status"] == "msp-preparing" and after["status"] == "under-review"
                    assert after["review_reason"] in ("auto-no-penalties", "auto-penalties")
                else:
                    assert after == before[rid]

        @invariant()
        def totals_are_sums_of_rounded_subtotals(self):
            if not hasattr(self, "db"):
                return
            rows = {r.id: r for r in self.svc["admin"].query_reports(limit=100).rows}
            for rid in self.ids:
                if rid == self.world["foreign"]:
                    continue
                r = self.svc["admin"].load_report(rid)
                subtotals = [ln.subtotal(r.currency) for ln in r.lines]
                assert all(s == money.round_money(s, r.currency) for s in subtotals)
                assert r.total == sum(subtotals)
                assert rows[rid].total == r.total and rows[rid].discrepancy_count == r.summary()["discrepancy_count"]

        @invariant()
        def completed_never_changes(self):
            if not hasattr(self, "db"):
                return
            for rid in self.ids:
                state = self._state(rid)
                if state["status"] == "completed":
                    if rid in self.completed_seen:
                        assert state == self.completed_seen[rid]
                    else:
                        self.completed_seen[rid] = state

    return Lifecycle


def test_report_lifecycle_state_machine(sqlite_template, tmp_path):
    counter = iter(range(10_000))

    def make_db():
        target = tmp_path / f"m{next(counter)}.sqlite3"
        shutil.copy(sqlite_template, target)
        return Database.open(f"sqlite:///{target}")

    run_state_machine_as_test(
        make_machine(make_db),
        settings=settings(max_examples=25, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )
