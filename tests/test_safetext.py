"""The fast path of display_text (one pattern search) names exactly the characters the
per-character rule does, so text without any is returned as it is and the rest is not."""

from lmp_tui.safetext import _UNSAFE, _is_unsafe, display_text


def test_the_pattern_and_the_rule_agree_on_every_code_point():
    for code in range(0x110000):
        ch = chr(code)
        assert bool(_UNSAFE.search(ch)) is _is_unsafe(ch), hex(code)


def test_display_text_still_shows_controls_visibly():
    assert display_text("a\x1b[2Jb\u202e\x9b") == "a␛[2Jb\ufffd\ufffd"
    assert display_text("plain text ✎ †") == "plain text ✎ †"
