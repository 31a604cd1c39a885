"""Dates as people read them, in the active language: Django's DATE_FORMAT, except that French
writes the first of a month « 1er » (« le 1er décembre 2026 », never « le 1 décembre »), which no
date format can say. Every date the portal writes for a person goes through here."""

from __future__ import annotations

from datetime import date

from django.utils import formats, translation


def date_for_people(value: date) -> str:
    written = formats.date_format(value)
    if value.day == 1 and (translation.get_language() or "").startswith("fr"):
        return written.replace("1", "1er", 1)  # "j F Y": the day comes first
    return written
