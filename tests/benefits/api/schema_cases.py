"""The API's own OpenAPI document as schemathesis tests it (test_api_schema.py, one operation at a
time; test_api_workflows.py, chains of them): the cases it generates, pointed at Contoso's real
objects, sent to a WSGI handler each test sets (the ``api_call`` fixture, conftest.py), and the
checks of the portal's own added to schemathesis's.

Generated ids and keys are random, so they would almost always be "not found": most cases are
pointed at Contoso's real benefits, people, tenants, subscriptions and keys instead
(``point_at_contoso``), so that assignments, transfers, previews and redemptions really happen.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import DirectoryUser, Organization, Tenant
from benefits.api.api import api
from benefits.api.problems import INVALID
from benefits.models import Benefit, Product, ProductKey, Subscription

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CONTOSO = "4711001"
# How pydantic words a value of the wrong shape (never a message of the portal's own).
PYDANTIC_MESSAGES = (
    "Input should",
    "Field required",
    "String should",
    "Value error",
    "List should",
    "Extra inputs",
    "Unable to",
)

# The document as served, loaded once; the requests go to a WSGI handler made per test, after
# the tests' settings apply (the module's own handler would redirect to HTTPS).
DOCUMENT = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


class _PerTestApp:
    """The WSGI application schemathesis calls (its operations keep the one set at load):
    each test puts a fresh handler here."""

    handler: WSGIHandler | None = None

    def __call__(self, environ: dict, start_response: Any) -> Any:
        assert self.handler is not None, "the api_call fixture sets the handler"
        return self.handler(environ, start_response)


APP = _PerTestApp()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = APP
schema.config.generation.update(
    max_examples=EXAMPLES,
    deterministic=True,
    # The token is sent by api_call, not generated as a parameter: a random bearer string
    # would only ever be a 401 (ignored_auth still probes every operation without it).
    with_security_parameters=False,
    # Unknown query parameters are ignored, as the screens' forms ignore them.
    allow_extra_parameters=False,
)


def _real_ids(path: str) -> dict[str, list[Any]]:
    """Contoso's objects, by the parameter names that point at them (credit benefits only for
    the holders' operations, enabled people)."""
    contoso = Organization.objects.get(mpn_id=CONTOSO)
    benefits = Benefit.objects.filter(organization=contoso).order_by("pk")
    if "/holders" in path:
        benefits = benefits.filter(product__kind=Product.Kind.USAGE)
    people = list(
        DirectoryUser.objects.filter(tenant__organization=contoso, is_enabled=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    benefit_ids = list(benefits.values_list("pk", flat=True))
    return {
        "benefit_id": benefit_ids,
        "benefit": [str(pk) for pk in benefit_ids],
        "directory_user_id": people,
        "to_directory_user_id": people,
        "tenant_id": list(Tenant.objects.filter(organization=contoso).values_list("pk", flat=True)),
        "subscription_id": list(
            Subscription.objects.filter(tenant__organization=contoso)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "key": list(
            ProductKey.objects.filter(benefit__organization=contoso)
            .order_by("pk")
            .values_list("key", flat=True)
        ),
    }


def _pointed(values: dict[str, Any], real: dict[str, list[Any]]) -> None:
    """Seven values in eight become one of Contoso's (chosen by the generated value, so the
    choice is as deterministic as the generation); the eighth stays as generated."""
    for name, value in values.items():
        pool = real.get(name)
        if not pool or value in pool:
            continue  # nothing to point at, or already real (a link gave it)
        seed = value if isinstance(value, int) else len(str(value))
        if seed % 8:
            values[name] = pool[seed % len(pool)]


def point_at_contoso(case: schemathesis.Case) -> None:
    """Positive cases aimed at Contoso's objects (done here rather than in a map_case hook:
    schemathesis builds some cases while collecting, before the database is there)."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        return  # negative data stays as invalid as it was made
    real = _real_ids(case.operation.path)
    if isinstance(case.path_parameters, dict):
        _pointed(case.path_parameters, real)
    if isinstance(case.body, dict):
        _pointed(case.body, real)
    if isinstance(case.query, dict):
        _pointed(case.query, real)
        cursor = case.query.get("cursor")
        if cursor is not None and len(str(cursor)) % 8:
            del case.query["cursor"]  # a made-up cursor is refused: most cases read page 1
    if case.headers and "Idempotency-Key" in case.headers:
        # Made-up keys repeat ("0", "00") with other bodies, which is only ever a 422: the key
        # is the request's own digest, so a request sent again is answered again (replayed).
        sent = json.dumps([case.path_parameters, case.body], sort_keys=True, default=str)
        case.headers["Idempotency-Key"] = hashlib.sha256(sent.encode()).hexdigest()[:32]


def valid_data_not_refused_as_invalid(ctx, response, case) -> None:
    """A request the document accepts may be refused for what it asks (an unknown key, a full
    credit: 404, 409, 422 with the screens' message) but never as malformed: the document
    would then promise more than the API accepts."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return
    body = json.loads(response.content)
    if body.get("detail") != str(INVALID):
        return  # refused for what it asks, with a service's message
    # Fields checked as the screens check them (a date as the reader types it, a cursor the
    # API gave) answer the forms' messages; pydantic's own would mean the document is wrong.
    shape = [e for e in body.get("errors", []) if e["message"].startswith(PYDANTIC_MESSAGES)]
    if shape:
        raise AssertionError(f"Schema-valid request refused as malformed: {shape}")


def not_a_server_error_problem(ctx, response, case) -> None:
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"Server error {response.status_code}: {response.content[:500]!r}")
