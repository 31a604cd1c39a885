"""The API tokens page's form (/team/tokens/): a name, the scopes, an optional expiry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.api_tokens import EXPIRES_DAYS_MAX, NAME_MAX_LENGTH
from accounts.models import Scope
from common.forms import BootstrapFormMixin, CheckedByServiceMultipleChoiceField

# Which field a refusal of api_token_create belongs to, by its code; others go on top.
ERROR_FIELDS = {
    "name_required": "name",
    "name_too_long": "name",
    "name_taken": "name",
    "scopes_required": "scopes",
    "unknown_scopes": "scopes",
    "expires_days": "expires_days",
}


class ApiTokenForm(BootstrapFormMixin, forms.Form):
    # Not required here: the service's messages say more than "This field is required."
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("What the token is for, e.g. the system that uses it."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    # Codes the form doesn't offer (a form changed by hand, a script) are left to
    # api_token_create, whose message names every one and the known ones.
    scopes = CheckedByServiceMultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        # The range is the service's to check: its message names it (the browser's check
        # is a convenience, not the rule).
        help_text=_("From 1 to 3650 days. Leave empty for a token that does not expire."),
        widget=forms.NumberInput(
            attrs={"class": "form-control", "min": 1, "max": EXPIRES_DAYS_MAX, "step": 1}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_help = Scope.help_texts()

    def add_refusal(self, refusal: ValidationError) -> None:
        """Put each message of the service's refusal under the field it is about."""
        for error in refusal.error_list:
            self.add_error(ERROR_FIELDS.get(error.code or ""), error)
