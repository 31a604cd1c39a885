"""Every URL of the portal against every kind of visitor, own and other organization's
objects, GET and POST. A new URL that this matrix doesn't cover fails the test."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from benefits.models import CreditAssignment, Subscription
from tests.access_matrix import (
    ACCOUNT,
    BENEFITS,
    KWARGS,
    MFA,
    MFA_KWARGS,
    POST_ONLY,
    PUBLIC,
    SAFE_ONLY,
    TEAM,
    VISITORS,
    team_urls_of,
    url_names,
    urls_of,
)

pytestmark = pytest.mark.django_db


def test_every_url_is_in_the_matrix():
    # The API's URLs have their own matrix, built from its OpenAPI document
    # (tests/benefits/api/test_api_access_matrix.py).
    pages = {name for name in url_names() if not name.startswith("api:")}
    expected = set(BENEFITS) | set(PUBLIC) | set(ACCOUNT) | set(TEAM) | {"team:join"} | set(MFA)
    assert pages == expected


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_the_benefits_urls_for_each_visitor(client, demo_data, visitor):
    email = VISITORS[visitor]
    if email:
        client.force_login(User.objects.get(email=email))
    allowed = email and User.objects.get(email=email).has_benefits_access
    for name, url in urls_of("4711001").items():
        own_get, own_post = BENEFITS[name]
        for method, own in (("get", own_get), ("post", own_post)):
            if (method == "post" and name in SAFE_ONLY) or (method == "get" and name in POST_ONLY):
                expected = 405  # the method is refused before anything else
            elif allowed:
                expected = own
            else:
                expected = 302 if email is None else 403
            status = getattr(client, method)(url).status_code
            assert status == expected, f"{visitor} {method.upper()} {url}: {status}"


def test_another_organizations_objects_are_404_for_every_method(client, demo_data):
    from accounts.models import Tenant
    from tests.accounts.factories import DirectoryUserFactory

    DirectoryUserFactory(tenant=Tenant.objects.get(primary_domain="fabrikam.onmicrosoft.com"))
    client.force_login(User.objects.get(email="admin@contoso.example"))
    for name, url in urls_of("4711002").items():
        if url == urls_of("4711001")[name]:
            continue  # no object of an organization in this address
        for method in ("get", "post"):
            if (method == "post" and name in SAFE_ONLY) or (method == "get" and name in POST_ONLY):
                continue
            assert getattr(client, method)(url).status_code == 404, f"{method.upper()} {url}"
    assert not CreditAssignment.objects.exists()
    assert Subscription.objects.count() == 4


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_urls_for_an_anonymous_visitor(client, demo_data, name):
    from django.urls import reverse

    get, post = PUBLIC[name]
    url = reverse(name, kwargs=KWARGS.get(name))
    assert client.get(url).status_code == get
    assert client.post(url).status_code == post


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/signup/",
        "/accounts/email/",
        "/accounts/inactive/",
        "/accounts/login/code/",
        "/accounts/login/code/confirm/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/some-key/",
        "/accounts/password/set/",
        "/accounts/password/change/",
        "/accounts/password/reset/confirm/",
        "/accounts/reauthenticate/code/",
        "/accounts/3rdparty/",
        "/accounts/social/signup/",
        "/accounts/sessions/",
    ],
)
def test_allauth_pages_the_portal_does_not_use_are_404(client, admin_user, path):
    assert client.get(path).status_code == 404
    client.force_login(admin_user)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("name", list(ACCOUNT))
def test_account_urls_for_each_visitor(client, demo_data, visitor, name):
    from django.urls import reverse

    email = VISITORS[visitor]
    if email:
        client.force_login(User.objects.get(email=email))
    for method, signed_in in zip(("get", "post"), ACCOUNT[name], strict=True):
        status = getattr(client, method)(reverse(name)).status_code
        assert status == (signed_in if email else 302), f"{visitor} {method.upper()} {name}"


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("name", list(MFA))
def test_two_step_urls_for_each_visitor(client, demo_data, visitor, name):
    from django.urls import reverse

    email = VISITORS[visitor]
    if email:
        client.force_login(User.objects.get(email=email))
    url = reverse(name, kwargs=MFA_KWARGS.get(name))
    for method, signed_in in zip(("get", "post"), MFA[name], strict=True):
        status = getattr(client, method)(url).status_code
        assert status == (signed_in if email else 302), f"{visitor} {method.upper()} {name}"


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_the_team_urls_for_each_visitor(client, demo_data, visitor):
    email = VISITORS[visitor]
    if email:
        client.force_login(User.objects.get(email=email))
    allowed = email and User.objects.get(email=email).has_team_access
    for name, address in team_urls_of("4711001").items():
        for method, own in zip(("get", "post"), TEAM[name], strict=True):
            if own == 405:
                expected = 405
            elif allowed:
                expected = own
            else:
                expected = 302 if email is None else 403
            status = getattr(client, method)(address).status_code
            assert status == expected, f"{visitor} {method.upper()} {address}: {status}"


def test_another_organizations_team_ids_are_404_for_every_method(client, demo_data):
    client.force_login(User.objects.get(email="admin@contoso.example"))
    for name, address in team_urls_of("4711002").items():
        if name == "team:tokens":
            continue  # the organization's own tokens: no object in this address
        if name in {"team:members", "team:invite", "team:webhooks", "team:webhook_create"}:
            continue  # no object of an organization in this address
        for method, own in zip(("get", "post"), TEAM[name], strict=True):
            if own != 405:
                assert getattr(client, method)(address).status_code == 404, address
    assert User.objects.filter(organization__mpn_id="4711002", is_active=False).count() == 0


def test_an_invitation_link_that_matches_nothing_is_404_for_anyone(client, demo_data):
    address = reverse("team:join", args=["no-such-token"])
    assert client.get(address).status_code == 404
    assert client.post(address).status_code == 405  # the form is posted to the token-free step
    client.force_login(User.objects.get(email="billing@contoso.example"))
    assert client.get(address).status_code == 404
