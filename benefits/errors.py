"""Licensing refusals in the reader's language.

``benefits.licensing`` cannot import Django, so its errors carry English templates (marked for
the catalogue) and parameters; this is where they are translated, with the dates and numbers
among their parameters written as the reader's language writes them.
"""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext

from benefits.licensing import LicensingError
from common.dates import date_for_people


def translated(error: LicensingError) -> str:
    return " ".join(
        gettext(template) % {name: _written(value) for name, value in params.items()}
        for template, params in error.messages
    )


def _written(value: object) -> object:
    if isinstance(value, date):
        return date_for_people(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, force_grouping=True)  # 2,147,483,647
    return value
