"""How the API answers the services' refusals: 409 when the state changed, 422 when the request
can't be done, in the reader's language; a key reused after it was forgotten is refused."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

from benefits.api.field_errors import (
    IDEMPOTENCY_KEY_INVALID,
    TEXT_EXPECTED,
    TEXT_TOO_LONG,
    TEXT_TOO_SHORT,
)
from benefits.api.idempotency import KEY_REUSED
from benefits.api.problems import (
    BODY_UNREADABLE,
    CONFLICT_CODES,
    NOT_FOUND,
    UNAVAILABLE_CODES,
)
from benefits.models import IdempotentRequest
from benefits.services import redemption
from tests.accounts.factories import DirectoryUserFactory
from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db

OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"


def post(client, name: str, body: dict, *args, **headers):
    return client.post(url(name, *args), body, content_type="application/json", headers=headers)


def test_every_conflict_code_is_one_a_service_raises():
    services = Path(settings.BASE_DIR, "benefits", "services")
    raised = {
        code
        for source in services.rglob("*.py")
        for code in re.findall(r'code="([a-z_]+)"', source.read_text())
    }
    assert raised >= CONFLICT_CODES | UNAVAILABLE_CODES


def test_a_preview_gone_stale_is_a_conflict(contoso_api, office_benefit):
    subscription = office_benefit.product.subscriptions.filter(
        tenant__organization=office_benefit.organization
    ).first()
    if subscription is None:
        pytest.skip("the demo has no Office 365 E3 subscription to extend")
    body = {"key": OFFICE_KEY, "action": "extend", "subscription_id": subscription.pk}
    preview = post(contoso_api, "api:redemption_preview", body)
    assert preview.status_code == 200, preview.content
    stale = "2000-01-01"
    response = post(
        contoso_api,
        "api:redemption_create",
        {**body, "expected_end_date": stale},
        **{"Idempotency-Key": "stale"},
    )
    assert response.status_code == 409
    assert response.json()["detail"] == str(redemption.SUBSCRIPTION_CHANGED)


def test_a_key_seen_again_after_it_was_forgotten_is_refused(contoso_api, monthly_credit):
    address = url("api:holder_assign", monthly_credit.pk)
    adele = directory_user("Adele Vance")
    first = contoso_api.post(
        address,
        {"directory_user_id": adele.pk},
        content_type="application/json",
        headers={"Idempotency-Key": "old"},
    )
    assert first.status_code == 201
    IdempotentRequest.objects.all().delete()  # as the purge does after the keeping time
    again = contoso_api.post(
        address,
        {"directory_user_id": directory_user("Alex Wilber").pk},
        content_type="application/json",
        headers={"Idempotency-Key": "old"},
    )
    assert again.status_code == 422, again.content
    assert again.json()["detail"] == str(KEY_REUSED)
    assert monthly_credit.assignments.count() == 1


def test_invalid_fields_are_told_in_the_readers_language(contoso_api):
    response = post(
        contoso_api, "api:redemption_preview", {"action": "activate"}, **{"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "key", "message": "Ce champ est obligatoire."}]
    wrong = post(
        contoso_api,
        "api:redemption_preview",
        {"key": OFFICE_KEY, "action": "sideways"},
        **{"Accept-Language": "fr"},
    )
    assert wrong.json()["errors"][0]["field"] == "action"
    assert wrong.json()["errors"][0]["message"] == (
        "Choisissez l’une de ces valeurs : 'activate', 'extend', 'add'."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [("a", TEXT_TOO_SHORT % {"limit": 2}), ("a" * 101, TEXT_TOO_LONG % {"limit": 100})],
)
def test_a_text_too_short_or_too_long_names_its_limit(contoso_api, text, message):
    response = contoso_api.get(url("api:people_search", query={"q": text}))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "q", "message": str(message)}]


def test_a_text_too_short_is_told_in_french(contoso_api):
    response = contoso_api.get(
        url("api:people_search", query={"q": "a"}), headers={"Accept-Language": "fr"}
    )
    assert response.json()["errors"] == [
        {"field": "q", "message": "Saisissez au moins 2 caractères."}
    ]


@pytest.mark.parametrize("key", ["two words", "", "k" * 65, "clé"])
def test_an_idempotency_key_of_the_wrong_shape_is_told_what_to_use(
    contoso_api, monthly_credit, key
):
    response = post(
        contoso_api,
        "api:holder_assign",
        {"directory_user_id": directory_user("Adele Vance").pk},
        monthly_credit.pk,
        **{"Idempotency-Key": key},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "Idempotency-Key", "message": str(IDEMPOTENCY_KEY_INVALID)}
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_body_that_is_not_json_is_told_how_to_send_it(contoso_api, language):
    response = contoso_api.post(
        url("api:redemption_preview"),
        "key=36XHH&action=add",
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    with translation.override(language):
        assert response.json()["detail"] == str(BODY_UNREADABLE)


def test_a_number_where_text_is_expected_is_told_to_send_text(contoso_api):
    response = post(contoso_api, "api:redemption_preview", {"key": 12345, "action": "activate"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "key", "message": str(TEXT_EXPECTED)}]


@pytest.mark.parametrize("sent", [True, "1", 1.0])
def test_an_id_that_is_not_a_json_number_is_refused(contoso_api, monthly_credit, sent):
    """``true`` is not directory user 1 (nor is "1"): nothing is assigned."""
    response = post(
        contoso_api,
        "api:holder_assign",
        {"directory_user_id": sent},
        monthly_credit.pk,
        **{"Idempotency-Key": "k"},
    )
    assert response.status_code == 422, response.content
    whole_number = str(forms.IntegerField.default_error_messages["invalid"])
    assert response.json()["errors"] == [{"field": "directory_user_id", "message": whole_number}]
    assert not monthly_credit.assignments.exists()


def test_a_subscription_id_that_is_not_a_json_number_is_refused(contoso_api):
    body = {"key": OFFICE_KEY, "action": "extend", "subscription_id": True}
    response = post(contoso_api, "api:redemption_preview", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "subscription_id"


def test_an_id_not_found_is_named_by_its_field(contoso_api, fabrikam, monthly_credit, bulk_credit):
    """Path or body alike: a request sending several ids learns which one the organization
    lacks — unknown, or another organization's (the same answer for both)."""
    elsewhere = DirectoryUserFactory.create(tenant=fabrikam.tenants.get())
    fabrikam_benefit = fabrikam.benefits.first()
    assert fabrikam_benefit is not None
    holder = directory_user("Adele Vance")  # the 404 comes before any check of her holding
    key = {"Idempotency-Key": "named"}
    cases = [
        ("benefit_id", contoso_api.get(url("api:benefit_detail", fabrikam_benefit.pk))),
        (
            "benefit_id",
            post(contoso_api, "api:holder_assign", {"directory_user_id": 1}, 999_999, **key),
        ),
        (
            "directory_user_id",
            post(
                contoso_api,
                "api:holder_assign",
                {"directory_user_id": elsewhere.pk},
                monthly_credit.pk,
                **key,
            ),
        ),
        (
            "to_directory_user_id",
            post(
                contoso_api,
                "api:holder_transfer",
                {"to_directory_user_id": 999_999},
                bulk_credit.pk,
                holder.pk,
                **key,
            ),
        ),
        (
            "subscription_id",
            post(
                contoso_api,
                "api:redemption_preview",
                {"key": OFFICE_KEY, "action": "extend", "subscription_id": 999_999},
            ),
        ),
        (
            "tenant_id",
            post(
                contoso_api,
                "api:redemption_preview",
                {"key": OFFICE_KEY, "action": "activate", "tenant_id": 999_999},
            ),
        ),
    ]
    for field, response in cases:
        assert response.status_code == 404, (field, response.content)
        problem = response.json()
        assert problem["detail"] == str(NOT_FOUND)
        assert problem["errors"] == [{"field": field, "message": str(NOT_FOUND)}]
