"""GET /api/v1/benefits/{id}: one benefit with its keys (by their last group without the `keys`
scope, in full with it, never cached) or its credit's holders; another organization's is not
found; reading needs the `read` scope."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Scope
from benefits.api.problems import NOT_FOUND
from benefits.services import credits
from tests.benefits.api.conftest import bearer
from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db

OFFICE_KEYS = [
    "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ",
    "W7QCC-MCX3K-J9X3F-96QVT-YR36V",
    "T9C2Y-6YMPP-GCQ7T-X78KM-BVW6Y",
]


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
