"""Query parameters checked by the screens' own forms: a list's filters accept exactly what
its page accepts, and a refused value is told with the page's message, in the reader's
language (pydantic's messages exist in English only)."""

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from pydantic import Field

from benefits.api.cursor import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
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
        {"field": "query" if name == NON_FIELD_ERRORS else name, "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
    raise ApiProblem(422, str(INVALID), errors=errors)
