"""The page version (common/pagecache.py): new after each commit that changes what an
organization's pages show, by the services, by bulk QuerySet writes and by single saves and
deletes; never on a rollback; never written to the database."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import DirectoryUser, Organization, Tenant
from benefits.models import Benefit, Product, Subscription
from common import pagecache
from tests.accounts.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)  # commits, as requests and the admin do


def version(organization: Organization) -> str:
    """The organization's current page version, as page_key reads it."""
    return pagecache._version(organization.pk)


def office(organization: Organization) -> Benefit:
    return Benefit.objects.get(organization=organization, product__name="Office 365 E3")


def test_a_change_gives_a_new_version_once_committed(contoso):
    before = version(contoso)
    with transaction.atomic():
        pagecache.pages_changed(contoso.pk)
        assert version(contoso) == before  # a reader can't see the change yet
    assert version(contoso) != before


def test_a_change_said_many_times_gives_each_organization_one_new_version(
    contoso, fabrikam, monkeypatch
):
    """A service says it, then the signal of each row it saved says it again: one write of
    the versions at the commit, naming each organization once."""
    writes: list[set[int]] = []
    write = pagecache._new_versions

    def recording(ids) -> None:
        writes.append(set(ids))
        write(ids)

    monkeypatch.setattr(pagecache, "_new_versions", recording)
    before = version(contoso)
    with transaction.atomic():
        pagecache.pages_changed(contoso.pk)
        office(contoso).save()
        pagecache.pages_changed(contoso.pk, fabrikam.pk)
    assert writes == [{contoso.pk, fabrikam.pk}]
    assert version(contoso) != before


def test_a_change_made_by_a_commit_callback_gets_its_own_new_version(contoso, fabrikam):
    """A callback that runs after the commit and makes a change in a transaction of its own
    (a mail's outcome, say): that change's commit gives its organization a new version."""
    before = version(fabrikam)

    def change_fabrikam() -> None:
        with transaction.atomic():
            pagecache.pages_changed(fabrikam.pk)

    with transaction.atomic():
        transaction.on_commit(change_fabrikam)
        pagecache.pages_changed(contoso.pk)
    assert version(fabrikam) != before


def test_what_a_rollback_said_is_written_at_the_next_commit(contoso, fabrikam):
    """Never lost, at worst a needless new version: the organizations said in a transaction
    that rolled back go with the thread's next commit."""
    before = version(contoso)
    with transaction.atomic():
        pagecache.pages_changed(contoso.pk)
        transaction.set_rollback(True)
    assert version(contoso) == before
    with transaction.atomic():
        pagecache.pages_changed(fabrikam.pk)
    assert version(contoso) != before


@transaction.atomic
def save_then_fail(benefit: Benefit) -> None:
    benefit.save()
    raise RuntimeError


def test_a_rolled_back_change_keeps_the_version(contoso):
    before = version(contoso)
    with pytest.raises(RuntimeError):
        save_then_fail(office(contoso))
    assert version(contoso) == before


def test_a_change_after_a_rolled_back_savepoint_still_counts(contoso):
    before = version(contoso)
    benefit = office(contoso)
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            save_then_fail(benefit)
        benefit.quantity += 1
        benefit.save()
    assert version(contoso) != before


def test_no_change_writes_the_organization_row(contoso):
    benefit = office(contoso)
    with CaptureQueriesContext(connection) as captured:
        benefit.quantity += 1
        benefit.save()
    written = [q["sql"] for q in captured if "accounts_organization" in q["sql"]]
    assert not written, written


def test_another_organizations_change_keeps_the_version(contoso, fabrikam):
    before = version(contoso)
    office(fabrikam).save()
    assert version(contoso) == before


@pytest.mark.parametrize(
    "write",
    [
        lambda org: Benefit.objects.filter(organization=org).update(quantity=4321),
        lambda org: Subscription.objects.filter(tenant__organization=org).delete(),
        lambda org: DirectoryUser.objects.bulk_create(
            [
                DirectoryUser(
                    tenant=org.tenants.first(), display_name="New", user_principal_name="n@x.io"
                )
            ]
        ),
    ],
    ids=["update", "delete", "bulk_create"],
)
def test_bulk_writes_give_a_new_version(contoso, fabrikam, write):
    before, bystander = version(contoso), version(fabrikam)
    write(contoso)
    assert version(contoso) != before
    assert version(fabrikam) == bystander


def test_rows_moved_by_an_update_change_both_organizations(contoso, fabrikam):
    before = {contoso.pk: version(contoso), fabrikam.pk: version(fabrikam)}
    Tenant.objects.filter(primary_domain="contosolab.onmicrosoft.com").update(organization=fabrikam)
    assert version(contoso) != before[contoso.pk]
    assert version(fabrikam) != before[fabrikam.pk]


def test_a_tenant_saved_into_another_organization_changes_both(contoso, fabrikam):
    before = {contoso.pk: version(contoso), fabrikam.pk: version(fabrikam)}
    tenant = Tenant.objects.get(primary_domain="contosolab.onmicrosoft.com")
    tenant.organization = fabrikam
    tenant.save()
    assert version(contoso) != before[contoso.pk]
    assert version(fabrikam) != before[fabrikam.pk]


def test_a_save_of_other_fields_does_not_look_for_a_move(contoso):
    subscription = Subscription.objects.select_related("tenant").filter(
        tenant__organization=contoso
    )[0]
    subscription.seats += 1
    with CaptureQueriesContext(connection) as captured:
        subscription.save(update_fields=["seats"])
    assert len(captured) == 1, captured.captured_queries  # the UPDATE itself


def test_deleting_a_tenant_does_not_look_up_each_person(contoso):
    tenant = contoso.tenants.get(is_primary=False)
    DirectoryUser.objects.bulk_create(
        DirectoryUser(tenant=tenant, display_name=f"P{n}", user_principal_name=f"p{n}@x.example")
        for n in range(50)
    )
    before = version(contoso)
    with CaptureQueriesContext(connection) as captured:
        tenant.delete()
    lookups = [q for q in captured if q["sql"].startswith('SELECT "accounts_tenant"')]
    assert not lookups, lookups
    assert version(contoso) != before


def test_a_renamed_product_changes_only_the_organizations_that_hold_it(contoso, fabrikam):
    bystander = OrganizationFactory.create()
    before = {org.pk: version(org) for org in (contoso, fabrikam, bystander)}
    product = Product.objects.get(name="Office 365 E3")
    product.name = "Office 365 E3 (renamed)"
    product.save()
    assert version(contoso) != before[contoso.pk]
    assert version(fabrikam) != before[fabrikam.pk]
    assert version(bystander) == before[bystander.pk]


def test_the_key_changes_with_the_version_the_language_and_the_parts(contoso):
    from django.utils import translation

    key = pagecache.page_key(contoso.pk, "azure-cloud", 1)
    assert pagecache.page_key(contoso.pk, "azure-cloud", 1) == key
    assert pagecache.page_key(contoso.pk, "azure-cloud", 2) != key
    with translation.override("fr"):
        assert pagecache.page_key(contoso.pk, "azure-cloud", 1) != key
    pagecache.pages_changed(contoso.pk)
    assert pagecache.page_key(contoso.pk, "azure-cloud", 1) != key


def test_an_evicted_version_starts_afresh_rather_than_serving_old_copies(contoso):
    key = pagecache.page_key(contoso.pk, "azure-cloud")
    pagecache.page_cache().delete(pagecache._version_key(contoso.pk))  # as allkeys-lru may
    assert pagecache.page_key(contoso.pk, "azure-cloud") != key


def test_a_lost_bump_is_stale_at_most_until_the_copy_expires(contoso, monkeypatch, settings):
    """The documented worst case: the process dies between commit and the version bump, so
    the previous copy is served until it expires, TIMEOUT seconds after it was stored."""
    # A cache whose clock the test can move (Redis keeps its own).
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    cache = pagecache.page_cache()
    key = pagecache.page_key(contoso.pk, "products")
    cache.set(key, "old copy", pagecache.TIMEOUT)
    monkeypatch.setattr(pagecache, "_new_versions", lambda ids: None)  # the bump is lost
    office(contoso).save()
    assert cache.get(pagecache.page_key(contoso.pk, "products")) == "old copy"
    later = time.time() + pagecache.TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.get(pagecache.page_key(contoso.pk, "products")) is None


def test_a_cache_that_fails_after_the_commit_does_not_fail_the_change(contoso, monkeypatch):
    def refuse(ids):
        raise ConnectionError("cache down")

    monkeypatch.setattr(pagecache, "_new_versions", refuse)
    benefit = office(contoso)
    benefit.quantity = 77
    benefit.save()  # committed: the failing callback is logged, not raised
    assert Benefit.objects.get(pk=benefit.pk).quantity == 77


def test_an_unreadable_version_renders_afresh(contoso, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(pagecache.page_cache(), "get", refuse)
    assert pagecache.page_key(contoso.pk, "x") != pagecache.page_key(contoso.pk, "x")
