"""API tokens (SPEC 11): an account's key to the REST API, with scopes and an optional expiry.

The token a person sees is ``pb_<prefix>_<secret>``. The prefix is public: it finds the row
(unique, indexed) and lets a list tell tokens apart. Only a keyed hash of the secret is stored
(HMAC-SHA256 under a key derived from SECRET_KEY, bound to the prefix): a copy of the
database, or of a backup, opens nothing without the settings as well.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models.organizations import CodeListValidator

TOKEN_START = "pb_"  # noqa: S105 - a marker, not a secret
PREFIX_LENGTH = 12
# Letters and digits only, so that the "_" after the prefix can't be part of it.
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
SECRET_BYTES = 32  # token_urlsafe(32): 43 characters, 256 bits
SECRET_LENGTH = 43
TOKEN_LENGTH = len(TOKEN_START) + PREFIX_LENGTH + 1 + SECRET_LENGTH
_HASH_SALT = "accounts.ApiToken.secret_hash"


class Scope(models.TextChoices):
    """What a token may do, besides what its account's roles allow (both must hold)."""

    READ = "read", _("Read")
    KEYS = "keys", _("Full product keys")
    CREDITS = "credits", _("Azure credit changes")
    REDEEM = "redeem", _("Redeem product keys")

    @classmethod
    def help_texts(cls) -> dict[str, Promise]:
        return {
            cls.READ.value: _(
                "Everything that only reads: benefits, tenants, people, subscriptions, "
                "activity. Product keys are masked to their last group."
            ),
            cls.KEYS.value: _("Read full product keys."),
            cls.CREDITS.value: _("Assign, remove and transfer Azure credit."),
            cls.REDEEM.value: _("Redeem product keys."),
        }


def new_prefix() -> str:
    return "".join(secrets.choice(PREFIX_ALPHABET) for _n in range(PREFIX_LENGTH))


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(prefix: str, secret: str, *, key: str | bytes | None = None) -> str:
    """The stored form of a token's secret: HMAC-SHA256 under a key derived from
    ``key`` (SECRET_KEY by default). The prefix is part of the message, so a secret only
    opens the row it was made for."""
    return salted_hmac(_HASH_SALT, f"{prefix}:{secret}", secret=key, algorithm="sha256").hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def unrevoked(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """One account's API token. It acts as that account: its organization, its roles (which
    must open the benefits area), and no more than its ``scopes``."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(
        _("scopes"), default=list, validators=[CodeListValidator(Scope.values)]
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The service checks first and says so precisely; this is the last defence.
            models.UniqueConstraint(
                "account",
                Lower("name"),
                condition=Q(revoked_at__isnull=True),
                name="api_token_name_unique_per_account_unrevoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_START}{self.prefix}_…)"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def get_scopes_display(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(code, code)) for code in self.scopes]
