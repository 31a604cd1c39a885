"""The revision of an organization's data, which keys the cached copies of its pages.

``Organization.revision`` takes a new random value, in the same transaction, with every change
to what the organization's pages show: its benefits, keys, subscriptions, credit holders,
people, tenants and activity log, and the names of the products it holds. A page fragment
cached under the revision read before its data is therefore never served once that data has
changed, and a page served from the cache costs one small query instead of all the queries
that build it (partnerbenefits/fragments.py).

Changes are noticed through the models' save and delete signals: the services, the admin and
anything else that saves or deletes instances. A row moved to another organization (a tenant
given to another partner in the admin) changes both. Code that changes these tables with
``QuerySet.update()``, ``bulk_create()`` or SQL must call ``touch()`` itself.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_delete, pre_save

from accounts.models import DirectoryUser, Organization, Tenant, new_revision
from benefits.models import Activity, Benefit, CreditAssignment, Product, ProductKey, Subscription

# How each tracked model reaches its organization.
ORGANIZATION_PATHS: dict[type[models.Model], str] = {
    Benefit: "organization",
    ProductKey: "benefit__organization",
    Subscription: "tenant__organization",
    CreditAssignment: "benefit__organization",
    Activity: "organization",
    Tenant: "organization",
    DirectoryUser: "tenant__organization",
}


def revision_for_key(organization: Organization) -> str:
    """The revision to key a cached fragment with, read from the database now rather than taken
    from ``organization`` (a request that changed something must not render under the revision
    it started with). Read inside the transaction that changed it, it is that transaction's new
    value, and the transaction's next change will change it again."""
    for touched in _touched_levels():
        touched.discard(organization.pk)
    revision = (
        Organization.objects.filter(pk=organization.pk).values_list("revision", flat=True).first()
    )
    return revision or new_revision()


def touch(*organization_ids: int | None) -> None:
    """Give these organizations a new revision, once per transaction."""
    already = set().union(*_touched_levels())
    pending = {pk for pk in organization_ids if pk is not None} - already
    if pending:
        _touched_at_this_level().update(pending)
        Organization.objects.filter(pk__in=pending).update(revision=new_revision())


class _TouchedAtLevel(set):
    """The organizations given a new revision at one savepoint level of the current transaction,
    and the organizations of the related rows looked up there (so that deleting a tenant's
    thousands of people asks once). Registered as an on-commit callback that does nothing, so
    it lives exactly as long as the updates it remembers: rolled back with them, forgotten."""

    def __init__(self) -> None:
        super().__init__()
        self.organization_of: dict[tuple[type[models.Model], int | None], int | None] = {}

    def __call__(self) -> None:
        pass


def _touched_entries() -> list[tuple[set, _TouchedAtLevel]]:
    """(savepoint ids, record) of each savepoint level of the current transaction that has
    touched something; none outside a transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return []
    return [
        (ids, c) for ids, c, _robust in connection.run_on_commit if isinstance(c, _TouchedAtLevel)
    ]


def _touched_levels() -> list[_TouchedAtLevel]:
    return [touched for _ids, touched in _touched_entries()]


def _touched_at_this_level() -> _TouchedAtLevel:
    """The record of the current savepoint level (outside a transaction, a throwaway one)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return _TouchedAtLevel()
    level = set(connection.savepoint_ids)
    for ids, touched in _touched_entries():
        if ids == level:
            return touched
    touched = _TouchedAtLevel()
    transaction.on_commit(touched)
    return touched


def _organization_id(instance: models.Model, path: str) -> int | None:
    """Follow ``path`` through the relations already loaded, and ask the database for the rest
    (one small query, only when a relation wasn't loaded)."""
    names = path.split("__")
    current = instance
    for index, name in enumerate(names):
        field = current._meta.get_field(name)
        if index == len(names) - 1:
            return getattr(current, field.attname)
        if not field.is_cached(current):
            return _organization_of_related(
                field.related_model, getattr(current, field.attname), names[index + 1 :]
            )
        current = getattr(current, name)
    return None


def _organization_of_related(model: type[models.Model], pk: int | None, path: list[str]):
    for touched in _touched_levels():
        if (model, pk) in touched.organization_of:
            return touched.organization_of[model, pk]
    column = "__".join(path) + "_id"
    found = model.objects.filter(pk=pk).values_list(column, flat=True).first()
    _touched_at_this_level().organization_of[model, pk] = found
    return found


def _changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures being loaded: their related rows may not be there yet
        touch(_organization_id(instance, ORGANIZATION_PATHS[sender]))


def _moving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a saved row changes: the organization it belonged to, when the save may move it
    (a save limited to other fields can't, and costs no query)."""
    if raw or instance._state.adding:
        return
    path = ORGANIZATION_PATHS[sender]
    first = sender._meta.get_field(path.split("__")[0])
    if update_fields is not None and not {first.name, first.attname} & set(update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list(f"{path}_id", flat=True)
    touch(stored.first())


def _product_changed(sender, instance, created=False, raw=False, **kwargs) -> None:
    # A new product is shown nowhere yet; a renamed one, by the organizations that hold it.
    if created or raw:
        return
    holders = Organization.objects.filter(
        Q(benefits__product=instance) | Q(tenants__subscriptions__product=instance)
    ).values_list("pk", flat=True)
    touch(*set(holders))


def connect() -> None:
    """Called once, when the apps are ready."""
    for model in ORGANIZATION_PATHS:
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{name}")
        if model is not Activity:  # append-only: its records are never changed or deleted
            pre_save.connect(_moving, sender=model, dispatch_uid=f"revision-move-{name}")
            pre_delete.connect(_changed, sender=model, dispatch_uid=f"revision-delete-{name}")
    post_save.connect(_product_changed, sender=Product, dispatch_uid="revision-save-Product")
