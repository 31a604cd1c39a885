"""The code forms of two-step verification, at sign-in and at re-authentication, with the
portal's lock instead of allauth's: 10 wrong codes per account in 15 minutes, then every code —
the right one too — is refused with a message saying when to try again (common.ratelimit, the
same counter shape as product keys and passwords). allauth's own counter would lock after 5
and say only "later"."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as BaseAuthenticateForm
from allauth.mfa.base.forms import BaseAuthenticateForm as AllauthCodeForm
from allauth.mfa.base.forms import ReauthenticateForm as BaseReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as BaseActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm as BaseAddWebAuthnForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from common import ratelimit

SCOPE = "mfa-code"
PAUSED_MESSAGE = _(
    "Code checks are paused for a moment. You are not signed in yet. Try again in a few minutes."
)


def locked_message(minutes: int) -> str:
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class RateLimitedCodeMixin(AllauthCodeForm):
    """Goes before allauth's sign-in or re-authentication form: the portal's counter wraps
    allauth's own code check, whatever that check becomes in later versions."""

    user: User  # set by allauth's form from its "user" argument

    def clean_code(self) -> str:
        try:
            minutes = ratelimit.attempt(self.user.pk, SCOPE)
        except ratelimit.Unavailable:
            raise ValidationError(PAUSED_MESSAGE, code="paused") from None
        if minutes:
            raise ValidationError(locked_message(minutes), code="locked")
        # allauth's own check (the app's code or an unused recovery code) and its failure
        # signal; its counter is off (ACCOUNT_RATE_LIMITS "login_failed"), the portal's counts.
        code = super().clean_code()
        ratelimit.succeeded(self.user.pk, SCOPE)
        return code


class AuthenticateForm(RateLimitedCodeMixin, BaseAuthenticateForm):
    pass


class ReauthenticateForm(RateLimitedCodeMixin, BaseReauthenticateForm):
    pass


# Enrolling proves the new factor (a code from the app, a passkey's signature): the session
# counts as having used its second factor now, so the recovery codes shown next, or turning it
# off again at once, don't ask for it a second time (accounts.mfa.second_factor_recently).


class ActivateTOTPForm(BaseActivateTOTPForm):
    def clean_code(self) -> str:
        code = super().clean_code()
        record_authentication(context.request, self.user, "mfa", type="totp", enrolled=True)
        return code


class AddWebAuthnForm(BaseAddWebAuthnForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # allauth's field has no label: Django would print its name, "Name", in every language.
        self.fields["name"].label = _("Key name")

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if cleaned_data.get("credential") and not self.errors:
            record_authentication(context.request, self.user, "mfa", type="webauthn", enrolled=True)
        return cleaned_data
