"""The prefix as a range (common/prefix_search.py): the range holds exactly the strings that
start with the prefix, in the byte order PostgreSQL's text_pattern_ops and SQLite compare in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from common.prefix_search import prefix_end

# Text as the database holds it: no NUL, no lone surrogates.
texts = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))


def in_range(value: str, prefix: str) -> bool:
    end = prefix_end(prefix)
    encoded = value.encode()
    return prefix.encode() <= encoded and (end is None or encoded < end.encode())


def test_the_end_of_a_prefix():
    assert prefix_end("abc") == "abd"
    assert prefix_end("ab\U0010ffff") == "ac"
    assert prefix_end("\U0010ffff\U0010ffff") is None
    assert prefix_end("a\ud7ff") == "a\ue000"  # the surrogates are skipped
    assert prefix_end("") is None


@given(prefix=texts.filter(bool), value=texts)
def test_the_range_holds_exactly_what_starts_with_the_prefix(prefix, value):
    assert in_range(value, prefix) == value.startswith(prefix)


@given(prefix=texts.filter(bool), rest=texts)
def test_everything_that_starts_with_the_prefix_is_in_range(prefix, rest):
    assert in_range(prefix + rest, prefix)
