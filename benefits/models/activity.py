"""The activity log: one append-only record per change, written in the change's transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import DirectoryUser, Organization
from common.pagecache import PageCacheQuerySet


class AppendOnlyError(Exception):
    """Activity records are never changed or deleted."""


class ActivityQuerySet(PageCacheQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Activity records cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Activity records cannot be deleted.")


class Activity(models.Model):
    """Who changed what, when, in which organization, from what to what.

    ``before`` and ``after`` are snapshots (names, seats, dates, the key's last group only), so
    a record still reads correctly after the objects it names have changed.
    """

    class Kind(models.TextChoices):
        CREDIT_ASSIGNED = "credit_assigned", _("Credit assigned")
        CREDIT_REMOVED = "credit_removed", _("Credit removed")
        CREDIT_TRANSFERRED = "credit_transferred", _("Credit transferred")
        KEY_REDEEMED = "key_redeemed", _("Product key redeemed")
        KEYS_IMPORTED = "keys_imported", _("Product keys imported")
        KEYS_CHANGED = "keys_changed", _("Product keys changed by staff")
        BENEFIT_CHANGED = "benefit_changed", _("Benefit changed by staff")
        SUBSCRIPTION_CHANGED = "subscription_changed", _("Subscription changed by staff")
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation resent")
        INVITATION_CANCELLED = "invitation_cancelled", _("Invitation cancelled")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLES_CHANGED = "roles_changed", _("Roles changed")
        MEMBER_DEACTIVATED = "member_deactivated", _("Member deactivated")
        MEMBER_REACTIVATED = "member_reactivated", _("Member reactivated")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        WEBHOOK_ADDED = "webhook_added", _("Webhook endpoint added")
        WEBHOOK_CHANGED = "webhook_changed", _("Webhook endpoint changed")
        WEBHOOK_DELETED = "webhook_deleted", _("Webhook endpoint deleted")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_email = models.EmailField(_("who (e-mail)"), blank=True)
    # A change made through the API names the token used (SPEC 11), and keeps its name should
    # the token be deleted later.
    api_token = models.ForeignKey(
        "accounts.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API token"),
    )
    api_token_name = models.CharField(_("API token (name)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    benefit = models.ForeignKey(
        "benefits.Benefit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("benefit"),
    )
    subscription = models.ForeignKey(
        "benefits.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("subscription"),
    )
    product_key = models.ForeignKey(
        "benefits.ProductKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("product key"),
    )
    directory_user = models.ForeignKey(
        DirectoryUser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("directory user"),
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    # The one-time token of the review (or the API's Idempotency-Key) that produced the change:
    # the same press repeated finds this record instead of changing anything again. A database
    # default too, so that rows written in bulk without the column stay valid.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, default="", db_default=""
    )

    organization_path = "organization"  # whose cached pages show it (common.pagecache)
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="activity_org_recent"),
            models.Index(
                fields=["organization", "kind", "-created_at"], name="activity_org_kind_recent"
            ),
        ]
        constraints = [
            # A redemption record always names the key and the subscription it went into, so
            # the uniqueness below cannot be dodged with an empty key.
            models.CheckConstraint(
                condition=~Q(kind="key_redeemed")
                | Q(product_key__isnull=False, subscription__isnull=False),
                name="activity_redemption_names_key_and_subscription",
            ),
            # The last defence of single use: a key can be recorded as redeemed once only, and
            # the record is written in the same transaction as the redemption.
            models.UniqueConstraint(
                fields=["product_key"],
                condition=Q(kind="key_redeemed"),
                name="activity_one_redemption_per_key",
            ),
            # One record per token and organization: a repeated press cannot change twice.
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="activity_one_record_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Activity records cannot be changed.")
        if not self.actor_email and self.actor is not None:
            self.actor_email = self.actor.email
        if not self.api_token_name and self.api_token is not None:
            self.api_token_name = self.api_token.name
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Activity records cannot be deleted.")
