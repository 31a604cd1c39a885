"""The redemption wizard's forms: Choose (what to do, with which subscription or tenant) and
Key (the product key typed)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts.models import Tenant
from benefits.services.redemption import (
    KEY_FAR_TOO_LONG,
    KEY_INPUT_MAX_LENGTH,
    NO_SUBSCRIPTION,
    Action,
    key_well_formed,
)
from common.forms import BootstrapBoundField, GroupedLongSelect, ReadyChoices

# A choice the form no longer offers: a page open since the subscription ended, or an address
# changed by hand. Django's own message would show the id.
SUBSCRIPTION_NOT_OFFERED = _(
    "This subscription isn't one of your organization's Active subscriptions (it may have ended "
    "since the page opened). Choose another, or Activate the key as a new subscription."
)
ACTION_REQUIRED = _(
    "Choose what to do with the key: activate a new subscription, extend an end date or add "
    "licenses."
)
TENANT_NOT_OFFERED = _("This tenant isn't one of your organization's. Choose one from the list.")


class RedeemChooseForm(forms.Form):
    bound_field_class = BootstrapBoundField

    action = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=Action.choices,
        error_messages={"required": ACTION_REQUIRED},
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    subscription = forms.TypedChoiceField(
        label=_("Subscription"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For Extend the end date and Add licenses."),
        error_messages={"invalid_choice": SUBSCRIPTION_NOT_OFFERED},
        widget=GroupedLongSelect(attrs={"class": "form-select"}),
    )
    tenant = forms.TypedChoiceField(
        label=_("Tenant"),
        coerce=int,
        help_text=_(
            "For Activate: the tenant the new subscription goes to. Check it: a key can't be "
            "moved afterwards."
        ),
        error_messages={"invalid_choice": TENANT_NOT_OFFERED},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self,
        *args,
        subscriptions: Iterable[tuple[int, str, str, int]],
        tenants: Iterable[Tenant],
        **kwargs,
    ) -> None:
        """``subscriptions``: (id, product name, tenant domain, seats) of each Active one, in
        the order of their tenants' domains; plain values, as an organization may have
        hundreds. Each is offered under its tenant's domain: the tenant is what people most
        often get wrong (SPEC 4)."""
        super().__init__(*args, **kwargs)
        subscriptions = list(subscriptions)
        # One translation per number of licenses, not one per subscription.
        labels = {seats: _licensed(seats) for seats in {row[3] for row in subscriptions}}
        cast(forms.ChoiceField, self.fields["subscription"]).choices = ReadyChoices(
            [
                ("", _("Choose an Active subscription")),
                *(
                    (
                        domain,
                        [
                            (pk, labels[seats] % {"product": product, "count": seats})
                            for pk, product, _domain, seats in rows
                        ],
                    )
                    for domain, rows in groupby(subscriptions, key=itemgetter(2))
                ),
            ]
        )
        cast(forms.ChoiceField, self.fields["tenant"]).choices = [
            (t.pk, f"{t.display_name} — {t.primary_domain}") for t in tenants
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chose_none = not data.get("subscription") and "subscription" not in self.errors
        if data.get("action") in {Action.EXTEND, Action.ADD} and chose_none:
            # One refused already says what to do; "choose one" would deny it was chosen.
            self.add_error("subscription", NO_SUBSCRIPTION)
        return data


def _licensed(seats: int) -> str:
    """A subscription's label, with ``%(product)s`` and ``%(count)d`` left to fill in."""
    return ngettext("%(product)s — %(count)d license", "%(product)s — %(count)d licenses", seats)


class RedeemKeyForm(forms.Form):
    bound_field_class = BootstrapBoundField

    key = forms.CharField(
        label=_("Product key"),
        max_length=KEY_INPUT_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "class": "form-control pb-key-input",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "autofocus": True,
            }
        ),
        help_text=_("25 characters, as 5 groups of 5 (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)."),
        error_messages={
            "max_length": KEY_FAR_TOO_LONG,
            "required": _(
                "Enter a product key: 25 characters, shown as 5 groups of 5 "
                "(XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)."
            ),
        },
    )

    @sensitive_variables()  # the typed key
    def clean_key(self) -> str:
        """The key in its canonical form. One of the wrong shape is refused here, before the Key
        step counts a guess: no key has that shape (redemption.key_well_formed)."""
        return key_well_formed(self.cleaned_data["key"])
