"""The digest tests' day and what they read back (their organization, benefit and admin are
this folder's fixtures, conftest.py)."""

from __future__ import annotations

from datetime import date

from benefits.notifications.models import NoticeKind, NoticeSent

TODAY = date(2026, 11, 30)
BASE = "https://benefits.example.com"
EXPIRING, UNREDEEMED = NoticeKind.BENEFIT_EXPIRING, NoticeKind.KEYS_UNREDEEMED


def told(account) -> set[tuple[str, int, int]]:
    return set(
        NoticeSent.objects.filter(account=account).values_list("kind", "object_id", "threshold")
    )
