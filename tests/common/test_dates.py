"""Dates for people: Django's format, and French's « 1er » for the first of a month."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from common.dates import date_for_people


@pytest.mark.parametrize(
    ("language", "day", "written"),
    [
        ("fr", date(2026, 12, 1), "1er décembre 2026"),
        ("fr", date(2026, 12, 11), "11 décembre 2026"),
        ("fr", date(2026, 12, 21), "21 décembre 2026"),
        ("en", date(2026, 12, 1), "Dec. 1, 2026"),
    ],
)
def test_the_first_of_a_month_is_1er_in_french_only(language, day, written):
    with translation.override(language):
        assert date_for_people(day) == written
