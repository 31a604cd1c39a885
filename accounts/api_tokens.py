"""API tokens (SPEC 11): create, revoke, list, and find the token a request carries.

A token acts as the account that created it: that account's organization and roles, narrowed
by the token's scopes. ``token_authenticate`` is the one place that decides whether a token
string opens the API; the API adds the HTTP side (Bearer header, rate limit, scope checks).

Revoked tokens stay revoked: deactivating an account revokes its tokens (``api_tokens_revoke_all``,
from the Team page's deactivation and the admin's), so reactivating it later does not bring old
tokens back — a person who returns makes new ones.
"""

from __future__ import annotations

import hmac
import string
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, Organization, Role, Scope, User
from accounts.models.tokens import (
    PREFIX_ALPHABET,
    PREFIX_LENGTH,
    SECRET_LENGTH,
    TOKEN_LENGTH,
    TOKEN_START,
    new_prefix,
    new_secret,
    secret_hash,
)
from accounts.selectors import parse_id
from common.text import as_sent_list

if TYPE_CHECKING:
    from datetime import datetime

# What secrets.token_urlsafe produces (URL-safe base64 without padding).
_SECRET_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
NAME_MAX_LENGTH = 100
EXPIRES_DAYS_MAX = 3650
# A token used again within this time does not write its last-used time again.
LAST_USED_PRECISION = timedelta(minutes=1)

NAME_REQUIRED = _("Give the token a name, e.g. the system that will use it.")
NAME_TOO_LONG = _("A token's name has at most %(max)d characters.")
NAME_TAKEN = _(
    "%(email)s already has a token named “%(name)s”. Choose another name, or revoke that "
    "token first."
)
SCOPES_REQUIRED = _("Choose at least one scope.")
UNKNOWN_SCOPES = _("Unknown scopes: %(scopes)s. Choose among: %(known)s.")
EXPIRES_DAYS_RANGE = _(
    "The expiry is a whole number of days from 1 to %(max)d; leave it empty for a token "
    "that does not expire."
)
ACCOUNT_INACTIVE = _("%(email)s is deactivated: its tokens would not work.")
ACCOUNT_NO_BENEFITS_ROLE = _(
    "%(email)s has no role that opens the benefits area, so a token would not work. Give the "
    "account one of these roles first: %(roles)s."
)
NOT_YOUR_ACCOUNT = _("You can only create tokens for your own account.")
NOT_YOUR_TOKEN = _("You can only revoke tokens of your own organization.")
ALREADY_REVOKED = _("The token “%(name)s” is already revoked.")


def scopes_checked(scopes: object) -> list[str]:
    """The scopes as given, when each is known, in Scope's order and each once. Raises
    ValidationError for none, for something that isn't a list of codes, and naming unknown
    codes."""
    if isinstance(scopes, str) or not isinstance(scopes, list | tuple | set | frozenset):
        raise ValidationError(SCOPES_REQUIRED, code="scopes_required")
    codes = [str(code).strip() for code in scopes]
    unknown = sorted({code for code in codes if code not in Scope.values})
    if unknown:
        raise ValidationError(
            UNKNOWN_SCOPES,
            code="unknown_scopes",
            params={"scopes": as_sent_list(unknown), "known": ", ".join(Scope.values)},
        )
    if not codes:
        raise ValidationError(SCOPES_REQUIRED, code="scopes_required")
    return [code for code in Scope.values if code in codes]


def expires_days_checked(expires_days: object) -> int | None:
    if expires_days is None:
        return None
    if (
        isinstance(expires_days, bool)
        or not isinstance(expires_days, int)
        or not 1 <= expires_days <= EXPIRES_DAYS_MAX
    ):
        raise ValidationError(
            EXPIRES_DAYS_RANGE, code="expires_days", params={"max": EXPIRES_DAYS_MAX}
        )
    return expires_days


def _check_may_hold_tokens(account: User) -> None:
    if not account.is_active:
        raise ValidationError(ACCOUNT_INACTIVE, code="inactive", params={"email": account.email})
    if not account.has_benefits_access:
        labels = dict(Role.choices)
        roles = ", ".join(str(labels[code]) for code in settings.BENEFITS_ROLES)
        raise ValidationError(
            ACCOUNT_NO_BENEFITS_ROLE,
            code="no_benefits_role",
            params={"email": account.email, "roles": roles},
        )


@transaction.atomic
def api_token_create(
    *,
    account: User,
    name: str,
    scopes: list[str],
    expires_days: int | None,
    actor: User | None,
) -> tuple[ApiToken, str]:
    """Create a token for ``account`` and return it with the token string — the only time the
    string exists: only a keyed hash of its secret is stored. ``actor`` is the account itself
    (the Team page) or None (the command line, run by the operator). Raises ValidationError
    for a blank, too long or already used name (among the account's unrevoked tokens), no or
    unknown scopes, an expiry outside 1..3650 days, another account's actor, and an account
    that is deactivated or has no benefits role (its token would never work)."""
    if actor is not None and actor.pk != account.pk:
        raise ValidationError(NOT_YOUR_ACCOUNT, code="not_your_account")
    # Locking the account makes two creations with the same name take turns.
    account = User.objects.select_for_update().get(pk=account.pk)
    _check_may_hold_tokens(account)
    name = (name or "").strip()
    if not name:
        raise ValidationError(NAME_REQUIRED, code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(NAME_TOO_LONG, code="name_too_long", params={"max": NAME_MAX_LENGTH})
    scopes = scopes_checked(scopes)
    days = expires_days_checked(expires_days)
    name_taken = ValidationError(
        NAME_TAKEN, code="name_taken", params={"email": account.email, "name": name}
    )
    if account.api_tokens.unrevoked().filter(name__iexact=name).exists():
        raise name_taken
    now = timezone.now()
    prefix, secret = new_prefix(), new_secret()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                account=account,
                name=name,
                scopes=scopes,
                prefix=prefix,
                secret_hash=secret_hash(prefix, secret),
                created_at=now,
                expires_at=now + timedelta(days=days) if days else None,
            )
    except IntegrityError:  # the constraint, should the check above ever be bypassed
        raise name_taken from None
    return token, f"{TOKEN_START}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke ``token`` at once and for good. ``actor`` is the token's account, a team admin
    of its organization, or None (the admin, the command line). Raises ValidationError for a
    token already revoked and for an actor who may not revoke it."""
    token = ApiToken.objects.select_for_update().select_related("account").get(pk=token.pk)
    if actor is not None and actor.pk != token.account_id:
        same_org = actor.organization_id is not None and (
            actor.organization_id == token.account.organization_id
        )
        if not (same_org and actor.has_team_access):
            raise ValidationError(NOT_YOUR_TOKEN, code="not_your_token")
    if token.revoked_at is not None:
        raise ValidationError(ALREADY_REVOKED, code="revoked", params={"name": token.name})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, account: User) -> int:
    """Revoke every unrevoked token of ``account`` (its deactivation); how many. Call it in
    the deactivation's transaction."""
    return account.api_tokens.unrevoked().update(revoked_at=timezone.now())


def api_token_list(*, organization: Organization) -> QuerySet[ApiToken]:
    """The organization's tokens (every account's, revoked ones too), newest first, with
    their accounts: one query however many."""
    return ApiToken.objects.filter(account__organization=organization).select_related("account")


def api_token_get(*, organization: Organization, token_id: object) -> ApiToken:
    """One of the organization's tokens; Http404 for another organization's."""
    return get_object_or_404(api_token_list(organization=organization), pk=parse_id(token_id))


def _parse(raw: object) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token string, else None."""
    if not isinstance(raw, str) or len(raw) != TOKEN_LENGTH or not raw.startswith(TOKEN_START):
        return None
    prefix = raw[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
    rest = raw[len(TOKEN_START) + PREFIX_LENGTH :]
    if not rest.startswith("_") or not all(c in PREFIX_ALPHABET for c in prefix):
        return None
    secret = rest[1:]
    if len(secret) != SECRET_LENGTH or not all(c in _SECRET_ALPHABET for c in secret):
        return None
    return prefix, secret


def _secret_matches(token: ApiToken, secret: str) -> bool:
    """Constant-time comparison against the hash under SECRET_KEY and, while keys rotate,
    each of SECRET_KEY_FALLBACKS (as Django does for sessions)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    matches = [
        hmac.compare_digest(secret_hash(token.prefix, secret, key=key), token.secret_hash)
        for key in keys
    ]
    return any(matches)


def _touch(token: ApiToken, now: datetime) -> None:
    """Record the use at most once per LAST_USED_PRECISION: no query at all when the loaded
    time is recent; otherwise one UPDATE whose filter lets only one of concurrent requests
    write."""
    cutoff = now - LAST_USED_PRECISION
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


def token_authenticate(raw: str) -> ApiToken | None:
    """The token ``raw`` names, with its account and organization loaded (one query), when
    it works now: not revoked, not expired, its account active and in an organization. Else
    None — for anything malformed too; it never raises. Records the use (see ``_touch``).
    What the token may do — its scopes, its account's roles — is the caller's to check."""
    parsed = _parse(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = (
        ApiToken.objects.select_related("account", "account__organization")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not _secret_matches(token, secret):
        return None
    now = timezone.now()
    account = token.account
    if token.revoked_at is not None or token.is_expired(now):
        return None
    if not account.is_active or account.organization is None:
        return None
    _touch(token, now)
    return token
