"""The licensing rules' refusals in the reader's language (benefits.errors), dates included."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import formats, translation

from benefits.errors import translated
from benefits.licensing import InactiveSubscriptionError, extend_end_date

ENDED = date(2026, 10, 22)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_ended_subscription_is_told_with_its_date_as_the_reader_writes_dates(language):
    with pytest.raises(InactiveSubscriptionError) as refusal:
        extend_end_date(active_seats=10, key_seats=10, end_date=ENDED, today=date(2026, 12, 1))
    with translation.override(language):
        text = translated(refusal.value)
        assert formats.date_format(ENDED) in text
    assert "2026-10-22" not in text
    if language == "fr":
        assert "22 octobre 2026" in text
