"""GET /api/v1/benefits: the Azure & Cloud list's filters, sorting and figures, a page at a time
(one benefit: test_benefit_api.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Scope
from benefits import selectors
from benefits.api.cursor import CURSOR_INVALID, CURSOR_OTHER_ORDER
from benefits.api.field_errors import CHOICE_EXPECTED
from benefits.api.problems import INVALID
from benefits.forms import BenefitListForm
from benefits.models import Benefit, BenefitType, Offer, Product
from benefits.services import credits
from common.pagecache import page_cache
from tests.benefits.api.conftest import bearer
from tests.benefits.api.paging import walk
from tests.benefits.factories import ProductFactory
from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db

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


def test_a_refused_filter_is_told_in_french_with_the_values_it_takes(contoso_api):
    response = contoso_api.get(
        url("api:benefits_list", query={"offer": "platinum"}), headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    values = ", ".join(f"'{value}'" for value in Offer.values)
    with translation.override("fr"):
        expected = CHOICE_EXPECTED % {"expected": values}
        assert response.json()["detail"] == str(INVALID)
        assert response.json()["title"] == "Requête refusée"
    assert response.json()["errors"] == [{"field": "offer", "message": str(expected)}]
    assert str(expected).startswith("Choisissez")


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
