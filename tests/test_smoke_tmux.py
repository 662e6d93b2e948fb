"""End to end in a real terminal: tmux runs ``lmp-tui --demo`` at 80×24; we read the
screen, open a report, walk it to Submitted by keyboard, and quit. A second run opens the
hostile report of :mod:`tests.hostile` and its dialogs while recording every byte the app
writes to the terminal: none of the planted control sequences may be among them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid

import pytest

from .terminal import ROOT, Terminal, _tmux, exit_status
from .waiting import wait_until


@pytest.fixture
def terminal(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end test (.ci/run installs it)")
    name = f"lmp-smoke-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "exited"
    env = {**os.environ, "LMP_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color"}
    env.pop("LMP_DATABASE_URL", None)
    command = f"{sys.executable} -m lmp_tui.cli.main --demo; echo $? > {marker}; sleep 5"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(ROOT), command],
                   check=True, env=env)
    term = Terminal(name)
    term.marker = marker  # type: ignore[attr-defined]
    yield term
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_demo_in_a_real_terminal(terminal):
    terminal.wait_for("Billing reports")
    terminal.wait_for("Find partner")  # the frame first (the database opens after it is painted)
    terminal.wait_for("signed in as billing")
    # filter to the reports waiting for us, open the first one
    # the status chosen in one burst, as a quick typist or an SSH packet sends it: the keys
    # after t reach the choices, none the list (where Enter would open a report)
    terminal.keys("t", "Down", "Down", "Enter")
    # the choice made (its list closed: an Enter sent before that goes to the list of choices,
    # as the keys typed into it should), then the list holds only reports under review
    terminal.wait_for_choice("Under review (", "All statuses")
    terminal.wait_for("MSP preparing", gone=True)
    terminal.wait_for("⏎ Open")
    terminal.keys("Enter")
    shown = terminal.wait_for("Total invoice amount")
    assert "Under review" in shown and "Lines" in shown
    # set the PO and submit to Trend Micro with a comment
    terminal.keys("p")
    terminal.wait_for("Edit PO Number")
    terminal.keys("PO-SMOKE-1")
    terminal.wait_for("PO-SMOKE-1")
    terminal.keys("Enter")
    terminal.wait_for("PO-SMOKE-1")
    terminal.keys("s")
    terminal.wait_for("Comments to Trend Micro")
    terminal.keys("Checked in tmux")
    terminal.wait_for("Checked in tmux")
    terminal.keys("Tab")
    terminal.wait_for_focus("Submit")
    terminal.keys("Enter")
    terminal.wait_for("Submitted to Trend Micro")
    terminal.wait_for("No action is offered")  # the report repainted read-only once written
    terminal.keys("Escape")
    terminal.wait_for("Billing reports")
    terminal.keys("C-q")
    assert exit_status(terminal.marker, 20) == "0"  # type: ignore[attr-defined]


# ---------------------------------------------------------------- hostile data, raw bytes


@pytest.fixture
def hostile_terminal(tmp_path, sqlite_db):
    """The app on a database holding the hostile world, in tmux at 80×24, every byte it
    writes recorded (``pipe-pane``) from before it starts."""
    from .factory import World
    from .hostile import plant

    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end test (.ci/run installs it)")
    plant(World.build(sqlite_db))
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    name = f"lmp-hostile-{uuid.uuid4().hex[:8]}"
    go, raw, marker = tmp_path / "go", tmp_path / "raw.out", tmp_path / "exited"
    # the app waits for "go", so that the recording holds its very first byte
    command = (f"while [ ! -e {go} ]; do sleep 0.05; done; env -u LMP_DATABASE_URL -u LMP_DEBUG "
               f"LMP_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color {sys.executable} -m lmp_tui.cli.main "
               f"--db '{url}' --user billing; echo $? > {marker}; sleep 5")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(ROOT), command],
                   check=True)
    _tmux("pipe-pane", "-o", "-t", name, f"cat >> {raw}")
    go.touch()
    term = Terminal(name)
    term.marker, term.raw = marker, raw  # type: ignore[attr-defined]
    yield term
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_hostile_data_never_reaches_the_terminal_raw(hostile_terminal):
    from .hostile import RAW_SEQUENCES

    term = hostile_terminal
    term.wait_for('=HYPERLINK("x") [@cl', timeout=20)  # the hostile partner on the first page
    term.keys("/")
    term.keys("-l", "HYPERLINK")
    term.wait_for("Acme", timeout=10, gone=True)  # found as typed: only the hostile report is left
    term.keys("Enter")
    term.wait_for("esc List", timeout=10, gone=True)  # back on the list (the key bar's find keys went)
    term.keys("Enter")
    shown = term.wait_for("Total invoice amount", timeout=10)
    assert "␛]52;c;SGFja2VkIQ==" in shown and "[@click=app.exit(66)]Evil[/]" in shown
    assert "PO +PO[/]␛[2J" in shown
    term.keys("n")
    term.wait_for("[b]bold?[/b]", timeout=10)
    term.keys("h")
    term.wait_for("mallory[/]␛]52;c;SGFja2VkIQ==", timeout=10)
    term.keys("h")
    for key, title in (("s", "Comments to Trend Micro"), ("r", "Reasons (required)"), ("p", "Edit PO Number"),
                       ("c", "Specify Promotional Code")):
        term.keys(key)
        shown = term.wait_for(title, timeout=10)
        term.keys("Escape")
        term.wait_for(title, timeout=10, gone=True)
    term.keys("C-q")
    assert exit_status(term.marker, 10) == "0"  # type: ignore[attr-defined]
    written = term.raw.read_bytes().decode("utf-8", errors="replace")  # type: ignore[attr-defined]
    assert "␛]52;c;SGFja2VkIQ==" in written  # the recording holds the screens we saw
    # Textual's own pointer-shape sequences (OSC 22) end with BEL; the data's never may
    written = re.sub(r"\x1b\]22;[a-z-]*\x07", "", written)
    found = [seq for seq in RAW_SEQUENCES if seq in written]
    assert not found, f"raw control sequences from the data reached the terminal: {found}"


# ---------------------------------------------------------------- a long partner comment


def test_open_a_report_move_down_and_read_a_long_comment(sqlite_db, tmp_path):
    """At 80×24: open a report, move down a line, and read a partner comment far longer than
    the screen, to its last word, by keyboard."""
    from sqlalchemy import update

    from lmp_tui.storage.models import LineItem

    from .factory import World

    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end test (.ci/run installs it)")
    world = World.build(sqlite_db)
    rid = world["review"]
    words = " ".join(f"seat{i}" for i in range(400))
    with sqlite_db.write() as s:
        s.execute(update(LineItem).where(LineItem.report_id == rid, LineItem.line_no == 2)
                  .values(partner_comment=f"START {words} END-OF-COMMENT"))
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    name = f"lmp-comment-{uuid.uuid4().hex[:8]}"
    command = (f"env -u LMP_DATABASE_URL LMP_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color {sys.executable} "
               f"-m lmp_tui.cli.main --db '{url}' --user billing --open {rid}; sleep 5")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(ROOT), command],
                   check=True)
    term = Terminal(name)
    try:
        term.wait_for("Total invoice amount")
        term.wait_for("Line 1 ·")
        term.keys("Down")
        term.wait_for("Line 2 ·")  # the pane follows the cursor
        term.keys("v")
        shown = term.wait_for("START seat0")
        assert "END-OF-COMMENT" not in shown  # longer than the screen
        for _ in range(20):  # a reader's pace: a key, a look at what it showed
            if "END-OF-COMMENT" in term.screen():
                break
            before = term.screen()
            term.keys("PageDown")
            wait_until(lambda: term.screen() != before, 10, "PageDown moving the comment on")  # noqa: B023
        term.wait_for("END-OF-COMMENT")
        term.keys("Escape")
        term.wait_for("START seat0", gone=True)
        term.keys("C-q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
