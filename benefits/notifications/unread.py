"""The top bar's count of unread notices, and the read marks that lower it.

No page pays for the count. It is kept in the pages cache (common/pagecache.py) under the
account, today and its organization's page version, so whatever changes what is due (a benefit,
a key, a subscription, a credit) gives a new key, and so does midnight. A page whose count is in
the cache shows it at the cost of a cache read; otherwise the top bar asks for it after the page
has loaded (htmx, ``notifications:unread``), which works it out and keeps it. Without
JavaScript the link is there, without its number, until the count is kept (visiting
/notifications/ keeps it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import translation

from accounts.models import User
from benefits.notifications.due import Notice
from benefits.notifications.models import NoticeRead
from benefits.notifications.selectors import unread_count
from common.pagecache import TIMEOUT, page_cache, page_key

KEY = "notifications-unread"


def _key(account: User, today: date) -> str:
    if account.organization_id is None:  # the benefits gate lets none through
        raise ValueError("An account without an organization has no notices.")
    return page_key(account.organization_id, KEY, account.pk, today.isoformat())


def count_keys(*, account: User, today: date) -> list[str]:
    """The count's keys in every language (a page key names its language), as of now."""
    keys = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.append(_key(account, today))
    return keys


def cached_unread_count(*, account: User, today: date) -> int | None:
    """The count when the cache holds it, else None; no query."""
    count = page_cache().get(_key(account, today))
    return count if isinstance(count, int) else None


def unread_count_kept(*, account: User, today: date) -> int:
    """The count worked out afresh, and kept for the next pages."""
    key = _key(account, today)  # before the read: a copy older than its version can't be kept
    count = unread_count(account=account, today=today)
    page_cache().set(key, count, TIMEOUT)
    return count


@transaction.atomic
def notices_mark_read(*, account: User, notices: Iterable[Notice], count_keys: list[str]) -> None:
    """Mark ``notices`` read for the account in one statement (marks it has already are left as
    they are) and, once that commits, keep its count at 0 under ``count_keys``. The caller took
    those keys before reading what is due, and passes every notice of it still unread: for that
    data the count is now 0, and a change made since has given the count a new key."""
    marks = [
        NoticeRead(
            account=account,
            kind=notice.kind,
            object_id=notice.object_id,
            ends_on=notice.ends_on,
            threshold=notice.threshold,
        )
        for notice in notices
    ]
    if marks:
        NoticeRead.objects.bulk_create(marks, ignore_conflicts=True)
    # robust: a cache that fails must not turn the committed marks into an error page.
    transaction.on_commit(
        lambda: page_cache().set_many(dict.fromkeys(count_keys, 0), TIMEOUT), robust=True
    )
