"""Display helpers: dates as <time>, credit amounts in the reader's language, benefit status."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from accounts.models import Role
from benefits.models import Benefit, BenefitType, Offer
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
    return _credit_text(benefit.credit_amount, benefit.currency, benefit.credit_period)


def _credit_text(amount, currency: str, period: str) -> str:
    shown = money(amount, currency)
    if period == Benefit.Period.MONTHLY:
        return gettext("%(amount)s per month") % {"amount": shown}
    return gettext("%(amount)s per year") % {"amount": shown}


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


FIGURES_ORDER = {
    name: place
    for place, name in enumerate(
        ["quantity", "seats", "credit", "offer", "type", "starts", "ends", "expires"]
    )
}


@register.filter
def changes_text(changed: object) -> str:
    """The figures a staff change record keeps (``benefit_figures``, ``subscription_figures``),
    in the reader's language: "quantity 5, expires 2027-06-30", "3 licenses, ends 2027-01-31".
    Dates stay as the record keeps them (ISO), as the log's other records show them."""
    if not isinstance(changed, dict) or not changed:
        return "—"
    offers, types = dict(Offer.choices), dict(BenefitType.choices)
    # In the order the figures are read on the pages (a stored record's keys come back in
    # the database's order: PostgreSQL sorts them).
    names = sorted(changed, key=lambda name: (FIGURES_ORDER.get(name, len(FIGURES_ORDER)), name))
    parts = []
    for name in names:
        value = changed[name]
        if name == "quantity":
            parts.append(gettext("quantity %(count)s") % {"count": value})
        elif name == "expires":
            parts.append(gettext("expires %(date)s") % {"date": value})
        elif name == "offer":
            parts.append(gettext("offer: %(offer)s") % {"offer": offers.get(value, value)})
        elif name == "type":
            parts.append(gettext("type: %(type)s") % {"type": types.get(value, value)})
        elif name == "credit" and isinstance(value, dict):
            amount = _credit_text(
                value.get("amount"), value.get("currency", ""), value.get("period", "")
            )
            parts.append(gettext("credit %(amount)s") % {"amount": amount})
        elif name == "seats":
            parts.append(
                ngettext("%(seats)s license", "%(seats)s licenses", value) % {"seats": value}
            )
        elif name == "starts":
            parts.append(gettext("starts %(date)s") % {"date": value})
        elif name == "ends":
            parts.append(f"{gettext('ends')} {value}")
        else:
            parts.append(f"{name}: {value}")
    return ", ".join(parts)
