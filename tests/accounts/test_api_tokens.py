"""API tokens: how they are stored, and when one opens the API (creating, revoking and the
command line: test_api_token_lifecycle.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import api_tokens
from accounts.api_tokens import (
    ALREADY_REVOKED,
    api_token_revoke,
    token_authenticate,
)
from accounts.models import ApiToken, User
from accounts.models.tokens import TOKEN_LENGTH, secret_hash
from benefits.services import team_members
from tests.accounts.api_token_calls import AGENT, BILLING, create
from tests.accounts.factories import UserFactory
from tests.conftest import refusal

pytestmark = pytest.mark.django_db


# --- Storage ---------------------------------------------------------------------------------


def test_the_token_string_is_shown_once_and_only_its_keyed_hash_is_stored(admin_user):
    token, raw = create(admin_user)
    assert raw.startswith(f"pb_{token.prefix}_")
    assert len(raw) == TOKEN_LENGTH
    secret = raw[len(f"pb_{token.prefix}_") :]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(secret not in str(value) for value in stored.values())
    assert stored["secret_hash"] == secret_hash(token.prefix, secret)
    # Keyed: the same secret under another key hashes differently.
    assert stored["secret_hash"] != secret_hash(token.prefix, secret, key="another key")


def test_the_hash_depends_on_the_secret_key(admin_user, settings):
    _token, raw = create(admin_user)
    issued_with = settings.SECRET_KEY
    settings.SECRET_KEY = "a rotated key"
    assert token_authenticate(raw) is None
    settings.SECRET_KEY_FALLBACKS = [issued_with]
    assert token_authenticate(raw) is not None


def test_the_right_prefix_with_a_wrong_secret_opens_nothing(admin_user):
    token, raw = create(admin_user)
    wrong = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert token_authenticate(wrong) is None
    assert token_authenticate(raw) == token


def test_the_secret_is_compared_in_constant_time(admin_user, monkeypatch):
    _token, raw = create(admin_user)
    compared = []
    real = api_tokens.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api_tokens.hmac, "compare_digest", spy)
    assert token_authenticate(raw) is not None
    assert compared


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "pb_",
        "Bearer x",
        "pb_" + "a" * 12 + "_" + "b" * 42,
        "pb_" + "A" * 12 + "_" + "b" * 43,
        "pb_" + "a" * 12 + "-" + "b" * 43,
        "pb_" + "a" * 12 + "_" + "é" * 43,
        "pb_" + "a" * 12 + "_" + "\x00" * 43,
        "x" * 10_000,
        None,
        12,
        b"pb_",
    ],
)
def test_malformed_input_is_refused_without_a_query(raw, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert token_authenticate(raw) is None


# --- When a token opens the API ----------------------------------------------------------------


def test_authentication_loads_the_token_account_and_organization_in_one_query(admin_user):
    token, raw = create(admin_user)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        found = token_authenticate(raw)
        assert found is not None
        assert found.account.organization == admin_user.organization
    assert len(queries) == 1


def test_an_expired_token_opens_nothing(admin_user):
    token, raw = create(admin_user, expires_days=1)
    assert token.expires_at is not None
    assert token_authenticate(raw) is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_authenticate(raw) is None


def test_a_revoked_token_opens_nothing(admin_user):
    token, raw = create(admin_user)
    api_token_revoke(token=token, actor=admin_user)
    assert token_authenticate(raw) is None
    assert refusal(lambda: api_token_revoke(token=token, actor=admin_user)) == str(
        ALREADY_REVOKED % {"name": token.name}
    )


def test_an_account_deactivated_anywhere_stops_its_tokens(admin_user):
    _token, raw = create(admin_user)
    User.objects.filter(pk=admin_user.pk).update(is_active=False)
    assert token_authenticate(raw) is None


def test_an_account_leaving_its_organization_stops_its_tokens(admin_user):
    """Losing its benefits roles doesn't: the API then answers 403 naming the roles, as the
    screens do (tests/benefits/api/test_api_access_matrix.py)."""
    _token, raw = create(admin_user)
    User.objects.filter(pk=admin_user.pk).update(roles=[BILLING])
    assert token_authenticate(raw) is not None
    User.objects.filter(pk=admin_user.pk).update(organization=None)
    assert token_authenticate(raw) is None


def test_deactivation_on_the_team_page_revokes_the_tokens_for_good(admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    token, raw = create(member)
    other, other_raw = create(admin_user)
    team_members.member_deactivate(member=member, actor=admin_user)
    token.refresh_from_db()
    assert token.revoked_at is not None
    team_members.member_reactivate(member=member, actor=admin_user)
    assert token_authenticate(raw) is None
    assert token_authenticate(other_raw) == other


def test_last_use_is_written_at_most_once_a_minute(admin_user, django_assert_num_queries):
    token, raw = create(admin_user)
    assert token.last_used_at is None
    with django_assert_num_queries(2):  # the lookup, then the first use's write
        token_authenticate(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    for _n in range(3):
        with django_assert_num_queries(1):  # the lookup alone
            token_authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    with django_assert_num_queries(2):
        token_authenticate(raw)
    latest = ApiToken.objects.get(pk=token.pk).last_used_at
    assert latest is not None
    assert latest > first


def test_concurrent_first_uses_write_once(admin_user):
    """The UPDATE's filter: a request that loaded a stale time writes nothing when another
    request wrote the time meanwhile."""
    token, raw = create(admin_user)
    stale = ApiToken.objects.select_related("account__organization").get(pk=token.pk)
    assert token_authenticate(raw) is not None
    written = ApiToken.objects.get(pk=token.pk).last_used_at
    api_tokens._touch(stale, timezone.now() + timedelta(seconds=1))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == written
