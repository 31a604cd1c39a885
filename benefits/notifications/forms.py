"""The notification preferences form: one box per kind of notice (checked = sent), and the
language of the account's e-mails."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundWidget
from django.utils.translation import gettext_lazy as _

from accounts.language import FOLLOW_BROWSER
from benefits.notifications.models import NoticeKind
from benefits.notifications.preferences import kinds_checked
from common.forms import BootstrapFormMixin

# When each kind is due (SPEC 10), said beside its box.
KIND_HELP = {
    NoticeKind.BENEFIT_EXPIRING: _("30 days before a benefit expires, and again at 7 days."),
    NoticeKind.KEYS_UNREDEEMED: _(
        "When a license-based benefit with keys not yet redeemed expires within 60 days."
    ),
    NoticeKind.SUBSCRIPTION_ENDING: _(
        "60 days before an active subscription ends, and again at 14 days."
    ),
    NoticeKind.CREDIT_SEATS_FREE: _(
        "When an Azure credit benefit with seats nobody holds expires within 60 days."
    ),
}


# Blank follows the browser for the pages; mails then use the portal's default language.
FOLLOW_BROWSER_LABELS = {
    "en": _("The browser’s language (e-mails in English)"),
    "fr": _("The browser’s language (e-mails in French)"),
}


def language_choices() -> list[tuple[str, str]]:
    follow = FOLLOW_BROWSER_LABELS.get(settings.LANGUAGE_CODE, _("The browser’s language"))
    return [(FOLLOW_BROWSER, str(follow))] + [
        (code, str(name)) for code, name in settings.LANGUAGES
    ]


class KindsField(forms.MultipleChoiceField):
    """Check boxes of the kinds; an unknown code gets a message naming it."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=NoticeKind.choices, required=False, **kwargs)

    def validate(self, value: Any) -> None:
        # The service's rule and message, naming every unknown code at once.
        kinds_checked(value)


class NotificationPreferencesForm(BootstrapFormMixin, forms.Form):
    kinds = KindsField(label=_("E-mail me about"))
    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        choices=language_choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("The portal’s pages use it too, as the language switch at the top does."),
    )

    def __init__(self, *args: Any, with_kinds: bool, **kwargs: Any) -> None:
        """``with_kinds``: the account is sent digests (a benefits role); else only the
        language is asked."""
        super().__init__(*args, **kwargs)
        if not with_kinds:
            del self.fields["kinds"]

    def kind_boxes(self) -> list[tuple[BoundWidget, str]]:
        """Each kind's box with when that kind is due."""
        return [(box, str(KIND_HELP[box.data["value"]])) for box in self["kinds"]]

    def muted(self) -> list[str] | None:
        """The kinds left unchecked, or None when the form doesn't ask for them."""
        if "kinds" not in self.fields:
            return None
        sent = set(self.cleaned_data["kinds"])
        return [kind for kind in NoticeKind.values if kind not in sent]
