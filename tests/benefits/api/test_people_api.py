"""GET /api/v1/people: the people picker's search over the API, from the same cached copies as
the picker, so never staler than the screens."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.benefits.api.conftest import bearer
from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db


def people(client, text: str) -> list[dict]:
    response = client.get(url("api:people_search", query={"q": text}))
    assert response.status_code == 200, response.content
    return response.json()


def test_finds_enabled_people_by_the_start_of_a_name_with_their_tenant(contoso_api):
    found = people(contoso_api, "adele")
    assert [(person["display_name"], person["tenant_domain"]) for person in found] == [
        ("Adele Vance", "contoso.onmicrosoft.com")
    ]
    assert found[0]["credit_held"] is None


def test_a_search_repeated_runs_only_the_token_query(contoso_api):
    first = people(contoso_api, "adele")
    with CaptureQueriesContext(connection) as captured:
        again = people(contoso_api, "adele")
    assert again == first
    # The token, with its account and organization; the people come from the cached copy.
    assert len(captured) == 1, [query["sql"] for query in captured]


def test_the_picker_and_the_api_share_the_copy(contoso_client, contoso_admin, monthly_credit):
    api = Client(headers=bearer(contoso_admin))
    api.get(url("api:tenants_list"))  # the token's first use records it (one UPDATE)
    picker = url("benefits:credit_picker", monthly_credit.pk, query={"q": "adele"})
    assert contoso_client.get(picker, headers={"HX-Request": "true"}).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        found = people(api, "adele")
    assert [person["display_name"] for person in found] == ["Adele Vance"]
    assert len(captured) == 1, [query["sql"] for query in captured]


def test_a_credit_assigned_over_the_api_shows_in_the_next_search(
    contoso_api, monthly_credit, django_capture_on_commit_callbacks
):
    assert people(contoso_api, "adele")[0]["credit_held"] is None
    adele = directory_user("Adele Vance")
    with django_capture_on_commit_callbacks(execute=True):  # as the commit would
        response = contoso_api.post(
            url("api:holder_assign", monthly_credit.pk),
            {"directory_user_id": adele.pk},
            content_type="application/json",
            headers={"Idempotency-Key": "assign-adele"},
        )
    assert response.status_code == 201, response.content
    assert people(contoso_api, "adele")[0]["credit_held"] == monthly_credit.product.name


def test_another_organization_never_gets_the_copy(contoso_api, fabrikam):
    """The copies are the organization's: the same search by another one finds its own people."""
    assert people(contoso_api, "adele")
    other = Client(headers=bearer(User.objects.get(email="admin@fabrikam.example")))
    assert people(other, "adele") == []


@pytest.mark.parametrize("text", ["a ", "   ", " a\x00", "\t\t"])
def test_a_search_of_fewer_than_two_characters_once_trimmed_is_refused(contoso_api, text):
    """As typed, each passes the length check; as searched, it has one character or none: told
    so, not answered with nobody."""
    response = contoso_api.get(url("api:people_search", query={"q": text}))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "q", "message": "Enter at least 2 characters."}]


def test_a_search_is_trimmed_before_it_is_made(contoso_api):
    assert [person["display_name"] for person in people(contoso_api, "  adele ")] == ["Adele Vance"]
