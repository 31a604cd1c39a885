"""The code forms of two-step verification, at sign-in and at re-authentication, with the
portal's lock instead of allauth's: 10 wrong codes per account in 15 minutes, then every code —
the right one too — is refused with a message saying when to try again (common.ratelimit, the
same counter shape as product keys and passwords). allauth's own counter would lock after 5
and say only "later"."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa import signals
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm as BaseAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as BaseReauthenticateForm
from allauth.mfa.models import Authenticator
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


class RateLimitedCodeMixin:
    user: User  # set by allauth's form from its "user" argument
    cleaned_data: dict

    def clean_code(self) -> str:
        try:
            minutes = ratelimit.attempt(self.user.pk, SCOPE)
        except ratelimit.Unavailable:
            raise ValidationError(PAUSED_MESSAGE, code="paused") from None
        if minutes:
            raise ValidationError(locked_message(minutes), code="locked")
        code = self.cleaned_data["code"]
        main: Authenticator | None = None
        # As allauth's form: the app's code or an unused recovery code; passkeys take no code.
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(
            type=Authenticator.Type.WEBAUTHN
        ):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.wrap().validate_code(code):
                authenticator.user = self.user
                self.authenticator = authenticator
                ratelimit.succeeded(self.user.pk, SCOPE)
                return code
        if main is not None:
            signals.authentication_failed.send(
                sender=Authenticator,
                request=context.request,
                user=self.user,
                authenticator=main,
                reauthentication=isinstance(self, ReauthenticateForm),
            )
        raise get_adapter().validation_error("incorrect_code")


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
    def clean(self) -> dict:
        cleaned_data = super().clean()
        if cleaned_data.get("credential") and not self.errors:
            record_authentication(context.request, self.user, "mfa", type="webauthn", enrolled=True)
        return cleaned_data
