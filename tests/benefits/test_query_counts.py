"""The benefits pages run the same number of SQL queries for 5 rows as for 500."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benefits.models import Subscription
from tests.accounts.factories import OrganizationFactory, TenantFactory, UserFactory
from tests.benefits.query_count_data import populate
from tests.conftest import url

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def counts(client):
    """Query counts of each page, for a new organization with ``count`` rows of everything."""

    def measure(count: int) -> dict[str, int]:
        organization = OrganizationFactory()
        TenantFactory(organization=organization)
        client.force_login(UserFactory(organization=organization))
        credit, licensed = populate(organization, count)
        return {
            "list": queries_for(client, url("benefits:azure_cloud")),
            "list htmx": queries_for(
                client, url("benefits:azure_cloud", query={"sort": "-quantity"}), HX_Request="true"
            ),
            "details htmx": queries_for(
                client, url("benefits:benefit_detail", licensed.pk), HX_Request="true"
            ),
            "picker": queries_for(
                client,
                url("benefits:credit_picker", credit.pk, query={"q": "p1"}),
                HX_Request="true",
            ),
            "activity": queries_for(client, url("activity")),
            "usage details": queries_for(client, url("benefits:benefit_detail", credit.pk)),
            "license details": queries_for(client, url("benefits:benefit_detail", licensed.pk)),
            "overview": queries_for(client, url("benefits:overview")),
            "csv": queries_for(client, url("benefits:azure_cloud_csv")),
        }

    return measure


def test_pages_run_a_constant_number_of_queries(counts):
    small = counts(5)
    large = counts(500)
    assert small == large
    # And the counts stay small: session, account, then the page's own queries.
    assert max(small.values()) <= 8, small


def test_products_and_each_wizard_step_run_a_constant_number_of_queries(client):
    from django.core.cache import cache

    from common.pagecache import page_cache

    def measure(count: int) -> dict[str, int]:
        cache.clear()
        page_cache().clear()
        organization = OrganizationFactory.create()
        TenantFactory(organization=organization)
        client.force_login(UserFactory(organization=organization))
        _credit, licensed = populate(organization, count)
        office = Subscription.objects.filter(tenant__organization=organization).first()
        key = licensed.keys.filter(redeemed_at__isnull=True).first()
        assert office is not None
        assert key is not None
        result = {"products": queries_for(client, url("products"))}
        result["choose"] = queries_for(client, url("benefits:redeem", query={"restart": 1}))
        client.get(url("benefits:redeem"), {"subscription": office.pk, "action": "activate"})
        result["key"] = queries_for(client, url("benefits:redeem"))
        client.post(url("benefits:redeem"), {"step": "key", "key": key.key})
        result["review"] = queries_for(client, url("benefits:redeem"))
        return result

    assert measure(5) == measure(500)
