"""Sign-in by e-mail address and password, and the password reset forms."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm, ResetPasswordForm, ResetPasswordKeyForm
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin

# Hashing is deliberately slow, so an oversized password would be a cheap way to load the server.
PASSWORD_MAX_LENGTH = 1024


class PortalLoginForm(BootstrapFormMixin, LoginForm):
    """allauth's sign-in (so its later stages, such as the second factor, run) with the
    portal's labels, autocomplete hints and length limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.EmailField(
            label=_("E-mail address"),
            max_length=254,
            widget=forms.EmailInput(
                attrs={"class": "form-control", "autofocus": True, "autocomplete": "username"}
            ),
        )
        self.fields["password"] = forms.CharField(
            label=_("Password"),
            strip=False,
            max_length=PASSWORD_MAX_LENGTH,
            widget=forms.PasswordInput(
                attrs={"class": "form-control", "autocomplete": "current-password"}
            ),
        )
        self.order_fields(["login", "password"])

    def clean_login(self) -> str:
        return self.cleaned_data["login"].strip().lower()


class PortalResetPasswordForm(ResetPasswordForm):
    """The reset request: one e-mail address of at most 254 characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = _("E-mail address")
        field.validators.append(MaxLengthValidator(254))
        field.widget.attrs.update({"autocomplete": "username", "autofocus": True})
        field.widget.attrs.pop("placeholder", None)


class PortalResetPasswordKeyForm(ResetPasswordKeyForm):
    """The new password, checked by Django's validators (allauth's adapter), bounded as at
    sign-in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password again")
        for field in self.fields.values():  # copies of the class's fields: safe to extend
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs.pop("placeholder", None)


class BoundedPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """Django's password change, with the same length limit as sign-in on every field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # copies of the class's fields: safe to extend
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["class"] = "form-control"
