"""How django-allauth fits the portal: no self-service sign-up, the client address from the
portal's trusted proxies, the portal's wording for a failed sign-in, and mails in the
recipient's language after commit, through accounts.mail like every other mail."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import mail
from accounts.language import known_language
from accounts.mfa import recently_authenticated
from common.client_address import client_address

INVALID_LOGIN = _(
    "That e-mail address and password don't match an account. Check both and try again; "
    "after 10 failed attempts sign-in is locked for 15 minutes."
)


class AccountAdapter(DefaultAccountAdapter):
    # A deactivated account gets the same answer as a wrong password: no hint that it exists.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": INVALID_LOGIN,
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from staff or from a Team invitation.
        return False

    def respond_user_inactive(self, request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
        # Said in place of the sign-in, only after the right password: no page of its own.
        return render(request, "account/account_inactive.html", status=403)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """The message in the account's language, as the page that shows it will be: at sign-in
        the account is found after the middleware chose the browser's language."""
        arguments = (request, level, message_template, message_context, extra_tags, message)
        language = getattr(request.user, "language", "")
        if not known_language(language):  # blank: the browser's, which is active already
            super().add_message(*arguments)
            return
        with translation.override(language):
            super().add_message(*arguments)

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)

    # Two-step verification: an account with a second factor re-authenticates with it, never
    # with its password alone; the 15-minute window follows accounts/mfa.py.
    def get_reauthentication_methods(self, user: AbstractBaseUser | AnonymousUser) -> list[dict]:
        methods = super().get_reauthentication_methods(user)
        second_factor = [m for m in methods if m["id"].startswith("mfa_reauthenticate")]
        return second_factor or methods

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        request = allauth_context.request
        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not (request is not None and recently_authenticated(request))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mails follow the portal's one convention: ``account/email/<name>`` is
        ``templates/mail/<name>_subject.txt``, ``.txt`` and ``.html``, in the account's
        language, sent after commit. The request stays out: it is gone by then. An account that
        chose no language gets the language of the request that caused the mail (the browser
        that asked for a password reset), not the portal's default."""
        user = context.get("user")
        mail.send_mail(
            template=template_prefix.rsplit("/", 1)[-1],
            context={
                **{key: value for key, value in context.items() if key != "request"},
                "email": email,
                "link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            },
            language=getattr(user, "language", None) or translation.get_language(),
            to=email,
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        # The portal's public address (PORTAL_BASE_URL), as in every mail, never the Host
        # header of the request that asked for the reset.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return mail.absolute_url(path.replace("UID-KEY", quote(key)))
