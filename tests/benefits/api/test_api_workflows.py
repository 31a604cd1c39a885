"""The API's workflows against its OpenAPI document (schemathesis, stateful): one request's answer
feeds the next, as a script chains them — list → detail, assign → remove or transfer, preview →
redeem with the previewed figures → the same redemption again — each answer checked as
test_api_schema.py checks a single operation."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.benefits.api.schema_cases import (
    APP,
    DOCUMENT,
    not_a_server_error_problem,
    point_at_contoso,
    valid_data_not_refused_as_invalid,
)

pytestmark = pytest.mark.django_db

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
            point_at_contoso(case)

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
