"""Where an organization wants its activity sent (``WebhookEndpoint``), and the outbox of what
is sent there (``WebhookDelivery``, one row per activity record and endpoint).

A delivery row is written in the transaction of its activity record (webhooks/outbox.py), so a
committed change always has its deliveries and a rolled-back one has none. Its ``message_id`` is
the Standard Webhooks ``webhook-id``: the same for every try and every resend, so a receiver
can drop what it has seen already.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CodeListValidator, Organization
from benefits.models import Activity
from benefits.webhooks.failures import Failure


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """One receiver of an organization: its address, the activity kinds it wants, and the
    secret that signs what it is sent (never shown again after it is made)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organization"),
    )
    url = models.URLField(_("URL"), max_length=2000)
    kinds = models.JSONField(
        _("activity kinds"),
        default=list,
        blank=True,
        validators=[CodeListValidator(Activity.Kind.values)],
    )
    # Needed whole to sign each delivery, so kept as is (not a hash); never displayed.
    secret = models.CharField(_("secret"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    secret_rotated_at = models.DateTimeField(_("secret changed"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    # Why it was disabled: blank when a person did it, "failing" when the portal did.
    disabled_reason = models.CharField(_("disabled because"), max_length=20, blank=True)
    # The first failure since the last success (None: the last try succeeded, or none yet).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "is_active"], name="webhook_org_active")]

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return kind in self.kinds


class WebhookDelivery(models.Model):
    """One activity record for one endpoint, and how its tries went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="+", verbose_name=_("activity record")
    )
    message_id = models.CharField(
        _("webhook-id"), max_length=40, unique=True, default=new_message_id, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the next try is due (pending only); the safety net hands overdue rows to a worker.
    next_attempt_at = models.DateTimeField(
        _("next try"), null=True, blank=True, default=timezone.now
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the safety net last handed it to a worker: it waits a while before doing so again,
    # so a backlog of due deliveries isn't queued once more every minute.
    queued_at = models.DateTimeField(_("handed over again"), null=True, blank=True)
    # Failures since it was made or last resent: where it stands in the retry delays.
    retries = models.PositiveIntegerField(_("retries"), default=0)
    last_attempt_at = models.DateTimeField(_("last try"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    # Why the last try failed: its kind, worded in the reader's language on the delivery log
    # (webhooks/failures.py), and the technical words, in English, for staff.
    failure = models.CharField(
        _("last failure"), max_length=12, choices=Failure.choices, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_recent"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "activity"], name="webhook_one_delivery_per_activity"
            )
        ]

    def __str__(self) -> str:
        return self.message_id
