"""Licensing refusals in the reader's language.

``benefits.licensing`` cannot import Django, so its errors carry English templates (marked for
the catalogue) and parameters; this is where they are translated, and dates among the
parameters written as the reader's language writes them.
"""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext

from benefits.licensing import LicensingError


def translated(error: LicensingError) -> str:
    return " ".join(
        gettext(template) % {name: _written(value) for name, value in params.items()}
        for template, params in error.messages
    )


def _written(value: object) -> object:
    return formats.date_format(value) if isinstance(value, date) else value
