"""The benefits report's figures, written for the reader's language: 1,234 or 1 234."""

from __future__ import annotations

from babel.numbers import format_decimal
from django import template
from django.utils import translation

register = template.Library()


@register.filter
def figure(value: int) -> str:
    """A whole number with the grouping of the active language."""
    locale = translation.to_locale(translation.get_language() or "en")
    return format_decimal(value, locale=locale)
