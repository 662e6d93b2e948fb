"""The fast path of display_text and csv_cell (one pattern search) names exactly the characters the
per-character rule does, so text without any is returned as it is and the rest is not."""

from lmp_tui.safetext import _UNSAFE, _is_unsafe, csv_cell, display_text


def test_the_pattern_and_the_rule_agree_on_every_code_point():
    for code in range(0x110000):
        ch = chr(code)
        assert bool(_UNSAFE.search(ch)) is _is_unsafe(ch), hex(code)


def test_display_text_still_shows_controls_visibly():
    assert display_text("a\x1b[2Jb\u202e\x9b") == "a␛[2Jb\ufffd\ufffd"
    assert display_text("plain text ✎ †") == "plain text ✎ †"


def test_csv_cell_still_removes_controls_and_neutralises_formulas():
    assert csv_cell("Acme\x1b[2J \u202eNetworks\x9b") == "Acme[2J Networks"
    assert csv_cell("\x07=HYPERLINK(1)") == "'=HYPERLINK(1)" and csv_cell("plain ✎") == "plain ✎"
