"""Caching the rendering of large tables, never their data.

A list page still runs its queries on every request; only turning the rows into HTML, which on
a page of 50 or 200 rows costs far more than the queries, is cached (``{% cache %}`` in the
template). The key is a digest of every field of every row shown and of the related rows the
template reads, plus the language and whatever else the caller names (today, the URL state):
when anything shown changes, so does the key. Nothing needs invalidating; unused entries expire.

Only for tables without secrets: a page showing full product keys is never cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db.models import Model
from django.utils import translation


def rows_digest(rows: Iterable[Model], *, related: tuple[str, ...] = (), extra: object = ()) -> str:
    """A digest of the rows' field values, of the related objects at the dotted paths in
    ``related`` (already loaded with select_related, so no query runs), of the active
    language and of ``extra``."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(repr((translation.get_language(), extra)).encode())
    for row in rows:
        hasher.update(repr(_values(row)).encode())
        for path in related:
            target = row
            for name in path.split("."):
                target = getattr(target, name) if target is not None else None
            hasher.update(repr(_values(target)).encode())
    return hasher.hexdigest()


def _values(instance: Model | None) -> tuple:
    if instance is None:
        return ()
    fields = instance._meta.concrete_fields
    return (instance._meta.label, *(field.value_from_object(instance) for field in fields))
