"""The one-click unsubscribe link of every digest (SPEC 10, RFC 8058).

The link carries a signed token naming the account (``django.core.signing``, a salt of its
own): no sign-in is needed, the signature is the proof. It does not expire — a digest read
months later must still let its reader stop the mails — and it can only turn mails off, which
the reader can undo on the preferences page.

Opening the link (GET) only shows a page with a button: mail scanners follow links, and must not
unsubscribe anyone. The button's POST, or the one-click POST a mail program sends on its own
(``List-Unsubscribe=One-Click``, without a CSRF token: hence ``csrf_exempt``, for this view
only), turns every kind of notification off for the account.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.language import FOLLOW_BROWSER, known_language
from accounts.models import User
from benefits.notifications.models import NoticeKind
from benefits.notifications.preferences import preferences_set

SALT = "benefits.notifications.unsubscribe"
BAD_LINK = _(
    "This unsubscribe link doesn't work: it may have been cut short when it was copied. Open "
    "it again from the e-mail, or sign in and turn notifications off in your notification "
    "preferences."
)


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def unsubscribe_token(*, account_id: int) -> str:
    """The token of the unsubscribe link for the account ``account_id``."""
    return _signer().sign(str(account_id))


def account_by_token(token: str) -> User | None:
    """The account a token names, or None for a forged, damaged or stale one (one query for
    a well-signed token, none otherwise)."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    if not value.isdecimal():
        return None
    return User.objects.filter(pk=int(value)).first()


def notifications_turned_off(*, account: User) -> None:
    """Turn every kind of notification off for ``account`` (its digests stop); its language
    stays as it is."""
    # An unknown code (none can be chosen) is not worth a refused unsubscription: blank.
    language = account.language if known_language(account.language) else FOLLOW_BROWSER
    preferences_set(account=account, muted=NoticeKind.values, language=language)


@csrf_exempt  # the one-click POST of a mail program carries no CSRF token: the token is proof
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    account = account_by_token(token)
    if account is None:
        return render(request, "notifications/unsubscribe.html", {"message": BAD_LINK}, status=404)
    # The page speaks the account's language when it chose one, as its mails do.
    language = account.language if known_language(account.language) else None
    with translation.override(language or translation.get_language()):
        # A digest gets forwarded: whoever holds the link sees the address only half.
        context = {"masked_email": masked_email(account.email)}
        if request.method == "POST":
            notifications_turned_off(account=account)
            return render(request, "notifications/unsubscribed.html", context)
        return render(request, "notifications/unsubscribe.html", context)


def masked_email(address: str) -> str:
    """ "ad…@contoso.example": enough for its owner to recognise, not to learn it."""
    local, _at, domain = address.partition("@")
    return f"{local[:2]}…@{domain}"
