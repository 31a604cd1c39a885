"""Caching the large parts of an organization's pages.

A page's tables (and the picker's search results) are kept in the cache under a key made of
the organization, its data revision (partnerbenefits/revisions.py: new with every change to
what its pages show), the language, the release and whatever else the page names (today, the
filters understood, the page number). When anything shown changes, so does the key: nothing
needs invalidating, unused entries expire. A page whose tables come from the cache runs one
query for the revision instead of the queries that build them, which is why the views hand
the template lazy objects (SimpleLazyObject): they are read only when a table is rendered.

Only for what holds no secret and no one's form token: a page showing full product keys is
never cached, and cached HTML never contains ``{% csrf_token %}``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils import translation

from accounts.models import Organization
from partnerbenefits import revisions

# Seconds a cached copy lives unread; the {% cache %} tags in the templates say the same.
TIMEOUT = 900


def digest(*parts: object) -> str:
    """A short hash of ``parts``, the active language and the release."""
    text = repr((settings.RELEASE, translation.get_language(), parts))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def page_key(organization: Organization, *parts: object) -> str:
    """The cache key of what ``organization``'s page shows for ``parts``, as of now."""
    return digest(organization.pk, revisions.revision_for_key(organization), *parts)
