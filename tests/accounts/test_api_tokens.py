"""API tokens: how they are stored, when they open the API, and who may create and revoke."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import api_tokens
from accounts.api_tokens import (
    ACCOUNT_INACTIVE,
    ACCOUNT_NO_BENEFITS_ROLE,
    ALREADY_REVOKED,
    EXPIRES_DAYS_RANGE,
    NAME_REQUIRED,
    NAME_TAKEN,
    NOT_YOUR_ACCOUNT,
    NOT_YOUR_TOKEN,
    SCOPES_REQUIRED,
    UNKNOWN_SCOPES,
    api_token_create,
    api_token_revoke,
    token_authenticate,
)
from accounts.models import ApiToken, Role, Scope, User
from accounts.models.tokens import TOKEN_LENGTH, secret_hash
from benefits.services import team_members
from tests.accounts.factories import UserFactory
from tests.conftest import refusal

pytestmark = pytest.mark.django_db

BILLING = Role.BILLING_ADMIN.value
AGENT = Role.ADMIN_AGENT.value


def create(account, **overrides):
    arguments = {
        "account": account,
        "name": "Inventory sync",
        "scopes": [Scope.READ.value],
        "expires_days": None,
        "actor": account,
        **overrides,
    }
    return api_token_create(**arguments)


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


def test_an_account_losing_its_benefits_roles_or_organization_stops_its_tokens(admin_user):
    _token, raw = create(admin_user)
    User.objects.filter(pk=admin_user.pk).update(roles=[BILLING])
    assert token_authenticate(raw) is None
    User.objects.filter(pk=admin_user.pk).update(roles=[AGENT])
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


# --- Creating and revoking ------------------------------------------------------------------


def test_creation_stores_name_scopes_in_order_and_expiry(admin_user):
    token, _raw = create(
        admin_user, name="  CI  ", scopes=["redeem", "read", "read"], expires_days=30
    )
    assert token.name == "CI"
    assert token.scopes == ["read", "redeem"]
    assert token.expires_at is not None
    assert token.expires_at - token.created_at == timedelta(days=30)
    assert token.account == admin_user


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, NAME_REQUIRED),
        ({"scopes": []}, SCOPES_REQUIRED),
        ({"scopes": "read"}, SCOPES_REQUIRED),
        ({"expires_days": 0}, EXPIRES_DAYS_RANGE % {"max": 3650}),
        ({"expires_days": 3651}, EXPIRES_DAYS_RANGE % {"max": 3650}),
        ({"expires_days": True}, EXPIRES_DAYS_RANGE % {"max": 3650}),
    ],
)
def test_creation_refusals(admin_user, overrides, message):
    assert refusal(lambda: create(admin_user, **overrides)) == str(message)
    assert not ApiToken.objects.exists()


def test_unknown_scopes_are_named(admin_user):
    assert refusal(lambda: create(admin_user, scopes=["read", "admin", "write"])) == str(
        UNKNOWN_SCOPES % {"scopes": "admin, write", "known": "read, keys, credits, redeem"}
    )


def test_a_name_is_unique_per_account_among_unrevoked_tokens(admin_user):
    token, _raw = create(admin_user)
    assert refusal(lambda: create(admin_user, name="inventory SYNC")) == str(
        NAME_TAKEN % {"email": admin_user.email, "name": "inventory SYNC"}
    )
    colleague = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    create(colleague)  # another account may use the same name
    api_token_revoke(token=token, actor=admin_user)
    create(admin_user)  # and so may this one once the old token is revoked


def test_tokens_are_created_only_for_accounts_they_would_work_for(admin_user):
    billing = UserFactory.create(organization=admin_user.organization, roles=[BILLING])
    message = refusal(lambda: create(billing))
    assert message.startswith(str(ACCOUNT_NO_BENEFITS_ROLE).split("%")[0])
    assert str(billing.email) in message
    assert "Global admin" in message
    inactive = UserFactory.create(organization=admin_user.organization, is_active=False)
    assert refusal(lambda: create(inactive)) == str(ACCOUNT_INACTIVE % {"email": inactive.email})


def test_nobody_creates_a_token_for_another_account(admin_user):
    colleague = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    assert refusal(lambda: create(colleague, actor=admin_user)) == str(NOT_YOUR_ACCOUNT)


def test_a_team_admin_revokes_any_token_of_the_organization_and_nobody_else_does(
    admin_user, other_organization
):
    colleague = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    token, _raw = create(colleague)
    peer = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    outsider = UserFactory.create(organization=other_organization, roles=[Role.GLOBAL_ADMIN.value])
    for actor in (peer, outsider):
        assert refusal(lambda actor=actor: api_token_revoke(token=token, actor=actor)) == str(
            NOT_YOUR_TOKEN
        )
    api_token_revoke(token=token, actor=admin_user)
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- The command line -------------------------------------------------------------------------


def test_the_command_prints_only_the_token(admin_user):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token",
        "--account",
        admin_user.email.upper(),
        "--name",
        "Nightly export",
        "--scopes",
        "read, credits,redeem,keys",
        "--expires-days",
        "90",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue()
    assert raw.endswith("\n")
    assert raw.count("\n") == 1
    token = token_authenticate(raw.strip())
    assert token is not None
    assert token.name == "Nightly export"
    assert token.scopes == ["read", "keys", "credits", "redeem"]
    assert token.expires_at is not None
    assert token.expires_at - token.created_at == timedelta(days=90)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--account", "nobody@example.com"], "No account has the e-mail address"),
        (["--scopes", "read,admin"], "Unknown scopes: admin."),
        (["--scopes", ""], str(SCOPES_REQUIRED)),
        (["--expires-days", "0"], "The expiry is a whole number of days from 1 to 3650"),
        (["--expires-days", "ten"], "The expiry is a whole number of days from 1 to 3650"),
    ],
)
def test_the_command_refusals(admin_user, arguments, message):
    base = {"--account": admin_user.email, "--name": "X", "--scopes": "read"}
    base.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("create_api_token", *[p for kv in base.items() for p in kv], stdout=out)
    assert message in str(raised.value)
    assert out.getvalue() == ""
    assert not ApiToken.objects.exists()


# --- The database's last defence, and the race it closes ------------------------------------


def test_the_database_refuses_a_second_unrevoked_token_of_the_same_name(admin_user):
    from django.db import IntegrityError, transaction

    def row(name: str, prefix: str, **fields) -> ApiToken:
        return ApiToken.objects.create(
            account=admin_user, name=name, prefix=prefix, secret_hash="x", **fields
        )

    row("CI", "a" * 12, revoked_at=timezone.now())
    row("CI", "b" * 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        row("ci", "c" * 12)


def test_two_creations_with_one_name_at_once_make_one_token(postgres):
    from tests.conftest import run_at_once

    account = UserFactory.create(roles=[Role.GLOBAL_ADMIN.value])
    outcomes = run_at_once(4, lambda _index: create(account, name="Race"))
    made = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(made) == 1
    assert len(refused) == 3
    assert {" ".join(error.messages) for error in refused} == {
        str(NAME_TAKEN % {"email": account.email, "name": "Race"})
    }
    assert ApiToken.objects.filter(account=account).count() == 1
