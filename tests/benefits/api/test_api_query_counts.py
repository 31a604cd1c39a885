"""The API's reads run the same number of SQL queries for 5 rows as for 50 (and 500)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Scope
from tests.accounts.factories import OrganizationFactory, TenantFactory, UserFactory
from tests.benefits.api.conftest import bearer
from tests.benefits.query_count_data import populate
from tests.conftest import url

pytestmark = pytest.mark.django_db


def queries_for(client, address: str, headers: dict) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address, headers=headers)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def measure(client, count: int) -> dict[str, int]:
    """Query counts of each read, for a new organization with ``count`` rows of everything."""
    organization = OrganizationFactory()
    TenantFactory(organization=organization)
    account = UserFactory.create(organization=organization)
    headers = bearer(account, [Scope.READ])
    full = bearer(account, [Scope.READ, Scope.KEYS], name="keys")
    credit, licensed = populate(organization, count)
    # The tokens' first use records it (one UPDATE); the counts are of the uses after that.
    client.get(url("api:tenants_list"), headers=headers)
    client.get(url("api:tenants_list"), headers=full)
    counts: dict[str, int] = {}

    def read(name: str, address: str, token: dict = headers) -> dict:
        counts[name], body = queries_for(client, address, token)
        return body

    page = read("benefits", url("api:benefits_list", query={"page_size": 3}))
    read("benefits page 2", page["next"])
    page = read(
        "benefits sorted",
        url("api:benefits_list", query={"sort": "-offer", "status": "expiring", "page_size": 3}),
    )
    read("benefits sorted page 2", page["next"])
    read("license benefit", url("api:benefit_detail", licensed.pk))
    read("license benefit, full keys", url("api:benefit_detail", licensed.pk), full)
    read("credit benefit", url("api:benefit_detail", credit.pk))
    page = read("subscriptions", url("api:subscriptions_list", query={"page_size": 3}))
    read("subscriptions page 2", page["next"])
    page = read("activity", url("api:activity_list", query={"page_size": 3}))
    read("activity page 2", page["next"])
    read("activity of a benefit", url("api:activity_list", query={"benefit": credit.pk}))
    return counts


def test_reads_run_a_constant_number_of_queries(client):
    small = measure(client, 5)
    assert small == measure(client, 50) == measure(client, 500)
    # The token (with its account and organization), then the read's own queries.
    assert max(small.values()) <= 3, small
