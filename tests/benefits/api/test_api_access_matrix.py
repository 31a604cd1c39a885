"""Every API operation against every kind of caller: the scope it needs (without it, 403), the
four benefits roles (each passes), a token that stopped working (no token, a wrong one, a
revoked or expired one, an account deactivated or without its benefits role: 401), and another
organization's ids (404, never 403 or 200) or data (never listed).

The operations are read from the OpenAPI document: one that this matrix doesn't cover fails
``test_every_operation_is_in_the_matrix``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, DirectoryUser, Organization, Role, Scope, Tenant, User
from benefits.api.api import api
from benefits.models import Benefit, ProductKey, Subscription
from benefits.services import credits
from tests.accounts.factories import DirectoryUserFactory, UserFactory
from tests.benefits.api.conftest import ALL_SCOPES, bearer

pytestmark = pytest.mark.django_db

DOCUMENT = api.get_openapi_schema()
OPERATIONS = {
    operation["operationId"]: (method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
}
CONTOSO, FABRIKAM = "4711001", "4711002"
SCOPE_CODES = [str(scope) for scope in ALL_SCOPES]
OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"  # Contoso's, 25 licenses, unused
FABRIKAM_KEY = "Y3VQD-K8BJ7-PYC7D-MJV43-YF7FT"


@dataclass
class World:
    """One organization's objects, as the requests name them."""

    organization: Organization
    tenant: Tenant
    person: DirectoryUser  # enabled, holds nothing
    monthly: Benefit  # monthly credit held by ``monthly_holder``
    monthly_holder: DirectoryUser
    bulk: Benefit  # bulk credit held by ``bulk_holder``
    bulk_holder: DirectoryUser
    licensed: Benefit
    subscription: Subscription
    key: str


@dataclass(frozen=True)
class Request:
    path: dict[str, Any]
    query: dict[str, Any] | None = None
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Entry:
    """An operation of the matrix: the scope it needs, what its own organization's admin gets,
    the request with one's own objects, and each way of naming another organization's."""

    scope: str
    own_status: int
    own: Callable[[World], Request]
    # name -> the request with one of the other organization's objects in it (own ones else)
    other: dict[str, Callable[[World, World], Request]]
    # For lists: the other organization's data must not be in the answer (see ``_leaks``).
    lists: bool = False
    # Values that aren't an object of the URL (a filter, a product key): the other
    # organization's is answered exactly as one that exists nowhere (name -> (theirs, none)).
    hidden: dict[str, tuple[Callable[[World, World], Request], Callable[[World], Request]]] = field(
        default_factory=dict
    )


def _assign(own: World) -> Request:
    return Request({"benefit_id": own.monthly.pk}, body={"directory_user_id": own.person.pk})


def _remove(own: World) -> Request:
    return Request({"benefit_id": own.monthly.pk, "directory_user_id": own.monthly_holder.pk})


def _transfer(own: World) -> Request:
    return Request(
        {"benefit_id": own.bulk.pk, "directory_user_id": own.bulk_holder.pk},
        body={"to_directory_user_id": own.person.pk},
    )


def _activate(own: World) -> Request:
    return Request({}, body={"key": own.key, "action": "activate", "tenant_id": own.tenant.pk})


def _redeem_other(own: World, other: World, **change: Any) -> Request:
    return Request({}, body={**_activate(own).body, **change})  # type: ignore[dict-item]


def _unknown_key(own: World) -> Request:
    return Request({}, body={**_activate(own).body, "key": "BCDFG-HJKMP-QRTVW-XY234-67898"})  # type: ignore[dict-item]


MATRIX: dict[str, Entry] = {
    "tenants_list": Entry(Scope.READ, 200, lambda own: Request({}), {}, lists=True),
    "people_search": Entry(
        Scope.READ,
        200,
        # Searching for the other organization's person by name finds nobody.
        lambda own: Request({}, {"q": "Adele"}),
        {},
        lists=True,
        hidden={
            "person": (
                lambda own, other: Request({}, {"q": other.person.display_name}),
                lambda own: Request({}, {"q": "Nobody Anywhere"}),
            )
        },
    ),
    "benefits_list": Entry(Scope.READ, 200, lambda own: Request({}), {}, lists=True),
    "benefit_detail": Entry(
        Scope.READ,
        200,
        lambda own: Request({"benefit_id": own.licensed.pk}),
        {"benefit": lambda own, other: Request({"benefit_id": other.licensed.pk})},
    ),
    "subscriptions_list": Entry(Scope.READ, 200, lambda own: Request({}), {}, lists=True),
    "activity_list": Entry(
        Scope.READ,
        200,
        lambda own: Request({}, {"benefit": own.monthly.pk}),
        {},
        lists=True,
        hidden={
            "benefit": (
                lambda own, other: Request({}, {"benefit": other.licensed.pk}),
                lambda own: Request({}, {"benefit": 10**9}),
            )
        },
    ),
    "holder_assign": Entry(
        Scope.CREDITS,
        201,
        _assign,
        {
            "benefit": lambda own, other: Request(
                {"benefit_id": other.licensed.pk}, body={"directory_user_id": own.person.pk}
            ),
            "person": lambda own, other: Request(
                {"benefit_id": own.monthly.pk}, body={"directory_user_id": other.person.pk}
            ),
        },
    ),
    "holder_remove": Entry(
        Scope.CREDITS,
        204,
        _remove,
        {
            "benefit": lambda own, other: Request(
                {"benefit_id": other.licensed.pk, "directory_user_id": own.monthly_holder.pk}
            ),
            "person": lambda own, other: Request(
                {"benefit_id": own.monthly.pk, "directory_user_id": other.person.pk}
            ),
        },
    ),
    "holder_transfer": Entry(
        Scope.CREDITS,
        200,
        _transfer,
        {
            "benefit": lambda own, other: Request(
                {"benefit_id": other.licensed.pk, "directory_user_id": own.bulk_holder.pk},
                body={"to_directory_user_id": own.person.pk},
            ),
            "holder": lambda own, other: Request(
                {"benefit_id": own.bulk.pk, "directory_user_id": other.person.pk},
                body={"to_directory_user_id": own.person.pk},
            ),
            "to": lambda own, other: Request(
                {"benefit_id": own.bulk.pk, "directory_user_id": own.bulk_holder.pk},
                body={"to_directory_user_id": other.person.pk},
            ),
        },
    ),
    "redemption_preview": Entry(
        Scope.REDEEM,
        200,
        _activate,
        {
            "tenant": lambda own, other: _redeem_other(own, other, tenant_id=other.tenant.pk),
            "subscription": lambda own, other: _redeem_other(
                own, other, action="extend", tenant_id=None, subscription_id=other.subscription.pk
            ),
        },
        hidden={"key": (lambda own, other: _redeem_other(own, other, key=other.key), _unknown_key)},
    ),
    "redemption_create": Entry(
        Scope.REDEEM,
        201,
        _activate,
        {
            "tenant": lambda own, other: _redeem_other(own, other, tenant_id=other.tenant.pk),
            "subscription": lambda own, other: _redeem_other(
                own, other, action="extend", tenant_id=None, subscription_id=other.subscription.pk
            ),
        },
        hidden={"key": (lambda own, other: _redeem_other(own, other, key=other.key), _unknown_key)},
    ),
}
OTHER_CASES = [(name, how) for name, entry in MATRIX.items() for how in entry.other]
HIDDEN_CASES = [(name, how) for name, entry in MATRIX.items() for how in entry.hidden]


def _world(mpn_id: str, key: str) -> World:
    """The organization's demo objects, with three new people: one holding nothing, one
    holding its monthly credit, one its bulk credit (Fabrikam has no credit: its license-based
    benefit stands in, as an id that must not be found)."""
    organization = Organization.objects.get(mpn_id=mpn_id)
    tenant = organization.tenants.get(is_primary=True)
    benefits = organization.benefits
    licensed = benefits.filter(product__kind="license").order_by("pk").first()
    monthly = benefits.filter(product__name__startswith="Azure monthly").first()
    bulk = benefits.filter(product__name__startswith="Azure bulk").first()
    actor = User.objects.filter(organization=organization, is_active=True).first()
    subscription = Subscription.objects.filter(tenant__organization=organization).first()
    assert licensed is not None
    assert actor is not None
    assert subscription is not None
    people = [DirectoryUserFactory.create(tenant=tenant) for _ in range(3)]
    for benefit, holder in ((monthly, people[1]), (bulk, people[2])):
        if benefit is not None:
            credits.credit_assign(
                benefit=benefit, directory_user=holder, actor=actor, today=timezone.localdate()
            )
    return World(
        organization=organization,
        tenant=tenant,
        person=people[0],
        monthly=monthly or licensed,
        monthly_holder=people[1],
        bulk=bulk or licensed,
        bulk_holder=people[2],
        licensed=licensed,
        subscription=subscription,
        key=key,
    )


@pytest.fixture
def worlds(demo_data) -> tuple[World, World]:
    """Contoso's objects (the caller's) and Fabrikam's (another organization's)."""
    return _world(CONTOSO, OFFICE_KEY), _world(FABRIKAM, FABRIKAM_KEY)


def call(client, name: str, request: Request, headers: dict[str, str]):
    method, template, _operation = OPERATIONS[name]
    path = template.format(**request.path)
    extra = dict(headers)
    if method in {"POST", "DELETE", "PUT", "PATCH"}:
        # A fresh key per call: each call is a new request, never a replay of an earlier one.
        extra["Idempotency-Key"] = f"matrix-{uuid.uuid4()}"
    body = json.dumps(request.body) if request.body is not None else None
    return client.generic(
        method,
        path,
        body or "",
        content_type="application/json",
        headers=extra,
        QUERY_STRING="&".join(f"{k}={v}" for k, v in (request.query or {}).items()),
    )


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


def _roles_removed(account: User) -> dict[str, str]:
    headers = bearer(account)
    User.objects.filter(pk=account.pk).update(roles=[Role.BILLING_ADMIN.value])
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
    "roles removed": _roles_removed,
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
    from tests.test_access_matrix import url_names

    api_urls = {name.removeprefix("api:") for name in url_names() if name.startswith("api:")}
    assert api_urls == set(MATRIX) | {"api-root", "openapi-json", "openapi-view"}
