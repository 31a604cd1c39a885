"""The endpoint form (URL and kinds) and the kinds-only form of an endpoint's page; the rules
and their messages are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.models import Activity
from benefits.webhooks.services import kinds_checked, url_checked
from common.forms import BootstrapFormMixin


class KindsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Activity.Kind.choices, required=False, **kwargs)

    def validate(self, value: Any) -> None:
        kinds_checked(value)


class KindsForm(BootstrapFormMixin, forms.Form):
    kinds = KindsField(label=_("Activity to send"))


class EndpointForm(KindsForm):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=2000,
        help_text=_("Where each event is POSTed, as JSON signed per Standard Webhooks."),
        widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://"}),
    )

    field_order = ["url", "kinds"]

    def clean_url(self) -> str:
        return url_checked(self.cleaned_data["url"])
