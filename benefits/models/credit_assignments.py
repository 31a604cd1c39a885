"""Who holds a seat of an organization's Azure credit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import DirectoryUser
from benefits.models.catalog import Benefit
from common.pagecache import PageCacheQuerySet

NOT_CREDIT = _("Only Azure credit is assigned to people.")
OTHER_ORGANIZATION = _("This person is in another organization's tenant.")


class CreditAssignment(models.Model):
    """A directory user holding one seat of a usage-based benefit. A person holds at most one
    Azure credit at a time; the unique constraint is the last defence behind the services."""

    benefit = models.ForeignKey(
        Benefit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("benefit")
    )
    directory_user = models.OneToOneField(
        DirectoryUser,
        on_delete=models.PROTECT,
        related_name="credit_assignment",
        verbose_name=_("directory user"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    organization_path = "benefit__organization"
    objects = PageCacheQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit assignment")
        verbose_name_plural = _("credit assignments")
        ordering = ["benefit", "directory_user__display_name"]

    def __str__(self) -> str:
        return f"{self.directory_user.display_name} — {self.benefit.product.name}"

    def clean(self) -> None:
        if self.benefit_id is None or self.directory_user_id is None:
            return
        if not self.benefit.is_usage_based:
            raise ValidationError({"benefit": NOT_CREDIT})
        if self.directory_user.tenant.organization_id != self.benefit.organization_id:
            raise ValidationError({"directory_user": OTHER_ORGANIZATION})
