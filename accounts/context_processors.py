"""What the portal shell (top bar and left navigation) needs on every page.

Everything in it that doesn't depend on the visitor (addresses, static files, languages, the
navigation's labels in each language) is worked out once per process rather than on each
page: it cost about half the time the shell took to render.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django_htmx.jinja import htmx_script

from common import pagecache

# The left navigation, in order: (URL name, label, the gate it needs, nesting level). The gate is
# "" (any account), "benefits" (BENEFITS_ROLES) or "team" (TEAM_ADMIN_ROLES).
NAVIGATION = [
    ("home", _("Home"), "", 0),
    ("benefits:overview", _("Benefits"), "benefits", 0),
    ("benefits:azure_cloud", _("Azure & Cloud products"), "benefits", 1),
    ("benefits:report", _("Report"), "benefits", 1),
    ("products", _("Your products"), "benefits", 0),
    ("activity", _("Activity"), "benefits", 0),
    ("notifications:list", _("Notifications"), "benefits", 0),
    ("team:members", _("Team"), "team", 0),
]
# The top bar's addresses, beside the navigation's.
SHELL_URLS = ["home", "password_change", "logout", "set_language"]
SHELL_STATIC = {
    "favicon": "favicon.svg",
    "bootstrap_css": "bootstrap/css/bootstrap.min.css",
    "portal_css": "css/portal.css",
    "bootstrap_js": "bootstrap/js/bootstrap.bundle.min.js",
    "portal_js": "js/portal.js",
}


def portal(request: HttpRequest) -> dict[str, Any]:
    shell: dict[str, Any] = {"shell": _shell(get_script_prefix(), get_urlconf())}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return shell
    shell.update(organization=user.organization, page_cache_seconds=pagecache.TIMEOUT)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    # Built only for whole pages: the fragments htmx swaps in don't show the navigation.
    navigation = SimpleLazyObject(
        lambda: _navigation(
            get_script_prefix(),
            get_urlconf(),
            get_language(),
            current,
            user.has_benefits_access,
            user.has_team_access,
        )
    )
    return {**shell, "navigation": navigation}


@functools.lru_cache(maxsize=8)
def _shell(script_prefix: str, urlconf: str | None) -> dict:
    """The shell's addresses, static files and languages."""
    return {
        "urls": {name: reverse(name, urlconf=urlconf) for name in SHELL_URLS},
        "static": {name: static(path) for name, path in SHELL_STATIC.items()},
        "htmx_script": htmx_script(),
        "languages": [
            {"code": code, "name": capfirst(get_language_info(code)["name_local"])}
            for code, _name in settings.LANGUAGES
        ],
    }


@functools.lru_cache(maxsize=128)
def _navigation(
    script_prefix: str,
    urlconf: str | None,
    language: str,
    current: str,
    benefits: bool,
    team: bool = False,
) -> tuple[dict, ...]:
    """The navigation's entries, labels in ``language``, for the page ``current``."""
    return tuple(
        {
            "url": reverse(name, urlconf=urlconf),
            "label": str(label),
            "current": name == current,
            "level": level,
        }
        for name, label, gate, level in NAVIGATION
        if {"": True, "benefits": benefits, "team": team}[gate]
    )


@receiver(setting_changed)
def _forget_shell(*, setting: str, **kwargs) -> None:
    """Tests change these settings; so may a process that reloads them."""
    if setting in {"STORAGES", "STATIC_URL", "ROOT_URLCONF", "LANGUAGES", "DEBUG"}:
        _shell.cache_clear()
        _navigation.cache_clear()
