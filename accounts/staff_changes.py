"""Staff's changes to tenants and directory people in the admin, saved with their rules checked
again under lock, so that what the portal did in the instant after the form's check is never
carried into another organization.

Locks, in the order every writer takes them: the tenant (an activation locks it before its
subscriptions), then its people (a credit change locks the people it assigns, and reads their
organization again once it holds them). A row deleted meanwhile is not saved back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import DirectoryUser, Tenant
from common.rows import rows_lock

DELETED_MEANWHILE = _(
    "This record was deleted while you were changing it: nothing was saved. Add it again if it "
    "is still needed."
)


@transaction.atomic
def tenant_save_by_staff(*, tenant: Tenant) -> Tenant:
    """Save ``tenant`` as staff changed it; ValidationError (nothing saved) when its rules no
    longer hold with its people locked (``Tenant.clean``)."""
    if tenant.pk is not None:
        _lock_or_refuse(Tenant.objects.filter(pk=tenant.pk))
        rows_lock(DirectoryUser.objects.filter(tenant_id=tenant.pk))
        tenant.clean()
    tenant.save()
    return tenant


@transaction.atomic
def directory_user_save_by_staff(*, person: DirectoryUser) -> DirectoryUser:
    """Save ``person`` as staff changed them; ValidationError (nothing saved) when their rules
    no longer hold with their row locked (``DirectoryUser.clean``)."""
    if person.pk is not None:
        rows_lock(Tenant.objects.filter(pk=person.tenant_id))  # where they go, as a tenant move
        _lock_or_refuse(DirectoryUser.objects.filter(pk=person.pk))
        person.clean()
    person.save()
    return person


def _lock_or_refuse(row: QuerySet) -> None:
    if not rows_lock(row):
        raise ValidationError(DELETED_MEANWHILE, code="deleted")
