"""The API against its own OpenAPI document (schemathesis), on the demo data.

Every operation of /api/v1/openapi.json, with data that fits the document and data that
doesn't, sent as Contoso's admin with a ``read,credits,redeem`` token: no answer may be a server
error or contradict the document (an undeclared status, content type, header or body), data
the document refuses must be refused, and data it accepts must never be refused as invalid.

Generated ids and keys are random, so they would almost always be "not found": most cases are
pointed at Contoso's real benefits, people, tenants, subscriptions and keys instead
(``_point_at_contoso``), so that assignments, transfers, previews and redemptions really happen.

Then workflows (stateful): chains along links added to the document (list → detail, assign →
remove or transfer, preview → redeem with the previewed figures → the same redemption again).

Deterministic (the same cases every run) and small enough for ``make test`` (about 25 s here);
SCHEMATHESIS_EXAMPLES=500 SCHEMATHESIS_WORKFLOWS=200 search deeper.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import DirectoryUser, Organization, Tenant
from benefits.api.api import api
from benefits.api.problems import INVALID
from benefits.models import Benefit, Product, ProductKey, Subscription
from common import ratelimit
from tests.benefits.api.conftest import bearer
from tests.conftest import url

pytestmark = pytest.mark.django_db

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


def _point_at_contoso(case: schemathesis.Case) -> None:
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


@pytest.fixture
def api_call(contoso_admin, settings, monkeypatch):
    """How each case is sent: the token, and a WSGI handler built under the tests' settings.
    Key guesses are not limited here (test_redemptions_api checks the limit): every unknown
    key would otherwise turn the rest of the run into 429s. As Django's test client does, the
    handler doesn't close the database connection around each request: it holds the test's
    transaction."""
    monkeypatch.setattr(ratelimit, "LIMIT", 10**6)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    APP.handler = WSGIHandler()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"headers": bearer(contoso_admin, ["read", "credits", "redeem"])}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_its_document_says(case, api_call):
    _point_at_contoso(case)
    case.call_and_validate(
        **api_call,
        # Replaced by valid_data_not_refused_as_invalid: a well-formed request for an unknown
        # key or a full credit is rightly refused with 404/409/422.
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_data_not_refused_as_invalid, not_a_server_error_problem],
    )


def test_the_document_served_is_the_one_tested(client):
    """/api/v1/openapi.json is the document above, with every operation behind a token."""
    served = client.get(url("api:openapi-json")).json()
    assert served == DOCUMENT
    operations = [op for path in served["paths"].values() for op in path.values()]
    assert operations
    assert all(op.get("security") for op in operations)


# --- Workflows (stateful): one request's answer feeds the next, as a script chains them -------

# OpenAPI links the document doesn't carry (ninja writes none), added for the workflows only.
LINKS = {
    ("benefits_list", "200"): {
        "detail": {
            "operationId": "benefit_detail",
            "parameters": {"benefit_id": "$response.body#/items/0/id"},
        }
    },
    ("holder_assign", "201"): {
        "remove": {
            "operationId": "holder_remove",
            "parameters": {
                "benefit_id": "$response.body#/benefit_id",
                "directory_user_id": "$response.body#/directory_user_id",
            },
        },
        "transfer": {
            "operationId": "holder_transfer",
            "parameters": {
                "benefit_id": "$response.body#/benefit_id",
                "directory_user_id": "$response.body#/directory_user_id",
            },
        },
    },
    # The wizard's order: the review's figures, then the redemption they promise.
    ("redemption_preview", "200"): {
        "redeem": {
            "operationId": "redemption_create",
            "requestBody": {
                "key": "$request.body#/key",
                "action": "$request.body#/action",
                "tenant_id": "$response.body#/tenant_id",
                "subscription_id": "$response.body#/subscription_id",
                "expected_end_date": "$response.body#/end_date_after",
                "expected_seats": "$response.body#/seats_after",
            },
        }
    },
    # The same request again, as a client retrying: answered the same, changing nothing.
    ("redemption_create", "201"): {
        "again": {
            "operationId": "redemption_create",
            "parameters": {"header.Idempotency-Key": "$request.header.Idempotency-Key"},
            "requestBody": "$request.body",
        }
    },
}


def _linked(document: dict) -> dict:
    linked = json.loads(json.dumps(document))
    for methods in linked["paths"].values():
        for operation in methods.values():
            for (source, status), links in LINKS.items():
                if operation["operationId"] == source:
                    operation["responses"][status]["links"] = links
    return linked


workflows = schemathesis.openapi.from_dict(_linked(DOCUMENT))
workflows.app = APP
workflows.config.generation.update(
    deterministic=True, with_security_parameters=False, allow_extra_parameters=False
)


def test_api_workflows_answer_as_the_document_says(api_call):
    """Chains along the links (list → detail, assign → remove or transfer, preview → redeem
    → the same redemption again), each answer checked as above."""
    headers = api_call["headers"]

    class Workflow(workflows.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
            _point_at_contoso(case)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            case.validate_response(
                response,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[valid_data_not_refused_as_invalid, not_a_server_error_problem],
                headers=headers,
                transport_kwargs=kwargs,
            )

    Workflow.run(
        settings=hypothesis_settings(
            max_examples=int(os.environ.get("SCHEMATHESIS_WORKFLOWS", "15")),
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
