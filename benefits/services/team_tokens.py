"""API tokens made and revoked on the Team page, each with its activity record (SPEC 9: every
change of the Team page is one), in one transaction with the change.

``accounts.api_tokens`` holds the tokens' own rules and knows nothing of the activity log; this
is where the Team page's changes meet it.
"""

from __future__ import annotations

from django.db import transaction

from accounts.api_tokens import api_token_create, api_token_revoke
from accounts.models import ApiToken, User
from benefits.models import Activity
from benefits.services.activity import activity_record
from common.pagecache import pages_changed


def token_snapshot(token: ApiToken) -> dict:
    """What the log keeps of a token: never its secret, nor its hash."""
    return {
        "token": token.name,
        "account": token.account.email,
        "scopes": list(token.scopes),
        "expires": token.expires_at.date().isoformat() if token.expires_at else None,
    }


@transaction.atomic
def token_create(
    *, account: User, name: str, scopes: list[str], expires_days: int | None, actor: User
) -> tuple[ApiToken, str]:
    """``api_token_create`` (its refusals included), and its record."""
    token, raw = api_token_create(
        account=account, name=name, scopes=scopes, expires_days=expires_days, actor=actor
    )
    _record(Activity.Kind.TOKEN_CREATED, token, actor, before={}, after=token_snapshot(token))
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """``api_token_revoke`` (its refusals included), and its record."""
    revoked = api_token_revoke(token=token, actor=actor)
    _record(Activity.Kind.TOKEN_REVOKED, revoked, actor, before=token_snapshot(revoked), after={})
    return revoked


def _record(kind: str, token: ApiToken, actor: User, *, before: dict, after: dict) -> None:
    organization = token.account.organization
    if organization is None:  # a token is made and revoked in an organization only
        return
    activity_record(kind=kind, actor=actor, organization=organization, before=before, after=after)
    pages_changed(organization.pk)
