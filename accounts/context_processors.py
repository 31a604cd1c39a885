"""What the portal shell (top bar and left navigation) needs on every page."""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from common import pagecache

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
    shell = {"organization": user.organization, "page_cache_seconds": pagecache.TIMEOUT}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""

    def entries() -> list[dict]:
        urls = _addresses(get_script_prefix(), get_urlconf())
        return [
            {"url": urls[name], "label": label, "current": name == current, "level": level}
            for name, label, gated, level in NAVIGATION
            if user.has_benefits_access or not gated
        ]

    # Built only for whole pages: the fragments htmx swaps in don't show the navigation.
    return {**shell, "navigation": SimpleLazyObject(entries)}


@functools.lru_cache(maxsize=8)
def _addresses(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    """The navigation's addresses, worked out once for what they depend on."""
    return {name: reverse(name, urlconf=urlconf) for name, _label, _gated, _level in NAVIGATION}
