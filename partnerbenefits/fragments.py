"""Caching the rendering of large tables, never their data.

A list page still reads its rows on every request; only turning them into HTML, which on a page
of 50 or 200 rows costs far more than reading them, is cached (``{% cache %}`` in the template).
The key is a digest of every field of every row shown and of the related rows the template
reads, read as plain tuples (no model objects are built unless the table is rendered), plus the
language and whatever else the caller names (today, the URL state): when anything shown changes,
so does the key. Nothing needs invalidating; unused entries expire.

Only for tables without secrets: a page showing full product keys is never cached.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import translation


def digest(*parts: object) -> str:
    """A short hash of ``parts``, the active language and the release."""
    text = repr((settings.RELEASE, translation.get_language(), parts))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def queryset_digest(queryset: QuerySet, *, related: tuple[str, ...] = ()) -> str:
    """A digest of every field of the rows ``queryset`` returns and of their related rows at
    the dotted paths in ``related`` ("benefit.product"), in one query of plain values."""
    return digest(queryset_values(queryset, related=related))


def queryset_values(queryset: QuerySet, *, related: tuple[str, ...] = ()) -> list[tuple]:
    """What ``queryset_digest`` hashes: every field of each row and of its related rows."""
    names = _field_names(queryset.model, "")
    for path in related:
        model: type[Model] = queryset.model
        for name in path.split("."):
            model = model._meta.get_field(name).related_model
        names += _field_names(model, path.replace(".", "__") + "__")
    return list(queryset.values_list(*names))


def _field_names(model: type[Model], prefix: str) -> list[str]:
    return [prefix + field.attname for field in model._meta.concrete_fields]
