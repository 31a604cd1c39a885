"""Sign-in by e-mail address, case-insensitively, with the organization loaded alongside."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User


class EmailBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        # The organization is on every page's top bar: fetch it with the account, one query.
        try:
            user = User.objects.select_related("organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account part of the lockout key: the e-mail as typed, trimmed and lower-cased, so
    "Admin@Contoso.example " and "admin@contoso.example" count as the same account."""
    raw = ""
    if credentials:
        raw = credentials.get("username") or credentials.get("email") or ""
    elif request is not None and request.method == "POST":
        raw = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return str(raw).strip().lower()[:254]
