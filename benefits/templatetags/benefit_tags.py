"""Display helpers: dates as <time>, credit amounts in the reader's language, benefit status."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext

from accounts.models import Role
from benefits.models import Benefit
from benefits.selectors import benefit_status

register = template.Library()


@register.filter
def as_time(value: date | None) -> str:
    """A date for people, machine-readable inside <time datetime="YYYY-MM-DD">."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), formats.date_format(value)
    )


@register.filter
def money(amount, currency: str) -> str:
    """An amount formatted for the active language: $100.00, 100,00 €."""
    if amount is None or not currency:
        return ""
    locale = translation.to_locale(translation.get_language() or "en")
    return format_currency(amount, currency, locale=locale)


@register.filter
def credit(benefit: Benefit) -> str:
    """ "$100.00 per month", "6 000,00 € par an"."""
    if benefit.credit_amount is None:
        return ""
    amount = money(benefit.credit_amount, benefit.currency)
    if benefit.credit_period == Benefit.Period.MONTHLY:
        return gettext("%(amount)s per month") % {"amount": amount}
    return gettext("%(amount)s per year") % {"amount": amount}


@register.simple_tag
def status_of(benefit: Benefit, today: date) -> str:
    return benefit_status(benefit, today=today)


@register.filter
def months(value) -> str:
    """A number of months for people: 3, 7.2 (7,2 in French), 1.71 — two decimals at most."""
    if value is None:
        return ""
    locale = translation.to_locale(translation.get_language() or "en")
    return format_decimal(round(float(Fraction(value)), 2), locale=locale)


@register.filter
def role_names(codes: object) -> str:
    """Role codes as a record keeps them, named in the reader's language ("—" for none)."""
    if not isinstance(codes, list) or not codes:
        return "—"
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)
