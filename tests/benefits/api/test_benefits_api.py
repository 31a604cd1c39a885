"""GET /api/v1/benefits and /api/v1/benefits/{id}: the Azure & Cloud list's filters, sorting
and figures, a page at a time; one benefit with its keys (masked without the `keys` scope) or
its credit's holders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Scope
from benefits import selectors
from benefits.api.cursor import CURSOR_INVALID, CURSOR_OTHER_ORDER
from benefits.api.problems import INVALID, NOT_FOUND
from benefits.forms import BenefitListForm
from benefits.models import Benefit, BenefitType, Offer, Product
from benefits.services import credits
from common.pagecache import page_cache
from tests.benefits.api.conftest import bearer
from tests.benefits.api.paging import walk
from tests.benefits.factories import ProductFactory
from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db

OFFICE_KEYS = [
    "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ",
    "W7QCC-MCX3K-J9X3F-96QVT-YR36V",
    "T9C2Y-6YMPP-GCQ7T-X78KM-BVW6Y",
]
SORTS = [key for name in selectors.SORTABLE for key in (name, f"-{name}")]


def listed(organization, params: dict) -> list[int]:
    """The ids the Azure & Cloud page lists for ``params``, in its order (both sections)."""
    query = BenefitListForm(params).to_query()
    table = selectors.benefit_table(
        organization=organization, query=query, today=timezone.localdate()
    )
    return list(table.values_list("pk", flat=True))


def test_list_shows_each_benefit_with_its_figures(contoso_api, contoso_admin, monthly_credit):
    credits.credit_assign(
        benefit=monthly_credit,
        directory_user=directory_user("Adele Vance"),
        actor=contoso_admin,
        today=timezone.localdate(),
    )
    response = contoso_api.get(url("api:benefits_list"))
    assert response.status_code == 200, response.content
    items = {item["product"]: item for item in response.json()["items"]}
    assert len(items) == 6
    office = items["Office 365 E3"]
    assert office["kind"] == "license"
    assert (office["offer"], office["offer_label"]) == ("gold", "Gold competency")
    assert (office["type"], office["type_label"]) == ("core", "Core")
    assert office["licenses"] == {"available": 225, "redeemed": 0}
    assert office["credit"] is None
    monthly = items[monthly_credit.product.name]
    assert monthly["credit"] == {
        "amount": "100.00",
        "period": "monthly",
        "period_label": "Monthly credit",
        "currency": "USD",
        "seats_held": 1,
    }
    assert monthly["licenses"] is None
    assert items["Azure AD Basic"]["status"] == "expired"
    assert items["Microsoft Intune"]["status"] == "expiring"
    assert items["Power BI Pro"]["status"] == "active"


def test_another_organizations_benefits_are_never_listed(contoso_api, fabrikam):
    ids = {item["id"] for item in contoso_api.get(url("api:benefits_list")).json()["items"]}
    assert not ids & set(fabrikam.benefits.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"offer": "gold"},
        {"type": "incremental"},
        {"status": "expired"},
        {"status": "expiring"},
        {"q": "azure"},
        {"q": "AZURE", "sort": "-expiration"},
        *({"sort": sort} for sort in SORTS),
    ],
)
def test_filters_and_sorting_are_the_list_pages(contoso_api, contoso, params):
    address = url("api:benefits_list", query={**params, "page_size": 2})
    forwards, backwards = walk(contoso_api, address)
    assert forwards == backwards == listed(contoso, params)


def test_sorting_by_date_descending_starts_with_the_latest(contoso_api):
    items = contoso_api.get(url("api:benefits_list", query={"sort": "-expiration"})).json()
    dates = [item["expiration_date"] for item in items["items"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offer": "platinum"}, "offer"),
        ({"type": "bonus"}, "type"),
        ({"status": "soon"}, "status"),
        ({"sort": "price"}, "sort"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_a_value_the_list_page_does_not_know_is_refused_naming_it(contoso_api, params, field):
    response = contoso_api.get(url("api:benefits_list", query=params))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == str(INVALID)
    assert [error["field"] for error in body["errors"]] == [field]


def test_a_refused_filter_is_told_in_french(contoso_api):
    response = contoso_api.get(
        url("api:benefits_list", query={"offer": "platinum"}), headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    with translation.override("fr"):
        expected = forms.ChoiceField.default_error_messages["invalid_choice"] % {
            "value": "platinum"
        }
        assert response.json()["detail"] == str(INVALID)
        assert response.json()["title"] == "Requête refusée"
    assert response.json()["errors"] == [{"field": "offer", "message": str(expected)}]
    assert "Sélectionnez" in str(expected)


def test_a_page_holds_at_most_a_hundred(contoso_api):
    response = contoso_api.get(url("api:benefits_list", query={"page_size": 101}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page_size"


def test_a_changed_cursor_is_refused(contoso_api):
    first = contoso_api.get(url("api:benefits_list", query={"page_size": 2})).json()
    changed = first["next"].replace("cursor=", "cursor=x")
    response = contoso_api.get(changed)
    assert response.status_code == 422
    assert response.json()["detail"] == str(CURSOR_INVALID)
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_cursor_of_another_sort_is_refused(contoso_api):
    first = contoso_api.get(url("api:benefits_list", query={"page_size": 2})).json()
    other = first["next"] + "&sort=-quantity"
    response = contoso_api.get(other)
    assert response.status_code == 422
    assert response.json()["detail"] == str(CURSOR_OTHER_ORDER)


def test_a_walk_keeps_the_order_of_its_first_pages_language(contoso_api, contoso):
    """Offers sort by their label, which differs between languages: a walk begun in English
    and continued in French still sees every benefit once."""
    first = contoso_api.get(url("api:benefits_list", query={"sort": "offer", "page_size": 2}))
    ids = [item["id"] for item in first.json()["items"]]
    address = first.json()["next"]
    while address:
        body = contoso_api.get(address, headers={"Accept-Language": "fr"}).json()
        ids += [item["id"] for item in body["items"]]
        address = body["next"]
    with translation.override("en"):
        english = listed(contoso, {"sort": "offer"})
    with translation.override("fr"):
        assert listed(contoso, {"sort": "offer"}) != english  # else this proves nothing
    assert ids == english


# --- One benefit --------------------------------------------------------------------------


def test_keys_show_only_their_last_group_without_the_keys_scope(
    client, contoso_admin, office_benefit
):
    headers = bearer(contoso_admin, [Scope.READ])
    response = client.get(url("api:benefit_detail", office_benefit.pk), headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [key["key"] for key in body["keys"]] == ["…-F7CPQ", "…-YR36V", "…-BVW6Y"]
    for full in OFFICE_KEYS:
        assert full[:5] not in response.content.decode()
    assert body["licenses"] == {"available": 225, "redeemed": 0}
    assert body["holders"] is None


def test_keys_show_in_full_with_the_keys_scope_and_are_never_cached(
    client, contoso_admin, office_benefit
):
    headers = bearer(contoso_admin, [Scope.READ, Scope.KEYS])
    response = client.get(url("api:benefit_detail", office_benefit.pk), headers=headers)
    assert [key["key"] for key in response.json()["keys"]] == OFFICE_KEYS
    assert "no-store" in response["Cache-Control"]


def test_a_redeemed_key_says_when_and_into_which_subscription(contoso_api, office_benefit):
    response = contoso_api.post(
        url("api:redemption_create"),
        {"key": OFFICE_KEYS[0], "action": "activate"},
        content_type="application/json",
        headers={"Idempotency-Key": "redeem-1"},
    )
    assert response.status_code == 201, response.content
    body = contoso_api.get(url("api:benefit_detail", office_benefit.pk)).json()
    redeemed = body["keys"][0]
    assert redeemed["redeemed"] is True
    assert redeemed["redeemed_at"]
    assert redeemed["redeemed_into"]["product"] == "Office 365 E3"
    assert redeemed["redeemed_into"]["tenant_domain"] == "contoso.onmicrosoft.com"
    assert body["keys"][1]["redeemed"] is False
    assert body["keys"][1]["redeemed_into"] is None
    assert body["licenses"] == {"available": 200, "redeemed": 25}


def test_credit_shows_its_holders(contoso_api, contoso_admin, monthly_credit):
    person = directory_user("Adele Vance")
    credits.credit_assign(
        benefit=monthly_credit,
        directory_user=person,
        actor=contoso_admin,
        today=timezone.localdate(),
    )
    body = contoso_api.get(url("api:benefit_detail", monthly_credit.pk)).json()
    assert body["keys"] is None
    assert body["credit"]["seats_held"] == 1
    [holder] = body["holders"]
    assert holder["directory_user_id"] == person.pk
    assert holder["display_name"] == "Adele Vance"
    assert holder["user_principal_name"] == person.user_principal_name
    assert holder["tenant_domain"] == person.tenant.primary_domain


def test_another_organizations_benefit_is_not_found(contoso_api, fabrikam):
    theirs = fabrikam.benefits.get()
    response = contoso_api.get(url("api:benefit_detail", theirs.pk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == str(NOT_FOUND)
    assert "Y3VQD" not in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        lambda benefit: url("api:benefits_list"),
        lambda benefit: url("api:benefit_detail", benefit.pk),
        lambda benefit: url("api:subscriptions_list"),
        lambda benefit: url("api:activity_list"),
    ],
    ids=["benefits", "benefit", "subscriptions", "activity"],
)
def test_reading_needs_the_read_scope(client, contoso_admin, office_benefit, address):
    without = client.get(address(office_benefit), headers=bearer(contoso_admin, [Scope.KEYS]))
    assert without.status_code == 403
    assert without["Content-Type"] == "application/problem+json"
    assert "'read'" in without.json()["detail"]
    assert client.get(address(office_benefit)).status_code == 401


# --- Cursor paging, over any benefits ------------------------------------------------------

benefit_rows = st.lists(
    st.tuples(
        st.sampled_from(["Alpha", "Beta", "Gamma"]),
        st.sampled_from(Offer.values),
        st.sampled_from(BenefitType.values),
        st.integers(min_value=1, max_value=3),
        st.integers(min_value=-40, max_value=40),
    ),
    max_size=14,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=benefit_rows,
    sort=st.sampled_from(SORTS),
    size=st.integers(min_value=1, max_value=5),
    status=st.sampled_from(["", "active", "expiring", "expired"]),
)
def test_walking_the_pages_sees_every_benefit_once_in_order(
    client, organization, admin_user, rows, sort, size, status
):
    """Ties on every column (few names, quantities and dates): a walk forwards, then back,
    sees each benefit exactly once, in the list page's order."""
    # Each example's rows are rolled back, not committed: no commit gives the organization's
    # cached pages a new version (common.pagecache), so each example starts with none.
    page_cache().clear()
    with transaction.atomic():
        headers = bearer(admin_user, [Scope.READ])
        today = timezone.localdate()
        products = {
            name: ProductFactory.create(name=f"{name} cloud", kind=Product.Kind.LICENSE)
            for name in ("Alpha", "Beta", "Gamma")
        }
        Benefit.objects.bulk_create(
            Benefit(
                organization=organization,
                product=products[name],
                offer=offer,
                benefit_type=kind,
                quantity=quantity,
                expiration_date=today + timedelta(days=days),
            )
            for name, offer, kind, quantity, days in rows
        )
        params = {"sort": sort, "status": status}
        address = url("api:benefits_list", query={**params, "page_size": size})
        forwards, backwards = walk(client, address, **headers)
        expected = listed(organization, params)
        assert forwards == expected
        assert backwards == expected
        transaction.set_rollback(True)


def test_credit_amount_is_exact(contoso_api, bulk_credit):
    body = contoso_api.get(url("api:benefit_detail", bulk_credit.pk)).json()
    assert Decimal(body["credit"]["amount"]) == bulk_credit.credit_amount
    assert body["credit"]["period"] == "annual"


def test_a_changed_cursor_is_told_in_french(contoso_api):
    first = contoso_api.get(url("api:benefits_list", query={"page_size": 2})).json()
    changed = first["next"].replace("cursor=", "cursor=x")
    response = contoso_api.get(changed, headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    with translation.override("fr"):
        assert response.json()["detail"] == str(CURSOR_INVALID)
    assert response.json()["detail"].startswith("Ce curseur")


def test_the_list_is_cached_until_a_change_commits(
    contoso_api, monthly_credit, contoso_admin, django_capture_on_commit_callbacks
):
    def seats_held() -> int:
        items = contoso_api.get(url("api:benefits_list")).json()["items"]
        return next(item for item in items if item["id"] == monthly_credit.pk)["credit"][
            "seats_held"
        ]

    before = seats_held()
    with CaptureQueriesContext(connection) as queries:
        assert seats_held() == before
    assert len(queries) == 1  # the token only: the page came from the cache
    with django_capture_on_commit_callbacks(execute=True):
        credits.credit_assign(
            benefit=monthly_credit,
            directory_user=directory_user("Adele Vance"),
            actor=contoso_admin,
            today=timezone.localdate(),
        )
    assert seats_held() == before + 1
