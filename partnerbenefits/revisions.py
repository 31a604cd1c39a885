"""The revision of an organization's data, which keys the cached copies of its pages.

``Organization.revision`` takes a new random value, in the same transaction, with every change
to what the organization's pages show: its benefits, keys, subscriptions, credit holders,
people, tenants and activity log, and the names of products (shared by every
organization). A page fragment cached under the revision read before its data is therefore
never served once that data has changed, and a page served from the cache costs one small query
instead of all the queries that build it (partnerbenefits/fragments.py).

Changes are noticed through the models' save and delete signals: the services, the admin and
anything else that saves or deletes instances. Code that changes these tables with
``QuerySet.update()``, ``bulk_create()`` or SQL must call ``touch()`` itself.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models.signals import post_save, pre_delete

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
EVERY_ORGANIZATION = "*"


def current(organization: Organization) -> str:
    """The revision as committed now, not as it was when ``organization`` was read: a request
    that changed something before rendering must not key its page with the old revision."""
    for record in _records():
        # Read inside the transaction that changed it: the next change must change it again.
        record.difference_update({organization.pk, EVERY_ORGANIZATION})
    revision = (
        Organization.objects.filter(pk=organization.pk).values_list("revision", flat=True).first()
    )
    return revision or new_revision()


def touch(*organization_ids: int | None) -> None:
    """Give these organizations a new revision, once per transaction."""
    pending = {pk for pk in organization_ids if pk is not None} - _touched()
    if pending:
        _record_here().update(pending)
        Organization.objects.filter(pk__in=pending).update(revision=new_revision())


def touch_all() -> None:
    """A new revision for every organization: shared data, such as a product's name, changed."""
    if EVERY_ORGANIZATION not in _touched():
        _record_here().add(EVERY_ORGANIZATION)
        Organization.objects.update(revision=new_revision())


class _Record(set):
    """The organizations touched at one savepoint level of the current transaction, and the
    organizations of the related rows looked up there (so that deleting a tenant's thousands of
    people asks once). Registered as an on-commit callback that does nothing, so it lives
    exactly as long as the updates it remembers: rolled back with them, it is forgotten."""

    def __init__(self) -> None:
        super().__init__()
        self.organization_of: dict[tuple[type[models.Model], int | None], int | None] = {}

    def __call__(self) -> None:
        pass


def _records() -> list[_Record]:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return []
    return [entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Record)]


def _touched() -> set:
    return set().union(*_records())


def _record_here() -> _Record:
    """The record of the current savepoint level (outside a transaction, a throwaway one)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return _Record()
    level = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Record) and savepoints == level:
            return callback
    record = _Record()
    transaction.on_commit(record)
    return record


def _organization_id(instance: models.Model, path: str) -> int | None:
    """Follow ``path`` through the relations already loaded, and ask the database for the rest
    (one small query, only when a relation wasn't loaded)."""
    names = path.split("__")
    current_object = instance
    for index, name in enumerate(names):
        field = current_object._meta.get_field(name)
        if index == len(names) - 1:
            return getattr(current_object, field.attname)
        if not field.is_cached(current_object):
            return _organization_of_related(
                field.related_model, getattr(current_object, field.attname), names[index + 1 :]
            )
        current_object = getattr(current_object, name)
    return None


def _organization_of_related(model: type[models.Model], pk: int | None, path: list[str]):
    for record in _records():
        if (model, pk) in record.organization_of:
            return record.organization_of[model, pk]
    column = "__".join(path) + "_id"
    found = model.objects.filter(pk=pk).values_list(column, flat=True).first()
    _record_here().organization_of[model, pk] = found
    return found


def _changed(sender, instance, **kwargs) -> None:
    touch(_organization_id(instance, ORGANIZATION_PATHS[sender]))


def _product_changed(sender, instance, **kwargs) -> None:
    touch_all()


def connect() -> None:
    """Called once, when the apps are ready."""
    for model in ORGANIZATION_PATHS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
        if model is not Activity:  # append-only; connecting would also slow cascades
            pre_delete.connect(
                _changed, sender=model, dispatch_uid=f"revision-delete-{model.__name__}"
            )
    post_save.connect(_product_changed, sender=Product, dispatch_uid="revision-save-Product")
    pre_delete.connect(_product_changed, sender=Product, dispatch_uid="revision-delete-Product")
