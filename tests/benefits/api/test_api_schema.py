"""The API against its own OpenAPI document (schemathesis), on the demo data.

Every operation of /api/v1/openapi.json, with data that fits the document and data that
doesn't, sent as Contoso's admin with a ``read,credits,redeem`` token: no answer may be a server
error or contradict the document (an undeclared status, content type, header or body), data
the document refuses must be refused, and data it accepts must never be refused as invalid.
How the cases are made, pointed at Contoso's objects and sent: schema_cases.py; chains of
operations: test_api_workflows.py.

Deterministic (the same cases every run) and small enough for ``make test`` (about 25 s here);
SCHEMATHESIS_EXAMPLES=500 SCHEMATHESIS_WORKFLOWS=200 search deeper.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.benefits.api.schema_cases import (
    DOCUMENT,
    not_a_server_error_problem,
    point_at_contoso,
    schema,
    valid_data_not_refused_as_invalid,
)
from tests.conftest import url

pytestmark = pytest.mark.django_db


@schema.parametrize()
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_its_document_says(case, api_call):
    point_at_contoso(case)
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
