"""Fixtures of the accounts' tests."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture
def superuser_client(client):
    """A staff superuser of no organization, signed in: the admin without the demo data."""
    staff = UserFactory.create(organization=None, roles=[], is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client
