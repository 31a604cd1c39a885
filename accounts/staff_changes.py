"""Staff's changes to tenants and directory people in the admin, saved with their rules checked
again under lock. The portal's credit changes lock the people they assign (and the person a
credit moves to): locking them too, a staff move and a credit change take turns, so credit
assigned in the instant after the form's check is never carried into another organization."""

from __future__ import annotations

from django.db import transaction

from accounts.models import DirectoryUser, Tenant


@transaction.atomic
def tenant_save_by_staff(*, tenant: Tenant) -> Tenant:
    """Save ``tenant`` as staff changed it; ValidationError (nothing saved) when its rules no
    longer hold with its people locked (``Tenant.clean``)."""
    if tenant.pk is not None:
        _lock(DirectoryUser.objects.filter(tenant_id=tenant.pk))
        tenant.clean()
    tenant.save()
    return tenant


@transaction.atomic
def directory_user_save_by_staff(*, person: DirectoryUser) -> DirectoryUser:
    """Save ``person`` as staff changed them; ValidationError (nothing saved) when their rules
    no longer hold with their row locked (``DirectoryUser.clean``)."""
    if person.pk is not None:
        _lock(DirectoryUser.objects.filter(pk=person.pk))
        person.clean()
    person.save()
    return person


def _lock(people) -> None:
    """Lock the rows in id order, as the credit changes lock them."""
    list(people.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
