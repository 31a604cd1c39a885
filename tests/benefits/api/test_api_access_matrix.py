"""Every API operation against every kind of caller: the scope it needs (without it, 403), the
four benefits roles (each passes; an account that lost them: 403), a token that stopped working
(no token, a wrong one, a revoked or expired one, an account deactivated or gone from its
organization: 401), and another organization's ids (404, never 403 or 200) or data (never listed).

The operations are read from the OpenAPI document: one that this matrix doesn't cover fails
``test_every_operation_is_in_the_matrix``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, Role, User
from accounts.permissions import benefits_role_names
from benefits.api.auth import NO_BENEFITS_ROLE
from benefits.models import ProductKey, Subscription
from tests.accounts.factories import UserFactory
from tests.benefits.api.access_matrix import (
    CONTOSO,
    FABRIKAM,
    HIDDEN_CASES,
    MATRIX,
    OPERATIONS,
    OTHER_CASES,
    SCOPE_CODES,
    World,
    call,
    world_of,
)
from tests.benefits.api.conftest import bearer
from tests.benefits.wizard_pages import FABRIKAM_KEY, O365_25

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(demo_data) -> tuple[World, World]:
    """Contoso's objects (the caller's) and Fabrikam's (another organization's)."""
    return world_of(CONTOSO, O365_25), world_of(FABRIKAM, FABRIKAM_KEY)


def test_every_operation_is_in_the_matrix():
    assert set(OPERATIONS) == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_document_names_the_scope_each_operation_needs(name):
    _method, _path, operation = OPERATIONS[name]
    assert operation["security"] == [{"TokenAuth": [str(MATRIX[name].scope)]}]


def _admin() -> User:
    return User.objects.get(email="admin@contoso.example")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_with_the_scope_the_own_organizations_request_succeeds(client, worlds, name):
    entry = MATRIX[name]
    response = call(client, name, entry.own(worlds[0]), bearer(_admin(), [str(entry.scope)]))
    assert response.status_code == entry.own_status, response.content


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_without_the_scope_403_problem(client, worlds, name):
    entry = MATRIX[name]
    others = [scope for scope in SCOPE_CODES if scope != str(entry.scope)]
    response = call(client, name, entry.own(worlds[0]), bearer(_admin(), others))
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert f"'{entry.scope}'" in response.json()["detail"]


BENEFITS_ROLES = [Role.GLOBAL_ADMIN, Role.USER_ADMIN, Role.ADMIN_AGENT, Role.MPN_PARTNER_ADMIN]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_benefits_role_passes(client, worlds, settings, name):
    """A token of an account holding any one of the benefits roles is let through (whatever
    the operation then answers, it isn't 401 or 403)."""
    assert set(settings.BENEFITS_ROLES) == {str(role) for role in BENEFITS_ROLES}
    entry = MATRIX[name]
    for role in BENEFITS_ROLES:
        account = UserFactory.create(organization=worlds[0].organization, roles=[role.value])
        response = call(client, name, entry.own(worlds[0]), bearer(account, SCOPE_CODES))
        assert response.status_code not in {401, 403}, (role, response.content)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_an_account_that_lost_its_benefits_roles_is_403_naming_them(client, worlds, name):
    """SPEC 11: 403 for a missing role, as the screens answer it, and what to do about it."""
    entry = MATRIX[name]
    account = UserFactory.create(organization=worlds[0].organization, roles=[Role.GLOBAL_ADMIN])
    headers = bearer(account, SCOPE_CODES)
    User.objects.filter(pk=account.pk).update(roles=[Role.BILLING_ADMIN.value])
    response = call(client, name, entry.own(worlds[0]), headers)
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    roles = ", ".join(benefits_role_names())
    assert response.json()["detail"] == NO_BENEFITS_ROLE % {"roles": roles}


def test_an_account_without_a_benefits_role_gets_no_token(worlds):
    billing = User.objects.get(email="billing@contoso.example")
    assert not billing.has_benefits_access
    with pytest.raises(ValidationError):
        api_token_create(account=billing, name="x", scopes=["read"], expires_days=None, actor=None)


def _no_token(account: User) -> dict[str, str]:
    return {}


def _wrong_token(account: User) -> dict[str, str]:
    header = bearer(account)["Authorization"]
    return {"Authorization": header[:-4] + ("AAAA" if not header.endswith("AAAA") else "BBBB")}


def _malformed(account: User) -> dict[str, str]:
    return {"Authorization": "Bearer not-a-token"}


def _not_bearer(account: User) -> dict[str, str]:
    return {"Authorization": bearer(account)["Authorization"].replace("Bearer", "Basic")}


def _revoked(account: User) -> dict[str, str]:
    headers = bearer(account, name="revoked")
    ApiToken.objects.filter(account=account, name="revoked").update(revoked_at=timezone.now())
    return headers


def _expired(account: User) -> dict[str, str]:
    headers = bearer(account, name="expired")
    past = timezone.now() - timedelta(seconds=1)
    ApiToken.objects.filter(account=account, name="expired").update(expires_at=past)
    return headers


def _deactivated(account: User) -> dict[str, str]:
    """Deactivated directly (not through the Team page, which also revokes the tokens): the
    token itself must stop working."""
    headers = bearer(account)
    User.objects.filter(pk=account.pk).update(is_active=False)
    return headers


def _left_organization(account: User) -> dict[str, str]:
    headers = bearer(account)
    User.objects.filter(pk=account.pk).update(organization=None)
    return headers


UNAUTHORIZED = {
    "no token": _no_token,
    "wrong secret": _wrong_token,
    "malformed": _malformed,
    "not bearer": _not_bearer,
    "revoked": _revoked,
    "expired": _expired,
    "deactivated": _deactivated,
    "left its organization": _left_organization,
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_token_that_stopped_working_is_401_problem(client, worlds, name):
    entry = MATRIX[name]
    for why, headers_of in UNAUTHORIZED.items():
        account = UserFactory.create(organization=worlds[0].organization, roles=[Role.GLOBAL_ADMIN])
        response = call(client, name, entry.own(worlds[0]), headers_of(account))
        assert response.status_code == 401, (why, response.content)
        assert response["Content-Type"] == "application/problem+json", why
        assert response["WWW-Authenticate"].startswith("Bearer"), why


@pytest.mark.parametrize(("name", "how"), OTHER_CASES)
def test_another_organizations_object_is_404(client, worlds, name, how):
    own, other = worlds
    entry = MATRIX[name]
    before = _state()
    response = call(client, name, entry.other[how](own, other), bearer(_admin(), SCOPE_CODES))
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert _state() == before  # nothing changed


def _state() -> tuple:
    from benefits.models import Activity, CreditAssignment

    return (
        Activity.objects.count(),
        CreditAssignment.objects.count(),
        ProductKey.objects.filter(redeemed_at__isnull=False).count(),
    )


@pytest.mark.parametrize(("name", "how"), HIDDEN_CASES)
def test_another_organizations_value_is_answered_as_one_that_doesnt_exist(
    client, worlds, name, how
):
    own, other = worlds
    theirs, nowhere = MATRIX[name].hidden[how]
    headers = bearer(_admin(), SCOPE_CODES)
    before = _state()
    answer = call(client, name, theirs(own, other), headers)
    unknown = call(client, name, nowhere(own), headers)
    assert answer.status_code not in {200, 201, 403} or answer.json() in ([], {"items": []})
    assert (answer.status_code, answer.content) == (unknown.status_code, unknown.content)
    assert _state() == before


@pytest.mark.parametrize("name", sorted(name for name, entry in MATRIX.items() if entry.lists))
def test_lists_show_nothing_of_another_organization(client, worlds, name):
    own, other = worlds
    response = call(client, name, MATRIX[name].own(own), bearer(_admin(), SCOPE_CODES))
    assert response.status_code == 200, response.content
    assert _leaks(response.json(), other) == []
    listed = OWN_IDS.get(name)
    if listed is not None:
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        assert items
        assert {item["id"] for item in items} <= listed(own)


# What each list may show: its own organization's objects only.
OWN_IDS: dict[str, Callable[[World], set[int]]] = {
    "tenants_list": lambda own: set(own.organization.tenants.values_list("pk", flat=True)),
    "benefits_list": lambda own: set(own.organization.benefits.values_list("pk", flat=True)),
    "subscriptions_list": lambda own: set(
        Subscription.objects.filter(tenant__organization=own.organization).values_list(
            "pk", flat=True
        )
    ),
}


def _leaks(body: Any, other: World) -> list[str]:
    """The other organization's names or ids found anywhere in ``body``."""
    text = json.dumps(body)
    names = [
        other.organization.name,
        other.tenant.primary_domain,
        other.person.display_name,
        other.person.user_principal_name,
        str(other.tenant.tenant_id),
    ]
    return [name for name in names if name in text]


def test_every_api_url_is_an_operation_of_the_matrix_or_the_docs():
    from tests.access_matrix import url_names

    api_urls = {name.removeprefix("api:") for name in url_names() if name.startswith("api:")}
    documents = {"api-root", "openapi-json", "openapi-view", "problem_types", "problem_type"}
    assert api_urls == set(MATRIX) | documents
