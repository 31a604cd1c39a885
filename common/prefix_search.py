"""Searching for what starts with a text, in a way a prefix index always serves.

``LIKE 'abc%'`` reads a prefix index only when PostgreSQL plans the query for that very prefix.
A prepared query (partnerbenefits/settings.py: a connection prepares what it repeats) may be
run with one plan made for any value, a generic plan, and there ``LIKE $1`` can't bound an
index scan: a large organization's people search read every person of its tenants (4 → 18 ms).
The same prefix written as a range, ``text ~>=~ 'abc' AND text ~<~ 'abd'``, bounds the scan in
every plan: these are the operators of the ``text_pattern_ops`` indexes (accounts migration
0003), which compare strings byte by byte. SQLite's ``>=`` and ``<`` compare the same way. The
range holds exactly the strings that start with the text (tests/common/test_prefix_search.py),
so no LIKE is needed beside it.
"""

from __future__ import annotations

from django.db.models import F, Lookup, Q


class _PatternComparison(Lookup):
    """``lhs <operator> rhs`` in the byte order of text_pattern_ops (``>=``/``<`` elsewhere)."""

    operator = ""
    postgresql_operator = ""

    def _compare(self, compiler, connection, operator: str):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {operator} {rhs}", (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        return self._compare(compiler, connection, self.operator)

    def as_postgresql(self, compiler, connection):
        return self._compare(compiler, connection, self.postgresql_operator)


class PatternAtLeast(_PatternComparison):
    operator, postgresql_operator = ">=", "~>=~"


class PatternBelow(_PatternComparison):
    operator, postgresql_operator = "<", "~<~"


def starting_with(name: str, text: str) -> Q:
    """Rows whose field or annotation ``name`` starts with ``text``, as the range from ``text``
    to the first string after all that start with it."""
    condition = Q(PatternAtLeast(F(name), text))
    end = prefix_end(text)
    if end is not None:
        condition &= Q(PatternBelow(F(name), end))
    return condition


def prefix_end(text: str) -> str | None:
    """The first string after every string that starts with ``text``, in code point order
    (UTF-8 bytes sort the same way); None when none exists (``text`` is all U+10FFFF)."""
    while text:
        last = ord(text[-1])
        if last < 0x10FFFF:
            following = 0xE000 if last + 1 == 0xD800 else last + 1  # surrogates aren't text
            return text[:-1] + chr(following)
        text = text[:-1]
    return None
