"""Values sent back in refusals: visible, whatever characters they hold, and short."""

from common.text import SHOWN_MAX_LENGTH, as_sent, as_sent_list


def test_characters_that_do_not_print_are_named():
    assert as_sent("ro\x00ot") == "roU+0000ot"
    assert as_sent("a\tb\u200bc") == "aU+0009bU+200Bc"


def test_ordinary_text_is_unchanged():
    assert as_sent("Global admin é") == "Global admin é"


def test_a_long_value_is_cut_with_an_ellipsis():
    shown = as_sent("x" * 5000)
    assert shown == "x" * SHOWN_MAX_LENGTH + "…"


def test_an_empty_value_in_a_list_is_named_as_empty():
    assert as_sent_list(["", "  ", "\t", "nope"]) == '"", "  ", "U+0009", nope'


def test_a_list_names_its_first_few_values_each_visible_and_short():
    shown = as_sent_list(["a\x00", "x" * 5000, *"cdefgh"])
    assert shown == "aU+0000, " + "x" * SHOWN_MAX_LENGTH + "…, c, d, e, …"
