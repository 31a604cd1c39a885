"""The API access matrix: each operation of the OpenAPI document with the scope it needs, the
request that names its own organization's objects, and each way of naming another
organization's (``tests/benefits/api/test_api_access_matrix.py`` runs it)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.models import DirectoryUser, Organization, Scope, Tenant, User
from benefits.api.api import api
from benefits.models import Benefit, Subscription
from benefits.services import credits
from tests.accounts.factories import DirectoryUserFactory
from tests.benefits.api.conftest import ALL_SCOPES

DOCUMENT = api.get_openapi_schema()


OPERATIONS = {
    operation["operationId"]: (method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
}
CONTOSO, FABRIKAM = "4711001", "4711002"
SCOPE_CODES = [str(scope) for scope in ALL_SCOPES]


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
    # For lists: the other organization's data must not be in the answer (see ``_leaks`` in
    # test_api_access_matrix.py).
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


def _redemption(status: int) -> Entry:
    """A redemption's entry (preview and redeem take the same body): another organization's
    tenant or subscription is 404, and its key reads as an unknown key."""
    return Entry(
        Scope.REDEEM,
        status,
        _activate,
        {
            "tenant": lambda own, other: _redeem_other(own, other, tenant_id=other.tenant.pk),
            "subscription": lambda own, other: _redeem_other(
                own, other, action="extend", tenant_id=None, subscription_id=other.subscription.pk
            ),
        },
        hidden={"key": (lambda own, other: _redeem_other(own, other, key=other.key), _unknown_key)},
    )


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
    "redemption_preview": _redemption(200),
    "redemption_create": _redemption(201),
}
OTHER_CASES = [(name, how) for name, entry in MATRIX.items() for how in entry.other]
HIDDEN_CASES = [(name, how) for name, entry in MATRIX.items() for how in entry.hidden]


def world_of(mpn_id: str, key: str) -> World:
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
