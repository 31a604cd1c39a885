"""Sign-in by e-mail address and password."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin

# Hashing is deliberately slow, so an oversized password would be a cheap way to load the server.
PASSWORD_MAX_LENGTH = 1024


class EmailAuthenticationForm(BootstrapFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"class": "form-control", "autofocus": True, "autocomplete": "username"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That e-mail address and password don't match an account. Check both and try again; "
            "after 10 failed attempts sign-in is locked for 15 minutes."
        ),
        "inactive": _("This account is deactivated. Ask your organization's global admin."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class BoundedPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """Django's password change, with the same length limit as sign-in on every field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # copies of the class's fields: safe to extend
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["class"] = "form-control"
