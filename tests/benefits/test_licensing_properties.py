"""Properties of the licensing rules, checked by hypothesis over many dates and seat counts."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from benefits.licensing import (
    KEY_ALPHABET,
    KEY_LENGTH,
    KeyFormatError,
    TermLimitError,
    add_licenses,
    add_months,
    extend_end_date,
    months_between,
    normalize_key,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
seats = st.integers(min_value=1, max_value=100_000)
remaining_days = st.integers(min_value=0, max_value=3 * 366)
valid_keys = st.text(alphabet=KEY_ALPHABET, min_size=KEY_LENGTH, max_size=KEY_LENGTH)


def assert_within_a_day(start: date, end: date, months: Fraction) -> None:
    """The exact time lies between the day before and the day after the chosen end date."""
    day = timedelta(days=1)
    assert months_between(start, end - day) <= months <= months_between(start, end + day)


def canonical(compact: str) -> str:
    return "-".join(compact[i : i + 5] for i in range(0, 25, 5))


# --- Averaging neither adds nor loses time ----------------------------------------------------


@given(today=days, left=remaining_days, active=seats, key=seats)
@example(today=date(2027, 1, 31), left=28, active=1, key=1)
@example(today=date(2028, 2, 29), left=0, active=100, key=100)
def test_adding_licenses_keeps_every_seat_month_within_a_day(today, left, active, key):
    end = today + timedelta(days=left)
    term = add_licenses(active_seats=active, key_seats=key, end_date=end, today=today)
    before = active * months_between(today, end) + key * 12
    # Exact in months: the new remaining time is the seat-weighted average.
    assert (active + key) * term.months == before
    # And on the calendar: the new end date is that average, to within one day.
    assert_within_a_day(today, term.end_date, term.months)


@given(today=days, left=remaining_days, active=seats, key=seats)
def test_added_licenses_end_between_the_old_end_and_a_full_term(today, left, active, key):
    end = today + timedelta(days=left)
    term = add_licenses(active_seats=active, key_seats=key, end_date=end, today=today)
    assert term.seats == active + key
    assert min(end, add_months(today, 12)) <= term.end_date <= max(end, add_months(today, 12))


# --- Extension --------------------------------------------------------------------------------


@given(today=days, left=remaining_days, active=seats, data=st.data())
def test_extension_grows_with_the_key_seats(today, left, active, data):
    end = today + timedelta(days=left)
    smaller = data.draw(st.integers(min_value=1, max_value=3 * active - 1))
    larger = data.draw(st.integers(min_value=smaller + 1, max_value=3 * active))
    first = extend_end_date(active_seats=active, key_seats=smaller, end_date=end, today=today)
    second = extend_end_date(active_seats=active, key_seats=larger, end_date=end, today=today)
    assert first.months < second.months
    assert end <= first.end_date <= second.end_date
    assert first.seats == second.seats == active


@given(today=days, left=remaining_days, active=st.integers(min_value=1, max_value=30_000))
@example(today=date(2027, 3, 1), left=0, active=5)  # ends on 1 March 2030
@example(today=date(2028, 2, 29), left=0, active=1)  # 29 February + 36 months
def test_extension_of_exactly_36_months_is_allowed_and_one_seat_more_is_refused(
    today, left, active
):
    end = today + timedelta(days=left)
    term = extend_end_date(active_seats=active, key_seats=3 * active, end_date=end, today=today)
    assert term.months == 36
    assert term.end_date == add_months(end, 36)
    assert months_between(end, term.end_date) == 36
    with pytest.raises(TermLimitError):
        extend_end_date(active_seats=active, key_seats=3 * active + 1, end_date=end, today=today)


@given(today=days, active=seats, key=seats)
def test_extension_is_refused_exactly_when_it_exceeds_36_months(today, active, key):
    allowed = Fraction(12 * key, active) <= 36
    try:
        extend_end_date(active_seats=active, key_seats=key, end_date=today, today=today)
    except TermLimitError:
        refused = True
    else:
        refused = False
    assert refused is not allowed


# --- Month arithmetic -------------------------------------------------------------------------


@given(start=days, months=st.fractions(min_value=0, max_value=60, max_denominator=10_000))
@example(start=date(2000, 2, 1), months=Fraction(62, 65))
def test_add_months_lands_within_a_day_of_the_exact_time(start, months):
    assert_within_a_day(start, add_months(start, months), months)


@given(
    start=days,
    smaller=st.fractions(min_value=0, max_value=60, max_denominator=1000),
    larger=st.fractions(min_value=0, max_value=60, max_denominator=1000),
)
@example(start=date(2001, 2, 1), smaller=Fraction(29, 30), larger=Fraction(1))
def test_add_months_never_goes_back_in_time(start, smaller, larger):
    smaller, larger = sorted([smaller, larger])
    assert add_months(start, smaller) <= add_months(start, larger)


@given(start=days, whole=st.integers(min_value=0, max_value=60))
def test_whole_months_land_on_the_same_day_or_the_month_end(start, whole):
    end = add_months(start, whole)
    assert months_between(start, end) == whole
    assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)


# --- Key normalisation ------------------------------------------------------------------------


@given(compact=valid_keys, data=st.data())
def test_every_case_space_and_dash_variant_of_a_valid_key_is_accepted(compact, data):
    typed = ""
    for char in compact:
        typed += data.draw(st.sampled_from(["", " ", "-", "  ", "--", " - ", "\t"]))
        typed += data.draw(st.sampled_from([char, char.lower()]))
    typed += data.draw(st.sampled_from(["", " ", "-"]))
    assert normalize_key(typed) == canonical(compact)


@given(compact=valid_keys)
def test_normalisation_is_idempotent(compact):
    once = normalize_key(compact)
    assert normalize_key(once) == once


@given(raw=st.text(max_size=80))
@example(raw="36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" * 3)
@example(raw="<script>alert(1)</script>")
@example(raw="３６ＸＨＨ-2D2TT-9HB6D-FV6M9-F7CPQ")
def test_every_string_that_is_not_a_key_gets_a_message_saying_what_is_wrong(raw):
    compact = "".join(
        char.upper() if char.isascii() else char
        for char in raw
        if not (char.isspace() or char in "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
    )
    assume(not (len(compact) == KEY_LENGTH and set(compact) <= set(KEY_ALPHABET)))
    with pytest.raises(KeyFormatError) as error:
        normalize_key(raw)
    message = str(error.value)
    if not compact:
        assert message.startswith("Enter a product key")
        return
    assert (f"you entered {len(compact)}." in message) is (len(compact) != KEY_LENGTH)
    all_in_alphabet = set(compact) <= set(KEY_ALPHABET)
    assert ("check these characters" in message) is not all_in_alphabet
