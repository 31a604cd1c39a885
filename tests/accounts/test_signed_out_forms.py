"""A form sent after the session ended (its page left open) leads, once signed in again, back
to the page the form was on: the form's own address answers POST only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.conftest import directory_user, url

pytestmark = pytest.mark.django_db


def next_after_sign_in(response) -> str:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == url("login")
    return parse_qs(location.query)["next"][0]


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        (
            "http://testserver/mpn/benefits/azure-cloud/PK/?tab=people",
            "/mpn/benefits/azure-cloud/PK/?tab=people",
        ),
        ("", "/"),
        ("https://elsewhere.example/mpn/", "/"),
    ],
)
def test_a_form_sent_signed_out_returns_to_its_page(monthly_credit, referer, expected):
    headers = {"Referer": referer.replace("PK", str(monthly_credit.pk))} if referer else {}
    response = Client().post(
        url("benefits:credit_assign", monthly_credit.pk),
        {"directory_user": directory_user("Adele Vance").pk},
        headers=headers,
    )
    assert next_after_sign_in(response) == expected.replace("PK", str(monthly_credit.pk))


def test_a_page_asked_for_signed_out_is_the_page_after_sign_in(monthly_credit):
    page = url("benefits:benefit_detail", monthly_credit.pk)
    assert next_after_sign_in(Client().get(page)) == page
