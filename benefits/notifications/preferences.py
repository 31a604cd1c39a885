"""An account's notification preferences: which kinds of notice its digests carry, and the
language of its e-mails (SPEC 10).

The kinds are kept as the list of those turned *off* (``NotificationPreferences.muted``), so an
account without a row, and a kind added later, are sent. The language is the account's own
(``User.language``, accounts/language.py): the portal's pages and every mail to the account use
it, and blank follows the browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.language import FOLLOW_BROWSER, account_language_set, known_language
from accounts.models import User
from benefits.notifications.models import NoticeKind, NotificationPreferences
from common.text import as_sent_list

UNKNOWN_KINDS = _("Unknown kinds of notification: %(kinds)s. Choose among the kinds listed.")
UNKNOWN_LANGUAGE = _("Unknown language: %(language)s. Choose among the languages listed.")


def kinds_checked(kinds: Iterable[object]) -> list[str]:
    """The kinds given, each a NoticeKind code, once each and in NoticeKind's order. Raises
    ValidationError naming the codes that are not kinds."""
    given = list(kinds)
    unknown = sorted({str(kind) for kind in given if kind not in NoticeKind.values})
    if unknown:
        raise ValidationError(
            UNKNOWN_KINDS, code="unknown_kinds", params={"kinds": as_sent_list(unknown)}
        )
    return [kind for kind in NoticeKind.values if kind in given]


def muted_kinds(account: User) -> set[str]:
    """The kinds the account has turned off (none without a row): one query."""
    muted = (
        NotificationPreferences.objects.filter(account=account)
        .values_list("muted", flat=True)
        .first()
    )
    return set(muted or ())


@transaction.atomic
def preferences_set(
    *, account: User, muted: Iterable[str] | None, language: str
) -> NotificationPreferences | None:
    """Turn off the kinds ``muted`` (every other kind on) and set the language of the
    account's e-mails, together or not at all. ``muted=None`` leaves the kinds as they are
    (an account without a benefits role, which is sent no digest, sets only its language).
    Raises ValidationError for a code that is not a kind or a language that is not offered."""
    if language != FOLLOW_BROWSER and not known_language(language):
        raise ValidationError(
            UNKNOWN_LANGUAGE, code="unknown_language", params={"language": language}
        )
    preferences = None
    if muted is not None:
        preferences, _created = NotificationPreferences.objects.update_or_create(
            account=account, defaults={"muted": kinds_checked(muted)}
        )
    account_language_set(user=account, language=language)
    return preferences
