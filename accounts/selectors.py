"""Reads of tenant data, always scoped to one organization: another organization's ids are 404."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from accounts.models import DirectoryUser, Organization, Tenant
from common.pagecache import TIMEOUT, page_cache, page_key
from common.prefix_search import starting_with
from common.rows import LARGEST_ID


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
    return number if 0 < number <= LARGEST_ID else 0


PICKER_LIMIT = 20
PICKER_MIN_LENGTH = 2
PICKER_QUERY_MAX_LENGTH = 100


def directory_user_search(*, organization: Organization, text: str) -> list[DirectoryUser]:
    """Enabled people of the organization's tenants whose name or address starts with
    ``text`` (any case), with their tenant's domain (``tenant_domain``) and the name of the
    credit they hold (``credit_held``, or None); at most PICKER_LIMIT."""
    text = picker_text(text)
    if len(text) < PICKER_MIN_LENGTH:
        return []
    return list(directory_user_prefix_query(organization=organization, text=text.lower()))


def directory_user_search_cached(*, organization: Organization, text: str) -> list[DirectoryUser]:
    """``directory_user_search``, kept in the page cache while the organization's data is
    unchanged (common.pagecache): people, and scripts through the API, type the same first
    letters again and again. The picker and the API share the copies."""
    text = picker_text(text)
    if len(text) < PICKER_MIN_LENGTH:
        return []
    # "people": each person comes with the tenant's domain and the credit held as plain
    # values; copies kept in an earlier shape (with related objects) must not match.
    key = page_key(organization.pk, "picker people", text.lower())
    found = page_cache().get_or_set(
        key, lambda: directory_user_search(organization=organization, text=text), TIMEOUT
    )
    return found or []


def picker_text(raw: str) -> str:
    """What the picker searches for: printable text, trimmed, at most 100 characters. Control
    characters (a NUL byte would make PostgreSQL refuse the query) are dropped."""
    printable = "".join(
        char for char in str(raw)[: PICKER_QUERY_MAX_LENGTH * 4] if char.isprintable()
    )
    return printable.strip()[:PICKER_QUERY_MAX_LENGTH]


def directory_user_prefix_query(*, organization: Organization, text: str) -> QuerySet:
    """The picker's query, in two steps so that the database can use the indexes on
    (tenant, lower-cased name or address): the tenant ids are known when it plans the search."""
    tenant_ids = list(tenant_list(organization=organization).values_list("pk", flat=True))
    found = (
        DirectoryUser.objects.filter(tenant_id__in=tenant_ids, is_enabled=True)
        .annotate(name_lower=Lower("display_name"), upn_lower=Lower("user_principal_name"))
        .filter(starting_with("name_lower", text) | starting_with("upn_lower", text))
        .order_by("name_lower", "pk")
    )
    # The first PICKER_LIMIT are chosen before joining what the picker shows of them: joined
    # first, every match of a common prefix (a thousand in a large directory) was joined.
    # What it shows of the tenant and the credit held comes as two plain values rather than
    # three related objects: lighter to keep in the cache and to render.
    return (
        DirectoryUser.objects.filter(pk__in=found.values("pk")[:PICKER_LIMIT])
        .annotate(
            tenant_domain=F("tenant__primary_domain"),
            credit_held=F("credit_assignment__benefit__product__name"),
        )
        .order_by(Lower("display_name"), "pk")
    )
