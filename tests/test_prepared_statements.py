"""On PostgreSQL a connection prepares the queries it repeats (partnerbenefits/settings.py), so
PostgreSQL plans a page's lookups once per connection instead of on every request."""

from __future__ import annotations

from django.db import connection

from accounts.models import Organization


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_a_connection_repeats_is_prepared_on_the_server(postgres):
    organization = Organization.objects.create(name="Contoso", mpn_id="4711001")
    assert not any("accounts_organization" in text for text in prepared_statements())
    for _ in range(6):  # prepared from its sixth run
        assert Organization.objects.filter(pk=organization.pk).exists()
    assert any("accounts_organization" in text for text in prepared_statements())
