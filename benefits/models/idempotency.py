"""The API's idempotency keys, each with the response it produced (pretix's approach)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class IdempotentRequest(models.Model):
    """One write of the API, by its ``Idempotency-Key``: what was asked (``fingerprint``: the
    method, path and body) and what was answered, so the same request sent again gets the same
    answer and changes nothing more. Written in the transaction of the change itself, next to
    the activity record it produced (which carries the same key)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    key = models.CharField(_("idempotency key"), max_length=64)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"))
    response = models.JSONField(_("response body"), default=dict)
    activity = models.ForeignKey(
        "benefits.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity record"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("API idempotency key")
        verbose_name_plural = _("API idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="idempotent_request_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"
