"""Cached copies of an organization's pages, kept fresh by one rule: say ``pages_changed``.

Each organization has a *page version*: a random token kept in the cache itself (as pretix's
NamespacedCache does), never in the database. A rendered table (or the picker's results) is
stored under ``page_key(organization_id, ...)``, a digest of that version, the release, the
language and whatever the page names (today, the filters, the page number). A change calls
``pages_changed(organization_id)``, which gives the organization a new version **after its
transaction commits**: from then on every key is new, so nothing is ever invalidated, no machine
needs telling, and unused copies simply expire (``TIMEOUT``). A cached page costs a cache read
for the version instead of the queries that build its tables.

Who says it: the services, explicitly, for each change they make; the QuerySet of every model a
page shows (``PageCacheQuerySet``), for ``update()``, ``bulk_create()`` and ``delete()``; and,
as a safety net for the admin and the shell, the models' save and delete signals (``track``).
Said several times in one transaction, it still writes each organization's version once, at
the commit.

What can be stale, and for how long:
- Between a commit and its callback, a reader may still get the previous copy: milliseconds.
- If the process dies in that window, or the cache refuses the new version, the previous copies
  are served until they expire: at most ``TIMEOUT`` seconds after they were stored.
- A version evicted from the cache is replaced by a fresh one at the next read: that only
  makes every copy of the organization's pages unreachable, never stale.
- Raw SQL, and bulk updates of organizations or products (they have no such QuerySet), say
  nothing: call ``pages_changed`` after them.
The key must be taken *before* the data is read (the views hand the templates lazy objects for
this reason): a copy rendered from data older than its version's creation is then impossible.

Versions and copies live in the "pages" cache (``CACHE_ALIAS``; templates say
``{% cache ... using="pages" %}``): disposable, so its Redis may evict (allkeys-lru), and an
unreachable one is a miss rather than an error (``ignore_exceptions``): pages render afresh.
Without a shared cache (``make run``'s per-process memory), each process has its own versions
and copies, which is only right when a single process serves the portal.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import models, transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import translation

logger = logging.getLogger(__name__)

# Seconds a cached copy lives unread. Templates read it as ``page_cache_seconds``.
TIMEOUT = 900
CACHE_ALIAS = "pages"


def page_cache() -> BaseCache:
    """The cache of rendered pages and page versions (this thread's connection to it)."""
    return caches[CACHE_ALIAS]


class _Said(threading.local):
    """The organizations said changed in this thread since its last bump. Per thread, as the
    database connection and its transaction are: a bump runs only after this thread's commit,
    so it never takes what a transaction still open elsewhere said."""

    def __init__(self) -> None:
        self.ids: set[int] = set()


_said = _Said()


def pages_changed(*organization_ids: int | None) -> None:
    """The pages of these organizations show something new once the current transaction
    commits (at once outside a transaction; never if it rolls back).

    A change says it several times (the service, then the signals of each row it saved): each
    call adds to the thread's set and asks for a bump at commit, and the first bump of the
    commit takes the whole set, so each organization gets one new version per commit. Ids said
    in a transaction or savepoint that rolled back stay in the set until the thread's next
    bump: a needless new version later, never a change left unsaid."""
    ids = {pk for pk in organization_ids if pk is not None}
    if ids:
        _said.ids |= ids
        # robust: a cache that fails here must not turn a committed change into an error page.
        transaction.on_commit(_bump_said, robust=True)


def page_key(organization_id: int, *parts: object) -> str:
    """The cache key of what the organization's page shows for ``parts``, as of now."""
    version = _version(organization_id)
    text = repr((settings.RELEASE, translation.get_language(), organization_id, version, *parts))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _version_key(organization_id: int) -> str:
    return f"page-version:{organization_id}"


def _version(organization_id: int) -> str:
    key = _version_key(organization_id)
    cache = page_cache()
    try:
        version = cache.get(key)
        if version is None:
            # First read, or evicted: whoever adds first wins, everyone reads the winner.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key)
    except Exception:  # the cache is down: render afresh rather than fail the page
        logger.warning("Page version of organization %s unreadable", organization_id)
        version = None
    # A cache that keeps nothing (or failed) gives a key that never matches: no stale page.
    return version or uuid.uuid4().hex


def _bump_said() -> None:
    ids, _said.ids = _said.ids, set()
    if ids:
        _new_versions(ids)


def _new_versions(organization_ids: Iterable[int]) -> None:
    page_cache().set_many(
        {_version_key(pk): uuid.uuid4().hex for pk in organization_ids}, timeout=None
    )


# --- Models whose rows a page shows --------------------------------------------------------------


def organization_ids(model: type[models.Model], pks: Iterable[object]) -> set[int]:
    """The organizations of ``model``'s rows ``pks``, in one query."""
    pks = {pk for pk in pks if pk is not None}
    return _organizations_in(model._base_manager.filter(pk__in=pks)) if pks else set()


def _organizations_in(queryset: models.QuerySet) -> set[int]:
    path = _path(queryset.model)
    ids = queryset.order_by().values_list(f"{path}_id", flat=True).distinct()
    return set(ids) - {None}


def _organizations_through(model: type[models.Model], values: Iterable[object]) -> set[int]:
    """The organizations that these values of the model's first hop toward its organization
    (an organization, a tenant, a benefit — instances or ids) belong to."""
    pks = {value.pk if isinstance(value, models.Model) else value for value in values}
    if "__" not in _path(model):  # the hop is the organization itself: these are its ids
        return cast("set[int]", pks - {None})
    return organization_ids(_first_hop(model).related_model, pks)


def _first_hop(model: type[models.Model]):
    return model._meta.get_field(_path(model).split("__")[0])


def _path(model: type[models.Model] | models.Model) -> str:
    """The ``organization_path`` that every model with a PageCacheQuerySet declares."""
    return model.organization_path  # type: ignore[union-attr]  # a class attribute of our own


class PageCacheQuerySet(models.QuerySet):
    """Bulk writes say ``pages_changed`` for every organization whose rows they touch, as
    single saves and deletes do through ``track``. The model names the way to its organization
    in ``organization_path`` (``"organization"``, ``"tenant__organization"``…)."""

    def update(self, **kwargs) -> int:
        touched = _organizations_in(self)
        first = _first_hop(self.model)
        moved_to = [kwargs[name] for name in (first.name, first.attname) if name in kwargs]
        touched |= _organizations_through(self.model, moved_to)  # rows moved: both change
        rows = super().update(**kwargs)
        pages_changed(*touched)
        return rows

    def delete(self):
        touched = _organizations_in(self)
        result = super().delete()
        pages_changed(*touched)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        hops = [getattr(obj, _first_hop(self.model).attname) for obj in objs]
        pages_changed(*_organizations_through(self.model, hops))
        return created


def track(*tracked: type[models.Model]) -> None:
    """The safety net: a single save or delete of these models (the admin, the shell) says
    ``pages_changed`` for the organization of the row — before and after, when it moves."""
    for model in tracked:
        name = model._meta.label
        post_save.connect(_saved, sender=model, dispatch_uid=f"pagecache-save-{name}")
        pre_save.connect(_moving, sender=model, dispatch_uid=f"pagecache-move-{name}")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"pagecache-delete-{name}")


def _organization_of(instance: models.Model) -> int | None:
    """Follows ``organization_path`` through the instance's relations (loading what isn't)."""
    *hops, last = _path(instance).split("__")
    current: object = instance
    for hop in hops:
        current = getattr(current, hop, None)
        if current is None:
            return None
    return getattr(current, f"{last}_id")


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures being loaded: their related rows may not be there yet
        pages_changed(_organization_of(instance))


def _deleting(sender, instance, origin=None, **kwargs) -> None:
    # Rows deleted along with another (a tenant's people) belong to its organization, which
    # the origin's own signal, or PageCacheQuerySet.delete(), already names: no query per row.
    if origin is instance:
        pages_changed(_organization_of(instance))


def _moving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a stored row is saved: the organization it belonged to, when the save may move
    it (a save of other fields can't, and costs no query)."""
    if raw or instance._state.adding:
        return
    first = _first_hop(sender)
    if update_fields is not None and not {first.name, first.attname} & set(update_fields):
        return
    pages_changed(*organization_ids(sender, [instance.pk]))
