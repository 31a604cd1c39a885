"""Display helpers: dates as <time>, credit amounts in the reader's language, benefit status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from fractions import Fraction

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from accounts.models import Role, Scope
from benefits.models import Activity, Benefit, BenefitType, Offer
from benefits.selectors import benefit_status
from common.dates import date_for_people

register = template.Library()


@register.filter
def as_time(value: date | None) -> str:
    """A date for people, machine-readable inside <time datetime="YYYY-MM-DD">."""
    if value is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_for_people(value))


@register.filter
def for_people(value: date | None) -> str:
    """A date as plain text for people (a mail's plain part, an attribute): ``date_for_people``."""
    return "" if value is None else date_for_people(value)


@register.filter
def iso_as_time(value: str) -> str:
    """A date kept as ISO text (an activity record's snapshot) written as ``as_time`` writes a
    date; text that isn't one is shown as it is, escaped."""
    try:
        return as_time(date.fromisoformat(value))
    except (TypeError, ValueError):
        return conditional_escape(value)


@register.filter
def as_datetime(value: datetime | None, precision: str = "minutes") -> str:
    """A moment for people, as the Activity page writes one: the date in the reader's language
    and the time in UTC (the portal's clock), to the minute or, with "seconds", the second
    (a delivery log), inside <time datetime="ISO 8601">."""
    if value is None:
        return ""
    moment = timezone.localtime(value)
    clock = "%H:%M:%S" if precision == "seconds" else "%H:%M"
    return format_html(
        '<time datetime="{}">{} {}</time> UTC',
        moment.isoformat(),
        date_for_people(moment.date()),
        moment.strftime(clock),
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
    return _named(codes, Role.choices)


@register.filter
def kind_names(codes: object) -> str:
    """Activity kinds as a record keeps them (a webhook endpoint's), named in the reader's
    language."""
    return _named(codes, Activity.Kind.choices)


def _named(codes: object, choices: Iterable[tuple[str, object]]) -> str:
    if not isinstance(codes, list) or not codes:
        return "—"
    labels = dict(choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


@register.filter
def setting_text(state: dict) -> str:
    """An API token's or a webhook endpoint's snapshot as one line in the reader's language
    ("" for any other record): what the page, the CSV export and staff read of it."""
    if state.get("token"):
        parts = [
            str(state.get("account", "")),
            gettext("scopes: %(scopes)s") % {"scopes": _named(state.get("scopes"), Scope.choices)},
        ]
        if state.get("expires"):
            expires = date_for_people(date.fromisoformat(state["expires"]))
            parts.append(gettext("expires %(date)s") % {"date": expires})
        return f"{state['token']} ({'; '.join(parts)})"
    if state.get("endpoint"):
        parts = [
            gettext("active") if state.get("active") else gettext("disabled"),
            kind_names(state.get("kinds")),
        ]
        if state.get("secret"):
            parts.append(gettext("new secret"))
        return f"{state['endpoint']} ({'; '.join(parts)})"
    return ""


# The order a change's figures are read in (a stored record's keys come back in the database's
# order: PostgreSQL sorts them).
FIGURES_ORDER = ["quantity", "seats", "credit", "offer", "type", "start", "end", "expires"]


@register.filter
def changes_text(changed: object) -> str:
    """The figures a staff change record keeps (``benefit_figures``, ``subscription_figures``),
    in the reader's language, as text (the CSV export): "quantity 5, expires 2027-06-30"."""
    return _changes(changed, html=False)


@register.filter
def changes_html(changed: object) -> str:
    """The same for the Activity page: escaped, the dates in <time datetime>."""
    return _changes(changed, html=True)


def _changes(changed: object, *, html: bool) -> str:
    if not isinstance(changed, dict) or not changed:
        return "—"

    def say(message: str, **values: object) -> str:
        if not html:
            return message % values
        # Escaped once each: the message, then each value (a <time> is already safe).
        return conditional_escape(message) % {
            name: conditional_escape(str(value)) for name, value in values.items()
        }

    def day(value: str) -> object:
        return iso_as_time(value) if html else value

    offers, types = dict(Offer.choices), dict(BenefitType.choices)
    order = {name: place for place, name in enumerate(FIGURES_ORDER)}
    parts = []
    for name in sorted(changed, key=lambda name: (order.get(name, len(order)), name)):
        value = changed[name]
        if name == "quantity":
            parts.append(say(gettext("quantity %(count)s"), count=value))
        elif name == "seats":
            licenses = ngettext("%(seats)s license", "%(seats)s licenses", value)
            parts.append(say(licenses, seats=value))
        elif name == "credit" and isinstance(value, dict):
            amount = _credit_text(
                value.get("amount"), value.get("currency", ""), value.get("period", "")
            )
            parts.append(say(gettext("credit %(amount)s"), amount=amount))
        elif name == "offer":
            parts.append(say(gettext("offer: %(offer)s"), offer=offers.get(value, value)))
        elif name == "type":
            parts.append(say(gettext("type: %(type)s"), type=types.get(value, value)))
        elif name == "start":
            parts.append(say(gettext("starts %(date)s"), date=day(value)))
        elif name == "end":
            parts.append(say(gettext("ends %(date)s"), date=day(value)))
        elif name == "expires":
            parts.append(say(gettext("expires %(date)s"), date=day(value)))
        else:
            parts.append(say("%(name)s: %(value)s", name=name, value=value))
    joined = ", ".join(parts)
    # Every part was escaped above, piece by piece.
    return mark_safe(joined) if html else joined  # noqa: S308
