"""Licensing refusals in the reader's language.

``benefits.licensing`` cannot import Django, so its errors carry English templates (marked for
the catalogue) and parameters; this is where they are translated.
"""

from __future__ import annotations

from django.utils.translation import gettext

from benefits.licensing import LicensingError


def translated(error: LicensingError) -> str:
    return " ".join(gettext(template) % params for template, params in error.messages)
