"""Every worked example of SPEC 3.1 and 3.2, to the day."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta

from benefits import licensing
from benefits.licensing import (
    InactiveSubscriptionError,
    KeyFormatError,
    SubscriptionStatus,
    TermLimitError,
    activate,
    add_licenses,
    add_months,
    extend_end_date,
    months_between,
    normalize_key,
    subscription_status,
)

TODAY = date(2026, 11, 23)
SIX_MONTHS_LEFT = TODAY + relativedelta(months=6)  # 2027-05-23


# --- 3.1 Product keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ",
        "36xhh-2d2tt-9hb6d-fv6m9-f7cpq",
        "36XHH2D2TT9HB6DFV6M9F7CPQ",
        " 36XHH 2D2TT 9HB6D FV6M9 F7CPQ ",
        "36-X-H-H-2D2TT--9HB6D-FV6M9-F7CP-Q",
        "36XHH\t2D2TT\n9HB6D FV6M9 F7CPQ",
        "36XHH–2D2TT–9HB6D–FV6M9–F7CPQ",  # en dashes, as pasted from a document
    ],
)
def test_key_input_ignores_case_spaces_and_dashes(typed):
    assert normalize_key(typed) == "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"


def test_key_of_23_characters_says_how_many_were_entered():
    with pytest.raises(KeyFormatError) as error:
        normalize_key("36XHH-2D2TT-9HB6D-FV6M9-F7C")
    assert str(error.value) == "A product key has 25 characters; you entered 23."


def test_key_with_letter_o_names_it():
    with pytest.raises(KeyFormatError) as error:
        normalize_key("36XHH-2D2TT-9HB6D-FV6M9-F7COQ")
    assert str(error.value) == "Product keys never contain O, 0 or 1 — check these characters: O."


def test_key_with_other_symbols_lists_them_once_each_in_order():
    with pytest.raises(KeyFormatError) as error:
        normalize_key("A6XHH-2D2TT-9HB6D-FV6M9-F75AQ")
    assert str(error.value) == (
        "Product keys use only the letters B C D F G H J K M P Q R T V W X Y and the digits "
        "2 3 4 6 7 8 9 — check these characters: A, 5."
    )


def test_key_wrong_in_length_and_characters_says_both():
    with pytest.raises(KeyFormatError) as error:
        normalize_key("0000")
    assert str(error.value) == (
        "A product key has 25 characters; you entered 4. "
        "Product keys never contain O, 0 or 1 — check these characters: 0."
    )
    assert [template for template, _ in error.value.messages] == [
        licensing.KEY_LENGTH_MESSAGE,
        licensing.KEY_CONFUSED_CHARACTERS_MESSAGE,
    ]


@pytest.mark.parametrize("typed", ["", "   ", "-----", None, 12345])
def test_empty_key_asks_for_one(typed):
    with pytest.raises(KeyFormatError) as error:
        normalize_key(typed)
    assert str(error.value) == licensing.KEY_EMPTY_MESSAGE


def test_control_characters_are_named_by_code_point():
    with pytest.raises(KeyFormatError) as error:
        normalize_key("36XHH-2D2TT-9HB6D-FV6M9-F7CP\x00")
    assert "U+0000" in str(error.value)


def test_full_width_digits_are_not_accepted():
    with pytest.raises(KeyFormatError, match="check these characters: ３"):
        normalize_key("３6XHH-2D2TT-9HB6D-FV6M9-F7CPQ")


def test_only_the_last_group_of_a_key_is_shown():
    assert licensing.key_last_group("36XHH-2D2TT-9HB6D-FV6M9-F7CPQ") == "…-F7CPQ"


# --- 3.2 Month arithmetic ----------------------------------------------------------------------


def test_add_months_clips_to_the_end_of_a_shorter_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_add_months_adds_the_fraction_as_days_at_30_a_month():
    assert add_months(date(2027, 1, 10), Fraction(1, 3)) == date(2027, 1, 20)
    assert add_months(date(2027, 1, 10), Fraction(5, 2)) == date(2027, 3, 25)


def test_add_months_rounds_half_a_day_up():
    # 1/60 month is exactly half a day.
    assert add_months(date(2027, 1, 10), Fraction(1, 60)) == date(2027, 1, 11)
    assert add_months(date(2027, 1, 10), Fraction(1, 61)) == date(2027, 1, 10)


def test_a_fraction_of_a_month_never_reaches_past_the_next_whole_month():
    # 29 days at 30 a month would overshoot February 2001 (28 days) and end after 1 March.
    assert add_months(date(2001, 2, 1), Fraction(29, 30)) == date(2001, 3, 1)
    assert add_months(date(2001, 2, 1), Fraction(27, 30)) == date(2001, 2, 28)
    # The case that makes it matter: fewer months must never end later than more months.
    assert add_months(date(2000, 3, 1), 35 + Fraction(29, 30)) == date(2003, 3, 1)
    assert add_months(date(2000, 3, 1), 36) == date(2003, 3, 1)


def test_months_between_counts_calendar_months_then_days_over_30():
    assert months_between(date(2027, 1, 10), date(2027, 4, 25)) == 3 + Fraction(15, 30)
    assert months_between(date(2027, 1, 31), date(2027, 2, 28)) == 1


# --- 3.2 Activate ------------------------------------------------------------------------------


def test_activate_gives_the_key_seats_for_12_months():
    term = activate(key_seats=10, today=TODAY)
    assert (term.seats, term.end_date, term.months) == (10, date(2027, 11, 23), 12)


def test_activate_on_29_february_ends_on_28_february():
    assert activate(key_seats=1, today=date(2028, 2, 29)).end_date == date(2029, 2, 28)


# --- 3.2 Extend the end date -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "key", "months"),
    [(100, 25, 3), (100, 100, 12), (5, 10, 24)],
)
def test_extend_adds_12_times_key_seats_over_active_seats(active, key, months):
    term = extend_end_date(
        active_seats=active, key_seats=key, end_date=SIX_MONTHS_LEFT, today=TODAY
    )
    assert term.seats == active
    assert term.months == months
    assert term.end_date == SIX_MONTHS_LEFT + relativedelta(months=months)


def test_extend_office_with_the_25_seat_key_moves_the_end_by_3_months():
    term = extend_end_date(active_seats=100, key_seats=25, end_date=SIX_MONTHS_LEFT, today=TODAY)
    assert term.end_date == date(2027, 8, 23)


def test_extend_by_exactly_36_months_is_allowed():
    term = extend_end_date(active_seats=5, key_seats=15, end_date=SIX_MONTHS_LEFT, today=TODAY)
    assert term.months == 36
    assert term.end_date == date(2030, 5, 23)


def test_extend_power_bi_with_the_20_seat_key_is_refused():
    with pytest.raises(TermLimitError) as error:
        extend_end_date(active_seats=5, key_seats=20, end_date=SIX_MONTHS_LEFT, today=TODAY)
    assert str(error.value) == (
        "This key has more than three times the licenses of your subscription (5). "
        "An end date can be extended by at most 3 years."
    )


def test_extend_with_a_fraction_of_a_month_adds_rounded_days():
    # 12 × 1 ÷ 7 = 1 5/7 months: one calendar month, then 21.43 days → 21 days.
    term = extend_end_date(active_seats=7, key_seats=1, end_date=date(2027, 1, 10), today=TODAY)
    assert term.months == Fraction(12, 7)
    assert term.end_date == date(2027, 3, 3)


def test_extend_on_the_last_active_day_is_allowed():
    term = extend_end_date(active_seats=10, key_seats=10, end_date=TODAY, today=TODAY)
    assert term.end_date == date(2027, 11, 23)


def test_extend_an_expired_subscription_is_refused():
    with pytest.raises(InactiveSubscriptionError, match="Activate the key as a new subscription"):
        extend_end_date(active_seats=10, key_seats=10, end_date=date(2026, 11, 22), today=TODAY)


# --- 3.2 Add licenses --------------------------------------------------------------------------


def test_add_100_licenses_to_100_seats_with_6_months_left_leaves_9_months():
    term = add_licenses(active_seats=100, key_seats=100, end_date=SIX_MONTHS_LEFT, today=TODAY)
    assert term.seats == 200
    assert term.months_left_before == 6
    assert term.months == 9
    assert term.end_date == date(2027, 8, 23)


def test_add_licenses_averages_a_fractional_remaining_time():
    # 10 seats, 3 months 15 days left (3.5), + 5 seats: (35 + 60) ÷ 15 = 6 1/3 months.
    term = add_licenses(
        active_seats=10, key_seats=5, end_date=date(2027, 3, 12), today=date(2026, 11, 25)
    )
    assert term.months_left_before == Fraction(7, 2)
    assert term.months == Fraction(19, 3)
    assert term.end_date == date(2027, 6, 4)


def test_add_licenses_to_a_disabled_subscription_is_refused():
    with pytest.raises(InactiveSubscriptionError):
        add_licenses(active_seats=10, key_seats=10, end_date=date(2026, 10, 14), today=TODAY)


# --- Seat counts and types ---------------------------------------------------------------------


@pytest.mark.parametrize("seats", [0, -1])
def test_seat_counts_below_one_raise_value_error(seats):
    with pytest.raises(ValueError, match="at least 1"):
        activate(key_seats=seats, today=TODAY)
    with pytest.raises(ValueError, match="at least 1"):
        extend_end_date(active_seats=seats, key_seats=1, end_date=TODAY, today=TODAY)
    with pytest.raises(ValueError, match="at least 1"):
        add_licenses(active_seats=1, key_seats=seats, end_date=TODAY, today=TODAY)


def test_a_datetime_is_not_taken_for_a_date():
    from datetime import datetime

    with pytest.raises(TypeError):
        activate(key_seats=1, today=datetime(2026, 11, 23, 12))


# --- Subscription status -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_after_end", "status"),
    [
        (-1, SubscriptionStatus.ACTIVE),
        (0, SubscriptionStatus.ACTIVE),
        (1, SubscriptionStatus.EXPIRED),
        (30, SubscriptionStatus.EXPIRED),
        (31, SubscriptionStatus.DISABLED),
        (120, SubscriptionStatus.DISABLED),
        (121, SubscriptionStatus.DELETED),
    ],
)
def test_status_follows_the_end_date(days_after_end, status):
    from datetime import timedelta

    end = date(2026, 6, 1)
    assert subscription_status(end_date=end, today=end + timedelta(days=days_after_end)) is status
