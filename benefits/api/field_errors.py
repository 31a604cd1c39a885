"""The fields a request got wrong, as ``errors`` of a 422 problem: pydantic's errors named by
field and told in the words of Django's own forms and validators, which speak the reader's
language (pydantic's messages exist in English only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from benefits.api.fields import WORDED_BY_SCHEMA

IDEMPOTENCY_KEY_MISSING = _(
    "Send an Idempotency-Key header with every write: a new UUID, say, for each change."
)
BODY_MISSING = _("Send the fields as a JSON object, with Content-Type: application/json.")
UNKNOWN_FIELD = _(
    "This request has no such field: check its name against the API's schema (/api/v1/docs)."
)
IDEMPOTENCY_KEY_INVALID = _("Use 1 to 64 printable ASCII characters, without spaces: a UUID, say.")
CHOICE_EXPECTED = _("Choose one of: %(expected)s.")
TEXT_EXPECTED = _("Enter text: a JSON string, in quotes.")
TEXT_TOO_SHORT = ngettext_lazy(
    "Enter at least %(limit)d character.", "Enter at least %(limit)d characters.", "limit"
)
TEXT_TOO_LONG = ngettext_lazy(
    "Enter at most %(limit)d character.", "Enter at most %(limit)d characters.", "limit"
)


def request_errors(raw: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """pydantic's errors as field names (the last part of the location) and messages."""
    fields = []
    for item in raw:
        location = [
            str(part)
            for part in item.get("loc", ())
            if part not in {"body", "payload", "query", "header", "path"}
        ]
        field = ".".join(location[-2:]) or "body"
        message = BODY_MISSING if field == "body" and item.get("type") == "missing" else None
        fields.append({"field": field, "message": str(message or _message(item))})
    return fields


def _message(item: dict[str, Any]) -> str:
    """A pydantic error in the words of Django's own forms and validators, which speak the
    reader's language (pydantic's messages exist in English only)."""
    kind, context = item.get("type", ""), item.get("ctx") or {}
    field = str(item.get("loc", ("",))[-1])
    if kind == WORDED_BY_SCHEMA:
        return str(context["message"])
    if kind == "string_pattern_mismatch" and field == "Idempotency-Key":  # its only pattern
        return str(IDEMPOTENCY_KEY_INVALID)
    if kind == "missing" and field == "Idempotency-Key":
        return str(IDEMPOTENCY_KEY_MISSING)
    if kind == "extra_forbidden":
        return str(UNKNOWN_FIELD)
    if kind == "string_type":
        return str(TEXT_EXPECTED)
    if kind == "missing":
        return str(forms.Field.default_error_messages["required"])
    if kind.startswith("int_"):
        return str(forms.IntegerField.default_error_messages["invalid"])
    if kind.startswith("date"):
        return str(forms.DateField.default_error_messages["invalid"])
    # ninja leaves out the value given, so these say what is expected only (Django's own
    # messages name the value sent).
    if kind in {"enum", "literal_error"}:
        # pydantic lists the values as "'a', 'b' or 'c'": its English "or" becomes a comma.
        expected = str(context.get("expected", "")).replace(" or ", ", ")
        return str(CHOICE_EXPECTED % {"expected": expected})
    if kind == "string_too_long":
        limit = context.get("max_length", 0)
        return str(TEXT_TOO_LONG % {"limit": limit})
    if kind == "string_too_short":
        limit = context.get("min_length", 0)
        return str(TEXT_TOO_SHORT % {"limit": limit})
    if kind in {"less_than_equal", "less_than"}:
        return str(validators.MaxValueValidator.message) % {
            "limit_value": context.get("le", context.get("lt"))
        }
    if kind in {"greater_than_equal", "greater_than"}:
        return str(validators.MinValueValidator.message) % {
            "limit_value": context.get("ge", context.get("gt"))
        }
    return str(validators.RegexValidator.message)
