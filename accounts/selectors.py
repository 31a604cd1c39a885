"""Reads of tenant data, always scoped to one organization: another organization's ids are 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import DirectoryUser, Organization, Tenant


def tenant_list(*, organization: Organization) -> QuerySet[Tenant]:
    return Tenant.objects.filter(organization=organization)


def tenant_get(*, organization: Organization, tenant_id: object) -> Tenant:
    return get_object_or_404(tenant_list(organization=organization), pk=parse_id(tenant_id))


def directory_user_list(*, organization: Organization) -> QuerySet[DirectoryUser]:
    return DirectoryUser.objects.filter(tenant__organization=organization).select_related("tenant")


def directory_user_get(*, organization: Organization, directory_user_id: object) -> DirectoryUser:
    return get_object_or_404(
        directory_user_list(organization=organization), pk=parse_id(directory_user_id)
    )


def parse_id(value: object) -> int:
    """A primary key from untrusted input; anything that is not a positive int matches nothing."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0
