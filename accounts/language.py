"""The account's language: chosen in the top bar's language switch, it is kept on the account
(``User.language``) so that every page and every mail to the account uses it, whatever the
browser asks for. Blank: the account follows the browser (cookie, then Accept-Language), as
anonymous visitors always do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views import i18n

from accounts.models import User

# The switch's value for "follow the browser again" (the account's language left blank).
FOLLOW_BROWSER = ""


def known_language(code: str) -> bool:
    return code in {language for language, _name in settings.LANGUAGES}


def account_language_set(*, user: User, language: str) -> None:
    """Keep ``language`` (a code of LANGUAGES, or blank to follow the browser) on the account.
    An unknown code changes nothing."""
    if language != FOLLOW_BROWSER and not known_language(language):
        return
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the cookie, the way back to the page), which also keeps the
    choice on a signed-in account."""
    response = i18n.set_language(request)
    user = request.user  # an anonymous visitor is not a User
    if request.method != "POST" or not isinstance(user, User) or "language" not in request.POST:
        return response
    language = request.POST["language"]
    account_language_set(user=user, language=language)
    if language == FOLLOW_BROWSER:
        language_cookie_forget(response)
    return response


def language_cookie_forget(response: HttpResponse) -> None:
    """Drop the language cookie: an earlier choice's would outvote the browser's
    Accept-Language once the account follows the browser again."""
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@cache  # worked out once: the middleware asks on every request
def _healthz_path() -> str:
    return reverse("healthz")


class AccountLanguageMiddleware:
    """For a signed-in account with a language, that language, whatever the browser asks for.
    After LocaleMiddleware (which chose the browser's) and AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == _healthz_path():
            # Probed by load balancers, and by clients that carry a session cookie: reading the
            # account here would cost a session read and a query on every probe.
            return self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language and known_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
