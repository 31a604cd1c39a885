"""A model row as the database holds it now: what a form is about to change, and locking rows
in the one order every writer uses."""

from __future__ import annotations

from django.db import models

# The largest id a database column can hold (a signed 64-bit integer): a larger number names no
# row, and some databases refuse to even look it up (SQLite: OverflowError).
LARGEST_ID = 2**63 - 1


def fields_changed(instance: models.Model, *fields: str) -> set[str]:
    """Which of ``fields`` (attribute names: ``organization_id`` for a foreign key) ``instance``
    holds differently from its stored row. None for a row not stored yet, or gone."""
    if instance.pk is None:
        return set()
    stored = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
    if stored is None:
        return set()
    return {field for field in fields if stored[field] != getattr(instance, field)}


def rows_lock(queryset: models.QuerySet) -> int:
    """Lock the rows of ``queryset`` until the transaction ends, in id order (so that two
    writers locking several rows never wait on each other in a circle), and only theirs (not
    the rows they join); how many there are."""
    locked = queryset.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True)
    return len(locked)
