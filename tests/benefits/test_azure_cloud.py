"""Azure & Cloud products: the list, its sorting, filters, search and pages (its CSV and
currencies: test_azure_cloud_csv.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.benefits.azure_cloud_pages import CSV, URL, many, products_in, read_csv
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_the_list_has_both_sections(contoso_client):
    page = contoso_client.get(URL).content.decode()
    assert "Usage-based subscriptions" in page
    assert "License-based subscriptions" in page
    assert products_in(page, "usage") == [
        "Azure bulk credit — 6,000 per year",
        "Azure monthly credit — 100 per month",
    ]
    assert products_in(page, "license") == [
        "Azure AD Basic",
        "Microsoft Intune",
        "Office 365 E3",
        "Power BI Pro",
    ]


def test_expired_rows_are_muted_and_say_expired(contoso_client):
    page = contoso_client.get(URL).content.decode()
    row = page[page.index("Azure AD Basic") - 40 : page.index("Azure AD Basic") + 900]
    assert 'class="pb-expired"' in row
    assert "Expired" in row


def test_rows_expiring_within_30_days_carry_a_badge(contoso_client):
    page = contoso_client.get(URL).content.decode()
    intune = page[page.index("Microsoft Intune") : page.index("Microsoft Intune") + 900]
    assert "Expires within 30 days" in intune


def test_every_date_is_a_time_element(contoso_client):
    page = contoso_client.get(URL).content.decode()
    today = timezone.localdate()
    machine = re.findall(r'<time datetime="([^"]+)">', page)
    expected = {(today + timedelta(days=days)).isoformat() for days in (200, 300, 120, 20, -10)}
    assert set(machine) == expected
    # No date is shown outside a <time> element.
    outside = re.sub(r"<time [^>]*>.*?</time>", "", page)
    assert not re.search(r"\b(19|20)\d\d\b", outside.split("</form>", 1)[1])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("product", ["Azure AD Basic", "Microsoft Intune", "Office 365 E3", "Power BI Pro"]),
        ("-product", ["Power BI Pro", "Office 365 E3", "Microsoft Intune", "Azure AD Basic"]),
        ("quantity", ["Azure AD Basic", "Microsoft Intune", "Power BI Pro", "Office 365 E3"]),
        ("-quantity", ["Office 365 E3", "Power BI Pro", "Microsoft Intune", "Azure AD Basic"]),
        ("offer", ["Microsoft Intune", "Office 365 E3", "Azure AD Basic", "Power BI Pro"]),
        ("type", ["Azure AD Basic", "Microsoft Intune", "Office 365 E3", "Power BI Pro"]),
        ("-type", ["Power BI Pro", "Azure AD Basic", "Microsoft Intune", "Office 365 E3"]),
        ("expiration", ["Azure AD Basic", "Microsoft Intune", "Power BI Pro", "Office 365 E3"]),
        ("-expiration", ["Office 365 E3", "Power BI Pro", "Microsoft Intune", "Azure AD Basic"]),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_sorting_by_each_column(contoso_client, sort, expected, headers):
    page = contoso_client.get(URL, {"sort": sort}, headers=headers).content.decode()
    assert products_in(page, "license") == expected


def test_offers_sort_by_the_label_the_reader_sees(contoso_client):
    page = contoso_client.get(URL, {"sort": "offer"}, headers={"accept-language": "fr"})
    # Compétence Gold, Compétence Silver, Microsoft Action Pack
    assert products_in(page.content.decode(), "license") == [
        "Microsoft Intune",
        "Office 365 E3",
        "Power BI Pro",
        "Azure AD Basic",
    ]


def test_the_sorted_column_says_so_and_links_to_the_other_direction(contoso_client):
    page = contoso_client.get(URL, {"sort": "quantity"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert 'href="?sort=-quantity"' in page


@pytest.mark.parametrize(
    ("params", "usage", "license"),
    [
        (
            {"offer": "gold"},
            ["Azure bulk credit — 6,000 per year"],
            ["Microsoft Intune", "Office 365 E3"],
        ),
        ({"type": "incremental"}, ["Azure bulk credit — 6,000 per year"], ["Power BI Pro"]),
        ({"status": "expired"}, [], ["Azure AD Basic"]),
        ({"status": "expiring"}, [], ["Microsoft Intune"]),
        (
            {"status": "active"},
            ["Azure bulk credit — 6,000 per year", "Azure monthly credit — 100 per month"],
            ["Office 365 E3", "Power BI Pro"],
        ),
        ({"q": "office"}, [], ["Office 365 E3"]),
        (
            {"q": "AZURE", "type": "core"},
            ["Azure monthly credit — 100 per month"],
            ["Azure AD Basic"],
        ),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_filters_and_search(contoso_client, params, usage, license, headers):
    page = contoso_client.get(URL, params, headers=headers).content.decode()
    assert products_in(page, "usage") == usage
    assert products_in(page, "license") == license


def test_htmx_keeps_the_page_numbers_in_the_address(client, admin_user):
    many(admin_user.organization, 60)
    client.force_login(admin_user)
    response = client.get(URL, {"license_page": "2", "offer": "gold"}, headers=HTMX)
    assert response["HX-Push-Url"] == URL + "?offer=gold&license_page=2"


def test_filters_replace_the_address_and_sorting_adds_to_history(contoso_client):
    filtered = contoso_client.get(
        URL, {"q": "office"}, headers={**HTMX, "HX-Trigger": "benefit-filters"}
    )
    assert filtered["HX-Replace-Url"] == URL + "?q=office"
    assert "HX-Push-Url" not in filtered
    sorted_ = contoso_client.get(URL, {"sort": "-quantity"}, headers=HTMX)
    assert sorted_["HX-Push-Url"] == URL + "?sort=-quantity"


def test_back_button_restores_get_the_whole_page(contoso_client):
    response = contoso_client.get(
        URL, {"q": "office"}, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" in body
    assert body.count('id="benefit-count"') == 1
    assert "HX-Request" in response["Vary"]


def test_htmx_answers_carry_the_state_out_of_band(contoso_client):
    body = contoso_client.get(URL, {"sort": "-quantity", "q": "o"}, headers=HTMX).content.decode()
    assert (
        '<input type="hidden" name="sort" id="sort-state" value="-quantity" hx-swap-oob="true">'
        in body
    )
    assert f'href="{CSV}?q=o&amp;sort=-quantity"' in body
    assert '<span id="benefit-count" hx-swap-oob="innerHTML">' in body
    assert "benefits shown." in body


def test_an_expired_session_under_htmx_sends_the_whole_page_to_sign_in(client, db):
    response = client.get(URL, headers={**HTMX, "HX-Current-URL": f"http://testserver{URL}?q=o"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={URL}%3Fq%3Do"


@pytest.mark.parametrize(
    "page", ["http://[::1", "http://testserver]/", "https://elsewhere.example/x"]
)
def test_an_expired_session_from_a_page_no_browser_names_signs_in_at_home(client, db, page):
    """A header no browser sends (a broken or foreign address) is no page to come back to."""
    response = client.get(URL, headers={**HTMX, "HX-Current-URL": page})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/"


def test_htmx_gets_just_the_table_and_a_clean_address(contoso_client):
    response = contoso_client.get(URL + "?q=office&offer=&status=&sort=product", headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="benefit-filters"' not in body
    assert "Office 365 E3" in body
    assert response["HX-Push-Url"] == URL + "?q=office"


def test_without_javascript_the_same_address_renders_the_whole_page(contoso_client):
    body = contoso_client.get(URL + "?q=office").content.decode()
    assert "<html" in body
    assert 'value="office"' in body
    assert products_in(body, "license") == ["Office 365 E3"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"sort": "-"},
        {"offer": "platinum"},
        {"type": "<script>"},
        {"status": "sideways"},
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"license_page": "abc"},
        {"license_page": "-3"},
        {"usage_page": "1.5"},
    ],
)
def test_bad_parameters_fall_back_to_the_default_view(contoso_client, params):
    response = contoso_client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert products_in(page, "license") == [
        "Azure AD Basic",
        "Microsoft Intune",
        "Office 365 E3",
        "Power BI Pro",
    ]
    # A filter dropped is said to be; a sort or page number that is no such thing is the default.
    said = "be used as a filter" in page
    assert said == bool({"q", "offer", "type", "status"} & set(params))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_bad_parameters_under_htmx_fall_back_too(contoso_client, headers):
    response = contoso_client.get(
        URL, {"sort": "x", "offer": "y", "q": "z" * 500, "usage_page": "q"}, headers=headers
    )
    assert response.status_code == 200
    assert len(products_in(response.content.decode(), "license")) == 4
    assert "be used as a filter" in response.content.decode()
    understood = contoso_client.get(URL, {"offer": "action_pack", "q": "o"}, headers=headers)
    assert "be used as a filter" not in understood.content.decode()


def test_csv_holds_every_page_of_what_the_list_shows(client, admin_user):
    many(admin_user.organization, 60)
    client.force_login(admin_user)
    rows = read_csv(client.get(CSV, {"sort": "-quantity"}))
    assert [row["quantity"] for row in rows] == [str(n) for n in range(60, 0, -1)]


@pytest.mark.parametrize("page", ["2", "9" * 30])
def test_a_page_past_the_end_is_404(contoso_client, page):
    assert contoso_client.get(URL, {"license_page": page}).status_code == 404


def test_sections_are_paged_at_50_rows(client, admin_user):
    many(admin_user.organization, 60)
    client.force_login(admin_user)
    first = client.get(URL, {"sort": "quantity"}).content.decode()
    assert len(products_in(first, "license")) == 50
    assert "Page 1 of 2" in first
    assert "license_page=2" in first
    second = client.get(URL, {"sort": "quantity", "license_page": "2"}).content.decode()
    assert len(products_in(second, "license")) == 10


def test_the_list_shows_only_the_organizations_own_benefits(contoso_client):
    page = contoso_client.get(URL).content.decode()
    assert products_in(page, "license").count("Office 365 E3") == 1  # not Fabrikam's


def test_other_roles_are_refused_the_list_and_the_csv(client, demo_data):
    client.force_login(User.objects.get(email="billing@contoso.example"))
    assert client.get(URL).status_code == 403
    assert client.get(CSV).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_from_the_csv(client, db):
    assert client.get(CSV).status_code == 302
