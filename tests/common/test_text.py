"""Values sent back in refusals: visible, whatever characters they hold, and short."""

from common.text import SHOWN_MAX_LENGTH, as_sent


def test_characters_that_do_not_print_are_named():
    assert as_sent("ro\x00ot") == "roU+0000ot"
    assert as_sent("a\tb\u200bc") == "aU+0009bU+200Bc"


def test_ordinary_text_is_unchanged():
    assert as_sent("Global admin é") == "Global admin é"


def test_a_long_value_is_cut_with_an_ellipsis():
    shown = as_sent("x" * 5000)
    assert shown == "x" * SHOWN_MAX_LENGTH + "…"
