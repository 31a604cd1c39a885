"""A key's Redeem link (``?key_id=``): the wizard shows the key by its last group only and
validates it from its id, through the organization, exactly as a typed key — so that reading a
full key still takes Show full keys and its second factor."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from accounts.models import User
from benefits.models import Activity, ProductKey
from benefits.services.redemption import KEY_NOT_FOUND, KEY_USED
from common import ratelimit
from tests.benefits.redeeming import redeem_by_service
from tests.benefits.wizard import wizard_state
from tests.benefits.wizard_pages import (
    FABRIKAM_KEY,
    O365_25,
    O365_100,
    URL,
    office,
    redeem,
    start,
    sub,
    text,
    validate,
)
from tests.conftest import HTMX

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("each_state_store", "fresh_rate_limit"),
]

FROM_DETAILS = "Product key …-F7CPQ, from the benefit's details"
AS_ENTERED = "Product key …-F7CPQ, as you entered it"


def key_id(key: str) -> int:
    return ProductKey.objects.get(key=key).pk


def open_link(client, key: str, headers=None, **params):
    """What a key's Redeem link opens, optionally with the choice already made."""
    return client.get(URL, {"key_id": key_id(key), **params}, headers=headers or {})


def extend_office_with(client, key: str, headers=None):
    return open_link(client, key, headers, subscription=office().pk, action="extend")


def validate_prefilled(client, value: object, headers=None):
    return client.post(URL, {"step": "key", "key_id": value}, headers=headers or {})


def assert_no_full_key(response, key: str = O365_25) -> None:
    """Neither the key nor any spelling of it (lower case, without its dashes) is in the page."""
    page = response.content.decode().upper()
    for form in (key, key.replace("-", ""), key.replace("-", " ")):
        assert form.upper() not in page


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_no_page_of_the_wizard_opened_by_a_redeem_link_holds_the_full_key(contoso_client, headers):
    def seen(response) -> str:
        assert response.status_code in {200, 302}
        assert_no_full_key(response)
        return text(response)

    # A Redeem link alone: Choose, with the key kept aside for the Key step.
    seen(open_link(contoso_client, O365_25, headers))
    seen(contoso_client.get(URL, headers=headers))
    choice = {
        "step": "choose",
        "action": "extend",
        "subscription": office().pk,
        "tenant": office().tenant_id,
    }
    seen(contoso_client.post(URL, choice, headers=headers))
    key_page = seen(contoso_client.get(URL, headers=headers))
    # A Redeem link with the choice made: straight to the Key step.
    straight = seen(extend_office_with(contoso_client, O365_25, headers))
    for page in (key_page, straight):
        assert FROM_DETAILS in page
        assert 'name="key"' not in page  # nothing to fill, nothing filled
    seen(validate_prefilled(contoso_client, key_id(O365_25), headers))
    assert "…-F7CPQ" in seen(contoso_client.get(URL, headers=headers))  # Review
    seen(contoso_client.post(URL, {"step": "back"}, headers=headers))
    assert FROM_DETAILS in seen(contoso_client.get(URL, headers=headers))  # Key, by its id
    seen(validate_prefilled(contoso_client, key_id(O365_25), headers))
    token = wizard_state(contoso_client)["token"]
    seen(contoso_client.post(URL, {"step": "review", "token": token}, headers=headers))
    assert "Done: the key is redeemed" in seen(contoso_client.get(URL, headers=headers))
    assert ProductKey.objects.get(key=O365_25).is_redeemed
    assert O365_25 not in repr(wizard_state(contoso_client))


def test_a_prefilled_key_is_validated_reviewed_and_redeemed_without_javascript(contoso_client):
    end = office().end_date
    extend_office_with(contoso_client, O365_25)
    assert validate_prefilled(contoso_client, key_id(O365_25)).status_code == 302
    review = text(contoso_client.get(URL))
    assert "Key …-F7CPQ: Office 365 E3, 25 licenses" in review
    assert "25 × 12 ÷ 100 = 3 months" in review
    token = wizard_state(contoso_client)["token"]
    assert contoso_client.post(URL, {"step": "review", "token": token}).status_code == 302
    assert "Done: the key is redeemed" in text(contoso_client.get(URL))
    assert ProductKey.objects.get(key=O365_25).is_redeemed
    assert not ProductKey.objects.get(key=O365_100).is_redeemed
    assert office().end_date > end
    assert Activity.objects.filter(kind="key_redeemed").count() == 1


def test_a_prefilled_key_is_redeemed_in_place_with_htmx(contoso_client):
    extend_office_with(contoso_client, O365_100, HTMX)
    review = text(validate_prefilled(contoso_client, key_id(O365_100), HTMX))
    assert "Key …-YR36V" in review
    token = wizard_state(contoso_client)["token"]
    done = text(contoso_client.post(URL, {"step": "review", "token": token}, headers=HTMX))
    assert "Done: the key is redeemed" in done
    assert ProductKey.objects.get(key=O365_100).is_redeemed
    assert not ProductKey.objects.get(key=O365_25).is_redeemed


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("value", ["fabrikam", "999999", "abc", "", "-1"])
def test_a_key_id_the_organization_lacks_is_refused_like_an_unknown_key(
    contoso_client, headers, value
):
    fabrikam_key = ProductKey.objects.get(key=FABRIKAM_KEY)
    extend_office_with(contoso_client, O365_25)
    response = validate_prefilled(
        contoso_client, fabrikam_key.pk if value == "fabrikam" else value, headers
    )
    assert response.status_code == 200
    assert str(KEY_NOT_FOUND).replace("'", "&#x27;") in text(response)
    assert_no_full_key(response, FABRIKAM_KEY)
    assert 'name="key"' in response.content.decode()  # the person may type a key instead
    assert wizard_state(contoso_client)["step"] == "key"
    assert not ProductKey.objects.filter(redeemed_at__isnull=False).exists()


def test_a_redeemed_keys_id_says_it_was_already_used(contoso_client, contoso_admin):
    used = redeem_by_service(key_id=key_id(O365_25), subscription=office(), actor=contoso_admin)
    assert used == "redeemed"
    extend_office_with(contoso_client, O365_25)
    page = text(validate_prefilled(contoso_client, key_id(O365_25), HTMX))
    assert str(KEY_USED) in page
    assert "into Office 365 E3 (contoso.onmicrosoft.com)" in page
    assert FROM_DETAILS in page
    assert "Type another key instead" in page
    assert wizard_state(contoso_client)["step"] == "key"


def test_prefilled_validations_count_toward_the_rate_limit(contoso_client, contoso_admin):
    fabrikam_id = ProductKey.objects.get(key=FABRIKAM_KEY).pk
    extend_office_with(contoso_client, O365_25)
    for _ in range(ratelimit.LIMIT):
        assert validate_prefilled(contoso_client, fabrikam_id, HTMX).status_code == 200
    locked = validate_prefilled(contoso_client, key_id(O365_25), HTMX)
    assert locked.status_code == 429
    assert re.search(r"Too many attempts, try again in 1[45] minutes", text(locked))
    assert_no_full_key(locked)
    typed = contoso_client.post(URL, {"step": "key", "key": O365_25}, headers=HTMX)
    assert typed.status_code == 429  # one count for both ways of naming a key
    assert not ProductKey.objects.get(key=O365_25).is_redeemed


def test_a_valid_prefilled_key_is_not_counted_as_a_failure(contoso_client):
    count_key, _window = ratelimit.cache_keys(User.objects.get(email="admin@contoso.example").pk)
    extend_office_with(contoso_client, O365_25)
    validate_prefilled(contoso_client, "999999", HTMX)
    assert cache.get(count_key) == 1
    validate_prefilled(contoso_client, key_id(O365_25), HTMX)
    assert cache.get(count_key) == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_type_another_key_instead_clears_the_prefilled_key(contoso_client, headers):
    extend_office_with(contoso_client, O365_25)
    contoso_client.post(URL, {"step": "type_key"}, headers=headers)
    page = contoso_client.get(URL).content.decode()
    assert "from the benefit" not in page
    assert 'name="key"' in page
    assert wizard_state(contoso_client)["prefill_key_id"] is None
    review = text(contoso_client.post(URL, {"step": "key", "key": O365_100.lower()}, headers=HTMX))
    assert "Key …-YR36V" in review


def test_a_redeem_link_to_another_organizations_key_stays_404(contoso_client):
    fabrikam_key = ProductKey.objects.get(key=FABRIKAM_KEY)
    response = contoso_client.get(URL, {"key_id": fabrikam_key.pk})
    assert response.status_code == 404
    assert_no_full_key(response, FABRIKAM_KEY)


def test_a_typed_key_replaces_the_one_a_redeem_link_named(contoso_client):
    extend_office_with(contoso_client, O365_25)
    refused = contoso_client.post(URL, {"step": "key", "key": "BCDFG"}, headers=HTMX)
    assert "A product key has 25 characters" in text(refused)
    assert 'name="key"' in refused.content.decode()
    assert "from the benefit" not in text(refused)
    assert_no_full_key(refused)


def test_a_redeem_link_names_the_key_by_id_and_shows_its_last_group(contoso_client):
    key = ProductKey.objects.get(key=O365_25)
    contoso_client.get(
        URL, {"key_id": key.pk, "subscription": sub("Office 365 E3").pk, "action": "extend"}
    )
    page = contoso_client.get(URL).content.decode()
    assert "…-F7CPQ" in page
    assert f'name="key_id" value="{key.pk}"' in page
    assert O365_25 not in page  # the full key takes Show full keys and a second factor
    assert wizard_state(contoso_client)["prefill_key_id"] == key.pk  # the state holds its id


def test_a_redeem_link_to_another_organizations_key_is_404(contoso_client):
    fabrikam_key = ProductKey.objects.get(key=FABRIKAM_KEY)
    assert contoso_client.get(URL, {"key_id": fabrikam_key.pk}).status_code == 404
    assert contoso_client.get(URL, {"key_id": FABRIKAM_KEY}).status_code == 404


def test_a_key_typed_into_an_address_is_never_taken(contoso_client):
    contoso_client.get(URL, {"restart": 1, "key": O365_25})
    assert O365_25 not in contoso_client.get(URL).content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_back_from_the_review_keeps_the_typed_key_by_its_last_group(contoso_client, headers):
    """Going back to change the choice doesn't mean typing the key again: the Key step shows
    it by its last group (never in full) and posts its id; another choice keeps it too."""

    def page() -> str:
        response = contoso_client.get(URL, headers=headers)
        assert_no_full_key(response)
        return text(response)

    start(contoso_client, "Office 365 E3", "extend", headers)
    validate(contoso_client, O365_25, headers)
    contoso_client.post(URL, {"step": "back"}, headers=headers)
    key_page = page()
    assert AS_ENTERED in key_page
    assert FROM_DETAILS not in key_page
    assert 'name="key"' not in key_page
    contoso_client.post(URL, {"step": "back"}, headers=headers)  # to Choose: Add instead
    choice = {"step": "choose", "action": "add", "subscription": office().pk}
    contoso_client.post(URL, {**choice, "tenant": office().tenant_id}, headers=headers)
    assert AS_ENTERED in page()
    validate_prefilled(contoso_client, key_id(O365_25), headers)
    assert wizard_state(contoso_client)["action"] == "add"
    redeem(contoso_client, headers)
    assert ProductKey.objects.get(key=O365_25).is_redeemed
    # A key typed afresh replaces it.
    start(contoso_client, "Office 365 E3", "extend", headers)
    validate(contoso_client, O365_100, headers)
    contoso_client.post(URL, {"step": "back"}, headers=headers)
    contoso_client.post(URL, {"step": "type_key"}, headers=headers)
    assert 'name="key"' in page()
