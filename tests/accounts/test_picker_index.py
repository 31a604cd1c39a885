"""The people picker over 20,000 directory users: a fixed number of queries, served by the
prefix indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import DirectoryUser
from accounts.selectors import directory_user_prefix_query, directory_user_search
from tests.accounts.factories import OrganizationFactory, TenantFactory

PEOPLE = 20_000


@pytest.fixture
def crowd(postgres):
    organization = OrganizationFactory()
    tenants = [TenantFactory.create(organization=organization, is_primary=n == 0) for n in range(2)]
    DirectoryUser.objects.bulk_create(
        [
            DirectoryUser(
                tenant=tenants[n % 2],
                display_name=f"Person {n:05d} Example",
                user_principal_name=f"person{n:05d}@crowd.example",
            )
            for n in range(PEOPLE)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_directoryuser")
    return organization


def test_the_search_is_two_queries_whatever_the_crowd(crowd):
    with CaptureQueriesContext(connection) as captured:
        found = directory_user_search(organization=crowd, text="PERSON0001")
    # The organization's tenants, then the people.
    assert len(captured) == 2
    assert [person.display_name for person in found][:2] == [
        "Person 00010 Example",
        "Person 00011 Example",
    ]
    assert len(found) == 10


def test_the_search_uses_the_prefix_indexes(crowd):
    plan = directory_user_prefix_query(organization=crowd, text="person0001").explain()
    assert "directory_user_name_prefix" in plan, plan
    assert "directory_user_upn_prefix" in plan, plan
    assert "Seq Scan on accounts_directoryuser" not in plan, plan
