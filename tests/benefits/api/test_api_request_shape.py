"""How the API reads a request before any rule of the benefits applies: its address and
method, its body (JSON, an object, of a sane size, with only the fields the schema lists) and
its dates. Each refusal is a problem that says what to send instead, in the reader's language."""

from __future__ import annotations

import json
import sys

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation

from benefits.api.api import METHOD_NOT_TAKEN, NO_SUCH_ADDRESS
from benefits.api.body import BODY_NOT_AN_OBJECT, BODY_NOT_UTF8, NUMBER_TOO_LONG
from benefits.api.field_errors import BODY_MISSING, IDEMPOTENCY_KEY_MISSING, UNKNOWN_FIELD
from benefits.api.problems import BODY_TOO_LARGE
from benefits.api.routers.redemptions import NEW_FIGURES
from benefits.forms import ISO_DATE_EXPECTED
from benefits.models import Activity
from tests.conftest import url

pytestmark = pytest.mark.django_db

OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"  # Contoso's, 25 licenses, unused
PROBLEM = "application/problem+json"


def send(client, name: str, body: str, *args, **headers):
    return client.post(url(name, *args), body, content_type="application/json", headers=headers)


def redeemed() -> bool:
    return Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).exists()


# --- Addresses and methods --------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/api/v1/", "/api/v1/nothing", "/api/v1/tenants/"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_address_without_an_operation_is_a_404_problem(contoso_api, address, language):
    response = contoso_api.get(address, headers={"Accept-Language": language})
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    with translation.override(language):
        assert response.json()["detail"] == str(NO_SUCH_ADDRESS)


def test_a_method_an_address_doesnt_take_is_a_405_problem_naming_those_it_takes(contoso_api):
    response = contoso_api.put(url("api:tenants_list"))
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response["Allow"] == "GET"
    assert response.json()["detail"] == METHOD_NOT_TAKEN % {"method": "PUT", "allowed": "GET"}


@pytest.mark.parametrize(
    "written", ["{id}.0", "+{id}", "%20{id}", "{id}%20", "{id}_0", "%EF%BC%91"]
)
def test_an_id_in_an_address_is_written_in_digits(contoso_api, monthly_credit, written):
    """Not the same benefit at several addresses (a cache or a log would count them apart);
    "１" is the full-width digit one."""
    benefit_id = written.format(id=monthly_credit.pk)
    holders = f"/api/v1/benefits/{benefit_id}/holders"
    responses = {
        "benefit": contoso_api.get(f"/api/v1/benefits/{benefit_id}"),
        "holder": contoso_api.delete(f"{holders}/1", headers={"Idempotency-Key": "digits"}),
        "transfer": contoso_api.post(
            f"{holders}/1/transfer", "{}", "application/json", headers={"Idempotency-Key": "t"}
        ),
    }
    whole_number = {"field": "benefit_id", "message": "Enter a whole number."}
    for operation, response in responses.items():
        assert response.status_code == 422, operation
        assert whole_number in response.json()["errors"], operation
    person = contoso_api.delete(
        f"/api/v1/benefits/{monthly_credit.pk}/holders/{written.format(id=1)}",
        headers={"Idempotency-Key": "person"},
    )
    assert {"field": "directory_user_id", "message": "Enter a whole number."} in person.json()[
        "errors"
    ]


def test_an_id_with_a_minus_sign_is_one_no_row_has(contoso_api, monthly_credit):
    response = contoso_api.get(f"/api/v1/benefits/-{monthly_credit.pk}")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "benefit_id"


# --- The body ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[1, 2]", '"36XHH"', "12", "null", "true"])
def test_a_body_that_is_json_but_not_an_object_is_told_to_send_one(contoso_api, body):
    """Not "This field is required." for every field, as if they had been left out."""
    response = send(contoso_api, "api:redemption_preview", body)
    assert response.status_code == 400
    assert response.json()["detail"] == str(BODY_NOT_AN_OBJECT)


def test_an_empty_body_is_told_to_send_the_fields(contoso_api):
    response = send(contoso_api, "api:redemption_preview", "")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": str(BODY_MISSING)}]


@pytest.mark.parametrize("body", [b'{"key": "\xff", "action": "activate"}', b"\xfe\xff\xff"])
def test_a_body_that_is_not_utf8_is_told_to_send_utf8(contoso_api, body):
    """Not the message about numbers too long to read, though Python reports both alike."""
    response = contoso_api.post(
        url("api:redemption_preview"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == str(BODY_NOT_UTF8)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_number_too_long_to_read_is_told_so(contoso_api, monthly_credit, language):
    """Python refuses to read an integer of more than 4,300 digits: that isn't "not JSON"."""
    body = json.dumps({"directory_user_id": 0}).replace("0", "9" * 5000)
    headers = {"Accept-Language": language, "Idempotency-Key": "long"}
    response = send(contoso_api, "api:holder_assign", body, monthly_credit.pk, **headers)
    assert response.status_code == 400
    with translation.override(language):
        limit = formats.number_format(sys.get_int_max_str_digits(), force_grouping=True)
        assert response.json()["detail"] == str(NUMBER_TOO_LONG % {"limit": limit})
    assert not monthly_credit.assignments.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_body_past_the_upload_limit_is_a_413_problem(contoso_api, monthly_credit, language):
    """Django refuses to read it: a 500 ("try again later") before."""
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = json.dumps({"directory_user_id": 1, "padding": padding})
    headers = {"Accept-Language": language, "Idempotency-Key": "big"}
    response = send(contoso_api, "api:holder_assign", body, monthly_credit.pk, **headers)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    with translation.override(language):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        assert response.json()["detail"] == BODY_TOO_LARGE % {"limit": limit}


def test_a_misspelled_field_is_refused_and_nothing_is_redeemed(contoso_api, office_subscription):
    """``expected_seat`` for ``expected_seats``: dropped in silence, the key was redeemed
    without the check the client asked for."""
    body = {
        "key": OFFICE_KEY,
        "action": "add",
        "subscription_id": office_subscription.pk,
        "expected_seat": 999,
    }
    response = contoso_api.post(
        url("api:redemption_create"),
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "typo"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "expected_seat", "message": str(UNKNOWN_FIELD)}]
    assert not redeemed()


def test_expected_seats_below_one_is_refused_as_a_field(contoso_api, office_subscription):
    body = {
        "key": OFFICE_KEY,
        "action": "add",
        "subscription_id": office_subscription.pk,
        "expected_seats": 0,
    }
    response = contoso_api.post(
        url("api:redemption_create"),
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "zero"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expected_seats"
    assert not redeemed()


def test_activate_with_other_figures_than_expected_is_told_to_preview_again(contoso_api):
    """There is no subscription yet to have "changed since you reviewed it"."""
    body = {"key": OFFICE_KEY, "action": "activate", "expected_end_date": "2000-01-01"}
    response = contoso_api.post(
        url("api:redemption_create"),
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "late"},
    )
    assert response.status_code == 409
    assert response.json()["detail"] == str(NEW_FIGURES)
    assert not redeemed()


def test_a_write_without_idempotency_key_is_told_to_send_one(contoso_api, monthly_credit):
    response = send(contoso_api, "api:holder_assign", '{"directory_user_id": 1}', monthly_credit.pk)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "Idempotency-Key", "message": str(IDEMPOTENCY_KEY_MISSING)}
    ]


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_activity_dates_are_iso_in_every_language(contoso_api, language):
    """12/01/2026 was 1 December in English and 12 January in French: the same query gave
    other records by Accept-Language."""
    headers = {"Accept-Language": language}
    written = contoso_api.get(url("api:activity_list", query={"to": "12/01/2026"}), headers=headers)
    assert written.status_code == 422
    with translation.override(language):
        iso = timezone.localdate().isoformat()
        expected = str(ISO_DATE_EXPECTED) % {"iso": iso}
    assert written.json()["errors"] == [{"field": "to", "message": expected}]
    iso_query = contoso_api.get(
        url("api:activity_list", query={"to": "2026-12-01"}), headers=headers
    )
    assert iso_query.status_code == 200
