"""/notifications/ (what is due, for the benefits roles), the top bar's unread count, and
/account/notifications/ (each account's notification preferences)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.language import FOLLOW_BROWSER, language_cookie_forget
from accounts.permissions import PortalRequest, SignedInRequest, benefits_access_required
from benefits.notifications import selectors, unread
from benefits.notifications.forms import NotificationPreferencesForm
from benefits.notifications.models import NoticeKind
from benefits.notifications.preferences import muted_kinds, preferences_set

SAVED = _("Your notification preferences are saved.")


@require_safe
@benefits_access_required
def notification_list(request: PortalRequest) -> HttpResponse:
    """Viewing the page marks what it shows read: a write on GET, on purpose. "Seen" is what
    the top bar counts, and a person who has seen the list has seen it whichever way they came;
    the write is one INSERT of the marks missing (none when everything shown was read), it
    changes nothing anyone else sees, and repeating it changes nothing."""
    today = timezone.localdate()
    keys = unread.count_keys(account=request.user, today=today)  # before the notices are read
    shown = selectors.notices_with_read_state(account=request.user, today=today)
    if request.method == "GET":  # a HEAD (a link checker) has seen nothing
        unread.notices_mark_read(
            account=request.user,
            notices=[item.notice for item in shown if item.unread],
            count_keys=keys,
        )
    return render(request, "notifications/list.html", {"shown": shown, "kinds": NoticeKind})


@require_safe
@never_cache
@benefits_access_required
def unread_count(request: PortalRequest) -> HttpResponse:
    """The top bar's number, asked for after a page whose count the cache didn't hold."""
    count = unread.unread_count_kept(account=request.user, today=timezone.localdate())
    return render(request, "notifications/_unread_count.html", {"count": count})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request: SignedInRequest) -> HttpResponse:
    """Any signed-in account sets the language of its e-mails; the kinds are asked of the
    benefits roles only, the accounts that digests go to."""
    account = request.user
    with_kinds = account.has_benefits_access
    if request.method != "POST":
        initial: dict[str, object] = {"language": account.language}
        if with_kinds:
            initial["kinds"] = [k for k in NoticeKind.values if k not in muted_kinds(account)]
        form = NotificationPreferencesForm(initial=initial, with_kinds=with_kinds)
    else:
        form = NotificationPreferencesForm(request.POST, with_kinds=with_kinds)
        if form.is_valid():
            language = form.cleaned_data["language"]
            try:
                preferences_set(account=account, muted=form.muted(), language=language)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                return _saved(request, language)
    return render(request, "notifications/preferences.html", {"form": form})


def _saved(request: SignedInRequest, language: str) -> HttpResponse:
    # Said in the language just chosen: the next page is in it.
    with translation.override(language or translation.get_language()):
        messages.success(request, str(SAVED))
    response = redirect("notifications:preferences")
    if language == FOLLOW_BROWSER:
        language_cookie_forget(response)  # as the top bar's "Browser" does
    return response
