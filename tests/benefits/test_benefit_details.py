"""One benefit's details: the page, the htmx partial that expands a row, and tenancy."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import DirectoryUser, User
from benefits.models import Benefit, CreditAssignment, ProductKey, Subscription
from tests.benefits.wizard_pages import O365_25, start, validate
from tests.conftest import HTMX, url

pytestmark = pytest.mark.django_db


def detail_url(benefit: Benefit) -> str:
    return url("benefits:benefit_detail", benefit.pk)


def contoso_benefit(name: str) -> Benefit:
    return Benefit.objects.get(organization__mpn_id="4711001", product__name=name)


O365_KEYS = [
    "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ",
    "W7QCC-MCX3K-J9X3F-96QVT-YR36V",
    "T9C2Y-6YMPP-GCQ7T-X78KM-BVW6Y",
]


def test_license_benefit_lists_its_keys_by_last_group_with_redeem_links(contoso_client):
    page = contoso_client.get(detail_url(contoso_benefit("Office 365 E3"))).content.decode()
    for key in O365_KEYS:
        assert key not in page
        assert f"…-{key[-5:]}" in page
        # The link names the key by its id: a full key never travels in an address.
        key_id = ProductKey.objects.get(key=key).pk
        assert f'href="{url("benefits:redeem", query={"key_id": key_id})}"' in page
    assert "Available" in page
    assert "incognito" in page
    walkthrough = url("benefits:redeem", query={"restart": 1})
    assert f'href="{walkthrough.replace("&", "&amp;")}">Activation walkthrough' in page
    assert "The last date the usage rights may be exercised." in page
    assert f'href="{reveal_url(contoso_benefit("Office 365 E3"))}"' in page


@pytest.mark.usefixtures("fresh_rate_limit")
def test_the_walkthrough_starts_afresh_rather_than_at_another_keys_review(contoso_client):
    """A review of an Office 365 E3 key in progress: the walkthrough link of another benefit
    showed it, Redeem one press away."""
    start(contoso_client, "Office 365 E3", "extend")
    assert validate(contoso_client, O365_25).status_code == 302
    assert 'value="review"' in contoso_client.get(url("benefits:redeem")).content.decode()
    page = contoso_client.get(detail_url(contoso_benefit("Power BI Pro"))).content.decode()
    walkthrough = re.search(r'href="([^"]+)">Activation walkthrough', page)
    assert walkthrough is not None
    followed = contoso_client.get(html.unescape(walkthrough.group(1))).content.decode()
    assert 'value="choose"' in followed
    assert 'value="review"' not in followed


def reveal_url(benefit: Benefit) -> str:
    return url("benefits:benefit_keys_revealed", benefit.pk)


def test_full_keys_are_revealed_within_15_minutes_of_signing_in(contoso_client):
    # force_login records no authentication: sign in through the form, as a person does.
    contoso_client.logout()
    signed_in = contoso_client.post(
        url("login"), {"login": "admin@contoso.example", "password": "partner-demo"}
    )
    assert signed_in.status_code == 302
    response = contoso_client.get(reveal_url(contoso_benefit("Office 365 E3")))
    assert response.status_code == 200
    page = response.content.decode()
    for key in O365_KEYS:
        assert key in page
    assert "no-store" in response["Cache-Control"]
    assert "Hide full keys" in page


def test_revealing_keys_asks_to_authenticate_again_without_a_recent_sign_in(contoso_client):
    benefit = contoso_benefit("Office 365 E3")
    response = contoso_client.get(reveal_url(benefit))
    assert response.status_code == 302
    assert response["Location"].startswith(url("account_reauthenticate"))
    htmx = contoso_client.get(reveal_url(benefit), headers={**HTMX, "HX-Current-URL": "/"})
    assert htmx["HX-Redirect"].startswith(url("account_reauthenticate"))
    assert O365_KEYS[0] not in htmx.content.decode()
    # From a page no browser names (a broken address): back to the keys' own address after.
    broken = contoso_client.get(
        reveal_url(benefit), headers={**HTMX, "HX-Current-URL": "http://[::1"}
    )
    assert broken["HX-Redirect"].startswith(url("account_reauthenticate"))


def test_an_azure_credit_has_no_keys_to_reveal(contoso_client):
    credit = Benefit.objects.filter(organization__mpn_id="4711001", product__kind="usage").first()
    assert credit is not None
    assert contoso_client.get(reveal_url(credit)).status_code == 404


def test_a_redeemed_key_says_when_and_into_which_subscription(contoso_client):
    benefit = contoso_benefit("Power BI Pro")
    subscription = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Power BI Pro"
    )
    key = benefit.keys.get(licenses=10)
    key.redeemed_at = timezone.now()
    key.redeemed_into = subscription
    key.save()
    page = contoso_client.get(detail_url(benefit)).content.decode()
    today = timezone.localdate().isoformat()
    assert f'Redeemed on <time datetime="{today}">' in page
    assert "into Power BI Pro (contoso.onmicrosoft.com)" in page
    assert f"?key_id={key.pk}" not in page


def test_an_expired_benefit_offers_no_redeem_button(contoso_client):
    page = contoso_client.get(detail_url(contoso_benefit("Azure AD Basic"))).content.decode()
    assert "…-QJQY4" in page
    assert "?key_id=" not in page
    assert "Expired: can no longer be redeemed" in page
    assert ">Available<" not in page


def test_the_key_table_is_cached_until_the_organization_changes(
    contoso_client, django_capture_on_commit_callbacks
):
    benefit = contoso_benefit("Power BI Pro")
    first = contoso_client.get(detail_url(benefit), headers=HTMX).content.decode()
    with CaptureQueriesContext(connection) as cached:
        again = contoso_client.get(detail_url(benefit), headers=HTMX).content.decode()
    assert again == first
    assert not any("benefits_productkey" in query["sql"] for query in cached.captured_queries)
    key = benefit.keys.get(licenses=10)
    with django_capture_on_commit_callbacks(execute=True):
        ProductKey.objects.filter(pk=key.pk).update(licenses=11)  # a change refreshes the page
    changed = contoso_client.get(detail_url(benefit), headers=HTMX).content.decode()
    assert "<td>11</td>" in changed


def test_usage_benefit_shows_amount_and_holders(contoso_client):
    benefit = contoso_benefit("Azure monthly credit — 100 per month")
    CreditAssignment.objects.create(
        benefit=benefit, directory_user=DirectoryUser.objects.get(display_name="Adele Vance")
    )
    page = contoso_client.get(detail_url(benefit)).content.decode()
    assert "$100.00 per month" in page
    assert "User assignment" in page
    assert "Adele Vance" in page
    assert "1 of 2 seats assigned." in page


def test_usage_benefit_without_holders_says_so(contoso_client):
    page = contoso_client.get(
        detail_url(contoso_benefit("Azure bulk credit — 6,000 per year"))
    ).content.decode()
    assert "Nobody holds this credit yet." in page
    assert "$6,000.00 per year" in page


def test_htmx_gets_just_the_details(contoso_client):
    response = contoso_client.get(detail_url(contoso_benefit("Office 365 E3")), headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert "breadcrumb" not in body
    assert "…-F7CPQ" in body


def test_the_list_links_each_row_to_its_details_with_and_without_javascript(contoso_client):
    benefit = contoso_benefit("Office 365 E3")
    page = contoso_client.get(url("benefits:azure_cloud")).content.decode()
    assert f'href="{detail_url(benefit)}"' in page
    assert f'hx-get="{detail_url(benefit)}" hx-target="#details-{benefit.pk}-body"' in page


def test_without_javascript_the_way_back_from_details_keeps_the_lists_view(contoso_client):
    """A row's details link carries the list's cleaned state (filters, sort, pages past the
    first; nothing else), and the details page's breadcrumb returns to that view."""
    benefit = contoso_benefit("Office 365 E3")
    view = {"status": "active", "sort": "-quantity", "usage_page": "1", "junk": "<x>"}
    listing = contoso_client.get(url("benefits:azure_cloud"), view).content.decode()
    assert f'href="{detail_url(benefit)}?status=active&amp;sort=-quantity"' in listing
    details = contoso_client.get(detail_url(benefit), view).content.decode()
    back = url("benefits:azure_cloud")
    assert f'<a href="{back}?status=active&amp;sort=-quantity">' in details
    # Opened otherwise, or with values the list doesn't take: the list as it opens.
    for params in ({}, {"status": "<script>", "sort": "nope"}):
        plain = contoso_client.get(detail_url(benefit), params).content.decode()
        assert f'<a href="{back}">' in plain
        assert "<script>" not in plain


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_another_organizations_benefit_is_404(client, demo_data, headers):
    fabrikam_benefit = Benefit.objects.get(organization__mpn_id="4711002")
    client.force_login(User.objects.get(email="admin@contoso.example"))
    assert client.get(detail_url(fabrikam_benefit), headers=headers).status_code == 404
