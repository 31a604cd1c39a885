"""The activity CSV at scale: a constant number of queries whatever the records, and flat
memory while 100,000 records stream (PostgreSQL's server-side cursor)."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Iterator
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organization
from benefits.models import Activity, Benefit
from benefits.views.activity import EXPORT_CHUNK_SIZE
from tests.benefits.activity_csv import URL, content_of

pytestmark = pytest.mark.django_db


def test_the_export_runs_a_constant_number_of_queries(contoso_client, contoso):
    benefit = Benefit.objects.filter(organization=contoso).first()

    def queries(count: int) -> int:
        Activity.objects.bulk_create(
            [
                Activity(organization=contoso, kind=Activity.Kind.CREDIT_ASSIGNED, benefit=benefit)
                for _ in range(count)
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            response = contoso_client.get(URL)
            lines = content_of(response).count("\n")
        assert lines >= count + 1
        return len(captured)

    assert queries(5) == queries(500)


def _bulk_records(organization: Organization, benefit: Benefit, count: int) -> None:
    """``count`` credit records of ``benefit``, a second apart, written by PostgreSQL itself
    in one statement (the ORM's bulk_create takes a quarter of a minute for 100,000)."""
    after = {"product": "Azure monthly credit", "holder": {"name": "Adele Vance"}}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Activity._meta.db_table}
                (organization_id, benefit_id, kind, actor_email, api_token_name, created_at,
                 before, after)
            SELECT %s, %s, %s, %s, '', %s - n * interval '1 second', '{{}}'::jsonb, %s::jsonb
            FROM generate_series(0, %s - 1) AS n
            """,  # noqa: S608 - the table's name only; every value is a parameter
            [
                organization.pk,
                benefit.pk,
                Activity.Kind.CREDIT_ASSIGNED,
                "admin@contoso.example",
                timezone.now(),
                json.dumps(after),
                count,
            ],
        )


def _peak_while_streaming(client) -> tuple[int, int, float]:
    """(peak bytes allocated while the CSV streams, its lines, seconds)."""
    began = time.perf_counter()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get(URL)
        lines = 0
        for chunk in cast(Iterator[bytes], response.streaming_content):
            lines += chunk.count(b"\n")
        response.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, lines, time.perf_counter() - began


def test_memory_stays_flat_at_100000_records(postgres, client, capsys):
    """On PostgreSQL (a server-side cursor reads EXPORT_CHUNK_SIZE rows at a time): the peak
    while streaming 100,000 records stays under 20 MB and about the peak at 10,000."""
    from tests.accounts.factories import OrganizationFactory, UserFactory
    from tests.benefits.factories import BenefitFactory

    organization = cast(Organization, OrganizationFactory())
    benefit = cast(Benefit, BenefitFactory(organization=organization))
    client.force_login(UserFactory(organization=organization, roles=["global_admin"]))
    _bulk_records(organization, benefit, 10_000)
    small, small_lines, small_seconds = _peak_while_streaming(client)
    _bulk_records(organization, benefit, 90_000)
    large, large_lines, large_seconds = _peak_while_streaming(client)
    with capsys.disabled():
        print(
            f"\nactivity export peak memory: {small / 1e6:.1f} MB for {small_lines - 1} records "
            f"({small_seconds:.1f} s), {large / 1e6:.1f} MB for {large_lines - 1} "
            f"({large_seconds:.1f} s); chunk {EXPORT_CHUNK_SIZE}"
        )
    assert small_lines == 10_001
    assert large_lines == 100_001
    assert large < 20 * 1024 * 1024
    assert large < small * 1.5  # flat: ten times the records, not ten times the memory
