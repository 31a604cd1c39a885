"""What an account is shown about its organization's notices: each one due today, and whether
the account has read it on /notifications/ (the top bar counts those it has not)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from accounts.models import User
from benefits.notifications.due import Notice, notices_due
from benefits.notifications.models import NoticeKind, NoticeRead


@dataclass(frozen=True)
class ShownNotice:
    """A notice as one account reads it on ``today``."""

    notice: Notice
    unread: bool
    days_left: int

    @property
    def kind_label(self) -> str:
        return str(NoticeKind(self.notice.kind).label)


def _read(account: User, notices: Sequence[Notice]) -> set[tuple[str, int, date, int]]:
    """Which of ``notices`` the account has read: one query, none when nothing is due."""
    if not notices:
        return set()
    # By the objects the notices are about: only the marks that can match, however many the
    # account has gathered over the years.
    marks = NoticeRead.objects.filter(
        account=account, object_id__in=sorted({notice.object_id for notice in notices})
    ).values_list("kind", "object_id", "ends_on", "threshold")
    return set(marks)


def notices_with_read_state(*, account: User, today: date) -> list[ShownNotice]:
    """The notices due for the account's organization on ``today``, newest first, each with
    whether the account has read it: five queries whatever the organization holds."""
    if account.organization_id is None:
        return []
    notices = notices_due(organization_id=account.organization_id, today=today)
    read = _read(account, notices)
    return [
        ShownNotice(
            notice=notice,
            unread=notice.identity not in read,
            days_left=(notice.ends_on - today).days,
        )
        for notice in notices
    ]


def unread_count(*, account: User, today: date) -> int:
    """How many of the notices due on ``today`` the account has not read."""
    return sum(shown.unread for shown in notices_with_read_state(account=account, today=today))
