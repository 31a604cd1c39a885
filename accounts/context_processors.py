"""What the portal shell (top bar and left navigation) needs on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The left navigation of SPEC 4, in order: (URL name, label, needs the benefits roles).
NAVIGATION = [
    ("home", _("Home"), False),
    ("benefits:overview", _("Benefits"), True),
    ("benefits:azure_cloud", _("Azure & Cloud products"), True),
    ("benefits:products", _("Your products"), True),
    ("benefits:activity", _("Activity"), True),
]


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    entries = []
    for name, label, gated in NAVIGATION:
        if gated and not user.has_benefits_access:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a screen that this installation does not serve
        entries.append({"url": url, "label": label, "current": name == current})
    return {"organization": user.organization, "navigation": entries}
