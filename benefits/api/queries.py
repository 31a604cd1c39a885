"""Query parameters checked by the screens' own forms: a list's filters accept exactly what
its page accepts, and a refused value is told with the page's message, in the reader's
language (pydantic's messages exist in English only)."""

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from pydantic import Field

from benefits.api.cursor import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from benefits.api.field_errors import CHOICE_EXPECTED
from benefits.api.problems import INVALID, ApiProblem

F = TypeVar("F", bound=forms.Form)

PAGE_SIZE = Field(
    PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX, description="Items a page (at most 100)."
)
CURSOR = Field(
    None,
    max_length=2000,
    description="Where the page starts: leave out for the first page, then follow `next` "
    "or `previous` as given.",
)


def choice(values: list[str], description: str) -> Any:
    """A text parameter documented with its choices; the form checks it."""
    return Field("", description=description, json_schema_extra={"enum": ["", *values]})


def form_valid(form: F) -> F:
    """``form``, once valid; otherwise a 422 problem naming each refused parameter."""
    if form.is_valid():
        return form
    errors = [
        {"field": "query" if name == NON_FIELD_ERRORS else name, "message": message}
        for name, refusals in form.errors.as_data().items()
        for refusal in refusals
        for message in _messages(form.fields.get(name), refusal)
    ]
    raise ApiProblem(422, str(INVALID), errors=errors)


def _messages(field: forms.Field | None, refusal: ValidationError) -> list[str]:
    """The page's messages, but a value outside a fixed list is told the list (the page's
    message names the value sent instead, which a program already has)."""
    fixed = isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField)
    if fixed and refusal.code == "invalid_choice":
        # A fixed list's choices are (value, label) pairs, normalized so by the field.
        choices = cast(Iterable[tuple[object, object]], getattr(field, "choices", []))
        expected = ", ".join(f"'{value}'" for value, _label in choices if value != "")
        return [str(CHOICE_EXPECTED % {"expected": expected})]
    return [str(message) for message in refusal.messages]
