"""A partner admin's whole walk through gunicorn — every license benefit's details, each Redeem
link, a key typed into the wizard and redeemed, Your products, Activity — leaves no full product
key in gunicorn's access log, and every line of it names its request (PostgreSQL only)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benefits.models import Product, ProductKey, Subscription
from tests.benefits.live_server import csrf_token, serving, signed_in_session

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "admin@contoso.example"
PASSWORD = "partner-demo"
# As a person might type it: lower case, spaces instead of dashes.
TYPED = "36xhh 2d2tt 9hb6d fv6m9 f7cpq"
REDEEM_LINK = re.compile(r'href="([^"]*[?&]key_id=[^"]*)"')
TOKEN = re.compile(r'name="token" value="([0-9a-f]+)"')
REQUEST_ID = re.compile(r" request_id=[A-Za-z0-9._-]{1,64}$")


def walk(base: str, office: Subscription, benefit_ids: list[int]) -> int:
    """The admin's walk; returns how many Redeem links were followed."""
    session = signed_in_session(base, ADMIN, PASSWORD)
    followed = 0
    for benefit_id in benefit_ids:
        details = session.get(base + reverse("benefits:benefit_detail", args=[benefit_id]))
        assert details.status_code == 200
        for link in REDEEM_LINK.findall(details.text):
            assert session.get(base + link.replace("&amp;", "&")).status_code == 200
            followed += 1

    url = base + reverse("benefits:redeem")
    key_page = session.get(url, params={"subscription": str(office.pk), "action": "extend"})
    headers = {"Referer": url}
    csrf = csrf_token(key_page.text)
    review = session.post(
        url, data={"step": "key", "key": TYPED, "csrfmiddlewaretoken": csrf}, headers=headers
    )
    token = TOKEN.search(review.text)
    assert token, "the typed key did not reach the review"
    done = session.post(
        url,
        data={"step": "review", "token": token.group(1), "csrfmiddlewaretoken": csrf},
        headers=headers,
    )
    assert done.status_code == 200
    for name in ("products", "activity"):
        assert session.get(base + reverse(name)).status_code == 200
    return followed


def test_a_walk_through_the_portal_leaves_no_full_key_in_the_access_log(
    postgres, demo_data, tmp_path
):
    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    organization = office.tenant.organization
    license_benefits = list(
        organization.benefits.filter(product__kind=Product.Kind.LICENSE).values_list(
            "pk", flat=True
        )
    )
    access_log = tmp_path / "access.log"

    with serving(access_log=access_log) as base:
        followed = walk(base, office, license_benefits)

    assert followed, "no Redeem link on any details page: the walk proves nothing"
    assert ProductKey.objects.get(key="36XHH-2D2TT-9HB6D-FV6M9-F7CPQ").is_redeemed
    lines = access_log.read_text().splitlines()
    assert any("key_id=" in line for line in lines)
    logged = access_log.read_text().upper()
    for key in ProductKey.objects.values_list("key", flat=True):
        for form in (key, key.replace("-", ""), key.replace("-", "%20"), key.replace("-", "+")):
            assert form not in logged, f"the key ending {key[-5:]} is in the access log"
    assert TYPED.upper() not in logged
    without_id = [line for line in lines if not REQUEST_ID.search(line)]
    assert not without_id, without_id[:3]
