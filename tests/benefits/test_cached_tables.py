"""The large tables and the picker's results are cached under the organization's page version
(common/pagecache.py): whatever changes what a page shows (a service, the admin, a bulk write)
shows as soon as it commits, and a page served from the cache runs only the session and account
queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, Tenant, User
from benefits.models import Benefit, ProductKey, Subscription
from benefits.services import credits

pytestmark = pytest.mark.django_db

AZURE, PRODUCTS, ACTIVITY = "benefits:azure_cloud", "products", "activity"
OVERVIEW = "benefits:overview"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what the block's transactions left for after their commit, as a real commit
    would (the test itself runs inside one transaction that never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def contoso() -> Organization:
    return Organization.objects.get(mpn_id="4711001")


def without_form_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1", html)


def page(client, url: str, **headers) -> str:
    response = client.get(url if url.startswith("/") else reverse(url), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def monthly_credit() -> Benefit:
    return Benefit.objects.get(
        organization=contoso(), credit_period=Benefit.Period.MONTHLY, product__kind="usage"
    )


def picker_url(credit: Benefit, text: str) -> str:
    return reverse("benefits:credit_picker", args=[credit.pk]) + f"?q={text}"


@pytest.mark.parametrize("url", [AZURE, PRODUCTS, ACTIVITY, OVERVIEW])
def test_a_page_served_from_the_cache_runs_at_most_two_queries(contoso_client, url):
    first = page(contoso_client, url)
    with CaptureQueriesContext(connection) as captured:
        again = page(contoso_client, url)
    assert without_form_tokens(again) == without_form_tokens(first)
    # The account with its organization, and the session unless the cache holds it (Redis);
    # the page version is in the cache, the tables too.
    queries = [query["sql"] for query in captured]
    assert len([sql for sql in queries if "django_session" not in sql]) == 1, queries
    assert len(queries) <= 2, queries


def test_a_saved_quantity_shows_once_committed(contoso_client, committed):
    page(contoso_client, AZURE)
    office = Benefit.objects.get(organization=contoso(), product__name="Office 365 E3")
    office.quantity = 4321
    with committed():
        office.save()
    assert "<td>4321</td>" in page(contoso_client, AZURE)


def keys_available(html: str) -> int:
    found = re.search(r'data-testid="keys-available">(\d+)<', html)
    assert found, html
    return int(found.group(1))


def test_a_key_removed_shows_in_the_overview_figures(contoso_client, committed):
    before = keys_available(page(contoso_client, OVERVIEW))
    unused = ProductKey.objects.filter(benefit__organization=contoso(), redeemed_at__isnull=True)
    with committed():
        ProductKey.objects.filter(pk=unused.order_by("pk")[0].pk).delete()
    assert keys_available(page(contoso_client, OVERVIEW)) == before - 1


def test_an_uncommitted_change_is_not_shown_from_the_cache(contoso_client):
    """Without its commit nothing says the pages changed: the cached copy stays (and a real
    rollback would make it right)."""
    page(contoso_client, AZURE)
    Benefit.objects.filter(organization=contoso(), product__name="Office 365 E3").update(
        quantity=4321
    )
    assert "<td>4321</td>" not in page(contoso_client, AZURE)


def test_a_bulk_update_shows_once_committed(contoso_client, committed):
    page(contoso_client, AZURE)
    with committed():
        Benefit.objects.filter(organization=contoso(), product__name="Office 365 E3").update(
            quantity=4321
        )
    assert "<td>4321</td>" in page(contoso_client, AZURE)


def test_a_tenant_given_to_another_organization_leaves_the_first(contoso_client, committed):
    assert "fabrikam.onmicrosoft.com" not in page(contoso_client, PRODUCTS)
    tenant = Tenant.objects.get(primary_domain="fabrikam.onmicrosoft.com")
    fabrikam = tenant.organization
    tenant.organization, tenant.is_primary = contoso(), False
    with committed():
        tenant.save()
    assert "fabrikam.onmicrosoft.com" in page(contoso_client, PRODUCTS)
    tenant.organization = fabrikam
    with committed():
        tenant.save()
    assert "fabrikam.onmicrosoft.com" not in page(contoso_client, PRODUCTS)


def test_a_changed_end_date_shows_on_your_products(contoso_client, committed):
    page(contoso_client, PRODUCTS)
    subscription = Subscription.objects.get(
        tenant__organization=contoso(), product__name="Power BI Pro"
    )
    subscription.end_date = timezone.localdate() + timedelta(days=999)
    with committed():
        subscription.save()
    shown = page(contoso_client, PRODUCTS)
    assert f'datetime="{subscription.end_date.isoformat()}"' in shown


def test_a_deleted_subscription_leaves_your_products(contoso_client, committed):
    assert "Microsoft Intune" in page(contoso_client, PRODUCTS)
    with committed():
        Subscription.objects.get(
            tenant__organization=contoso(), product__name="Microsoft Intune"
        ).delete()
    assert "Microsoft Intune" not in page(contoso_client, PRODUCTS)


def test_a_credit_assigned_shows_in_the_picker_and_the_activity(contoso_client, committed):
    credit = monthly_credit()
    before = page(contoso_client, picker_url(credit, "Adele"), HX_Request="true")
    assert "Adele Vance" in before
    assert "holds" not in before
    page(contoso_client, ACTIVITY)
    with committed():
        credits.credit_assign(
            benefit=credit,
            directory_user=DirectoryUser.objects.get(display_name="Adele Vance"),
            actor=User.objects.get(email="admin@contoso.example"),
            today=timezone.localdate(),
        )
    shown = page(contoso_client, picker_url(credit, "Adele"), HX_Request="true")
    assert f"holds {credit.product.name}" in shown
    assert "Adele Vance" in page(contoso_client, ACTIVITY)


def test_a_credit_assigned_through_the_page_refreshes_the_list(contoso_client, committed):
    credit = monthly_credit()
    page(contoso_client, ACTIVITY)
    person = DirectoryUser.objects.get(display_name="Alex Wilber")
    with committed():
        contoso_client.post(
            reverse("benefits:credit_assign", args=[credit.pk]), {"directory_user": person.pk}
        )
    assert "Alex Wilber" in page(contoso_client, ACTIVITY)


def test_a_renamed_person_shows_in_the_picker(contoso_client, committed):
    credit = monthly_credit()
    page(contoso_client, picker_url(credit, "Adele"), HX_Request="true")
    person = DirectoryUser.objects.get(display_name="Adele Vance")
    person.display_name = "Adele Vance-Smith"
    with committed():
        person.save()
    shown = page(contoso_client, picker_url(credit, "Adele"), HX_Request="true")
    assert "Adele Vance-Smith" in shown


def test_a_changed_currency_shows_in_the_amounts(contoso_client, committed):
    assert "$100.00" in page(contoso_client, AZURE)
    organization = contoso()
    organization.currency = "EUR"
    with committed():
        organization.save()
        Benefit.objects.filter(organization=organization, product__kind="usage").update(
            currency="EUR"
        )
    assert "€100.00" in page(contoso_client, AZURE)
