"""The top bar's notifications link for accounts with a benefits role (templates/_base.html)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from benefits.notifications.unread import cached_unread_count


@dataclass(frozen=True)
class UnreadBadge:
    """``count`` of unread notices, or None when the cache doesn't hold it yet (the top bar then
    asks for it once the page has loaded)."""

    count: int | None


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_benefits_access:
        return {}
    # Read when the top bar is rendered, not for the fragments htmx swaps in: those pay nothing.
    badge = SimpleLazyObject(
        lambda: UnreadBadge(cached_unread_count(account=user, today=timezone.localdate()))
    )
    return {"notifications_badge": badge}
