"""API tokens: who may create and revoke them, the command line that creates them, and the
database's last defence against two tokens of one name."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.api_tokens import (
    ACCOUNT_INACTIVE,
    ACCOUNT_NO_BENEFITS_ROLE,
    EXPIRES_DAYS_RANGE,
    NAME_REQUIRED,
    NAME_TAKEN,
    NOT_YOUR_ACCOUNT,
    NOT_YOUR_TOKEN,
    SCOPES_REQUIRED,
    UNKNOWN_SCOPES,
    api_token_revoke,
    token_authenticate,
)
from accounts.models import ApiToken, Role
from tests.accounts.api_token_calls import AGENT, BILLING, create
from tests.accounts.factories import UserFactory
from tests.conftest import refusal

pytestmark = pytest.mark.django_db


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
