"""The large tables and the picker's results are cached under the organization's data revision
(partnerbenefits/revisions.py): whatever changes what a page shows (a service, the admin, any
save or delete) shows at once, and a page served from the cache runs only the session, account
and revision queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import DirectoryUser, Organization, Tenant, User
from benefits.models import Benefit, Product, Subscription
from benefits.services import credits
from partnerbenefits import revisions
from partnerbenefits.fragments import page_key

pytestmark = pytest.mark.django_db

# For tests of what one transaction does: each runs in its own transactions, as requests and
# the admin do, rather than in the single one other tests are wrapped in.
REAL_TRANSACTIONS = pytest.mark.django_db(transaction=True)

AZURE = "/mpn/benefits/azure-cloud/"
PRODUCTS = "/products/"
ACTIVITY = "/activity/"


def contoso() -> Organization:
    return Organization.objects.get(mpn_id="4711001")


def revision_of(organization: Organization) -> str:
    return Organization.objects.values_list("revision", flat=True).get(pk=organization.pk)


def without_form_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1", html)


def page(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def monthly_credit() -> Benefit:
    return Benefit.objects.get(
        organization=contoso(), credit_period=Benefit.Period.MONTHLY, product__kind="usage"
    )


@pytest.mark.parametrize("url", [AZURE, PRODUCTS, ACTIVITY])
def test_a_page_served_from_the_cache_runs_three_queries(contoso_client, url):
    first = page(contoso_client, url)
    with CaptureQueriesContext(connection) as captured:
        again = page(contoso_client, url)
    assert without_form_tokens(again) == without_form_tokens(first)
    # The session, the account with its organization, and the revision.
    assert len(captured) == 3, [query["sql"] for query in captured]


def test_a_saved_quantity_shows_at_once(contoso_client):
    page(contoso_client, AZURE)
    office = Benefit.objects.get(organization=contoso(), product__name="Office 365 E3")
    office.quantity = 4321
    office.save()
    assert "<td>4321</td>" in page(contoso_client, AZURE)


@REAL_TRANSACTIONS
def test_a_renamed_product_shows_at_once_where_it_is_held(contoso_client):
    page(contoso_client, AZURE)
    bystander = Organization.objects.create(
        name="Holds nothing", mpn_id="4711999", country="FR", currency="EUR"
    )
    before = dict(Organization.objects.values_list("pk", "revision"))
    product = Product.objects.get(name="Office 365 E3")
    product.name = "Office 365 E3 (renamed)"
    product.save()
    assert "Office 365 E3 (renamed)" in page(contoso_client, AZURE)
    after = dict(Organization.objects.values_list("pk", "revision"))
    holders = {contoso().pk, Organization.objects.get(mpn_id="4711002").pk}
    assert all(after[pk] != before[pk] for pk in holders)
    assert after[bystander.pk] == before[bystander.pk]


def test_a_new_product_changes_no_revision(demo_data):
    before = dict(Organization.objects.values_list("pk", "revision"))
    Product.objects.create(name="Visual Studio Enterprise", kind=Product.Kind.LICENSE)
    assert dict(Organization.objects.values_list("pk", "revision")) == before


@REAL_TRANSACTIONS
def test_a_tenant_given_to_another_organization_leaves_the_first_at_once(contoso_client):
    assert "fabrikam.onmicrosoft.com" not in page(contoso_client, PRODUCTS)
    tenant = Tenant.objects.get(primary_domain="fabrikam.onmicrosoft.com")
    fabrikam = tenant.organization
    before = revision_of(fabrikam)
    tenant.organization = contoso()
    tenant.is_primary = False
    tenant.save()
    assert revision_of(fabrikam) != before
    assert "fabrikam.onmicrosoft.com" in page(contoso_client, PRODUCTS)
    tenant.organization = fabrikam
    tenant.save()
    assert "fabrikam.onmicrosoft.com" not in page(contoso_client, PRODUCTS)


def test_saving_the_organization_never_brings_back_an_older_revision(demo_data):
    stale = contoso()  # read before the change below
    original = stale.revision
    Benefit.objects.get(organization=stale, product__name="Office 365 E3").save()
    changed = revision_of(stale)
    stale.name = "Contoso Partners Ltd"
    stale.save()
    assert revision_of(stale) not in {original, changed}


def test_a_save_of_other_fields_does_not_look_for_a_move(demo_data):
    subscription = Subscription.objects.filter(tenant__organization=contoso()).first()
    subscription.seats += 1
    with CaptureQueriesContext(connection) as captured:
        subscription.save(update_fields=["seats"])
    # No read of where the subscription was before: only the tenant it stays in is looked up.
    assert not [query for query in captured if 'FROM "benefits_subscription"' in query["sql"]]


def test_a_changed_end_date_shows_at_once_on_your_products(contoso_client):
    page(contoso_client, PRODUCTS)
    subscription = Subscription.objects.get(
        tenant__organization=contoso(), product__name="Power BI Pro"
    )
    subscription.end_date = timezone.localdate() + timedelta(days=999)
    subscription.save()
    shown = page(contoso_client, PRODUCTS)
    assert f'datetime="{subscription.end_date.isoformat()}"' in shown


def test_a_deleted_subscription_leaves_your_products_at_once(contoso_client):
    assert "Microsoft Intune" in page(contoso_client, PRODUCTS)
    Subscription.objects.get(
        tenant__organization=contoso(), product__name="Microsoft Intune"
    ).delete()
    assert "Microsoft Intune" not in page(contoso_client, PRODUCTS)


def test_a_credit_assigned_shows_in_the_picker_and_the_activity_at_once(contoso_client):
    credit = monthly_credit()
    picker = f"/mpn/benefits/azure-cloud/{credit.pk}/people/?q=Adele"
    before = page(contoso_client, picker, HX_Request="true")
    assert "Adele Vance" in before
    assert "holds" not in before
    page(contoso_client, ACTIVITY)
    credits.credit_assign(
        benefit=credit,
        directory_user=DirectoryUser.objects.get(display_name="Adele Vance"),
        actor=User.objects.get(email="admin@contoso.example"),
        today=timezone.localdate(),
    )
    assert f"holds {credit.product.name}" in page(contoso_client, picker, HX_Request="true")
    assert "Adele Vance" in page(contoso_client, ACTIVITY)


def test_a_renamed_person_shows_in_the_picker_at_once(contoso_client):
    credit = monthly_credit()
    picker = f"/mpn/benefits/azure-cloud/{credit.pk}/people/?q=Adele"
    page(contoso_client, picker, HX_Request="true")
    person = DirectoryUser.objects.get(display_name="Adele Vance")
    person.display_name = "Adele Vance-Smith"
    person.save()
    assert "Adele Vance-Smith" in page(contoso_client, picker, HX_Request="true")


def test_another_organizations_change_keeps_the_cached_copy(contoso_client):
    page(contoso_client, AZURE)
    before = revision_of(contoso())
    fabrikam = Benefit.objects.filter(organization__mpn_id="4711002").first()
    fabrikam.quantity += 1
    fabrikam.save()
    assert revision_of(contoso()) == before


def test_an_update_that_bypasses_save_shows_once_touched(contoso_client):
    page(contoso_client, AZURE)
    Benefit.objects.filter(organization=contoso(), product__name="Office 365 E3").update(
        quantity=4321
    )
    # The documented rule: QuerySet.update() sends no signal, so its caller touches.
    assert "<td>4321</td>" not in page(contoso_client, AZURE)
    revisions.touch(contoso().pk)
    assert "<td>4321</td>" in page(contoso_client, AZURE)


def test_the_key_changes_with_the_day_and_the_language(demo_data):
    organization = contoso()
    today = timezone.localdate()
    english = page_key(organization, "azure-cloud", today)
    assert page_key(organization, "azure-cloud", today) == english
    assert page_key(organization, "azure-cloud", today + timedelta(days=1)) != english
    with translation.override("fr"):
        assert page_key(organization, "azure-cloud", today) != english


def updates_of_revisions(captured) -> int:
    return sum('UPDATE "accounts_organization"' in query["sql"] for query in captured)


@REAL_TRANSACTIONS
def test_one_new_revision_per_transaction(demo_data):
    organization = contoso()
    before = revision_of(organization)
    office = Benefit.objects.get(organization=organization, product__name="Office 365 E3")
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        for quantity in (7, 8, 9):
            office.quantity = quantity
            office.save()
    assert updates_of_revisions(captured) == 1
    assert revision_of(organization) != before


@REAL_TRANSACTIONS
def test_a_change_after_the_revision_was_read_changes_it_again(demo_data):
    organization = contoso()
    office = Benefit.objects.get(organization=organization, product__name="Office 365 E3")
    with transaction.atomic():
        office.save()
        read = revisions.revision_for_key(organization)
        office.save()
        assert revision_of(organization) != read


@transaction.atomic
def save_then_fail(benefit: Benefit) -> None:
    benefit.save()
    raise RuntimeError


@REAL_TRANSACTIONS
def test_a_rolled_back_change_keeps_the_revision(demo_data):
    organization = contoso()
    before = revision_of(organization)
    office = Benefit.objects.get(organization=organization, product__name="Office 365 E3")
    with pytest.raises(RuntimeError):
        save_then_fail(office)
    assert revision_of(organization) == before


@REAL_TRANSACTIONS
def test_a_change_after_a_rolled_back_savepoint_still_counts(demo_data):
    organization = contoso()
    before = revision_of(organization)
    office = Benefit.objects.get(organization=organization, product__name="Office 365 E3")
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            save_then_fail(office)
        assert revision_of(organization) == before
        office.save()
    assert revision_of(organization) != before


@REAL_TRANSACTIONS
def test_deleting_a_tenant_asks_for_its_organization_once(demo_data):
    organization = contoso()
    tenant = organization.tenants.get(is_primary=False)
    DirectoryUser.objects.bulk_create(
        DirectoryUser(tenant=tenant, display_name=f"P{n}", user_principal_name=f"p{n}@x.example")
        for n in range(50)
    )
    with CaptureQueriesContext(connection) as captured:
        tenant.delete()
    lookups = [query for query in captured if 'FROM "accounts_tenant"' in query["sql"]]
    assert len(lookups) <= 2, lookups
    assert updates_of_revisions(captured) == 1
