"""Azure credit holders over the API: the screens' services and refusals, each write once per
Idempotency-Key."""

import pytest

from benefits.models import Activity, CreditAssignment, IdempotentRequest
from benefits.services import credits
from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db


def send(client, method: str, address: str, body: dict | None = None, key: str | None = "k"):
    headers = {"Idempotency-Key": key} if key else {}
    return getattr(client, method)(
        address, body or {}, content_type="application/json", headers=headers
    )


def test_assign_returns_the_holder_and_records_the_key(contoso_api, monthly_credit):
    adele = directory_user("Adele Vance")
    response = send(
        contoso_api,
        "post",
        url("api:holder_assign", monthly_credit.pk),
        {"directory_user_id": adele.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["directory_user_id"] == adele.pk
    record = Activity.objects.get(pk=body["activity_id"])
    assert record.kind == Activity.Kind.CREDIT_ASSIGNED
    assert record.idempotency_key == "k"
    assert record.api_token_name == "tests"


def test_a_refusal_is_the_screens_message_and_is_answered_again(contoso_api, monthly_credit):
    pat = directory_user("Pat Doe")  # on a consumer domain
    address = url("api:holder_assign", monthly_credit.pk)
    first = send(contoso_api, "post", address, {"directory_user_id": pat.pk})
    again = send(contoso_api, "post", address, {"directory_user_id": pat.pk})
    assert first.status_code == again.status_code == 422
    assert first["Content-Type"] == "application/problem+json"
    assert first.json() == again.json()
    assert "gmail.com" in first.json()["detail"]
    assert IdempotentRequest.objects.get(key="k").status_code == 422
    assert not CreditAssignment.objects.filter(directory_user=pat).exists()


def test_remove_is_204_once_and_again(contoso_api, monthly_credit):
    adele = directory_user("Adele Vance")
    send(
        contoso_api,
        "post",
        url("api:holder_assign", monthly_credit.pk),
        {"directory_user_id": adele.pk},
        key="assign",
    )
    address = url("api:holder_remove", monthly_credit.pk, adele.pk)
    first = send(contoso_api, "delete", address, key="remove")
    again = send(contoso_api, "delete", address, key="remove")
    assert first.status_code == again.status_code == 204
    assert first.content == again.content == b""
    assert Activity.objects.filter(kind=Activity.Kind.CREDIT_REMOVED).count() == 1


def test_bulk_credit_is_not_removed(contoso_api, bulk_credit):
    alex = directory_user("Alex Wilber")
    send(
        contoso_api,
        "post",
        url("api:holder_assign", bulk_credit.pk),
        {"directory_user_id": alex.pk},
        key="a",
    )
    response = send(contoso_api, "delete", url("api:holder_remove", bulk_credit.pk, alex.pk))
    assert response.status_code == 422
    assert response.json()["detail"] == str(credits.BULK_NOT_REMOVABLE)


def test_transfer_moves_bulk_credit(contoso_api, bulk_credit):
    alex = directory_user("Alex Wilber")
    send(
        contoso_api,
        "post",
        url("api:holder_assign", bulk_credit.pk),
        {"directory_user_id": alex.pk},
        key="a",
    )
    adele = directory_user("Adele Vance")
    response = send(
        contoso_api,
        "post",
        url("api:holder_transfer", bulk_credit.pk, alex.pk),
        {"to_directory_user_id": adele.pk},
        key="t",
    )
    assert response.status_code == 200, response.content
    assert response.json()["directory_user_id"] == adele.pk
    assert bulk_credit.assignments.get().directory_user == adele


def test_another_organizations_benefit_is_404(contoso_api, fabrikam):
    benefit = fabrikam.benefits.first()
    response = send(
        contoso_api,
        "post",
        url("api:holder_assign", benefit.pk),
        {"directory_user_id": directory_user("Adele Vance").pk},
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_activity_page_says_which_token_made_a_change(
    contoso_api, monthly_credit, contoso_admin
):
    send(
        contoso_api,
        "post",
        url("api:holder_assign", monthly_credit.pk),
        {"directory_user_id": directory_user("Adele Vance").pk},
    )
    contoso_api.defaults.pop("HTTP_AUTHORIZATION")
    contoso_api.force_login(contoso_admin)
    page = contoso_api.get(url("activity"))
    assert "through the API (token “tests”)" in page.content.decode()
