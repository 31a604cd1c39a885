"""The people picker over 20,000 directory users: a fixed number of queries, served by the
prefix indexes."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
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


def test_a_search_planned_for_any_prefix_still_reads_only_its_prefix(crowd):
    """A connection prepares a query it repeats (partnerbenefits/settings.py), and PostgreSQL may
    then run it with one plan made for any value. Made to, the search still reads the prefix
    indexes within its prefix (common/prefix_search.py) rather than every person."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for _ in range(8):  # prepared from its sixth run
            found = directory_user_search(organization=crowd, text="PERSON0001")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(generic_plans) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%accounts_directoryuser%"],
            )
            generic_runs = cursor.fetchone()[0]
            cursor.execute(
                "SELECT sum(pg_stat_get_xact_tuples_returned(oid)) FROM pg_class"
                " WHERE relname IN ('accounts_directoryuser', 'directory_user_name_prefix',"
                " 'directory_user_upn_prefix')"
            )
            entries_read = cursor.fetchone()[0]
    assert len(found) == 10
    assert generic_runs >= 3, "the search never ran with a plan made for any prefix"
    # 8 searches finding 10 people; reading every person would be 8 × 20,000 rows or more.
    assert entries_read < 8 * 100, entries_read
