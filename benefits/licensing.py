"""The licensing rules of Partner Benefits: product keys and subscription terms.

This module is the only place these rules are written. It imports only the standard library
and python-dateutil, and never reads a clock: ``today`` is always passed in, so every rule can
be checked to the day.

Months are exact fractions. ``add_months(d, m)`` adds the whole months as calendar months (a
day missing from the target month becomes its last day), then the remaining fraction as days
at 30 days a month, rounded half up, never past the next whole month.
``months_between(start, end)`` is the inverse measure: whole calendar months plus the leftover
days divided by 30.

Error messages are English templates marked for translation (``gettext_noop`` below is a
marker, not a translation); each error keeps its template and parameters so that the web
layer can show it in the reader's language.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from dateutil.relativedelta import relativedelta

KEY_ALPHABET = "BCDFGHJKMPQRTVWXY2346789"
KEY_LENGTH = 25
KEY_GROUP_SIZE = 5
TERM_MONTHS = 12
MAX_EXTENSION_MONTHS = 36
# 12 × C ÷ A ≤ 36: a key extends a subscription only with at most three times its seats.
MAX_EXTENSION_KEY_SEATS_PER_SEAT = MAX_EXTENSION_MONTHS // TERM_MONTHS
DAYS_PER_MONTH = 30
EXPIRED_FOR_DAYS = 30
DISABLED_UNTIL_DAYS = 120
# The most licenses a subscription holds: what its column keeps on every database.
MAX_SEATS = 2**31 - 1

# Typed or pasted between groups: ASCII hyphen, Unicode hyphens and dashes, and any white space.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_MOST_CONFUSED = frozenset("O01")
_MAX_LISTED_CHARACTERS = 8


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; returns it unchanged."""
    return message


KEY_EMPTY_MESSAGE = gettext_noop(
    "Enter a product key: 25 characters, shown as 5 groups of 5 (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)."
)
KEY_LENGTH_MESSAGE = gettext_noop("A product key has 25 characters; you entered %(entered)s.")
KEY_CONFUSED_CHARACTERS_MESSAGE = gettext_noop(
    "Product keys never contain O, 0 or 1 — check these characters: %(characters)s."
)
KEY_CHARACTERS_MESSAGE = gettext_noop(
    "Product keys use only the letters B C D F G H J K M P Q R T V W X Y and the digits "
    "2 3 4 6 7 8 9 — check these characters: %(characters)s."
)
TERM_LIMIT_MESSAGE = gettext_noop(
    "This key has more than three times the licenses of your subscription (%(active_seats)s). "
    "An end date can be extended by at most 3 years."
)
INACTIVE_SUBSCRIPTION_MESSAGE = gettext_noop(
    "This subscription is no longer active (it ended on %(end_date)s), so its end date can't be "
    "extended and licenses can't be added. Activate the key as a new subscription instead."
)

CALENDAR_LIMIT_MESSAGE = gettext_noop(
    "The new end date would fall after the year 9999, the last the portal can keep: this "
    "subscription's end date is likely a mistake. Ask the program's staff to correct it."
)
SEATS_LIMIT_MESSAGE = gettext_noop(
    "The subscription would have more than %(limit)s licenses, the most one can hold: its "
    "licenses are likely a mistake. Ask the program's staff to correct them."
)


class LicensingError(ValueError):
    """A refusal with translatable messages: ``messages`` holds (template, params) pairs and
    the English text is each ``template % params``, joined by a space."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template, params)
        self.messages: list[tuple[str, dict[str, object]]] = [(template, params)]

    def __str__(self) -> str:
        return " ".join(template % params for template, params in self.messages)


class KeyFormatError(LicensingError):
    """The text entered is not a well-formed product key; the message says what is wrong."""


class TermLimitError(LicensingError):
    """The key would extend the end date by more than 36 months."""


class InactiveSubscriptionError(LicensingError):
    """Extend and Add need an Active subscription; this one has ended."""


class CalendarLimitError(LicensingError):
    """The end date or the licenses would go past what the portal keeps (year 9999, MAX_SEATS)."""


class SubscriptionStatus(enum.Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    DISABLED = "disabled"
    DELETED = "deleted"


@dataclass(frozen=True)
class Term:
    """The outcome of a redemption.

    ``months`` is the months added (extend), the new remaining time R (add licenses) or 12
    (activate). ``months_left_before`` is B, the time the subscription had left, for add only.
    """

    seats: int
    end_date: date
    months: Fraction
    months_left_before: Fraction | None = None


# --- Product keys ----------------------------------------------------------------------------


def normalize_key(raw: str) -> str:
    """The canonical form ``XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`` of a typed key.

    Case, white space and dashes anywhere are ignored. Raises KeyFormatError saying what is
    wrong: the length, the characters outside the alphabet, or both.
    """
    if not isinstance(raw, str):
        raise KeyFormatError(KEY_EMPTY_MESSAGE)
    compact = "".join(
        char.upper() if char.isascii() else char
        for char in raw
        if not (char.isspace() or char in _SEPARATORS)
    )
    if not compact:
        raise KeyFormatError(KEY_EMPTY_MESSAGE)
    problems: list[tuple[str, dict[str, object]]] = []
    if len(compact) != KEY_LENGTH:
        problems.append((KEY_LENGTH_MESSAGE, {"entered": len(compact)}))
    bad = _bad_characters(compact)
    if bad:
        confused_only = set(bad) <= _MOST_CONFUSED
        template = KEY_CONFUSED_CHARACTERS_MESSAGE if confused_only else KEY_CHARACTERS_MESSAGE
        problems.append((template, {"characters": ", ".join(map(_printable, bad))}))
    if problems:
        # Length and characters can both be wrong: one error that says both.
        error = KeyFormatError(problems[0][0], **problems[0][1])
        error.messages.extend(problems[1:])
        raise error
    groups = (compact[i : i + KEY_GROUP_SIZE] for i in range(0, KEY_LENGTH, KEY_GROUP_SIZE))
    return "-".join(groups)


def key_last_group(key: str) -> str:
    """The only part of a key that may be shown in logs and activity records: ``…-F7CPQ``."""
    return "…-" + key[-KEY_GROUP_SIZE:]


def _bad_characters(compact: str) -> list[str]:
    """Distinct characters outside the alphabet, in order of appearance (a few at most)."""
    seen: list[str] = []
    for char in compact:
        if char not in KEY_ALPHABET and char not in seen:
            seen.append(char)
            if len(seen) == _MAX_LISTED_CHARACTERS:
                break
    return seen


def _printable(char: str) -> str:
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


# --- Month arithmetic -------------------------------------------------------------------------


def add_months(start: date, months: Fraction | int) -> date:
    """``start`` plus whole calendar months (clipped to the month's end), plus the fraction as
    days at 30 a month, rounded half up.

    A fraction of a month never reaches past the next whole month. After a short February the
    days could otherwise overshoot it: from 1 March 2000, 35 29/30 months (35 months, then 29
    days from 1 February 2003) would end on 2 March 2003, while a full 36 months ends on
    1 March 2003, so a key with fewer seats would give a later end date. Capping keeps the
    result monotonic and within a day of the exact time. Raises CalendarLimitError past
    31 December 9999.
    """
    _check_date(start)
    months = Fraction(months)
    if months < 0:
        raise ValueError("months must not be negative")
    whole = math.floor(months)
    days = math.floor((months - whole) * DAYS_PER_MONTH + Fraction(1, 2))
    try:
        end = start + relativedelta(months=whole) + timedelta(days=days)
    except (OverflowError, ValueError):  # past 31 December 9999
        raise CalendarLimitError(CALENDAR_LIMIT_MESSAGE) from None
    if days == 0:
        return end
    try:
        return min(end, start + relativedelta(months=whole + 1))
    except (OverflowError, ValueError):  # the next whole month is past the calendar: no cap
        return end


def months_between(start: date, end: date) -> Fraction:
    """Whole calendar months from ``start`` to ``end`` plus the leftover days ÷ 30."""
    _check_date(start)
    _check_date(end)
    parts = relativedelta(end, start)
    return parts.years * 12 + parts.months + Fraction(parts.days, DAYS_PER_MONTH)


def subscription_status(*, end_date: date, today: date) -> SubscriptionStatus:
    """Active through the end date, Expired for 30 days after, Disabled until day 120, then
    Deleted."""
    _check_date(end_date)
    _check_date(today)
    if today <= end_date:
        return SubscriptionStatus.ACTIVE
    if today <= end_date + timedelta(days=EXPIRED_FOR_DAYS):
        return SubscriptionStatus.EXPIRED
    if today <= end_date + timedelta(days=DISABLED_UNTIL_DAYS):
        return SubscriptionStatus.DISABLED
    return SubscriptionStatus.DELETED


# --- Notices ----------------------------------------------------------------------------------


def notice_threshold(*, ends_on: date, today: date, thresholds: tuple[int, ...]) -> int | None:
    """The notice threshold (days before ``ends_on``) that is due on ``today``: the smallest of
    ``thresholds`` that ``ends_on`` is within, counting ``today`` itself; None once ``ends_on``
    has passed or while it is further away than every threshold.

    With thresholds (30, 7): 31 days left → None, 30 → 30, 8 → 30, 7 → 7, 0 (ends today) → 7,
    −1 → None. A day the job did not run is caught up the next day, at the same threshold.
    """
    _check_date(ends_on)
    _check_date(today)
    days_left = (ends_on - today).days
    if days_left < 0:
        return None
    within = [threshold for threshold in thresholds if days_left <= threshold]
    return min(within) if within else None


def notice_due_since(*, ends_on: date, threshold: int) -> date:
    """The first day a notice ``threshold`` days before ``ends_on`` is due."""
    _check_date(ends_on)
    return ends_on - timedelta(days=threshold)


# --- Redemption -------------------------------------------------------------------------------


def activate(*, key_seats: int, today: date) -> Term:
    """A new (or re-activated) subscription: the key's seats for 12 months from today."""
    _check_seats(key_seats=key_seats)
    return Term(
        seats=key_seats,
        end_date=add_months(today, TERM_MONTHS),
        months=Fraction(TERM_MONTHS),
    )


def extend_end_date(*, active_seats: int, key_seats: int, end_date: date, today: date) -> Term:
    """Seats unchanged; the end date moves by E = 12 × C ÷ A months, at most 36.

    Raises InactiveSubscriptionError when the subscription has ended and TermLimitError when
    the key has more than three times the active seats.
    """
    _check_seats(active_seats=active_seats, key_seats=key_seats)
    _check_active(end_date=end_date, today=today)
    months = Fraction(TERM_MONTHS * key_seats, active_seats)
    if months > MAX_EXTENSION_MONTHS:
        raise TermLimitError(TERM_LIMIT_MESSAGE, active_seats=active_seats)
    return Term(seats=active_seats, end_date=add_months(end_date, months), months=months)


def add_licenses(*, active_seats: int, key_seats: int, end_date: date, today: date) -> Term:
    """Seats become A + C and the two terms are averaged so no time is added or lost:
    R = (A × B + C × 12) ÷ (A + C) months from today, B being the time left.

    Raises InactiveSubscriptionError when the subscription has ended, CalendarLimitError past
    MAX_SEATS.
    """
    _check_seats(active_seats=active_seats, key_seats=key_seats)
    _check_active(end_date=end_date, today=today)
    left = months_between(today, end_date)
    seats = active_seats + key_seats
    if seats > MAX_SEATS:
        raise CalendarLimitError(SEATS_LIMIT_MESSAGE, limit=MAX_SEATS)
    months = (active_seats * left + key_seats * TERM_MONTHS) / seats
    return Term(
        seats=seats,
        end_date=add_months(today, months),
        months=months,
        months_left_before=left,
    )


def _check_seats(**counts: int) -> None:
    for name, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"{name} must be an int, not {type(count).__name__}")
        if count < 1:
            raise ValueError(f"{name} must be at least 1, not {count}")


def _check_date(value: date) -> None:
    # A datetime is a date too, but would carry a time of day through the arithmetic.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a date, not {type(value).__name__}")


def _check_active(*, end_date: date, today: date) -> None:
    if subscription_status(end_date=end_date, today=today) is not SubscriptionStatus.ACTIVE:
        raise InactiveSubscriptionError(INACTIVE_SUBSCRIPTION_MESSAGE, end_date=end_date)
