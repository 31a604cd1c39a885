"""POST /api/v1/redemptions/preview and /api/v1/redemptions: the wizard's rules, over the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from benefits import licensing
from benefits.api.idempotency import KEY_REUSED
from benefits.models import Activity, IdempotentRequest, Subscription
from benefits.services import redemption
from common import ratelimit
from tests.conftest import url

pytestmark = pytest.mark.django_db

OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"  # Contoso's, 25 licenses, unused


def post(client, name: str, body: dict, **headers):
    return client.post(url(name), body, content_type="application/json", headers=headers)


def test_preview_shows_the_figures_and_changes_nothing(contoso_api):
    response = post(
        contoso_api, "api:redemption_preview", {"key": OFFICE_KEY, "action": "activate"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["seats_after"] == 25
    assert body["key_masked"].endswith("F7CPQ")
    assert "36XHH" not in response.content.decode()
    assert not Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).exists()


def test_redeem_then_the_same_request_again_answers_the_same_once(contoso_api):
    body = {"key": OFFICE_KEY, "action": "activate"}
    first = post(contoso_api, "api:redemption_create", body, **{"Idempotency-Key": "k-1"})
    again = post(contoso_api, "api:redemption_create", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).count() == 1
    record = Activity.objects.get(kind=Activity.Kind.KEY_REDEEMED)
    assert record.idempotency_key == "k-1"
    assert IdempotentRequest.objects.get(key="k-1").activity == record


def test_same_key_with_another_body_is_refused(contoso_api):
    post(
        contoso_api,
        "api:redemption_create",
        {"key": OFFICE_KEY, "action": "activate"},
        **{"Idempotency-Key": "k-2"},
    )
    other = post(
        contoso_api,
        "api:redemption_create",
        {"key": "W7QCC-MCX3K-J9X3F-96QVT-YR36V", "action": "activate"},
        **{"Idempotency-Key": "k-2"},
    )
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["detail"] == str(KEY_REUSED)


def test_a_used_key_is_a_conflict_with_the_screens_message(contoso_api):
    body = {"key": OFFICE_KEY, "action": "activate"}
    post(contoso_api, "api:redemption_create", body, **{"Idempotency-Key": "k-3"})
    used = post(contoso_api, "api:redemption_create", body, **{"Idempotency-Key": "k-4"})
    assert used.status_code == 409
    assert used.json()["detail"].startswith(str(redemption.KEY_USED))


def test_redeem_without_idempotency_key_names_the_header(contoso_api):
    response = post(contoso_api, "api:redemption_create", {"key": OFFICE_KEY, "action": "activate"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_without_a_token_401_problem(client, demo_data):
    response = post(client, "api:redemption_preview", {"key": OFFICE_KEY, "action": "activate"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_french_messages_follow_accept_language(contoso_api):
    response = post(
        contoso_api,
        "api:redemption_preview",
        {"key": "AAAAA", "action": "activate"},
        **{"Accept-Language": "fr"},
    )
    assert response.status_code == 422
    assert "clé" in response.json()["detail"].lower()


def test_the_activity_record_names_the_token(contoso_api):
    post(
        contoso_api,
        "api:redemption_create",
        {"key": OFFICE_KEY, "action": "activate"},
        **{"Idempotency-Key": "k-5"},
    )
    record = Activity.objects.get(kind=Activity.Kind.KEY_REDEEMED)
    assert record.api_token is not None
    assert record.api_token_name == "tests"


def test_where_the_key_goes_is_refused_saying_what_to_choose(contoso_api, contoso):
    """The screens' own rule and words (redemption_target): Extend and Add need a subscription;
    Activate needs a tenant, the primary one when none is named; another organization's is
    404 like any of its objects."""
    from accounts.models import Tenant

    extend = post(contoso_api, "api:redemption_preview", {"key": OFFICE_KEY, "action": "extend"})
    assert extend.status_code == 422
    assert extend.json()["detail"] == str(redemption.NO_SUBSCRIPTION)
    elsewhere = Tenant.objects.exclude(organization=contoso).first()
    assert elsewhere is not None
    body = {"key": OFFICE_KEY, "action": "activate", "tenant_id": elsewhere.pk}
    assert post(contoso_api, "api:redemption_preview", body).status_code == 404
    Tenant.objects.filter(organization=contoso).delete()
    activate = post(
        contoso_api, "api:redemption_preview", {"key": OFFICE_KEY, "action": "activate"}
    )
    assert activate.status_code == 422
    assert activate.json()["detail"] == str(redemption.NO_TENANT)


def test_keys_of_the_wrong_shape_are_refused_without_counting_as_guesses(contoso_api):
    """As in the wizard: no key has these shapes, so they don't use up the ten attempts."""
    for typed in ["BCDFG", "AEIOU-HJKMP-QRTVW-XY234-6789B"] * (ratelimit.LIMIT + 1):
        refused = post(contoso_api, "api:redemption_preview", {"key": typed, "action": "activate"})
        assert refused.status_code == 422
    accepted = post(
        contoso_api, "api:redemption_preview", {"key": OFFICE_KEY, "action": "activate"}
    )
    assert accepted.status_code == 200, accepted.content


def test_a_subscription_not_found_or_not_chosen_is_no_guess_at_a_key(contoso_api):
    """As in the wizard, where Choose comes before Key: a target that isn't there is refused
    before the key is looked at, so it doesn't use up the ten attempts."""
    missing = {"key": OFFICE_KEY, "action": "extend", "subscription_id": 999_999}
    not_chosen = {"key": OFFICE_KEY, "action": "extend"}
    for _ in range(ratelimit.LIMIT + 1):
        assert post(contoso_api, "api:redemption_preview", missing).status_code == 404
        assert post(contoso_api, "api:redemption_preview", not_chosen).status_code == 422
    accepted = post(
        contoso_api, "api:redemption_preview", {"key": OFFICE_KEY, "action": "activate"}
    )
    assert accepted.status_code == 200, accepted.content


@pytest.mark.parametrize(
    ("action", "figures", "message"),
    [
        ("extend", {"end_date": date(9999, 12, 1)}, licensing.CALENDAR_LIMIT_MESSAGE),
        (
            "add",
            {"seats": licensing.MAX_SEATS},
            licensing.SEATS_LIMIT_MESSAGE % {"limit": "2,147,483,647"},
        ),
    ],
)
def test_a_subscription_at_the_edge_of_the_calendar_or_its_column_is_refused(
    contoso_api, office_subscription, action, figures, message
):
    """As staff may set it: a redemption would go past what the portal keeps."""
    Subscription.objects.filter(pk=office_subscription.pk).update(**figures)
    body = {"key": OFFICE_KEY, "action": action, "subscription_id": office_subscription.pk}
    response = post(contoso_api, "api:redemption_preview", body)
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_key_far_too_long_gets_the_wizards_words(contoso_api, language):
    """The same limit and message as the wizard's Key field, not a generic 'at most N'."""
    body = {"key": "X" * (redemption.KEY_INPUT_MAX_LENGTH + 1), "action": "activate"}
    response = post(contoso_api, "api:redemption_preview", body, **{"Accept-Language": language})
    assert response.status_code == 422
    with translation.override(language):
        expected = [{"field": "key", "message": str(redemption.KEY_FAR_TOO_LONG)}]
    assert response.json()["errors"] == expected
    longest = {**body, "key": "X" * redemption.KEY_INPUT_MAX_LENGTH}  # the format's own words
    answer = post(contoso_api, "api:redemption_preview", longest)
    assert answer.status_code == 422
    assert "200" in answer.json()["detail"]
