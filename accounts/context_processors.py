"""What the portal shell (top bar and left navigation) needs on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The left navigation, in order: (URL name, label, needs the benefits roles, nesting level).
NAVIGATION = [
    ("home", _("Home"), False, 0),
    ("benefits:overview", _("Benefits"), True, 0),
    ("benefits:azure_cloud", _("Azure & Cloud products"), True, 1),
    ("products", _("Your products"), True, 0),
    ("activity", _("Activity"), True, 0),
]


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    entries = []
    for name, label, gated, level in NAVIGATION:
        if gated and not user.has_benefits_access:
            continue
        entries.append(
            {"url": reverse(name), "label": label, "current": name == current, "level": level}
        )
    return {"organization": user.organization, "navigation": entries}
