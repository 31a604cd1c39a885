"""The Team page's forms: invite, change roles, and the invitee's password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.forms import PASSWORD_MAX_LENGTH
from accounts.models import Role, User
from accounts.team import roles_checked
from common.forms import BootstrapFormMixin, CheckedByServiceChoiceField


class RolesField(forms.MultipleChoiceField):
    """Check boxes of the roles; an unknown or repeated code gets a message naming it."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Roles"))
        super().__init__(choices=Role.choices, required=False, **kwargs)

    def validate(self, value: Any) -> None:
        # Django's own check names one unknown code at a time and lets repeats through.
        roles_checked(list(value))


ONE_ADDRESS = _(
    "Enter one e-mail address: each person gets an invitation of their own, so invite them one "
    "at a time."
)


class OneEmailField(forms.EmailField):
    """An address; several pasted at once (a list from a mail) are told apart from a typo."""

    def clean(self, value: Any) -> Any:
        if str(value or "").count("@") > 1:
            raise ValidationError(ONE_ADDRESS, code="several")
        return super().clean(value)


class InviteForm(BootstrapFormMixin, forms.Form):
    email = OneEmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    roles = RolesField()
    language = CheckedByServiceChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("The invitation e-mail is written in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"language": translation.get_language() or "en"})
        super().__init__(*args, **kwargs)
        if self.initial.get("language") not in dict(settings.LANGUAGES):
            self.initial["language"] = settings.LANGUAGE_CODE


class RolesForm(BootstrapFormMixin, forms.Form):
    roles = RolesField()


class AcceptInvitationForm(BootstrapFormMixin, SetPasswordMixin, forms.Form):
    """The invitee's password, checked by Django's validators against the new account."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password (again)")
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = User(email=email)
        for field in self.fields.values():  # copies of the class's fields: safe to extend
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_passwords()
        self.validate_password_for_user(self.account)
        return cleaned

    def password(self) -> str:
        value = self.cleaned_data.get("password1")
        if not isinstance(value, str):
            raise ValidationError(_("Enter a password."))
        return value
